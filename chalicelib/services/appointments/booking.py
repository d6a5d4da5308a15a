"""Booking that never overbooks, and the citizen's own appointments.

A booking (DESIGN invariant 1) is one ``TransactWriteItems`` (the items: ``ledger.py``):

1. the slot item: ``booked`` ADD 1 on ``booked < capacity``;
2. the citizen's day counter for the service: ``count`` ADD 1 on ``count < max_per_day``;
3. the citizen's upcoming appointments: the id ADDed on ``size(upcoming) < max_upcoming_appointments``;
4. the appointment: put on ``attribute_not_exists(appointment_id)``;
5. its reminders (one row per reminder offset).

The appointment's id is derived from (citizen, ``Idempotency-Key``), and the transaction's
``ClientRequestToken`` from the id, so every send of the same booking is one booking: a resend of
a transaction that went through succeeds and changes nothing (DynamoDB, ten minutes), a later
request with the key meets the appointment (``attribute_not_exists`` fails, or the token was used
with other values) and answers it as booked before (``created`` False, HTTP 200). Otherwise a
cancelled transaction says which condition failed: the slot (409 ``slot_full``), the day counter
(409 ``daily_limit_reached``) or the upcoming set (409 ``upcoming_limit_reached``, after the ids
of appointments that have started are pruned and the booking tried once more). A time that is not
a slot of the service, is closed or is outside the booking window is refused before any write
(409 ``slot_not_bookable``).

Reads: the service comes from the catalogue's per-container cache, so a booking is one write
request and no read.

Example::

    appointment, created = book(session, "kep-certificates", "2026-11-24T09:30",
                                subject="", notes="", idempotency_key="k1")

Limitation: the key is per citizen and kept forever (the appointment's id), so a key reused for
another booking answers the first one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib import ddb
from chalicelib.clock import local, utcnow
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.appointments import ACTIVE, Appointment
from chalicelib.services.appointments import ledger
from chalicelib.services.appointments.catalogue import find_service, get_service, point_of
from chalicelib.services.appointments.opening_hours import LOCAL_FORMAT
from chalicelib.services.appointments.slots import bookable_slot

TOKEN_USED = "IdempotentParameterMismatchException"  # the token went through with other values
TOKEN_IN_FLIGHT = "TransactionInProgressException"  # the same booking is being written right now


def book(
    session: Any,
    service_id: str,
    start: str,
    *,
    subject: str = "",
    notes: str = "",
    idempotency_key: str | None = None,
    notify: list[str] | None = None,
    now: datetime | None = None,
) -> tuple[Appointment, bool]:
    """Book ``start`` of ``service_id`` for the signed-in citizen. Returns (appointment, created);
    ``created`` is False when the same ``idempotency_key`` booked it already. ``notify``: the
    channels chosen for its messages (``None``: the profile's choices; ``citizens.reachable``)."""
    now = now or utcnow()
    service = get_service(service_id)
    slot = bookable_slot(service, start, now)
    appointment_id = ledger.appointment_id_for(session.taxid, idempotency_key)
    reminders = ledger.reminder_rows(appointment_id, slot.start, 1, now)
    appointment = Appointment(
        appointment_id,
        reference=ledger.reference_for(appointment_id),
        taxid=session.taxid,
        citizen_name=getattr(session, "name", "") or "",
        service_id=service.service_id,
        department_id=service.department_id,
        service_point_id=service.service_point_id,
        start=slot.key,
        slot_start=slot.start,
        slot_end=slot.end,
        subject=subject or "",
        notes=notes or "",
        notify=list(notify) if notify is not None else None,
        status="booked",
        version=1,
        history=[ledger.history_entry("booked", now, "citizen", start=slot.key)],
        created_at=now,
        updated_at=now,
        reminder_keys=ledger.reminder_keys(reminders),
    )

    def build(tx: ddb.Tx) -> None:
        ledger.take_slot(tx, service, slot.key)
        ledger.take_day(tx, service, session.taxid, slot.key[:10])
        ledger.take_upcoming(tx, session.taxid, appointment_id)
        tx.save("appointment", appointment, condition=Appointment.appointment_id.does_not_exist())
        ledger.save_reminders(tx, reminders)

    try:
        ledger.transact(build, token=ledger.booking_token(appointment_id))
    except ddb.TxFailed as exc:
        if "appointment" in exc.failed:
            return _booked_before(appointment_id), False
        if exc.failed != {"upcoming"} or not ledger.prune_upcoming(session.taxid, now):
            raise ledger.conflict_for(exc.failed) from None
        # some held appointments had started and were pruned: once more, a send of its own
        ledger.commit(build, token=ledger.booking_token(appointment_id, attempt=2))
    except TransactWriteError as exc:
        if exc.cause_response_code == TOKEN_USED:
            return _booked_before(appointment_id), False
        if exc.cause_response_code == TOKEN_IN_FLIGHT:
            raise Conflict("This booking is being made right now; try again.", code="slot_busy") from None
        raise
    return appointment, True


def _booked_before(appointment_id: str) -> Appointment:
    return Appointment.get(appointment_id, consistent_read=True)


# -- the citizen's own appointments ---------------------------------------------------------------
def mine(session: Any, *, upcoming_only: bool = False, now: datetime | None = None) -> list[Appointment]:
    """The citizen's appointments, newest slot first (one Query on ``by_citizen``)."""
    now = now or utcnow()
    condition = None
    if upcoming_only:
        condition = Appointment.start >= local(now).strftime(LOCAL_FORMAT)
    return list(Appointment.by_citizen.query(session.taxid, condition, scan_index_forward=False, limit=200))


def get_own(session: Any, appointment_id: str) -> Appointment:
    """The citizen's appointment; 404 when it does not exist or is someone else's (invariant 4)."""
    try:
        appointment = Appointment.get(appointment_id, consistent_read=True)
    except Appointment.DoesNotExist:
        appointment = None
    if appointment is None or appointment.taxid != session.taxid:
        raise NotFound("No such appointment.", code="appointment_not_found")
    return appointment


def appointment_public(
    appointment: Appointment, now: datetime | None = None, *, with_point: bool = True
) -> dict[str, Any]:
    """The appointment as its citizen sees it; ``can_change`` while before the service's cut-off.
    ``with_point=False`` leaves out the service point's card (staff lists do not show it)."""
    now = now or utcnow()
    service = find_service(appointment.service_id)
    if service is None:
        names = {
            "service_name_el": appointment.service_id,
            "service_name_en": appointment.service_id,
            "point": {},
        }
    else:
        names = {
            "service_name_el": service.name_el,
            "service_name_en": service.name_en,
            "point": point_of(service) if with_point else {},
        }
    can_change = False
    if appointment.status in ACTIVE and service is not None:
        can_change = now <= appointment.slot_start - timedelta(minutes=int(service.cancel_cutoff_minutes))
    return {
        "appointment_id": appointment.appointment_id,
        "reference": appointment.reference,
        "service_id": appointment.service_id,
        **names,
        "department_id": appointment.department_id,
        "service_point_id": appointment.service_point_id,
        "start": appointment.start,
        "starts_at": local(appointment.slot_start).isoformat(),
        "ends_at": local(appointment.slot_end).isoformat(),
        "subject": appointment.subject or "",
        "notes": appointment.notes or "",
        "status": appointment.status,
        "notify": appointment.notify,
        "staff_comment": appointment.staff_comment,
        "cancel_reason": appointment.cancel_reason,
        "version": int(appointment.version),
        "history": appointment.history or [],
        "can_change": can_change,
    }
