"""Counters: a staff member opens a desk (a label such as ``3``) at a service point for one or
more lines of their department, and closes it when its ticket is finished.

One staff member holds an open counter: opening a counter someone else holds open is refused
(409 ``counter_taken``); the same staff member may open it again to change its lines. Only they,
a manager of the counter's department or an admin may operate it (``counter_for_staff``: call
next, recall, start, served, no-show, transfer, close), so one clerk cannot call tickets to a
colleague's desk. What a counter does with tickets is ``calls.py``.

Example::

    counter = open_counter(staff, "kep-dimarxeio", "3", ["kep-dimarxeio-A"])
    counter.counter_id                  # "kep-dimarxeio-c3"
    close_counter(staff, counter.counter_id)   # 409 counter_busy while it holds a ticket

Limitation: a counter left open (the browser closed) stays open until someone closes it; the
estimated waits count it meanwhile.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib import ddb
from chalicelib.access import ensure_department, is_admin
from chalicelib.clock import utcnow
from chalicelib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.models.queue import CLOSED, OPEN, ServiceCounter
from chalicelib.services.live_queue.lines import get_line
from chalicelib.services.platform import audit


def counter_id_for(service_point_id: str, label: str) -> str:
    return f"{service_point_id}-c{label}"


def get_counter(counter_id: str) -> ServiceCounter:
    try:
        return ServiceCounter.get(counter_id, consistent_read=True)
    except ServiceCounter.DoesNotExist:
        raise NotFound("No such counter.", code="counter_not_found") from None


def counter_for_staff(staff: Any, counter_id: str) -> ServiceCounter:
    """The counter, if ``staff`` may operate it: whoever opened it, a manager of its department,
    an admin (403 ``other_department`` outside its department, 403 ``counter_not_yours`` for a
    colleague's open counter). A closed counter is nobody's: its department's staff may close it
    again, and calling from it is 409 ``counter_closed``."""
    counter = get_counter(counter_id)
    ensure_department(staff, counter.department_id)
    holder = counter.staff_username
    if holder and holder != staff.username and not (is_admin(staff) or "manager" in staff.roles):
        raise Forbidden(
            f"Counter {counter.label} is open by a colleague; only they or a manager may operate it.",
            code="counter_not_yours",
        )
    return counter


def public_counter(counter: ServiceCounter) -> dict[str, Any]:
    called_at = counter.current_called_at
    return {
        "counter_id": counter.counter_id,
        "service_point_id": counter.service_point_id,
        "department_id": counter.department_id,
        "label": counter.label,
        "status": counter.status,
        "queue_ids": list(counter.queue_ids or []),
        "staff_username": counter.staff_username,
        "current_ticket_id": counter.current_ticket_id,
        "current_code": counter.current_code,
        "current_called_at": called_at.isoformat() if called_at else None,
    }


def open_counter(
    staff: Any, service_point_id: str, label: str, queue_ids: list[str], now: datetime | None = None
) -> ServiceCounter:
    """Open (or re-open, or change the lines of) counter ``label`` for ``queue_ids``."""
    now = now or utcnow()
    lines = []
    for queue_id in dict.fromkeys(queue_ids):
        line = get_line(queue_id)
        if line.service_point_id != service_point_id:
            raise ValidationFailed(
                f"Queue {queue_id} is not at this service point.", code="queue_not_at_service_point"
            )
        ensure_department(staff, line.department_id)
        lines.append(line)
    departments = {line.department_id for line in lines}
    if len(departments) != 1:
        raise ValidationFailed("A counter serves queues of one department.", code="mixed_departments")
    counter_id = counter_id_for(service_point_id, label)
    line_ids = [line.queue_id for line in lines]
    try:
        ServiceCounter(counter_id).update(
            actions=[
                ServiceCounter.service_point_id.set(service_point_id),
                ServiceCounter.department_id.set(departments.pop()),
                ServiceCounter.label.set(label),
                ServiceCounter.status.set(OPEN),
                ServiceCounter.queue_ids.set(line_ids),
                ServiceCounter.staff_username.set(staff.username),
                ServiceCounter.opened_at.set(now),
                ServiceCounter.call_seq.set(ServiceCounter.call_seq | 0),
                ServiceCounter.created_at.set(ServiceCounter.created_at | now),
            ],
            condition=(
                ServiceCounter.counter_id.does_not_exist()
                | (ServiceCounter.status == CLOSED)
                | (ServiceCounter.staff_username == staff.username)
            ),
        )
    except UpdateError as exc:
        if ddb.condition_failed(exc):
            raise Conflict("Another staff member has this counter open.", code="counter_taken") from None
        raise
    audit.note(
        staff,
        "queue_counter",
        counter_id,
        action="queue.counter.open",
        after={"queue_ids": line_ids, "label": label},
    )
    return get_counter(counter_id)


def close_counter(staff: Any, counter_id: str, now: datetime | None = None) -> ServiceCounter:
    """Close a counter; 409 ``counter_busy`` while it holds a ticket."""
    counter = counter_for_staff(staff, counter_id)
    try:
        counter.update(
            actions=[
                ServiceCounter.status.set(CLOSED),
                ServiceCounter.closed_at.set(now or utcnow()),
                ServiceCounter.staff_username.remove(),
            ],
            condition=ServiceCounter.current_ticket_id.does_not_exist(),
        )
    except UpdateError as exc:
        if ddb.condition_failed(exc):
            raise Conflict(
                "Finish the current ticket before closing the counter.", code="counter_busy"
            ) from None
        raise
    audit.note(staff, "queue_counter", counter_id, action="queue.counter.close")
    return counter
