"""Check-in of an appointment holder on arrival: the reference typed, or read from the QR code of
the printed proof, at the kiosk or at the counter.

The appointment must be booked, today, at this service point. The ticket goes to the line of the
service point that serves the appointment's service (else the point's first line), with the slot's
start time, so the order rule (``order.py``) calls it within its slot. One ticket per appointment:
its id is derived from the appointment id, so checking in twice (a double scan) shows the same
ticket again.

The appointment is found through ``lookup`` (by default ``appointments.find_by_reference``, the
appointments' reference-code index); tests pass their own.

Example::

    ticket, again = check_in("kep-dimarxeio", "https://.../a/KEP-7Q2X")   # again: a second scan

Limitation: the appointment's day is compared with today's in the municipality's time zone; an
appointment just after midnight cannot be checked in the evening before.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib import ddb
from chalicelib.access import ensure_department
from chalicelib.clock import local_day, utcnow
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.queue import APPOINTMENT, QueueTicket
from chalicelib.services.live_queue.appointments import BookedAppointment, find_by_reference
from chalicelib.services.live_queue.lines import lines_of_point
from chalicelib.services.live_queue.tickets import new_ticket, note, sms_mobile
from chalicelib.services.platform import limits

Lookup = Callable[[str], BookedAppointment | None]


def normalise_reference(raw: str) -> str:
    """``"  abc-123 "`` or a URL ending in the reference (from a QR) -> ``"ABC-123"``."""
    text = raw.strip()
    if "/" in text or "=" in text:
        text = re.split(r"[/=?#&]", text.rstrip("/"))[-1] or text
    return re.sub(r"\s+", "", text).upper()


def ticket_id_for(appointment_id: str) -> str:
    return "ap" + hashlib.sha256(f"queue-ticket|{appointment_id}".encode()).hexdigest()[:22]


def check_in(
    service_point_id: str,
    reference: str,
    *,
    mobile: str | None = None,
    language: str | None = None,
    staff: Any = None,
    client: str | None = None,
    now: datetime | None = None,
    lookup: Lookup = find_by_reference,
) -> tuple[QueueTicket, bool]:
    """Returns the ticket and whether it existed already (a second check-in). At the kiosk each
    try takes a token of the ``client``'s bucket (``check_in_client``) before the reference is
    looked up, so references cannot be guessed at speed."""
    now = now or utcnow()
    if staff is None:
        limits.check_client("check_in_client", client, now=now)
    appointment = lookup(normalise_reference(reference))
    if appointment is None:
        raise NotFound("No appointment with this reference.", code="appointment_not_found")
    if staff is not None:
        ensure_department(staff, appointment.department_id)
    if appointment.service_point_id and appointment.service_point_id != service_point_id:
        raise Conflict("This appointment is at another service point.", code="wrong_service_point")
    if local_day(appointment.slot_start) != local_day(now):
        raise Conflict("This appointment is not today.", code="appointment_not_today")
    ticket_id = ticket_id_for(appointment.appointment_id)
    try:
        return QueueTicket.get(ticket_id, consistent_read=True), True
    except QueueTicket.DoesNotExist:
        pass
    if not appointment.booked:
        raise Conflict("This appointment is not booked.", code="appointment_not_booked")
    lines = lines_of_point(service_point_id, kind=APPOINTMENT)
    if not lines:
        raise NotFound("No queues at this service point.", code="service_point_not_found")
    line = next((x for x in lines if appointment.service_id in (x.service_ids or [])), lines[0])
    serves = appointment.service_id in (line.service_ids or [])
    number, not_sent = sms_mobile(mobile)
    try:
        ticket = new_ticket(
            line,
            now=now,
            kind=APPOINTMENT,
            mobile=number or appointment.mobile,
            language=language or appointment.language or "el",
            service_id=appointment.service_id if serves else None,
            ticket_id=ticket_id,
            appointment={
                "appointment_id": appointment.appointment_id,
                "reference": appointment.reference,
                "slot_start": appointment.slot_start,
                "slot_end": appointment.slot_end,
            },
        )
    except ddb.TxFailed as exc:  # a simultaneous second check-in won the conditional put
        if "ticket" in exc.failed:
            return QueueTicket.get(ticket_id, consistent_read=True), True
        raise
    if staff is not None:  # checked in by staff at the desk (the kiosk's own check-in is no staff write)
        note(
            staff,
            ticket,
            "check_in",
            after={"code": ticket.code, "appointment_id": appointment.appointment_id},
        )
    ticket.not_sent = not_sent  # what the kiosk is told; not stored
    return ticket, False
