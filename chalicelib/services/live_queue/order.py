"""The order rule: who "call next" hands to a counter, and a waiting ticket's place in line.

Among the waiting tickets of the lines a counter serves, in this order:

1. **Appointment holders whose slot has started** (``slot_start <= now``), earliest slot first,
   then earliest check-in. A checked-in appointment holder is therefore called as soon as a
   counter calls next within their slot, ahead of every walk-in.
2. **Walk-ins**, first come first served (time of issue). They fill the gaps between appointments.
3. **Appointment holders who arrived before their slot**, earliest slot first: they are called
   early only when no walk-in is waiting (a counter never idles while someone waits).

A ticket transferred to another line keeps its place by that rule (its slot, or its time of issue).
The position shown on a ticket page is its index in this order for its own line.

The rule is kept in the ``order_key`` of each ticket (the range key of ``QueueTicket.by_status``):
``0#<slot start>#<check-in>#<id>`` for appointment holders, ``1#<issued>#<id>`` for walk-ins. In
key order the appointment holders come first, by slot; the rule only moves those whose slot has not
started behind the walk-ins, so a line's head is read with small Queries.

A ticket's place is counted on the key ranges of the rule, reading at most ``POSITION_EXACT``
index items per range: exact within that many, so exact near the head where it matters. Past it,
the line's day counts (``counts.py``, one GetItem) say the rest: the walk-ins ahead of a walk-in are
those issued before it (its ``walk_in_rank``) less those called since, never fewer than were
counted nor more than wait. How many wait is never counted from the tickets.

Example::

    first_waiting(["kep-1-A", "kep-1-B"], "2026-11-23", now, 3)   # the next three, in order
    people_ahead(ticket, now)                                     # 0 for the next one

Limitation: an appointment whose slot starts later moves ahead of walk-ins when the slot starts,
so a walk-in's position can grow by the number of appointments that become due. Beyond
``POSITION_EXACT`` a place is an estimate: a ticket transferred in from another line (it keeps its
time of issue) is not among the ranks of the walk-ins behind it, so each such ticket ahead of them
is missed until they come within ``POSITION_EXACT`` of the head.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.clock import iso_micro
from chalicelib.models.queue import APPOINTMENT, WAITING, QueueDay, QueueTicket, status_key
from chalicelib.services.live_queue.counts import day_counts

DUE_OR_EARLY = "0#"  # appointment holders, by slot
WALK_INS = "1#"  # walk-ins, by time of issue
POSITION_EXACT = 50  # index items read at most per key range when a place is counted


def walk_in_order_key(issued_at: datetime, ticket_id: str) -> str:
    return f"{WALK_INS}{iso_micro(issued_at)}#{ticket_id}"


def appointment_order_key(slot_start: datetime, checked_in_at: datetime, ticket_id: str) -> str:
    return f"{DUE_OR_EARLY}{iso_micro(slot_start)}#{iso_micro(checked_in_at)}#{ticket_id}"


def _is_early(ticket: QueueTicket, now: datetime) -> bool:
    return ticket.kind == APPOINTMENT and ticket.slot_start is not None and ticket.slot_start > now


def effective_order(tickets: list[QueueTicket], now: datetime) -> list[QueueTicket]:
    """The rule applied to ``tickets`` (of one or more lines)."""
    due, walk_ins, early = [], [], []
    for t in tickets:
        if t.kind == APPOINTMENT and t.slot_start is not None:
            (early if _is_early(t, now) else due).append(t)
        else:
            walk_ins.append(t)
    return (
        sorted(due, key=lambda t: t.order_key)
        + sorted(walk_ins, key=lambda t: t.order_key)
        + sorted(early, key=lambda t: t.order_key)
    )


def first_waiting(queue_ids: list[str], day: str, now: datetime, n: int) -> list[QueueTicket]:
    """The first ``n`` waiting tickets of ``queue_ids`` by the rule, without reading whole lines.

    Per line, one Query of at most ``n`` items in key order (appointments by slot, then walk-ins
    by arrival). Only when that head is full and holds appointments whose slot has not started
    (they go after walk-ins), walk-ins may be cut off: a second Query reads the first ``n``."""
    tickets: list[QueueTicket] = []
    for queue_id in queue_ids:
        key = status_key(queue_id, day, WAITING)
        head = list(QueueTicket.by_status.query(key, limit=n))
        tickets.extend(head)
        if len(head) >= n and any(_is_early(t, now) for t in head):
            tickets.extend(
                QueueTicket.by_status.query(key, QueueTicket.order_key.startswith(WALK_INS), limit=n)
            )
    unique = {t.ticket_id: t for t in tickets}
    return effective_order(list(unique.values()), now)[:n]


def people_ahead(ticket: QueueTicket, now: datetime) -> int:
    """How many waiting tickets of its line the rule puts before ``ticket`` (waiting itself):
    counted on the key ranges of the rule, at most ``POSITION_EXACT`` items read per range, the
    rest from the line's day counts (one GetItem)."""
    key = status_key(ticket.queue_id, ticket.day, WAITING)
    due_until = f"{DUE_OR_EARLY}{iso_micro(now)}#\uffff"  # the last key of an appointment now due
    day = day_counts([ticket.queue_id], ticket.day)[ticket.queue_id]
    appointments_waiting = max(int(day.waiting) - int(day.walk_ins_waiting), 0)

    def upto(condition: Any) -> tuple[int, bool]:
        """(how many match, at most POSITION_EXACT; whether there may be more)."""
        found = sum(1 for _ in QueueTicket.by_status.query(key, condition, limit=POSITION_EXACT))
        return found, found >= POSITION_EXACT

    def appointments_upto(last_key: str) -> int:
        """Appointment holders up to ``last_key`` (``ticket`` itself among them if it is one)."""
        found, more = upto(QueueTicket.order_key.between(DUE_OR_EARLY, last_key))
        return max(found, appointments_waiting) if more else found

    mine = ticket.order_key
    if mine.startswith(WALK_INS):  # due appointments and earlier walk-ins (mine among them)
        found, more = upto(QueueTicket.order_key.between(WALK_INS, mine))
        if more:
            found = _walk_ins_up_to(ticket, day, found)
        return appointments_upto(due_until) + found - 1
    if mine <= due_until:  # appointment in its slot: earlier due appointments
        return appointments_upto(mine) - 1
    # early appointment: everyone due, every walk-in, earlier early appointments
    return appointments_upto(mine) + int(day.walk_ins_waiting) - 1


def _walk_ins_up_to(ticket: QueueTicket, day: QueueDay, counted: int) -> int:
    """The waiting walk-ins up to ``ticket`` (itself included) when more than ``counted`` were
    found: those issued up to it less those called since, within what was counted and what waits."""
    issued_since_called = int(ticket.walk_in_rank or 0) - int(day.walk_ins_called)
    return min(max(counted, issued_since_called), max(counted, int(day.walk_ins_waiting)))


def count_waiting(queue_ids: list[str], day: str) -> dict[str, int]:
    """How many wait in each queue on ``day``: the day's counts, never the tickets."""
    return {q: max(int(c.waiting), 0) for q, c in day_counts(queue_ids, day).items()}
