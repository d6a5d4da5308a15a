"""Tickets of the live queue: a walk-in's at the kiosk, an appointment holder's at check-in, and
the views of a ticket (its public page, the kiosk's answer, the staff's row).

A walk-in takes a ticket at the kiosk of a service point (``issue_walk_in``); an appointment
holder checks in with the reference of the appointment (``checkin.py``). Both get the next number
of the line for the day (``A001``, ``A002``..., an atomic ADD on the ``QueueDay`` item) and wait;
their place in line is the order rule's (``order.py``), and the line's day counts them
(``counts.py``, in the transaction that puts the ticket).

Example::

    ticket = issue_walk_in("kep-dimarxeio", "kep-dimarxeio-A", mobile="6912345678")
    ticket.code                      # "A001"
    ticket_view(ticket.ticket_id)    # status, position, estimated wait, counter

Per-client limits: a walk-in ticket takes a token of its client's bucket (``walk_in_client``; the
municipality's own kiosks are trusted and skip it) and one of its line's (``walk_in_line``, whoever
takes it), so no one fills a line with thousands of tickets (``platform/limits.py``).

Limitation: the number is taken before the ticket is put; a put that fails leaves a gap in the
day's numbers (never a number given twice).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from chalicelib import ddb
from chalicelib.clock import iso_micro, local_day, utcnow
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.models.queue import ACTIVE, WAITING, WALK_IN, Queue, QueueTicket, status_key
from chalicelib.services.live_queue import counts
from chalicelib.services.live_queue.estimates import estimated_wait
from chalicelib.services.live_queue.lines import get_line, kinds_of, public_line
from chalicelib.services.live_queue.order import appointment_order_key, people_ahead, walk_in_order_key
from chalicelib.services.platform import audit, limits
from chalicelib.settings import get_settings


def new_ticket_id() -> str:
    """96 random bits: the ticket page is reached by its id alone (the id is the secret)."""
    return secrets.token_urlsafe(12)


def code_for(prefix: str, number: int) -> str:
    return f"{prefix}{number:03d}"


def new_ticket(
    line: Queue,
    *,
    now: datetime,
    kind: str,
    mobile: str | None = None,
    language: str = "el",
    service_id: str | None = None,
    ticket_id: str | None = None,
    appointment: dict[str, Any] | None = None,
) -> QueueTicket:
    """Number and store a waiting ticket: one ADD for the number, then one transaction that puts
    the ticket (``ddb.TxFailed`` naming ``"ticket"`` when ``ticket_id`` exists already) and counts
    it as waiting in its line's day (``counts.py``)."""
    day = local_day(now)
    ticket_id = ticket_id or new_ticket_id()
    if appointment:
        order_key = appointment_order_key(appointment["slot_start"], now, ticket_id)
    else:
        order_key = walk_in_order_key(now, ticket_id)
    number, rank = counts.numbers(line.queue_id, day, walk_in=kind == WALK_IN)
    ticket = QueueTicket(
        ticket_id,
        queue_id=line.queue_id,
        service_point_id=line.service_point_id,
        department_id=line.department_id,
        service_id=service_id,
        day=day,
        number=number,
        code=code_for(line.prefix, number),
        kind=kind,
        status=WAITING,
        queue_day=f"{line.queue_id}#{day}",
        queue_day_status=status_key(line.queue_id, day, WAITING),
        order_key=order_key,
        department_day=f"{line.department_id}#{day}",
        issued_key=f"{iso_micro(now)}#{ticket_id}",
        issued_at=now,
        mobile=mobile or None,
        mobile_day=day if mobile else None,
        language=language or "el",
        walk_in_rank=rank,
        generation=0,
        recall_count=0,
    )
    if appointment:
        ticket.appointment_id = appointment["appointment_id"]
        ticket.appointment_reference = appointment.get("reference")
        ticket.slot_start = appointment["slot_start"]
        ticket.slot_end = appointment.get("slot_end")

    def build(tx: ddb.Tx) -> None:
        tx.save("ticket", ticket, condition=QueueTicket.ticket_id.does_not_exist())
        counts.joined(tx, line.queue_id, day, kind)

    ddb.transact(build)
    return ticket


def issue_walk_in(
    service_point_id: str,
    queue_id: str,
    *,
    mobile: str | None = None,
    language: str = "el",
    service_id: str | None = None,
    client: str | None = None,
    now: datetime | None = None,
) -> QueueTicket:
    """A walk-in's ticket at the kiosk of ``service_point_id``, taken by ``client`` (its address:
    a token of its bucket, then one of the line's; 429 ``rate_limited`` when either is empty).
    ``not_sent``: why its SMS will not go, for the kiosk to say; the ticket is issued all the same."""
    now = now or utcnow()
    limits.check_client("walk_in_client", client, now=now)  # first: a refused client reads nothing
    line = get_line(queue_id)
    if line.service_point_id != service_point_id or not line.active or WALK_IN not in kinds_of(line):
        raise NotFound("No such queue at this service point.", code="queue_not_found")
    if service_id and service_id not in (line.service_ids or []):
        raise ValidationFailed("This queue does not serve that service.", code="service_not_in_queue")
    limits.check("walk_in_line", line.queue_id, now=now)
    number, not_sent = sms_mobile(mobile)
    ticket = new_ticket(
        line,
        now=now,
        kind=WALK_IN,
        mobile=number,
        language=language,
        service_id=service_id,
    )
    ticket.not_sent = not_sent  # what the kiosk is told; not stored
    return ticket


def sms_mobile(mobile: str | None) -> tuple[str | None, list[dict[str, str]]]:
    """A mobile typed at the kiosk -> the number the ticket keeps for its SMS, and, when no SMS
    will go (a foreign number, the number's daily allowance used up, the month's SMS budget
    spent), no number and why. The ticket is issued either way."""
    if not mobile:
        return None, []
    from chalicelib.services.platform import addresses, notifications

    number = addresses.e164(mobile)
    reason = notifications.sms_refusal(number)
    if reason:
        return None, [{"channel": "sms", "reason": reason}]
    return number, []


def get_ticket(ticket_id: str) -> QueueTicket:
    try:
        return QueueTicket.get(ticket_id, consistent_read=True)
    except QueueTicket.DoesNotExist:
        raise NotFound("No such ticket.", code="ticket_not_found") from None


def note(staff: Any, ticket: QueueTicket, action: str, **changes: Any) -> None:
    """The audit entry of ``staff`` acting on ``ticket``: ``queue.<action>`` (``before``/``after``
    hold no contact data)."""
    audit.note(staff, "queue_ticket", ticket.ticket_id, action=f"queue.{action}", **changes)


def ticket_view(ticket_id: str, now: datetime | None = None) -> dict[str, Any]:
    """The public ticket page: status, position, estimated wait, counter. No personal data."""
    now = now or utcnow()
    ticket = get_ticket(ticket_id)
    line = get_line(ticket.queue_id)
    out = {
        "ticket_id": ticket.ticket_id,
        "code": ticket.code,
        "status": ticket.status,
        "kind": ticket.kind,
        "day": ticket.day,
        "queue": public_line(line),
        "service_point_id": ticket.service_point_id,
        "issued_at": ticket.issued_at.isoformat(),
        "slot_start": _isoformat(ticket.slot_start),
        "position": None,
        "people_ahead": None,
        "estimated_wait_minutes": None,
        "open_counters": None,
        "counter": None,
        "called_at": None,
    }
    if ticket.status == WAITING:
        ahead = max(people_ahead(ticket, now), 0)
        wait = estimated_wait(ticket, ahead, now)
        out.update(
            position=ahead + 1,
            people_ahead=ahead,
            open_counters=wait.open_counters,
            estimated_wait_minutes=wait.minutes,
        )
    elif ticket.status in ACTIVE:
        out.update(counter=ticket.counter_label, called_at=ticket.called_at.isoformat())
    return out


def public_ticket(ticket: QueueTicket) -> dict[str, Any]:
    """What the kiosk shows after issue or check-in (and prints as a QR: ``url``)."""
    return {
        "ticket_id": ticket.ticket_id,
        "code": ticket.code,
        "status": ticket.status,
        "kind": ticket.kind,
        "queue_id": ticket.queue_id,
        "service_point_id": ticket.service_point_id,
        "day": ticket.day,
        "issued_at": ticket.issued_at.isoformat(),
        "slot_start": _isoformat(ticket.slot_start),
        "url": f"{get_settings().public_base_url}/ticket/{ticket.ticket_id}",
        "not_sent": getattr(ticket, "not_sent", []),
    }


def staff_ticket(ticket: QueueTicket) -> dict[str, Any]:
    """A ticket as the counter page shows it (whether it has a mobile, never the number)."""
    return {
        **public_ticket(ticket),
        "counter_id": ticket.counter_id,
        "counter": ticket.counter_label,
        "called_by": ticket.called_by,
        "called_at": _isoformat(ticket.called_at),
        "recall_count": int(ticket.recall_count or 0),
        "appointment_reference": ticket.appointment_reference,
        "service_started_at": _isoformat(ticket.service_started_at),
        "service_ended_at": _isoformat(ticket.service_ended_at),
        "transferred_from": ticket.transferred_from,
        "has_mobile": bool(ticket.mobile),
    }


def _isoformat(at: datetime | None) -> str | None:
    return at.isoformat() if at else None
