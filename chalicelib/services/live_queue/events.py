"""Stream consumer of the ``queue_tickets`` table: SMS to those next in line, learning service times.

For each ticket record:

- a ticket that became ``called``: SMS "proceed to counter N" to its mobile (kind ``queue.called``);
- whenever the waiting line of a queue changed (a ticket joined, left, or was transferred in): the
  tickets now at positions 1..K (K = ``queue_notify_position``, default 3) that have a mobile get
  "you are K-th in line, about M minutes" (kind ``queue.soon``) — normally the ticket that has just
  become K-th; one that joined already within K gets it at once;
- a ticket that became ``served``: its service time is added to the rolling aggregates.

Each SMS is written through ``notifications.enqueue`` with the source ``queue_ticket#<id>#<generation>``,
so it goes out at most once per ticket and kind (a transferred ticket is a new generation), however
many times a record is delivered. A mobile typed at a kiosk can be anyone's: queue SMS count in the
number's daily allowance of anonymous flows (``anonymous=True``). Learning puts a per-ticket
marker with a condition before the ADD, so it counts once too.

Example (``platform/stream_router.py`` calls it for each record of the tickets' table)::

    on_ticket_record(record)        # a Lambda stream record dict, NEW_AND_OLD_IMAGES

Limitation: "soon" goes to the first K when the line changes, so an appointment holder who moves
into the first K only because their slot started is told at the next change of the line.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.clock import utcnow
from chalicelib.models.queue import CALLED, SERVED, WAITING, QueueTicket
from chalicelib.services.live_queue.estimates import estimated_wait, learn_service_time
from chalicelib.services.live_queue.lines import counters_of_point, open_counters_for
from chalicelib.services.live_queue.order import first_waiting
from chalicelib.services.platform import gsm7, notifications
from chalicelib.settings import get_settings

SOON = "queue.soon"
CALLED_TO_COUNTER = "queue.called"

# each one GSM-7 part (``platform/gsm7.py``): codes, numbers and the link are never shortened
TEXTS = {
    SOON: {
        "el": "Εισιτήριο {code}: θέση {position} στη σειρά, αναμονή περίπου {minutes} λεπτά. "
        "Μείνετε κοντά. {url}",
        "en": "Ticket {code}: number {position} in line, about {minutes} min. Please stay close. {url}",
    },
    CALLED_TO_COUNTER: {
        "el": "{code}: παρακαλούμε προσέλθετε στο γκισέ {counter}.",
        "en": "{code}: please proceed to counter {counter}.",
    },
}


def _image(record: dict[str, Any], name: str) -> QueueTicket | None:
    data = (record.get("dynamodb") or {}).get(name)
    return QueueTicket.from_raw_data(data) if data else None


def source_of(ticket: QueueTicket) -> str:
    return f"queue_ticket#{ticket.ticket_id}#{int(ticket.generation or 0)}"


def _text(kind: str, language: str, **values: Any) -> str:
    table = TEXTS[kind]
    return gsm7.fit(table.get(language, table["el"]), values)


def on_ticket_record(record: dict[str, Any], now: datetime | None = None) -> None:
    new = _image(record, "NewImage")
    if new is None:
        return
    old = _image(record, "OldImage")
    now = now or utcnow()
    old_status = old.status if old else None
    moved = old is not None and old.queue_id != new.queue_id
    if new.status == CALLED and (old_status != CALLED or moved):
        notify_called(new)
    if new.status == WAITING and (old_status != WAITING or moved):
        notify_soon(new.queue_id, new.day, now)
    if old_status == WAITING and (new.status != WAITING or moved):
        notify_soon(old.queue_id, old.day, now)
    if new.status == SERVED and old_status != SERVED:
        learn_service_time(new)


def notify_called(ticket: QueueTicket) -> bool:
    if not ticket.mobile:
        return False
    language = ticket.language or "el"
    return notifications.enqueue(
        source=source_of(ticket),
        kind=CALLED_TO_COUNTER,
        channel="sms",
        recipient=ticket.mobile,
        body=_text(CALLED_TO_COUNTER, language, code=ticket.code, counter=ticket.counter_label or ""),
        language=language,
        anonymous=True,
    )


def notify_soon(queue_id: str, day: str, now: datetime) -> int:
    """SMS to the tickets now within the first K of the line (once each); returns how many were
    newly enqueued."""
    k = get_settings().queue_notify_position
    if k <= 0:
        return 0
    order = first_waiting([queue_id], day, now, k)
    targets = [(i, t) for i, t in enumerate(order) if t.mobile]
    if not targets:
        return 0
    service_point = targets[0][1].service_point_id
    counters = open_counters_for(queue_id, counters_of_point(service_point))
    base = get_settings().public_base_url
    sent = 0
    for index, ticket in targets:
        wait = estimated_wait(ticket, index, now, open_counters=counters)
        language = ticket.language or "el"
        sent += notifications.enqueue(
            source=source_of(ticket),
            kind=SOON,
            channel="sms",
            recipient=ticket.mobile,
            body=_text(
                SOON,
                language,
                code=ticket.code,
                position=index + 1,
                minutes=wait.minutes,
                url=f"{base}/ticket/{ticket.ticket_id}",
            ),
            language=language,
            anonymous=True,
        )
    return sent
