"""Appointment notifications (stream -> outbox), reminders (due-time index), proof and .ics, and the
staff API (department rule, complete, no-show, cancel with reason, service edits)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import bearer
from tests.events import stream_event, stream_record
from tests.unit.test_appointments import ALL_WEEK, NOW, Session, make_service, next_open_slot


@pytest.fixture
def booked(aws):
    from chalicelib.models.citizens import Citizen
    from chalicelib.services.appointments import booking as appointments

    make_service()
    Citizen(
        "111111111",
        first_name="ΜΑΡΙΑ",
        last_name="ΠΑΠΑΔΟΠΟΥΛΟΥ",
        email="maria@example.gr",
        mobile="+306900000001",
        notify_email=True,
        notify_sms=True,
        language="en",
    ).save()
    appointment, _ = appointments.book(Session("111111111"), "svc-test", "2026-11-25T09:00", now=NOW)
    return appointment


def _outbox():
    from chalicelib.models.outbox import OutboxMessage

    return sorted(
        OutboxMessage.by_day.query(datetime.now(UTC).strftime("%Y-%m-%d")), key=lambda m: m.created_key
    )


def _deliver(record):
    from chalicelib.services.platform import stream_router as streams

    return streams.handle_batch(stream_event([record]))


# -- notifications --------------------------------------------------------------------------------
def test_confirmation_email_and_sms_with_ics_once_even_when_delivered_twice(booked):
    # GIVEN the INSERT record of a booking
    record = stream_record(booked, event_name="INSERT")
    # WHEN it is delivered twice
    assert _deliver(record) == {"batchItemFailures": []}
    _deliver(record)
    # THEN one email (with the .ics, in the citizen's language) and one SMS
    rows = _outbox()
    assert sorted(r.channel for r in rows) == ["email", "sms"]
    email = next(r for r in rows if r.channel == "email")
    assert email.kind == "appointment.booked" and booked.reference in email.subject
    assert "Appointment confirmed" in email.subject and "Please bring: Identity card" in email.body
    assert email.attachments[0]["filename"].endswith(".ics")
    assert "BEGIN:VCALENDAR" in email.attachments[0]["content"]


def test_reschedule_and_staff_cancellation_notices_carry_the_change(booked, make_staff):
    from chalicelib.services.appointments import booking as appointments
    from chalicelib.services.platform import staff_auth

    old = booked
    # WHEN the citizen reschedules THEN a reschedule notice for the new version
    moved = appointments.reschedule(Session("111111111"), old.appointment_id, "2026-11-26T10:00", now=NOW)
    from chalicelib.models.appointments import Appointment

    old_image = Appointment.from_raw_data(old.serialize())
    old_image.version = 1
    _deliver(stream_record(moved, old_image, event_name="MODIFY"))
    kinds = [r.kind for r in _outbox() if r.channel == "email"]
    assert kinds == ["appointment.rescheduled"]
    # WHEN staff cancel with a reason THEN the cancellation notice gives the reason
    staff = staff_auth.verify(make_staff("clerk", "kep"))
    cancelled = appointments.cancel_by_staff(staff, old.appointment_id, "Η υπάλληλος απουσιάζει", now=NOW)
    before = Appointment.get(old.appointment_id)
    before.version = 2
    _deliver(stream_record(cancelled, before, event_name="MODIFY"))
    sms = [r for r in _outbox() if r.kind == "appointment.cancelled" and r.channel == "sms"]
    assert len(sms) == 1 and "Η υπάλληλος απουσιάζει" in sms[0].body


def test_completion_sends_nothing(booked, make_staff):
    from chalicelib.models.appointments import Appointment
    from chalicelib.services.appointments import booking as appointments
    from chalicelib.services.platform import staff_auth

    staff = staff_auth.verify(make_staff("clerk", "kep"))
    done = appointments.complete(staff, booked.appointment_id, "ok", now=NOW)
    _deliver(stream_record(done, Appointment.from_raw_data(booked.serialize()), event_name="MODIFY"))
    assert _outbox() == []


# -- reminders ------------------------------------------------------------------------------------
def test_reminders_are_sent_when_due_once_each_and_skip_cancelled(booked):
    from chalicelib.services.appointments import booking as appointments
    from chalicelib.services.appointments import notices as appointment_notices

    # GIVEN an appointment on 25/11 09:00 Athens (07:00 UTC): reminders due 24/11 07:00 and 25/11 05:00 UTC
    # WHEN the schedule runs before anything is due THEN nothing is sent
    assert appointment_notices.send_due_reminders(datetime(2026, 11, 24, 6, 50, tzinfo=UTC))["sent"] == 0
    # WHEN it runs after the 24-hour reminder is due, twice
    first = appointment_notices.send_due_reminders(datetime(2026, 11, 24, 7, 5, tzinfo=UTC))
    second = appointment_notices.send_due_reminders(datetime(2026, 11, 24, 7, 20, tzinfo=UTC))
    # THEN exactly one reminder (email + SMS) was enqueued
    assert first["sent"] == 1 and second["sent"] == 0
    assert len([r for r in _outbox() if r.kind == "appointment.reminder"]) == 2
    # WHEN the appointment is cancelled THEN the 2-hour reminder never goes
    appointments.cancel_by_citizen(Session("111111111"), booked.appointment_id, now=NOW)
    later = appointment_notices.send_due_reminders(datetime(2026, 11, 25, 5, 10, tzinfo=UTC))
    assert later["sent"] == 0
    assert len([r for r in _outbox() if r.kind == "appointment.reminder"]) == 2


def test_reminder_schedule_is_registered_every_15_minutes():
    from app import app

    # WHEN the app's event sources are read THEN send_reminders runs every 15 minutes
    source = next(e for e in app.event_sources if getattr(e, "name", None) == "send_reminders")
    assert source.schedule_expression.to_string() == "rate(15 minutes)"


# -- proof and calendar ---------------------------------------------------------------------------
def test_ics_is_valid_with_athens_timezone_location_and_alarm(booked):
    from icalendar import Calendar

    from chalicelib.services.appointments import booking as appointments
    from chalicelib.services.appointments import documents as appointment_documents

    text = appointment_documents.ics(booked, appointments.get_service("svc-test"), "el")
    cal = Calendar.from_ical(text)
    tz = cal.walk("VTIMEZONE")[0]
    event = cal.walk("VEVENT")[0]
    assert tz["TZID"] == "Europe/Athens"
    assert event["DTSTART"].dt == datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/Athens"
    assert "Οδός 1" in str(event["LOCATION"])
    assert event.walk("VALARM")[0]["TRIGGER"].dt == timedelta(hours=-2)
    assert booked.reference in str(event["SUMMARY"])
    assert "DTSTAMP" in event and "UID" in event


@pytest.fixture
def citizen_booking(client, make_citizen):
    make_service("svc-api", capacity=1, max_per_day=2, hours=ALL_WEEK)
    token = make_citizen("123456789")
    start = next_open_slot(client, token, "svc-api")
    resp = client.http.post(
        "/api/appointments",
        headers={**bearer(token), "Content-Type": "application/json"},
        body=json.dumps({"service_id": "svc-api", "start": start}),
    )
    assert resp.status_code == 201
    return token, resp.json_body


def test_proof_and_calendar_over_http_only_for_the_owner(client, make_citizen, citizen_booking):
    token, appointment = citizen_booking
    base = f"/api/appointments/{appointment['appointment_id']}"
    # WHEN the owner downloads the proof and the .ics
    proof = client.http.get(f"{base}/proof?lang=en", headers=bearer(token))
    ics = client.http.get(f"{base}/calendar.ics", headers=bearer(token))
    # THEN the proof is HTML with the QR (SVG) and the reference; the .ics is a calendar attachment
    assert proof.status_code == 200 and proof.headers["Content-Type"].startswith("text/html")
    html = proof.body.decode() if isinstance(proof.body, bytes) else proof.body
    assert appointment["reference"] in html and "<svg" in html and "Identity card" in html
    assert ics.status_code == 200 and ics.headers["Content-Type"].startswith("text/calendar")
    assert "attachment" in ics.headers["Content-Disposition"]
    # AND another citizen gets 404
    other = make_citizen("987654321")
    assert client.http.get(f"{base}/proof", headers=bearer(other)).status_code == 404
    assert client.http.get(f"{base}/calendar.ics", headers=bearer(other)).status_code == 404


# -- staff ----------------------------------------------------------------------------------------
def test_staff_list_complete_no_show_cancel_within_their_department(client, make_staff, citizen_booking):
    _, appointment = citizen_booking
    day = appointment["start"][:10]
    clerk = make_staff("clerk", "kep")
    outsider = make_staff("clerk", "roads")
    # WHEN a clerk of the department lists the day THEN the appointment is there with the citizen
    listing = client.http.get(f"/api/staff/appointments?from={day}&to={day}", headers=bearer(clerk))
    assert listing.status_code == 200
    rows = listing.json_body["appointments"]
    assert [r["appointment_id"] for r in rows] == [appointment["appointment_id"]]
    assert rows[0]["taxid"] == "123456789"
    # AND the filters work
    none = client.http.get(f"/api/staff/appointments?from={day}&status=completed", headers=bearer(clerk))
    assert none.json_body["appointments"] == []
    # WHEN a clerk of another department tries THEN 403
    assert (
        client.http.get("/api/staff/appointments?department_id=kep", headers=bearer(outsider)).status_code
        == 403
    )
    path = f"/api/staff/appointments/{appointment['appointment_id']}"
    assert client.http.post(f"{path}/complete", headers=bearer(outsider)).status_code == 403
    # WHEN the clerk completes it with a comment THEN completed, comment kept, history grows
    done = client.http.post(
        f"{path}/complete",
        headers={**bearer(clerk), "Content-Type": "application/json"},
        body=json.dumps({"comment": "Εκδόθηκε το πιστοποιητικό"}),
    )
    assert done.status_code == 200, done.body
    assert done.json_body["status"] == "completed"
    assert done.json_body["staff_comment"] == "Εκδόθηκε το πιστοποιητικό"
    assert [h["status"] for h in done.json_body["history"]] == ["booked", "completed"]
    # AND it cannot then be cancelled or marked no-show
    assert client.http.post(f"{path}/no-show", headers=bearer(clerk)).status_code == 409
    # AND the day list prints it
    printed = client.http.get(f"/api/staff/appointments/day-list?date={day}", headers=bearer(clerk))
    html = printed.body.decode() if isinstance(printed.body, bytes) else printed.body
    assert printed.status_code == 200 and appointment["reference"] in html


def test_staff_cancel_needs_a_reason_and_releases_the_slot(client, make_staff, citizen_booking):
    _, appointment = citizen_booking
    clerk = make_staff("clerk", "kep")
    path = f"/api/staff/appointments/{appointment['appointment_id']}/cancel"
    headers = {**bearer(clerk), "Content-Type": "application/json"}
    assert client.http.post(path, headers=headers, body=json.dumps({})).status_code == 400
    resp = client.http.post(path, headers=headers, body=json.dumps({"reason": "Βλάβη συστήματος"}))
    assert resp.status_code == 200 and resp.json_body["status"] == "cancelled_by_staff"
    assert resp.json_body["cancel_reason"] == "Βλάβη συστήματος"
    day = appointment["start"][:10]
    avail = client.http.get(f"/api/services/svc-api/availability?from={day}&to={day}").json_body
    assert {s["start"]: s["remaining"] for s in avail["days"][0]["slots"]}[appointment["start"]] == 1


def test_manager_edits_hours_exceptions_capacity_and_limits(client, make_staff, aws):
    make_service("svc-api", capacity=1, hours=ALL_WEEK)
    manager = make_staff("manager", "kep")
    clerk = make_staff("clerk", "kep")
    other = make_staff("manager", "roads")
    headers = {**bearer(manager), "Content-Type": "application/json"}
    tomorrow = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    change = {
        "capacity": 3,
        "max_per_day": 2,
        "hours": {"1": [["09:00", "12:00"]]},
        "exceptions": {tomorrow: []},
    }
    # WHEN a manager of the department edits THEN the service changes and availability follows
    resp = client.http.put("/api/staff/services/svc-api", headers=headers, body=json.dumps(change))
    assert resp.status_code == 200, resp.body
    assert resp.json_body["capacity"] == 3 and resp.json_body["exceptions"] == {tomorrow: []}
    avail = client.http.get(f"/api/services/svc-api/availability?from={tomorrow}&to={tomorrow}").json_body
    assert avail["days"][0]["slots"] == [] and avail["days"][0]["open"] is False
    # AND a clerk may not, another department's manager gets 403, bad hours are 400
    assert (
        client.http.put(
            "/api/staff/services/svc-api",
            headers={**bearer(clerk), "Content-Type": "application/json"},
            body=json.dumps({"capacity": 2}),
        ).status_code
        == 403
    )
    assert (
        client.http.put(
            "/api/staff/services/svc-api",
            headers={**bearer(other), "Content-Type": "application/json"},
            body=json.dumps({"capacity": 2}),
        ).status_code
        == 403
    )
    bad = client.http.put(
        "/api/staff/services/svc-api",
        headers=headers,
        body=json.dumps({"hours": {"1": [["12:00", "09:00"]]}}),
    )
    assert bad.status_code == 400
    assert (
        client.http.get("/api/staff/services", headers=bearer(clerk)).json_body["services"][0]["capacity"]
        == 3
    )
