"""The counts of a queue's day (``QueueDay``), kept beside its tickets so that no page reads a line
to count it: how many wait, how many of them are walk-ins, and how many walk-ins the queue has
issued and called that day.

Each count changes in the transaction that changes the ticket: a ticket's put adds one waiting
(``joined``), the call that takes it from the line removes it (``left``), a transfer adds it to the
other queue. The ticket number and the walk-in's rank come from one ``UpdateItem`` before the put
(``numbers``), as the number always did. The board, the staff page and the ticket page read these
counts with one ``BatchGetItem`` or ``GetItem``, whatever the length of the line.

Example::

    number, rank = numbers("kep-dimarxeio-A", "2026-11-23", walk_in=True)

    def build(tx):
        tx.save("ticket", ticket, condition=QueueTicket.ticket_id.does_not_exist())
        joined(tx, ticket.queue_id, ticket.day, ticket.kind)

    day_counts(["kep-dimarxeio-A", "kep-dimarxeio-B"], "2026-11-23")["kep-dimarxeio-A"].waiting

Limitation: a number and a rank are taken before the ticket is put, so a put that fails leaves a
gap in them (never a count that is wrong: ``waiting`` moves only with the put).
"""

from __future__ import annotations

from typing import Any

from chalicelib.models.queue import WALK_IN, QueueDay

LABEL = "counts"


def numbers(queue_id: str, day: str, *, walk_in: bool) -> tuple[int, int | None]:
    """The next ticket number of a queue on a day, and for a walk-in its rank among the day's
    walk-ins of the queue: one atomic ``UpdateItem`` (1 and 1 for the first)."""
    item = QueueDay(queue_id, day)
    actions = [QueueDay.last_number.add(1)]
    if walk_in:
        actions.append(QueueDay.walk_ins_issued.add(1))
    item.update(actions=actions)
    return int(item.last_number), int(item.walk_ins_issued) if walk_in else None


def joined(tx: Any, queue_id: str, day: str, kind: str) -> None:
    """In ``tx``: a ticket of ``kind`` starts waiting in the queue (issued, or transferred in)."""
    actions = [QueueDay.waiting.add(1)]
    if kind == WALK_IN:
        actions.append(QueueDay.walk_ins_waiting.add(1))
    tx.update(LABEL, QueueDay(queue_id, day), actions=actions)


def left(tx: Any, queue_id: str, day: str, kind: str) -> None:
    """In ``tx``: a waiting ticket of ``kind`` leaves the queue's line (called to a counter)."""
    actions = [QueueDay.waiting.add(-1)]
    if kind == WALK_IN:
        actions += [QueueDay.walk_ins_waiting.add(-1), QueueDay.walk_ins_called.add(1)]
    tx.update(LABEL, QueueDay(queue_id, day), actions=actions)


def day_counts(queue_ids: list[str], day: str) -> dict[str, QueueDay]:
    """The day's counts of each queue (one ``BatchGetItem``; a queue with no ticket yet has zeros)."""
    found = {item.queue_id: item for item in QueueDay.batch_get([(q, day) for q in dict.fromkeys(queue_ids)])}
    return {q: found.get(q) or QueueDay(q, day) for q in queue_ids}
