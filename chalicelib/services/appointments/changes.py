"""Changing a booked appointment: the citizen cancels or moves it; staff cancel it (``staff.py``).

Each change is one transaction (DESIGN invariant 1) conditioned on the appointment's ``version``
and on its being active, so two changes cannot both win (the loser gets 409
``appointment_changed``):

- cancel: the status and history, and the slot, the day counter and the upcoming set released,
  the reminder rows deleted;
- reschedule: the new slot taken and the old one released (the day counters too when the day
  changes), the reminder rows replaced.

A citizen may change an appointment until the service's cut-off before it (409 ``cutoff_passed``).

Example::

    moved = reschedule(session, appointment_id, "2026-11-25T10:00")
    cancelled = cancel_by_citizen(session, appointment_id)

Limitation: a reschedule carries no ``Idempotency-Key``; a retried one whose first send went
through answers 409 ``same_slot`` (the appointment is already there).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib import ddb
from chalicelib.clock import utcnow
from chalicelib.errors import Conflict
from chalicelib.models.appointments import ACTIVE, Appointment
from chalicelib.models.service_catalog import Service
from chalicelib.services.appointments import ledger
from chalicelib.services.appointments.booking import get_own
from chalicelib.services.appointments.catalogue import get_service
from chalicelib.services.appointments.slots import bookable_slot


def ensure_active(appointment: Appointment) -> None:
    if appointment.status not in ACTIVE:
        raise Conflict("This appointment is no longer active.", code="appointment_not_active")


def ensure_before_cutoff(appointment: Appointment, service: Service, now: datetime) -> None:
    cutoff = appointment.slot_start - timedelta(minutes=int(service.cancel_cutoff_minutes))
    if now > cutoff:
        raise Conflict("It is too late to change this appointment.", code="cutoff_passed")


def still_as_read(version: int) -> Any:
    """The condition of every change: nobody changed the appointment since it was read."""
    return (Appointment.version == version) & Appointment.status.is_in(*ACTIVE)


def apply(appointment: Appointment, **values: Any) -> Appointment:
    """``appointment`` with the values the transaction wrote (no read after the write)."""
    for name, value in values.items():
        setattr(appointment, name, value)
    return appointment


def cancel(appointment: Appointment, status: str, by: str, reason: str | None, now: datetime) -> Appointment:
    """Cancel ``appointment`` (``cancelled_by_citizen`` or ``cancelled_by_staff``), releasing all
    it holds, in one transaction."""
    history = [*appointment.history, ledger.history_entry(status, now, by, reason=reason)]
    version = int(appointment.version)

    def build(tx: ddb.Tx) -> None:
        tx.update(
            "appointment",
            appointment,
            actions=[
                Appointment.status.set(status),
                Appointment.version.set(version + 1),
                Appointment.history.set(history),
                Appointment.cancel_reason.set(reason) if reason else Appointment.cancel_reason.remove(),
                Appointment.updated_at.set(now),
                Appointment.reminder_keys.set([]),
            ],
            condition=still_as_read(version),
        )
        ledger.release_slot(tx, appointment.service_id, appointment.start)
        ledger.release_day(tx, appointment, now)
        ledger.release_upcoming(tx, appointment)
        ledger.delete_reminders(tx, appointment)

    ledger.commit(build)
    return apply(
        appointment,
        status=status,
        version=version + 1,
        history=history,
        cancel_reason=reason,
        updated_at=now,
        reminder_keys=[],
    )


def cancel_by_citizen(session: Any, appointment_id: str, now: datetime | None = None) -> Appointment:
    now = now or utcnow()
    appointment = get_own(session, appointment_id)
    ensure_active(appointment)
    service = get_service(appointment.service_id, include_inactive=True)
    ensure_before_cutoff(appointment, service, now)
    return cancel(appointment, "cancelled_by_citizen", "citizen", None, now)


def reschedule(session: Any, appointment_id: str, start: str, now: datetime | None = None) -> Appointment:
    """Move the citizen's appointment to ``start``: one transaction releases the old slot (and day)
    and takes the new one, replacing the reminders."""
    now = now or utcnow()
    appointment = get_own(session, appointment_id)
    ensure_active(appointment)
    service = get_service(appointment.service_id)
    ensure_before_cutoff(appointment, service, now)
    slot = bookable_slot(service, start, now)
    if slot.key == appointment.start:
        raise Conflict("The appointment is already at this time.", code="same_slot")
    version = int(appointment.version)
    history = [
        *appointment.history,
        ledger.history_entry("rescheduled", now, "citizen", start=slot.key, previous=appointment.start),
    ]
    reminders = ledger.reminder_rows(appointment.appointment_id, slot.start, version + 1, now)
    same_day = slot.key[:10] == appointment.start[:10]

    def build(tx: ddb.Tx) -> None:
        tx.update(
            "appointment",
            appointment,
            actions=[
                Appointment.status.set("rescheduled"),
                Appointment.start.set(slot.key),
                Appointment.slot_start.set(slot.start),
                Appointment.slot_end.set(slot.end),
                Appointment.version.set(version + 1),
                Appointment.history.set(history),
                Appointment.updated_at.set(now),
                Appointment.reminder_keys.set(ledger.reminder_keys(reminders)),
            ],
            condition=still_as_read(version),
        )
        ledger.take_slot(tx, service, slot.key)
        if not same_day:
            ledger.take_day(tx, service, appointment.taxid, slot.key[:10])
        ledger.release_slot(tx, appointment.service_id, appointment.start)
        if not same_day:
            ledger.release_day(tx, appointment, now)
        ledger.delete_reminders(tx, appointment)
        ledger.save_reminders(tx, reminders)

    ledger.commit(build)
    return apply(
        appointment,
        status="rescheduled",
        start=slot.key,
        slot_start=slot.start,
        slot_end=slot.end,
        version=version + 1,
        history=history,
        updated_at=now,
        reminder_keys=ledger.reminder_keys(reminders),
    )
