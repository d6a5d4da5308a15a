"""Check-in of an appointment holder on arrival: the reference typed, or read from the QR code of
the printed proof, at the kiosk or at the counter.

The appointment must be booked, today, at this service point. The ticket goes to the queue of
the service point that serves the appointment's service (else the point's first queue), with the
slot's start time, so the order rule of ``services/live_queue/tickets.py`` calls it within its slot. One ticket
per appointment: its id is derived from the appointment id, so checking in twice (a double scan)
shows the same ticket again.

The appointment is found through ``find_appointment`` (the appointments' reference-code index);
the domain takes the lookup as an argument, so tests can pass their own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.errors import Conflict, NotFound
from chalicelib.models.base import utcnow
from chalicelib.models.queue import QueueTicket
from chalicelib.services.live_queue import tickets as q
from chalicelib.services.platform import audit

BOOKED = ("booked", "rescheduled", "confirmed")


@dataclass(frozen=True)
class BookedAppointment:
    """What check-in needs to know of an appointment."""

    appointment_id: str
    reference: str
    status: str
    service_id: str | None
    service_point_id: str | None
    department_id: str | None
    slot_start: datetime
    slot_end: datetime | None = None
    taxid: str | None = None
    mobile: str | None = None
    language: str | None = None


Lookup = Callable[[str], "BookedAppointment | None"]


def normalise_reference(raw: str) -> str:
    """``"  abc-123 "`` or a URL ending in the reference (from a QR) -> ``"ABC-123"``."""
    text = raw.strip()
    if "/" in text or "=" in text:
        text = re.split(r"[/=?#&]", text.rstrip("/"))[-1] or text
    return re.sub(r"\s+", "", text).upper()


def find_appointment(reference: str) -> BookedAppointment | None:
    """The appointment with this reference, through the appointments' reference-code index."""
    from chalicelib.services.live_queue import appointments as queue_appointments

    return queue_appointments.find_by_reference(reference)


def ticket_id_for(appointment_id: str) -> str:
    return "ap" + hashlib.sha256(f"queue-ticket|{appointment_id}".encode()).hexdigest()[:22]


def check_in(
    service_point_id: str,
    reference: str,
    *,
    mobile: str | None = None,
    language: str | None = None,
    staff: Any = None,
    now: datetime | None = None,
    lookup: Lookup | None = None,
) -> tuple[QueueTicket, bool]:
    """Returns the ticket and whether it existed already (a second check-in)."""
    from chalicelib.access import ensure_department
    from chalicelib.services.platform.citizens import normalise_mobile

    now = now or utcnow()
    appointment = (lookup or find_appointment)(normalise_reference(reference))
    if appointment is None:
        raise NotFound("No appointment with this reference.", code="appointment_not_found")
    if staff is not None:
        ensure_department(staff, appointment.department_id)
    if appointment.service_point_id and appointment.service_point_id != service_point_id:
        raise Conflict("This appointment is at another service point.", code="wrong_service_point")
    if q.local_day(appointment.slot_start) != q.local_day(now):
        raise Conflict("This appointment is not today.", code="appointment_not_today")
    ticket_id = ticket_id_for(appointment.appointment_id)
    try:
        return QueueTicket.get(ticket_id, consistent_read=True), True
    except QueueTicket.DoesNotExist:
        pass
    if appointment.status not in BOOKED:
        raise Conflict("This appointment is not booked.", code="appointment_not_booked")
    queues = q.queues_of_point(service_point_id)
    if not queues:
        raise NotFound("No queues at this service point.", code="service_point_not_found")
    queue = next((x for x in queues if appointment.service_id in (x.service_ids or [])), queues[0])
    try:
        ticket = q.new_ticket(
            queue,
            now=now,
            kind="appointment",
            mobile=normalise_mobile(mobile) or appointment.mobile,
            language=language or appointment.language or "el",
            service_id=appointment.service_id
            if appointment.service_id in (queue.service_ids or [])
            else None,
            ticket_id=ticket_id,
            appointment={
                "appointment_id": appointment.appointment_id,
                "reference": appointment.reference,
                "slot_start": appointment.slot_start,
                "slot_end": appointment.slot_end,
            },
        )
    except Exception as exc:  # a simultaneous second check-in won the conditional put
        if "ConditionalCheckFailed" in str(exc):
            return QueueTicket.get(ticket_id, consistent_read=True), True
        raise
    if staff is not None:  # checked in by staff at the desk (the kiosk's own check-in is no staff write)
        audit.note(
            staff,
            "queue_ticket",
            ticket.ticket_id,
            action="queue.check_in",
            after={"code": ticket.code, "appointment_id": appointment.appointment_id},
        )
    return ticket, False
