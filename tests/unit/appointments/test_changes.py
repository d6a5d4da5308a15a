"""Changes: cancel and reschedule release and take the slot, the day counter and the reminders in
one transaction; the cut-off; a citizen reaches only her own appointments."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.errors import Conflict, NotFound
from chalicelib.models.appointment_reminders import Reminder
from chalicelib.models.appointment_slots import Slot
from chalicelib.models.appointments import Appointment
from chalicelib.models.citizen_days import CitizenDay, day_key
from chalicelib.services.appointments import booking, changes
from tests.unit.appointments.helpers import NOW, Session


def test_cancel_releases_slot_and_day_and_reschedule_moves_both(svc):
    citizen = Session("111111111")
    appointment, _ = booking.book(citizen, svc.service_id, "2026-11-24T09:00", now=NOW)
    # WHEN rescheduled to another day
    moved = changes.reschedule(citizen, appointment.appointment_id, "2026-11-25T10:00", now=NOW)
    # THEN the old slot and day are released and the new ones taken
    assert moved.status == "rescheduled" and moved.start == "2026-11-25T10:00" and moved.version == 2
    assert Slot.get(svc.service_id, "2026-11-24T09:00").booked == 0
    assert Slot.get(svc.service_id, "2026-11-25T10:00").booked == 1
    assert CitizenDay.get(day_key(citizen.taxid, svc.service_id, "2026-11-24")).count == 0
    assert CitizenDay.get(day_key(citizen.taxid, svc.service_id, "2026-11-25")).count == 1
    # WHEN cancelled THEN everything is released and the history tells the story
    cancelled = changes.cancel_by_citizen(citizen, appointment.appointment_id, now=NOW)
    assert Slot.get(svc.service_id, "2026-11-25T10:00").booked == 0
    assert CitizenDay.get(day_key(citizen.taxid, svc.service_id, "2026-11-25")).count == 0
    assert [h["status"] for h in cancelled.history] == ["booked", "rescheduled", "cancelled_by_citizen"]
    # AND what each change answered is what it stored
    assert Appointment.get(appointment.appointment_id).serialize() == cancelled.serialize()


def test_reschedule_within_the_day_and_to_a_full_slot(svc):
    citizen = Session("111111111")
    appointment, _ = booking.book(citizen, svc.service_id, "2026-11-24T09:00", now=NOW)
    booking.book(Session("222222222"), svc.service_id, "2026-11-24T12:00", now=NOW)
    booking.book(Session("333333333"), svc.service_id, "2026-11-24T12:00", now=NOW)
    # WHEN moved within the same day THEN the day counter is untouched and it works
    moved = changes.reschedule(citizen, appointment.appointment_id, "2026-11-24T10:00", now=NOW)
    assert moved.start == "2026-11-24T10:00"
    assert CitizenDay.get(day_key(citizen.taxid, svc.service_id, "2026-11-24")).count == 1
    # WHEN moved to a full slot THEN slot_full and nothing changed
    with pytest.raises(Conflict) as full:
        changes.reschedule(citizen, appointment.appointment_id, "2026-11-24T12:00", now=NOW)
    assert full.value.code == "slot_full"
    assert Appointment.get(appointment.appointment_id).start == "2026-11-24T10:00"
    assert Slot.get(svc.service_id, "2026-11-24T10:00").booked == 1


def test_cutoff_and_inactive_rules(svc):
    citizen = Session("111111111")
    appointment, _ = booking.book(citizen, svc.service_id, "2026-11-24T09:00", now=NOW)
    # WHEN the citizen cancels 30 minutes before (cut-off 60) THEN cutoff_passed
    late = datetime(2026, 11, 24, 6, 30, tzinfo=UTC)
    with pytest.raises(Conflict) as exc:
        changes.cancel_by_citizen(citizen, appointment.appointment_id, now=late)
    assert exc.value.code == "cutoff_passed"
    # WHEN cancelled twice THEN the second is refused
    changes.cancel_by_citizen(citizen, appointment.appointment_id, now=NOW)
    with pytest.raises(Conflict) as again:
        changes.cancel_by_citizen(citizen, appointment.appointment_id, now=NOW)
    assert again.value.code == "appointment_not_active"


def test_a_change_based_on_an_old_version_loses(svc):
    # GIVEN two readers of the same appointment
    citizen = Session("111111111")
    appointment, _ = booking.book(citizen, svc.service_id, "2026-11-24T09:00", now=NOW)
    stale = Appointment.get(appointment.appointment_id)
    # WHEN one moves it, and the other then cancels from what it had read
    changes.reschedule(citizen, appointment.appointment_id, "2026-11-24T10:00", now=NOW)
    with pytest.raises(Conflict) as lost:
        changes.cancel(stale, "cancelled_by_citizen", "citizen", None, NOW)
    # THEN the second answers appointment_changed and changed nothing
    assert lost.value.code == "appointment_changed"
    assert Appointment.get(appointment.appointment_id).status == "rescheduled"
    assert Slot.get(svc.service_id, "2026-11-24T10:00").booked == 1


def test_citizens_never_see_each_others_appointments(svc):
    appointment, _ = booking.book(Session("111111111"), svc.service_id, "2026-11-24T09:00", now=NOW)
    # WHEN another citizen asks for it, cancels or reschedules it THEN 404
    for action in (
        lambda: booking.get_own(Session("222222222"), appointment.appointment_id),
        lambda: changes.cancel_by_citizen(Session("222222222"), appointment.appointment_id, now=NOW),
        lambda: changes.reschedule(
            Session("222222222"), appointment.appointment_id, "2026-11-24T10:00", now=NOW
        ),
    ):
        with pytest.raises(NotFound):
            action()
    assert booking.mine(Session("222222222")) == []
    assert [a.appointment_id for a in booking.mine(Session("111111111"))] == [appointment.appointment_id]


def test_reminders_are_written_with_the_booking_and_replaced_on_reschedule(svc):
    citizen = Session("111111111")
    appointment, _ = booking.book(citizen, svc.service_id, "2026-11-25T09:00", now=NOW)
    # THEN one row per offset (24 h and 2 h before), in the due hour's bucket
    rows = list(Reminder.query("2026-11-24T07")) + list(Reminder.query("2026-11-25T05"))
    assert sorted(r.offset_minutes for r in rows) == [120, 1440]
    # WHEN rescheduled THEN the old rows are gone and new ones exist
    changes.reschedule(citizen, appointment.appointment_id, "2026-11-26T09:00", now=NOW)
    assert list(Reminder.query("2026-11-24T07")) == []
    assert len(list(Reminder.query("2026-11-25T07"))) == 1
    # WHEN cancelled THEN none are left
    changes.cancel_by_citizen(citizen, appointment.appointment_id, now=NOW)
    assert list(Reminder.query("2026-11-25T07")) == [] and list(Reminder.query("2026-11-26T05")) == []
