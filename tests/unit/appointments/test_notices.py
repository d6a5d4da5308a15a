"""Appointment notices: confirmation, change and cancellation from the appointments stream (to the
outbox, at most once per record), and the reminders from the schedule: 24 hours and 2 hours
before, once each, skipped when cancelled, and still sent when runs of the schedule were missed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.clock import utcnow
from chalicelib.models.appointments import Appointment
from chalicelib.models.citizens import Citizen
from chalicelib.models.outbox import OutboxMessage
from chalicelib.services.appointments import booking, changes, notices, staff
from chalicelib.services.platform import staff_auth
from chalicelib.services.platform import stream_router as streams
from tests.events import stream_event, stream_record
from tests.unit.appointments.helpers import NOW, Session, make_service

# Maria's appointment (the ``booked`` fixture): 25/11/2026 09:00 Athens = 07:00 UTC
DUE_24H = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
DUE_2H = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)


def _outbox(kind: str | None = None) -> list[OutboxMessage]:
    """The outbox rows written today and yesterday (the rows' day is the real one: a test that
    runs across midnight finds them too), oldest first."""
    now = utcnow()
    days = {(now - timedelta(days=n)).strftime("%Y-%m-%d") for n in (0, 1)}
    rows = [row for day in days for row in OutboxMessage.by_day.query(day)]
    return sorted((r for r in rows if kind is None or r.kind == kind), key=lambda m: m.created_key)


def _deliver(record):
    return streams.handle_batch(stream_event([record]))


def _image(appointment: Appointment) -> Appointment:
    """A copy of the appointment as it is now: the old image of the change that comes next."""
    return Appointment.from_raw_data(appointment.serialize())


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
    # GIVEN the appointment as it was before each change (the old image a stream record carries)
    before_move = _image(booked)
    # WHEN the citizen reschedules THEN a reschedule notice for the new version
    moved = changes.reschedule(Session("111111111"), booked.appointment_id, "2026-11-26T10:00", now=NOW)
    assert (before_move.version, moved.version) == (1, 2)
    _deliver(stream_record(moved, before_move, event_name="MODIFY"))
    assert [r.kind for r in _outbox() if r.channel == "email"] == ["appointment.rescheduled"]
    # WHEN staff cancel with a reason THEN the cancellation notice gives the reason
    before_cancel = _image(moved)
    clerk = staff_auth.verify(make_staff("clerk", "kep"))
    cancelled = staff.cancel_by_staff(clerk, booked.appointment_id, "Η υπάλληλος απουσιάζει", now=NOW)
    assert (before_cancel.version, before_cancel.status, cancelled.version) == (2, "rescheduled", 3)
    _deliver(stream_record(cancelled, before_cancel, event_name="MODIFY"))
    sms = [r for r in _outbox("appointment.cancelled") if r.channel == "sms"]
    assert len(sms) == 1 and "H YΠAΛΛHΛOΣ AΠOYΣIAZEI" in sms[0].body  # in GSM 03.38 (platform/gsm7.py)


def test_a_record_that_changed_no_version_sends_nothing(booked):
    # GIVEN a MODIFY whose old and new images have the same version (no status change)
    _deliver(stream_record(booked, _image(booked), event_name="MODIFY"))
    # THEN nothing is sent
    assert _outbox() == []


def test_completion_sends_nothing(booked, make_staff):
    clerk = staff_auth.verify(make_staff("clerk", "kep"))
    before = _image(booked)
    done = staff.complete(clerk, booked.appointment_id, "ok", now=NOW)
    _deliver(stream_record(done, before, event_name="MODIFY"))
    assert _outbox() == []


# -- reminders ------------------------------------------------------------------------------------
def _reminder_sources() -> list[str]:
    return sorted({r.source for r in _outbox("appointment.reminder")})


def test_reminders_are_sent_when_due_once_each_and_skip_cancelled(booked):
    # GIVEN reminders due 24/11 07:00 and 25/11 05:00 UTC
    # WHEN the schedule runs before anything is due THEN nothing is sent
    assert notices.send_due_reminders(DUE_24H - timedelta(minutes=10))["sent"] == 0
    # WHEN it runs after the 24-hour reminder is due, twice
    first = notices.send_due_reminders(DUE_24H + timedelta(minutes=5))
    second = notices.send_due_reminders(DUE_24H + timedelta(minutes=20))
    # THEN exactly one reminder (email + SMS) was enqueued
    assert first["sent"] == 1 and second["sent"] == 0
    assert len(_outbox("appointment.reminder")) == 2
    # WHEN the appointment is cancelled THEN the 2-hour reminder never goes
    changes.cancel_by_citizen(Session("111111111"), booked.appointment_id, now=NOW)
    later = notices.send_due_reminders(DUE_2H + timedelta(minutes=10))
    assert later["sent"] == 0
    assert len(_outbox("appointment.reminder")) == 2


def test_the_two_hour_reminder_is_sent_too(booked):
    # GIVEN the 24-hour reminder went out
    assert notices.send_due_reminders(DUE_24H + timedelta(minutes=5))["sent"] == 1
    # WHEN the schedule runs just before, then just after the 2-hour reminder is due
    assert notices.send_due_reminders(DUE_2H - timedelta(minutes=1))["sent"] == 0
    sent = notices.send_due_reminders(DUE_2H + timedelta(minutes=1))
    # THEN the 2-hour reminder is sent, by email and SMS, once
    assert sent == {"sent": 1, "skipped": 0}
    assert notices.send_due_reminders(DUE_2H + timedelta(minutes=16))["sent"] == 0
    prefix = f"appointments#{booked.appointment_id}#reminder"
    assert _reminder_sources() == [f"{prefix}#120#v1", f"{prefix}#1440#v1"]
    two_hours = [r for r in _outbox("appointment.reminder") if "#120#" in r.source]
    assert sorted(r.channel for r in two_hours) == ["email", "sms"]
    assert "A reminder of your appointment." in two_hours[0].body and booked.reference in two_hours[0].body


def test_reminders_are_sent_after_missed_runs_of_the_schedule(aws):
    # GIVEN three appointments booked after their 24-hour reminders were due, whose 2-hour
    # reminders fall due at 05:00, 05:30 and 06:15 UTC (two due hours)
    make_service(capacity=3, max_per_day=3)
    Citizen(
        "111111111",
        first_name="ΜΑΡΙΑ",
        last_name="ΠΑΠΑΔΟΠΟΥΛΟΥ",
        email="maria@example.gr",
        notify_email=True,
        notify_sms=False,
    ).save()
    citizen = Session("111111111")
    booked_at = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    for n, start in enumerate(["2026-11-25T09:00", "2026-11-25T09:30", "2026-11-25T10:15"]):
        booking.book(citizen, "svc-test", start, idempotency_key=f"k{n}", now=booked_at)
    # AND the schedule ran at 04:55 UTC and then did not fire for more than an hour
    assert notices.send_due_reminders(datetime(2026, 11, 25, 4, 55, tzinfo=UTC))["sent"] == 0
    # WHEN the next run comes at 06:20 UTC
    late = notices.send_due_reminders(datetime(2026, 11, 25, 6, 20, tzinfo=UTC))
    # THEN every reminder that fell due meanwhile is sent, once
    assert late == {"sent": 3, "skipped": 0}
    assert len([s for s in _reminder_sources() if "#120#" in s]) == 3
    assert notices.send_due_reminders(datetime(2026, 11, 25, 6, 35, tzinfo=UTC))["sent"] == 0
    assert len(_outbox("appointment.reminder")) == 3


def test_reminder_schedule_is_registered_every_15_minutes():
    from app import app

    # WHEN the app's event sources are read THEN send_reminders runs every 15 minutes
    source = next(e for e in app.event_sources if getattr(e, "name", None) == "send_reminders")
    assert source.schedule_expression.to_string() == "rate(15 minutes)"
