"""Appointments: schedule and holidays, availability, booking invariants, cancel and reschedule.

GIVEN / WHEN / THEN. Times are fixed (``NOW`` is Monday 23 November 2026, 08:00 in Athens) and
passed to the domain functions; HTTP tests use the real clock and find a slot through availability.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import bearer

TZ = ZoneInfo("Europe/Athens")
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # Monday 08:00 Athens
WEEKDAYS = {str(d): [["08:00", "11:00"], ["11:30", "14:00"]] for d in range(1, 6)}


class Session:
    def __init__(self, taxid: str, name: str = "ΜΑΡΙΑ ΠΑΠΑΔΟΠΟΥΛΟΥ"):
        self.taxid = taxid
        self.name = name


def make_service(service_id="svc-test", department_id="kep", **fields):
    from chalicelib.models.service_catalog import Service
    from chalicelib.services.appointments import booking as appointments

    values = dict(
        department_id=department_id,
        name_el="Βεβαίωση",
        name_en="Certificate",
        service_point_id="kep-dimarxeio",
        point={
            "name_el": "ΚΕΠ",
            "name_en": "KEP",
            "address_el": "Οδός 1",
            "address_en": "Street 1",
            "lat": 37.93,
            "lng": 23.70,
        },
        documents=[{"name_el": "Ταυτότητα", "name_en": "Identity card", "where_el": "", "where_en": ""}],
        duration_minutes=15,
        slot_minutes=15,
        capacity=2,
        min_notice_minutes=60,
        max_days_ahead=30,
        cancel_cutoff_minutes=60,
        max_per_day=1,
        hours=WEEKDAYS,
        exceptions={},
        active=True,
    )
    values.update(fields)
    service = Service(service_id, **values)
    service.save()
    appointments.forget_services()
    return service


@pytest.fixture
def svc(aws):
    return make_service()


# -- holidays and schedule ------------------------------------------------------------------------
def test_orthodox_easter_and_movable_holidays_are_computed():
    from chalicelib.services.platform.holidays import holiday_name, is_holiday, orthodox_easter

    # GIVEN known Orthodox Easter dates  WHEN computed  THEN they match
    assert orthodox_easter(2024) == date(2024, 5, 5)
    assert orthodox_easter(2025) == date(2025, 4, 20)
    assert orthodox_easter(2026) == date(2026, 4, 12)
    assert orthodox_easter(2027) == date(2027, 5, 2)
    # AND the movable holidays follow it
    assert holiday_name(date(2026, 2, 23), "en") == "Clean Monday"
    assert holiday_name(date(2026, 4, 10), "en") == "Good Friday"
    assert holiday_name(date(2026, 4, 13), "en") == "Easter Monday"
    assert holiday_name(date(2026, 6, 1), "en") == "Holy Spirit Monday"
    assert is_holiday(date(2026, 10, 28)) and is_holiday(date(2026, 3, 25))
    assert not is_holiday(date(2026, 11, 24))


def test_slots_follow_hours_breaks_holidays_and_exceptions(svc):
    from chalicelib.services.appointments import opening_hours as schedule

    # WHEN the slots of a Tuesday are listed
    keys = [s.key for s in schedule.day_slots(svc, date(2026, 11, 24))]
    # THEN they run 08:00-10:45 and 11:30-13:45, nothing in the break
    assert keys[0] == "2026-11-24T08:00" and keys[-1] == "2026-11-24T13:45"
    assert "2026-11-24T11:00" not in keys and "2026-11-24T11:15" not in keys
    assert len(keys) == 12 + 10
    # AND Clean Monday, a weekend and a closure have none; an exception opens a holiday
    assert schedule.day_slots(svc, date(2026, 2, 23)) == []
    assert schedule.day_slots(svc, date(2026, 11, 28)) == []
    svc.exceptions = {"2026-11-25": [], "2026-10-28": [["09:00", "10:00"]]}
    assert schedule.day_slots(svc, date(2026, 11, 25)) == []
    assert [s.key for s in schedule.day_slots(svc, date(2026, 10, 28))][0] == "2026-10-28T09:00"


def test_slots_are_correct_across_daylight_saving(svc):
    from chalicelib.services.appointments import opening_hours as schedule

    # GIVEN a service open around the clock on Sundays (DST changes happen on Sunday at 03:00/04:00)
    svc.hours = {"7": [["00:00", "06:00"]]}
    svc.slot_minutes = svc.duration_minutes = 60
    # WHEN the spring-forward day is listed THEN 03:00 does not exist and 04:00 is 01:00 UTC
    spring = {s.key: s.start for s in schedule.day_slots(svc, date(2026, 3, 29))}
    assert "2026-03-29T03:00" not in spring
    assert spring["2026-03-29T02:00"] == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert spring["2026-03-29T04:00"] == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    # AND on the fall-back day 03:00 appears once
    autumn = [s.key for s in schedule.day_slots(svc, date(2026, 10, 25))]
    assert autumn.count("2026-10-25T03:00") == 1
    # AND a winter slot is UTC+2, a summer one UTC+3
    winter = schedule.find_slot(make_service(), "2026-11-24T09:00")
    summer = schedule.find_slot(make_service(), "2026-07-14T09:00")
    assert winter.start.hour == 7 and summer.start.hour == 6


# -- availability ---------------------------------------------------------------------------------
def test_availability_honours_notice_window_and_booked_counts(svc):
    from chalicelib.services.appointments import booking as appointments

    # GIVEN one booking at 09:00 tomorrow
    appointments.book(Session("111111111"), svc.service_id, "2026-11-24T09:00", now=NOW)
    # WHEN availability is asked for today and tomorrow
    result = appointments.availability(svc.service_id, "2026-11-23", "2026-11-24", now=NOW)
    today, tomorrow = result["days"]
    # THEN today's slots start after the minimum notice (08:00 + 60 min)
    assert today["slots"][0]["start"] == "2026-11-23T09:00"
    # AND the booked slot has one place left of two
    by_start = {s["start"]: s for s in tomorrow["slots"]}
    assert by_start["2026-11-24T09:00"]["remaining"] == 1
    assert by_start["2026-11-24T09:15"]["remaining"] == 2
    assert by_start["2026-11-24T09:00"]["starts_at"] == "2026-11-24T09:00:00+02:00"
    # AND days beyond the window are cut off, the past is never shown
    far = appointments.availability(svc.service_id, "2026-11-01", "2027-03-01", now=NOW)
    assert far["from"] == "2026-11-23" and far["to"] == "2026-12-23"


def test_availability_is_one_query(svc):
    from chalicelib.services.appointments import booking as appointments

    # GIVEN the service is cached
    appointments.availability(svc.service_id, "2026-11-24", "2026-11-24", now=NOW)
    # WHEN availability is asked again, counting DynamoDB calls
    with count_calls() as calls:
        appointments.availability(svc.service_id, "2026-11-24", "2026-11-30", now=NOW)
    # THEN it made exactly one Query
    assert calls == ["Query"]


# -- booking --------------------------------------------------------------------------------------
def test_booking_is_one_write_request_and_returns_a_reference(svc):
    from chalicelib.services.appointments import booking as appointments

    appointments.get_service(svc.service_id)
    # WHEN a citizen books
    with count_calls() as calls:
        appointment, created = appointments.book(
            Session("111111111"), svc.service_id, "2026-11-24T09:00", subject="Πιστοποιητικό", now=NOW
        )
    # THEN one TransactWriteItems and no read
    assert calls == ["TransactWriteItems"]
    assert created and appointment.status == "booked"
    assert len(appointment.reference) == 8 and set(appointment.reference) <= set(
        appointments.REFERENCE_ALPHABET
    )
    assert appointment.slot_start == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)


def test_same_idempotency_key_books_once(svc):
    from chalicelib.models.appointment_slots import Slot
    from chalicelib.services.appointments import booking as appointments

    # WHEN the same request is sent twice with one key
    first, created1 = appointments.book(
        Session("111111111"), svc.service_id, "2026-11-24T09:00", idempotency_key="k-1", now=NOW
    )
    second, created2 = appointments.book(
        Session("111111111"), svc.service_id, "2026-11-24T09:00", idempotency_key="k-1", now=NOW
    )
    # THEN the second returns the first and the slot counts one
    assert created1 and not created2
    assert second.appointment_id == first.appointment_id
    assert Slot.get(svc.service_id, "2026-11-24T09:00").booked == 1


def test_full_slot_daily_limit_and_not_bookable_have_distinct_codes(svc):
    from chalicelib.errors import Conflict
    from chalicelib.services.appointments import booking as appointments

    # GIVEN a slot of capacity 2, filled by two citizens
    appointments.book(Session("111111111"), svc.service_id, "2026-11-24T09:00", now=NOW)
    appointments.book(Session("222222222"), svc.service_id, "2026-11-24T09:00", now=NOW)
    # WHEN a third books it THEN slot_full
    with pytest.raises(Conflict) as full:
        appointments.book(Session("333333333"), svc.service_id, "2026-11-24T09:00", now=NOW)
    assert full.value.code == "slot_full"
    # WHEN the first books another slot the same day THEN daily_limit_reached (max 1 per day)
    with pytest.raises(Conflict) as limit:
        appointments.book(Session("111111111"), svc.service_id, "2026-11-24T10:00", now=NOW)
    assert limit.value.code == "daily_limit_reached"
    # WHEN a time is not a slot, in the break, on a holiday, too soon or too far THEN slot_not_bookable
    for start in (
        "2026-11-24T09:07",
        "2026-11-24T11:00",
        "2026-12-25T09:00",
        "2026-11-23T08:30",
        "2027-01-20T09:00",
        "garbage",
    ):
        with pytest.raises(Conflict) as bad:
            appointments.book(Session("444444444"), svc.service_id, start, now=NOW)
        assert bad.value.code == "slot_not_bookable", start


def test_cancel_releases_slot_and_day_and_reschedule_moves_both(svc):
    from chalicelib.models.appointment_slots import Slot
    from chalicelib.models.citizen_days import CitizenDay, day_key
    from chalicelib.services.appointments import booking as appointments

    citizen = Session("111111111")
    appointment, _ = appointments.book(citizen, svc.service_id, "2026-11-24T09:00", now=NOW)
    # WHEN rescheduled to another day
    moved = appointments.reschedule(citizen, appointment.appointment_id, "2026-11-25T10:00", now=NOW)
    # THEN the old slot and day are released and the new ones taken
    assert moved.status == "rescheduled" and moved.start == "2026-11-25T10:00" and moved.version == 2
    assert Slot.get(svc.service_id, "2026-11-24T09:00").booked == 0
    assert Slot.get(svc.service_id, "2026-11-25T10:00").booked == 1
    assert CitizenDay.get(day_key(citizen.taxid, svc.service_id, "2026-11-24")).count == 0
    assert CitizenDay.get(day_key(citizen.taxid, svc.service_id, "2026-11-25")).count == 1
    # WHEN cancelled THEN everything is released and the history tells the story
    cancelled = appointments.cancel_by_citizen(citizen, appointment.appointment_id, now=NOW)
    assert Slot.get(svc.service_id, "2026-11-25T10:00").booked == 0
    assert CitizenDay.get(day_key(citizen.taxid, svc.service_id, "2026-11-25")).count == 0
    assert [h["status"] for h in cancelled.history] == ["booked", "rescheduled", "cancelled_by_citizen"]


def test_reschedule_within_the_day_and_to_a_full_slot(svc):
    from chalicelib.errors import Conflict
    from chalicelib.models.appointment_slots import Slot
    from chalicelib.models.appointments import Appointment
    from chalicelib.services.appointments import booking as appointments

    citizen = Session("111111111")
    appointment, _ = appointments.book(citizen, svc.service_id, "2026-11-24T09:00", now=NOW)
    appointments.book(Session("222222222"), svc.service_id, "2026-11-24T12:00", now=NOW)
    appointments.book(Session("333333333"), svc.service_id, "2026-11-24T12:00", now=NOW)
    # WHEN moved within the same day THEN the day counter is untouched and it works
    moved = appointments.reschedule(citizen, appointment.appointment_id, "2026-11-24T10:00", now=NOW)
    assert moved.start == "2026-11-24T10:00"
    # WHEN moved to a full slot THEN slot_full and nothing changed
    with pytest.raises(Conflict) as full:
        appointments.reschedule(citizen, appointment.appointment_id, "2026-11-24T12:00", now=NOW)
    assert full.value.code == "slot_full"
    assert Appointment.get(appointment.appointment_id).start == "2026-11-24T10:00"
    assert Slot.get(svc.service_id, "2026-11-24T10:00").booked == 1


def test_cutoff_and_inactive_rules(svc):
    from chalicelib.errors import Conflict
    from chalicelib.services.appointments import booking as appointments

    citizen = Session("111111111")
    appointment, _ = appointments.book(citizen, svc.service_id, "2026-11-24T09:00", now=NOW)
    # WHEN the citizen cancels 30 minutes before (cut-off 60) THEN cutoff_passed
    late = datetime(2026, 11, 24, 6, 30, tzinfo=UTC)
    with pytest.raises(Conflict) as exc:
        appointments.cancel_by_citizen(citizen, appointment.appointment_id, now=late)
    assert exc.value.code == "cutoff_passed"
    # WHEN cancelled twice THEN the second is refused
    appointments.cancel_by_citizen(citizen, appointment.appointment_id, now=NOW)
    with pytest.raises(Conflict) as again:
        appointments.cancel_by_citizen(citizen, appointment.appointment_id, now=NOW)
    assert again.value.code == "appointment_not_active"


def test_citizens_never_see_each_others_appointments(svc):
    from chalicelib.errors import NotFound
    from chalicelib.services.appointments import booking as appointments

    appointment, _ = appointments.book(Session("111111111"), svc.service_id, "2026-11-24T09:00", now=NOW)
    # WHEN another citizen asks for it, cancels or reschedules it THEN 404
    for action in (
        lambda: appointments.get_own(Session("222222222"), appointment.appointment_id),
        lambda: appointments.cancel_by_citizen(Session("222222222"), appointment.appointment_id, now=NOW),
        lambda: appointments.reschedule(
            Session("222222222"), appointment.appointment_id, "2026-11-24T10:00", now=NOW
        ),
    ):
        with pytest.raises(NotFound):
            action()
    assert appointments.mine(Session("222222222")) == []
    assert [a.appointment_id for a in appointments.mine(Session("111111111"))] == [appointment.appointment_id]


def test_reminders_are_written_with_the_booking_and_replaced_on_reschedule(svc):
    from chalicelib.models.appointment_reminders import Reminder
    from chalicelib.services.appointments import booking as appointments

    citizen = Session("111111111")
    appointment, _ = appointments.book(citizen, svc.service_id, "2026-11-25T09:00", now=NOW)
    # THEN one row per offset (24 h and 2 h before), in the due hour's bucket
    rows = list(Reminder.query("2026-11-24T07")) + list(Reminder.query("2026-11-25T05"))
    assert sorted(r.offset_minutes for r in rows) == [120, 1440]
    # WHEN rescheduled THEN the old rows are gone and new ones exist
    appointments.reschedule(citizen, appointment.appointment_id, "2026-11-26T09:00", now=NOW)
    assert list(Reminder.query("2026-11-24T07")) == []
    assert len(list(Reminder.query("2026-11-25T07"))) == 1
    # WHEN cancelled THEN none are left
    appointments.cancel_by_citizen(citizen, appointment.appointment_id, now=NOW)
    assert list(Reminder.query("2026-11-25T07")) == [] and list(Reminder.query("2026-11-26T05")) == []


def test_reference_index_serves_the_live_queue(svc):
    from chalicelib.services.appointments import booking as appointments
    from chalicelib.services.live_queue import appointments as queue_appointments

    appointment, _ = appointments.book(Session("111111111"), svc.service_id, "2026-11-24T09:00", now=NOW)
    # WHEN the queue looks the reference up
    found = queue_appointments.find_by_reference(appointment.reference)
    # THEN it finds the appointment with its service point, department and UTC slot start
    assert found.appointment_id == appointment.appointment_id
    assert found.service_point_id == "kep-dimarxeio" and found.department_id == "kep"
    assert found.slot_start == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    assert found.status == "booked"


# -- helpers --------------------------------------------------------------------------------------
class count_calls:  # noqa: N801 - used as a context manager
    """Count DynamoDB requests in this block with botocore event hooks (``before-call``) on every
    client the appointments code uses: each model's connection and the transaction connection."""

    def __enter__(self):
        from chalicelib.models import all_models
        from chalicelib.services.appointments import booking as appointments

        self.calls: list[str] = []
        clients = {id(c): c for c in [m._get_connection().connection.client for m in all_models()]}
        tx_client = appointments._conn().client
        clients[id(tx_client)] = tx_client
        self.clients = list(clients.values())
        for c in self.clients:
            c.meta.events.register("before-call.dynamodb", self._record)
        return self.calls

    def _record(self, model, **_):
        self.calls.append(model.name)

    def __exit__(self, *exc):
        for c in self.clients:
            c.meta.events.unregister("before-call.dynamodb", self._record)
        return False


def next_open_slot(client, token, service_id, skip=0):
    """The first bookable slot of ``service_id`` from tomorrow (real clock), via the API."""
    start = (datetime.now(TZ) + timedelta(days=1)).date()
    resp = client.http.get(
        f"/api/services/{service_id}/availability?from={start}&to={start + timedelta(days=14)}",
        headers=bearer(token),
    )
    assert resp.status_code == 200, resp.body
    slots = [s for d in resp.json_body["days"] for s in d["slots"] if s["remaining"] > 0]
    return slots[skip]["start"]


# -- the HTTP API ---------------------------------------------------------------------------------
ALL_WEEK = {str(d): [["08:00", "14:00"]] for d in range(1, 8)}


@pytest.fixture
def api_service(aws):
    return make_service("svc-api", capacity=1, max_per_day=2, hours=ALL_WEEK)


def test_api_book_list_get_reschedule_cancel(client, make_citizen, api_service):
    token = make_citizen("123456789")
    start = next_open_slot(client, token, "svc-api")
    # WHEN the citizen books with an Idempotency-Key
    headers = {**bearer(token), "Content-Type": "application/json", "Idempotency-Key": "abc"}
    body = {"service_id": "svc-api", "start": start, "subject": "Βεβαίωση μόνιμης κατοικίας"}
    resp = client.http.post("/api/appointments", headers=headers, body=__import__("json").dumps(body))
    # THEN 201 with a reference; the same request again answers 200 with the same appointment
    assert resp.status_code == 201, resp.body
    booked = resp.json_body
    assert booked["status"] == "booked" and len(booked["reference"]) == 8 and booked["can_change"]
    again = client.http.post("/api/appointments", headers=headers, body=__import__("json").dumps(body))
    assert again.status_code == 200 and again.json_body["appointment_id"] == booked["appointment_id"]
    # AND the slot is gone from availability (capacity 1)
    day = start[:10]
    avail = client.http.get(f"/api/services/svc-api/availability?from={day}&to={day}").json_body
    assert {s["start"]: s["remaining"] for s in avail["days"][0]["slots"]}[start] == 0
    # WHEN another citizen books the same slot THEN 409 slot_full
    other = make_citizen("987654321")
    full = client.http.post(
        "/api/appointments",
        headers={**bearer(other), "Content-Type": "application/json"},
        body=__import__("json").dumps({"service_id": "svc-api", "start": start}),
    )
    assert full.status_code == 409 and full.json_body["error"]["code"] == "slot_full"
    # AND the other citizen cannot see it
    assert (
        client.http.get(f"/api/appointments/{booked['appointment_id']}", headers=bearer(other)).status_code
        == 404
    )
    # WHEN rescheduled THEN the list shows the new time
    new_start = next_open_slot(client, token, "svc-api")
    moved = client.http.post(
        f"/api/appointments/{booked['appointment_id']}/reschedule",
        headers={**bearer(token), "Content-Type": "application/json"},
        body=__import__("json").dumps({"start": new_start}),
    )
    assert moved.status_code == 200 and moved.json_body["status"] == "rescheduled"
    mine = client.http.get("/api/appointments", headers=bearer(token)).json_body["appointments"]
    assert [a["start"] for a in mine] == [new_start]
    # WHEN cancelled THEN status cancelled_by_citizen
    cancelled = client.http.post(
        f"/api/appointments/{booked['appointment_id']}/cancel", headers=bearer(token)
    )
    assert cancelled.status_code == 200 and cancelled.json_body["status"] == "cancelled_by_citizen"


def test_api_bad_input_and_not_bookable(client, make_citizen, api_service):
    import json

    token = make_citizen("123456789")
    headers = {**bearer(token), "Content-Type": "application/json"}
    # WHEN the body is invalid THEN 400 with the error shape
    bad = client.http.post("/api/appointments", headers=headers, body=json.dumps({"service_id": "svc-api"}))
    assert bad.status_code == 400 and bad.json_body["error"]["code"] == "validation_failed"
    # WHEN the time is not a slot THEN 409 slot_not_bookable; unknown service 404
    resp = client.http.post(
        "/api/appointments",
        headers=headers,
        body=json.dumps({"service_id": "svc-api", "start": "2020-01-01T09:00"}),
    )
    assert resp.status_code == 409 and resp.json_body["error"]["code"] == "slot_not_bookable"
    missing = client.http.post(
        "/api/appointments",
        headers=headers,
        body=json.dumps({"service_id": "nope", "start": "2030-01-01T09:00"}),
    )
    assert missing.status_code == 404
    # WHEN not signed in THEN 401
    assert client.http.get("/api/appointments").status_code == 401
    # AND availability with a bad date is 400
    assert client.http.get("/api/services/svc-api/availability?from=2026-02-31").status_code == 400


def test_api_catalogue_lists_services_by_department(client, api_service):
    from chalicelib.models.org import Department

    Department("kep", name_el="ΚΕΠ", name_en="KEP").save()
    # WHEN the catalogue is asked THEN the service is there with its department's names
    services = client.http.get("/api/services").json_body["services"]
    assert [s["service_id"] for s in services] == ["svc-api"]
    assert services[0]["department_name_en"] == "KEP" and services[0]["documents"]
    assert client.http.get("/api/services?department_id=roads").json_body["services"] == []
    assert client.http.get("/api/services/svc-api").json_body["point"]["lat"] == 37.93


def test_demo_services_are_bookable_with_points_and_documents(aws):
    from datetime import date

    from chalicelib.services.appointments import opening_hours as schedule
    from devstack.demo import appointments as demo
    from devstack.demo import org, queue

    # WHEN the demo data is seeded twice
    demo.seed()
    report = demo.seed()
    # THEN at least 8 services, across several departments of the demo org chart
    from chalicelib.services.appointments import booking as appointments

    services = appointments.catalogue()
    assert report["services"] == len(services) >= 8
    departments = {d[0] for d in org.DEPARTMENTS}
    assert {s.department_id for s in services} <= departments and len(
        {s.department_id for s in services}
    ) >= 5
    # AND the queue's demo services and points exist here
    queue_services = {sid for *_, ids in queue.QUEUES for sid in ids}
    assert queue_services <= {s.service_id for s in services}
    for service in services:
        # each has a point in the Athens area, documents in both languages, slots on a Tuesday
        assert 37.8 < service.point["lat"] < 38.1 and 23.6 < service.point["lng"] < 23.9
        assert all(d["name_el"] and d["name_en"] for d in service.documents)
        assert schedule.day_slots(service, date(2026, 11, 24)), service.service_id
