"""Absences move capacity: an absence on a day with bookings lowers that day's availability and
flags the appointments beyond it; staff move them (only then is the citizen told) or get cover."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from tests.conftest import bearer
from tests.unit.appointments.helpers import Session, make_service

JSON = {"Content-Type": "application/json"}


def _future_weekday(offset: int = 3) -> str:
    from chalicelib.services.backoffice.stats import TZ
    from chalicelib.services.platform.holidays import is_holiday

    day = datetime.now(TZ).date() + timedelta(days=offset)
    while day.isoweekday() > 5 or is_holiday(day):
        day += timedelta(days=1)
    return day.isoformat()


@pytest.fixture
def kep(aws):
    from chalicelib.models.org import Employee

    for number, name in (("E1", "Άννα"), ("E2", "Βασίλης"), ("E3", "Γιάννης")):
        Employee(
            number, username=name, full_name=name, email=f"{number}@t.gr", department_id="kep", role="clerk"
        ).save()
    service = make_service(capacity=2)
    day = _future_weekday()
    from chalicelib.services import appointments

    booked = [
        appointments.book(Session("100000001"), service.service_id, f"{day}T09:00")[0],
        appointments.book(Session("100000002"), service.service_id, f"{day}T09:00")[0],
        appointments.book(Session("100000003"), service.service_id, f"{day}T10:00")[0],
    ]
    return service, day, booked


def _slots(result, day):
    return {
        s["start"][11:]: (s["capacity"], s["remaining"])
        for d in result["days"]
        if d["date"] == day
        for s in d["slots"]
    }


def _served_by_e1_e2(client, manager, service):
    """E1 and E2 serve the service: its capacity (2) follows them."""
    return client.http.put(
        f"/api/staff/staffing/services/{service.service_id}",
        headers=manager,
        body=json.dumps({"employee_numbers": ["E1", "E2"]}),
    )


def _absence(client, manager, number, day, kind="leave"):
    body = {"employee_number": number, "kind": kind, "start_day": day, "end_day": day}
    return client.http.post("/api/staff/absences", headers=manager, body=json.dumps(body))


def test_an_absence_lowers_availability_and_flags_the_excess(client, make_staff, kep):
    from chalicelib.models.appointments import Appointment
    from chalicelib.models.outbox import OutboxMessage
    from chalicelib.models.staffing import CapacityFlag
    from chalicelib.services import appointments
    from chalicelib.services.backoffice import staffing

    service, day, booked = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    # GIVEN two staff serve the service (capacity 2) and 09:00 is full
    resp = _served_by_e1_e2(client, manager, service)
    assert resp.status_code == 200, resp.json_body
    before = _slots(appointments.availability(service.service_id, day, day), day)
    assert before["09:00"] == (2, 0) and before["10:00"] == (2, 1) and before["10:30"] == (2, 2)
    # WHEN one of them is on leave that day
    resp = _absence(client, manager, "E1", day)
    assert resp.status_code == 200, resp.json_body
    # THEN that day's capacity is 1 and availability shows it
    after = _slots(appointments.availability(service.service_id, day, day), day)
    assert after["09:00"] == (1, 0) and after["10:00"] == (1, 0) and after["10:30"] == (1, 1)
    assert staffing.capacity_for(service, day) == 1
    next_day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    assert staffing.capacity_for(service, next_day) == 2
    # AND the one appointment beyond capacity at 09:00 (the later booked) is flagged, nothing else
    assert [f["appointment_id"] for f in resp.json_body["flagged"]] == [booked[1].appointment_id]
    # AND nobody was told anything yet: the appointment is unchanged, no message written
    assert Appointment.get(booked[1].appointment_id).version == 1
    assert list(OutboxMessage.scan()) == []
    # WHEN staff look at the flags THEN other slots and colleagues present are offered
    clerk = {**bearer(make_staff("clerk", "kep")), **JSON}
    [flag] = client.http.get("/api/staff/capacity-flags", headers=clerk).json_body["flags"]
    offered = flag["suggestions"]["slots"]
    assert offered and f"{day}T09:00" not in offered and f"{day}T10:00" not in offered
    assert [c["employee_number"] for c in flag["suggestions"]["colleagues"]] == ["E3"]
    assert (
        f"{day}T10:30" in staffing.suggestions(CapacityFlag.get(booked[1].appointment_id), limit=100)["slots"]
    )
    # WHEN a clerk confirms a move to an offered slot THEN the appointment moves and the flag closes
    resp = client.http.post(
        f"/api/staff/capacity-flags/{booked[1].appointment_id}/move",
        headers=clerk,
        body=json.dumps({"start": f"{day}T10:30"}),
    )
    assert resp.status_code == 200, resp.json_body
    moved = Appointment.get(booked[1].appointment_id)
    assert moved.start == f"{day}T10:30" and moved.status == "rescheduled"
    assert client.http.get("/api/staff/capacity-flags", headers=clerk).json_body["flags"] == []


def test_a_colleague_covering_restores_capacity(client, make_staff, kep):
    from chalicelib.services.backoffice import staffing

    service, day, booked = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    _served_by_e1_e2(client, manager, service)
    _absence(client, manager, "E2", day, "sickness")
    resp = client.http.post(
        f"/api/staff/capacity-flags/{booked[1].appointment_id}/cover",
        headers=manager,
        body=json.dumps({"employee_number": "E3"}),
    )
    assert resp.status_code == 200, resp.json_body
    assert resp.json_body["status"] == "covered"
    assert staffing.capacity_for(service, day) == 2


def test_removing_the_absence_brings_capacity_back_and_clears_flags(client, make_staff, kep):
    from chalicelib.models.staffing import CapacityFlag
    from chalicelib.services.backoffice import staffing

    service, day, booked = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    _served_by_e1_e2(client, manager, service)
    added = _absence(client, manager, "E1", day).json_body
    absence_id = added["absence"]["absence_id"]
    assert client.http.delete(f"/api/staff/absences/{absence_id}", headers=manager).status_code == 200
    assert staffing.capacity_for(service, day) == 2
    assert CapacityFlag.get(booked[1].appointment_id).status == "cleared"


def test_a_long_absence_reads_each_colleagues_absences_once_and_no_old_ones(
    client, make_staff, kep, monkeypatch
):
    from chalicelib.models.staffing import Absence, CapacityFlag, StaffingDay
    from chalicelib.services.backoffice import staffing

    service, day, _ = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    _served_by_e1_e2(client, manager, service)
    # GIVEN E1 has years of past leave on file
    first = date.fromisoformat(day)
    for n in range(30):
        start = (first - timedelta(days=400 + 40 * n)).isoformat()
        Absence(
            f"old{n}",
            employee_number="E1",
            department_id="kep",
            kind="leave",
            start_day=start,
            end_day=start,
            created_by="hr",
        ).save()
    queried, items, staffing_gets = [], [], []
    real_query, real_get = Absence.by_employee.query, StaffingDay.get

    def spy(number, *args, **kwargs):
        queried.append(number)
        for row in real_query(number, *args, **kwargs):
            items.append(row.absence_id)
            yield row

    monkeypatch.setattr(Absence.by_employee, "query", spy)
    flag_queries = []
    real_flags = CapacityFlag.by_department_status.query
    monkeypatch.setattr(
        CapacityFlag.by_department_status,
        "query",
        lambda *a, **k: flag_queries.append(a) or real_flags(*a, **k),
    )
    monkeypatch.setattr(
        StaffingDay, "get", classmethod(lambda cls, *a, **k: staffing_gets.append(a) or real_get(*a, **k))
    )
    # WHEN E1 is away for two weeks
    last = (first + timedelta(days=13)).isoformat()
    body = {"employee_number": "E1", "kind": "leave", "start_day": day, "end_day": last}
    resp = client.http.post("/api/staff/absences", headers=manager, body=json.dumps(body))
    assert resp.status_code == 200, resp.json_body
    # THEN each of the service's staff had their absences read once for all fourteen days,
    # none of the old ones, and no day's staffing was read one by one
    assert sorted(queried) == ["E1", "E2"]
    assert [i for i in items if i.startswith("old")] == []
    assert staffing_gets == []
    # AND the open flags were read once per day, not once per slot
    assert len(flag_queries) == 14
    # AND every one of those days has the capacity of one person, the day after two
    monkeypatch.undo()
    assert {staffing.capacity_for(service, d) for d in staffing._days(day, last)} == {1}
    assert staffing.capacity_for(service, (first + timedelta(days=14)).isoformat()) == 2


def test_staffed_capacity_writes_only_the_slots_that_change_and_leaves_no_empty_items(
    client, make_staff, kep
):
    from chalicelib.models.appointment_slots import Slot
    from chalicelib.services import appointments
    from chalicelib.services.appointments import opening_hours
    from chalicelib.services.backoffice import staffing

    service, day, _ = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    _served_by_e1_e2(client, manager, service)

    def items():
        rows = Slot.query(service.service_id, Slot.start.between(f"{day}T00:00", f"{day}T23:59"))
        return {r.start[11:]: (int(r.booked or 0), r.staffed) for r in rows}

    booked_only = items()
    assert booked_only == {"09:00": (2, None), "10:00": (1, None)}
    # WHEN E1 is away: every slot of the day carries the lowered capacity
    added = _absence(client, manager, "E1", day).json_body
    lowered = items()
    assert len(lowered) == len(opening_hours.day_slots(service, date.fromisoformat(day)))
    assert {staffed for _, staffed in lowered.values()} == {1}
    # AND publishing the same day again writes nothing
    assert appointments.set_staffed_capacity(service, day, staffing.capacity_for(service, day)) == 0
    # WHEN E1 is back THEN the value is gone from every slot, and the slots nobody booked that
    # were made only to hold it are left empty of everything but their keys and zero bookings
    absence_id = added["absence"]["absence_id"]
    assert client.http.delete(f"/api/staff/absences/{absence_id}", headers=manager).status_code == 200
    back = items()
    assert {staffed for _, staffed in back.values()} == {None}
    assert {k: v for k, v in back.items() if v[0]} == booked_only
    # AND a day that never changed writes nothing at all
    other = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    assert appointments.set_staffed_capacity(service, other, int(service.capacity)) == 0


def test_absences_import_is_all_or_nothing_and_departments_are_enforced(client, make_staff, kep):
    from chalicelib.models.staffing import Absence

    service, day, _ = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    bad = f"employee_number,kind,start_day,end_day,note\nE1,leave,{day},{day},\nE9,leave,{day},{day},\nE2,holiday,{day},{day},\n"
    resp = client.http.post("/api/staff/absences/import", headers=manager, body=json.dumps({"content": bad}))
    assert resp.status_code == 409
    assert [e["row"] for e in resp.json_body["error"]["details"]["errors"]] == [3, 4]
    assert list(Absence.scan()) == []
    good = f"employee_number,kind,start_day,end_day,note\nE1,leave,{day},{day},άδεια\n"
    resp = client.http.post("/api/staff/absences/import", headers=manager, body=json.dumps({"content": good}))
    assert resp.status_code == 200 and resp.json_body["imported"] == 1
    other = {**bearer(make_staff("manager", "roads")), **JSON}
    resp = _absence(client, other, "E1", day)
    assert resp.status_code == 403


def test_flags_of_one_day_read_their_suggestions_once(client, make_staff, kep, monkeypatch):
    from chalicelib.models.appointment_slots import Slot
    from chalicelib.services import appointments
    from chalicelib.services.backoffice import staffing

    service, day, _ = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    _served_by_e1_e2(client, manager, service)
    # GIVEN 09:00 and 10:00 full (2 of 2) and an absence that leaves room for 1: two flags that day
    appointments.book(Session("100000004"), service.service_id, f"{day}T10:00")
    resp = _absence(client, manager, "E1", day)
    assert len(resp.json_body["flagged"]) == 2
    computed, slot_queries = [], []
    real_suggestions, real_query = staffing.suggestions, Slot.query
    monkeypatch.setattr(staffing, "suggestions", lambda flag: computed.append(flag) or real_suggestions(flag))
    monkeypatch.setattr(
        Slot, "query", classmethod(lambda cls, *a, **k: slot_queries.append(a) or real_query(*a, **k))
    )
    # WHEN staff list the flags
    clerk = {**bearer(make_staff("clerk", "kep")), **JSON}
    flags = client.http.get("/api/staff/capacity-flags", headers=clerk).json_body["flags"]
    # THEN both carry the day's suggestions, worked out once, with the booked slots read once
    assert len(flags) == 2 and flags[0]["suggestions"] == flags[1]["suggestions"]
    offered = flags[0]["suggestions"]["slots"]
    assert offered and not {f"{day}T09:00", f"{day}T10:00"} & set(offered)
    assert len(computed) == 1 and len(slot_queries) == 1


def test_citizens_see_and_can_book_only_the_capacity_of_the_staff_present(client, make_staff, kep):
    """The public availability and booking follow absences too, not only the staff views: after
    an absence nobody can book past the lowered capacity (which would only make a new flag)."""
    from chalicelib.errors import Conflict
    from chalicelib.services import appointments

    service, day, _ = kep
    manager = {**bearer(make_staff("manager", "kep")), **JSON}
    assert _served_by_e1_e2(client, manager, service).status_code == 200
    # GIVEN 10:00 has one of two places booked
    public = client.http.get(f"/api/services/{service.service_id}/availability?from={day}&to={day}")
    assert _slots(public.json_body, day)["10:00"] == (2, 1)
    # WHEN E1 is on leave that day
    assert _absence(client, manager, "E1", day).status_code == 200
    # THEN citizens see 10:00 full and 10:30 with one place
    public = client.http.get(f"/api/services/{service.service_id}/availability?from={day}&to={day}")
    assert public.status_code == 200
    assert _slots(public.json_body, day)["10:00"] == (1, 0) and _slots(public.json_body, day)["10:30"] == (
        1,
        1,
    )
    # AND booking 10:00 is refused as full, 10:30 once and then full
    with pytest.raises(Conflict) as refused:
        appointments.book(Session("100000009"), service.service_id, f"{day}T10:00")
    assert refused.value.code == "slot_full"
    appointments.book(Session("100000010"), service.service_id, f"{day}T10:30")
    with pytest.raises(Conflict) as refused:
        appointments.book(Session("100000011"), service.service_id, f"{day}T10:30")
    assert refused.value.code == "slot_full"
    # AND another day keeps the configured capacity
    next_day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    later = client.http.get(f"/api/services/{service.service_id}/availability?from={next_day}&to={next_day}")
    assert {cap for cap, _ in _slots(later.json_body, next_day).values()} == {2}
    # WHEN E1 is back (the absence removed) THEN 10:30 has its second place again
    [absence] = client.http.get("/api/staff/absences", headers=manager).json_body["absences"]
    assert (
        client.http.delete(f"/api/staff/absences/{absence['absence_id']}", headers=manager).status_code == 200
    )
    appointments.book(Session("100000011"), service.service_id, f"{day}T10:30")
