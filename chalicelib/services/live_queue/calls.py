"""What a counter does with tickets: call next, recall, start, finish (served or no-show), transfer.

Call next
    One ``TransactWriteItems``: the chosen ticket ``waiting -> called`` on the condition that it is
    still waiting in that line, the counter's current ticket set on the condition that the counter
    is still open and still holds what we read, and the counter's previous ticket (if still at the
    counter) finished as served. Two counters calling at once cannot both win the same ticket: the
    loser's ``ticket`` condition fails and it tries the next ticket by the order rule (``order.py``),
    so no ticket is skipped either. A failed ``counter`` or ``previous`` condition means the counter
    itself moved on meanwhile (another tab, a double click): 409 ``counter_changed``. A transaction
    in flight on the same items is retried by ``ddb.transact``.

Recall re-announces the current ticket (the board chimes; no second SMS). Served and no-show
finish it (start and end times kept; no-show only ``queue_no_show_minutes`` after the last call,
and not once service has started); transfer puts it back to waiting in another line. Each is one
transaction over the ticket and the counter, conditioned on the ticket still being at the counter.
A call and a transfer also move the line's day counts (``counts.py``) in the same transaction.

Example::

    ticket = call_next(staff, "kep-dimarxeio-c3")      # None when nobody waits
    finish(staff, "kep-dimarxeio-c3", SERVED)

Limitation: a candidate that stays busy through every retry of ``ddb.transact`` is passed over
for the next one in line (it is being called elsewhere); at most ``MAX_CANDIDATES`` are tried.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from chalicelib import ddb
from chalicelib.access import ensure_department
from chalicelib.clock import iso_micro, local_day, utcnow
from chalicelib.errors import Conflict, NotFound, ValidationFailed
from chalicelib.models.queue import (
    ACTIVE,
    CALLED,
    NO_SHOW,
    OPEN,
    SERVED,
    SERVING,
    WAITING,
    QueueTicket,
    ServiceCounter,
    status_key,
)
from chalicelib.services.live_queue import counts
from chalicelib.services.live_queue.counters import counter_for_staff
from chalicelib.services.live_queue.lines import get_line
from chalicelib.services.live_queue.order import first_waiting
from chalicelib.services.live_queue.tickets import get_ticket, note
from chalicelib.settings import get_settings

FIRST_READ = 3  # most calls win one of the first few
MAX_CANDIDATES = 25
LEFT_THE_COUNTER = "The ticket left this counter meanwhile."


# -- call next -----------------------------------------------------------------------------------
def call_next(staff: Any, counter_id: str, now: datetime | None = None) -> QueueTicket | None:
    """Hand the next ticket (by the order rule) to this counter; ``None`` when nobody waits.

    The counter's current ticket, if any, is finished as served in the same transaction."""
    counter = counter_for_staff(staff, counter_id)
    if counter.status != OPEN:
        raise Conflict("Open the counter first.", code="counter_closed")
    now = now or utcnow()
    previous = get_ticket(counter.current_ticket_id) if counter.current_ticket_id else None
    for candidate in _candidates(list(counter.queue_ids or []), local_day(now), now):
        if _try_call(staff, counter, candidate, previous, now) == CALLED:
            note(staff, candidate, "call", after={"code": candidate.code, "counter": counter.label})
            return get_ticket(candidate.ticket_id)
    return None


def _candidates(queue_ids: list[str], day: str, now: datetime) -> Iterator[QueueTicket]:
    """The head of the line, read small first, each ticket once."""
    tried: set[str] = set()
    for n in (FIRST_READ, MAX_CANDIDATES):
        for candidate in first_waiting(queue_ids, day, now, n):
            if candidate.ticket_id not in tried:
                tried.add(candidate.ticket_id)
                yield candidate


def _try_call(
    staff: Any, counter: ServiceCounter, candidate: QueueTicket, previous: QueueTicket | None, now: datetime
) -> str:
    """``"called"``; ``"taken"`` when another counter won ``candidate`` (``"busy"`` when it stayed
    in another transaction): try the next one. 409 ``counter_changed`` when the counter moved on."""

    def build(tx: ddb.Tx) -> None:
        tx.update(
            "ticket",
            QueueTicket(candidate.ticket_id),
            actions=[
                QueueTicket.status.set(CALLED),
                QueueTicket.queue_day_status.set(status_key(candidate.queue_id, candidate.day, CALLED)),
                QueueTicket.counter_id.set(counter.counter_id),
                QueueTicket.counter_label.set(counter.label),
                QueueTicket.called_by.set(staff.username),
                QueueTicket.called_at.set(now),
                QueueTicket.first_called_at.set(QueueTicket.first_called_at | now),
                QueueTicket.point_day.set(f"{counter.service_point_id}#{local_day(now)}"),
                QueueTicket.called_key.set(f"{iso_micro(now)}#{candidate.ticket_id}"),
            ],
            condition=(QueueTicket.status == WAITING) & (QueueTicket.queue_id == candidate.queue_id),
        )
        tx.update(
            "counter",
            ServiceCounter(counter.counter_id),
            actions=[
                ServiceCounter.current_ticket_id.set(candidate.ticket_id),
                ServiceCounter.current_code.set(candidate.code),
                ServiceCounter.current_called_at.set(now),
                ServiceCounter.call_seq.add(1),
            ],
            condition=(ServiceCounter.status == OPEN) & _counter_unchanged(counter),
        )
        counts.left(tx, candidate.queue_id, candidate.day, candidate.kind)
        if previous is not None:
            tx.update(
                "previous",
                QueueTicket(previous.ticket_id),
                actions=_finish_actions(previous, SERVED, now, staff),
                condition=_held_by(counter),
            )

    try:
        ddb.transact(build)
    except ddb.TxFailed as exc:
        if exc.failed & {"counter", "previous"}:
            raise Conflict("The counter changed meanwhile; try again.", code="counter_changed") from None
        return "taken"
    except ddb.TxBusy:
        return "busy"
    return CALLED


def _counter_unchanged(counter: ServiceCounter) -> Any:
    if counter.current_ticket_id:
        return ServiceCounter.current_ticket_id == counter.current_ticket_id
    return ServiceCounter.current_ticket_id.does_not_exist()


def _held_by(counter: ServiceCounter) -> Any:
    return QueueTicket.status.is_in(*ACTIVE) & (QueueTicket.counter_id == counter.counter_id)


def _finish_actions(ticket: QueueTicket, status: str, now: datetime, staff: Any) -> list[Any]:
    return [
        QueueTicket.status.set(status),
        QueueTicket.queue_day_status.set(status_key(ticket.queue_id, ticket.day, status)),
        QueueTicket.service_started_at.set(ticket.service_started_at or ticket.called_at or now),
        QueueTicket.service_ended_at.set(now),
        QueueTicket.finished_by.set(staff.username),
        QueueTicket.mobile.remove(),
        QueueTicket.mobile_day.remove(),
    ]


# -- the current ticket --------------------------------------------------------------------------
def _current(staff: Any, counter_id: str) -> tuple[ServiceCounter, QueueTicket]:
    counter = counter_for_staff(staff, counter_id)
    if not counter.current_ticket_id:
        raise Conflict("No ticket at this counter.", code="no_current_ticket")
    return counter, get_ticket(counter.current_ticket_id)


def _change(
    counter: ServiceCounter,
    ticket: QueueTicket,
    actions: list[Any],
    condition: Any,
    counter_actions: list[Any] | None = None,
    *,
    message: str = LEFT_THE_COUNTER,
    code: str = "counter_changed",
    also: Callable[[ddb.Tx], None] | None = None,
) -> None:
    """One transaction: ``actions`` on the ticket if ``condition`` holds and, with
    ``counter_actions``, on ``counter`` if it still holds the ticket (and what ``also`` adds). A
    failed condition is the 409 ``code``."""

    def build(tx: ddb.Tx) -> None:
        tx.update("ticket", QueueTicket(ticket.ticket_id), actions=actions, condition=condition)
        if counter_actions:
            tx.update(
                "counter",
                ServiceCounter(counter.counter_id),
                actions=counter_actions,
                condition=ServiceCounter.current_ticket_id == ticket.ticket_id,
            )
        if also is not None:
            also(tx)

    try:
        ddb.transact(build)
    except ddb.TxFailed:
        raise Conflict(message, code=code) from None


def _release() -> list[Any]:
    """The counter's actions when its ticket leaves it."""
    return [
        ServiceCounter.current_ticket_id.remove(),
        ServiceCounter.current_code.remove(),
        ServiceCounter.current_called_at.remove(),
    ]


def recall(staff: Any, counter_id: str, now: datetime | None = None) -> QueueTicket:
    """Announce the current ticket again (board chimes; no second SMS)."""
    counter, ticket = _current(staff, counter_id)
    now = now or utcnow()
    _change(
        counter,
        ticket,
        [
            QueueTicket.called_at.set(now),
            QueueTicket.recall_count.add(1),
            QueueTicket.called_key.set(f"{iso_micro(now)}#{ticket.ticket_id}"),
        ],
        _held_by(counter),
        [ServiceCounter.current_called_at.set(now), ServiceCounter.call_seq.add(1)],
    )
    note(staff, ticket, "recall", after={"code": ticket.code})
    return get_ticket(ticket.ticket_id)


def start_service(staff: Any, counter_id: str, now: datetime | None = None) -> QueueTicket:
    """The citizen is at the desk: ``called -> serving``, start time kept."""
    counter, ticket = _current(staff, counter_id)
    now = now or utcnow()
    _change(
        counter,
        ticket,
        [
            QueueTicket.status.set(SERVING),
            QueueTicket.queue_day_status.set(status_key(ticket.queue_id, ticket.day, SERVING)),
            QueueTicket.service_started_at.set(now),
        ],
        (QueueTicket.status == CALLED) & (QueueTicket.counter_id == counter.counter_id),
        message="The ticket is not waiting to be served at this counter.",
        code="not_called",
    )
    return get_ticket(ticket.ticket_id)


def finish(staff: Any, counter_id: str, status: str, now: datetime | None = None) -> QueueTicket:
    """Served or no-show: the ticket is finished and the counter is free. A no-show is accepted
    only ``queue_no_show_minutes`` after the last call, and not once service has started."""
    counter, ticket = _current(staff, counter_id)
    now = now or utcnow()
    condition = _held_by(counter)
    if status == NO_SHOW:
        minutes = get_settings().queue_no_show_minutes
        due = (ticket.called_at or now) + timedelta(minutes=minutes)
        if ticket.status != CALLED:
            raise Conflict("Service has started; this is not a no-show.", code="already_serving")
        if now < due:
            raise Conflict(
                f"A no-show can be recorded {minutes} minutes after the call.",
                code="no_show_too_early",
                details={"allowed_at": due.isoformat()},
            )
        condition = (QueueTicket.status == CALLED) & (QueueTicket.counter_id == counter.counter_id)
    _change(counter, ticket, _finish_actions(ticket, status, now, staff), condition, _release())
    note(staff, ticket, status, before={"status": ticket.status}, after={"status": status})
    return get_ticket(ticket.ticket_id)


def transfer(staff: Any, counter_id: str, target_queue_id: str, now: datetime | None = None) -> QueueTicket:
    """Send the current ticket to another line: waiting there, keeping its place by the order
    rule (its slot, or its time of issue) and its number."""
    counter, ticket = _current(staff, counter_id)
    target = get_line(target_queue_id)
    ensure_department(staff, target.department_id)
    if target.queue_id == ticket.queue_id:
        raise ValidationFailed("The ticket is already in that queue.", code="same_queue")
    if not target.active:
        raise NotFound("No such queue.", code="queue_not_found")
    _change(
        counter,
        ticket,
        [
            QueueTicket.queue_id.set(target.queue_id),
            QueueTicket.service_point_id.set(target.service_point_id),
            QueueTicket.department_id.set(target.department_id),
            QueueTicket.department_day.set(f"{target.department_id}#{ticket.day}"),
            QueueTicket.queue_day.set(f"{target.queue_id}#{ticket.day}"),
            QueueTicket.status.set(WAITING),
            QueueTicket.queue_day_status.set(status_key(target.queue_id, ticket.day, WAITING)),
            QueueTicket.transferred_from.set(ticket.queue_id),
            QueueTicket.generation.add(1),
            QueueTicket.service_id.remove(),
            QueueTicket.counter_id.remove(),
            QueueTicket.counter_label.remove(),
            QueueTicket.service_started_at.remove(),
            QueueTicket.walk_in_rank.remove(),
        ],
        _held_by(counter),
        _release(),
        also=lambda tx: counts.joined(tx, target.queue_id, ticket.day, ticket.kind),
    )
    note(staff, ticket, "transfer", before={"queue_id": ticket.queue_id}, after={"queue_id": target.queue_id})
    return get_ticket(ticket.ticket_id)
