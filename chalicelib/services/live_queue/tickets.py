"""The live queue: tickets, counters and the order in which tickets are called.

Tickets
    A walk-in takes a ticket at the kiosk of a service point (``issue_walk_in``); an appointment
    holder checks in with the reference of the appointment (``services/live_queue/checkin.py``). Both
    get the next number of the queue for the day (``A001``, ``A002``..., an atomic ADD on the
    ``QueueDay`` item) and wait.

The order rule (who "call next" hands to a counter)
    Among the waiting tickets of the queues the counter serves, in this order:

    1. **Appointment holders whose slot has started** (``slot_start <= now``), earliest slot
       first, then earliest check-in. A checked-in appointment holder is therefore called as soon
       as a counter calls next within their slot, ahead of every walk-in.
    2. **Walk-ins**, first come first served (time of issue). They fill the gaps between
       appointments.
    3. **Appointment holders who arrived before their slot**, earliest slot first: they are called
       early only when no walk-in is waiting (a counter never idles while someone waits).

    A ticket transferred to another queue keeps its place by that rule (its slot, or its time of
    issue). The position shown on a ticket page is its index in this order for its own queue.
    Limitation: an appointment whose slot starts later moves ahead of walk-ins when the slot
    starts, so a walk-in's position can grow by the number of appointments that become due.

Call next
    One ``TransactWriteItems``: the chosen ticket ``waiting -> called`` on the condition that it is
    still waiting in that queue, the counter's current ticket set on the condition that it is still
    open and still holds what we read, and the counter's previous ticket (if still at the counter)
    finished as served. Two counters calling at once cannot both win the same ticket: the loser's
    condition fails and it tries the next ticket in order, so no ticket is skipped either.

Counters
    A staff member opens a counter (a desk label such as ``3``) at a service point for one or more
    queues of their department; recall re-announces the current ticket; served and no-show finish
    it (start and end times kept; no-show only ``queue_no_show_minutes`` after the last call);
    transfer puts it back to waiting in another queue.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError

from chalicelib.access import ensure_department
from chalicelib.errors import Conflict, NotFound, ValidationFailed
from chalicelib.models.base import utcnow
from chalicelib.models.queue import Queue, QueueDay, QueueTicket, ServiceCounter, ServiceTime
from chalicelib.services.platform import audit
from chalicelib.settings import get_settings

TZ = ZoneInfo("Europe/Athens")
ACTIVE = ("called", "serving")
FINISHED = ("served", "no_show")
MAX_CANDIDATES = 25
FIRST_READ = 3
CONFLICT_RETRIES = 4
ROLLING_DAYS = 7
BOARD_NEXT = 5
BOARD_RECENT = 8


# -- time and keys -------------------------------------------------------------------------------
def local_day(at: datetime) -> str:
    return at.astimezone(TZ).strftime("%Y-%m-%d")


def today() -> str:
    return local_day(utcnow())


def iso(at: datetime) -> str:
    """A fixed-width UTC timestamp: sorts as text the way it sorts as time."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def walk_in_order_key(issued_at: datetime, ticket_id: str) -> str:
    return f"1#{iso(issued_at)}#{ticket_id}"


def appointment_order_key(slot_start: datetime, checked_in_at: datetime, ticket_id: str) -> str:
    return f"0#{iso(slot_start)}#{iso(checked_in_at)}#{ticket_id}"


def new_ticket_id() -> str:
    return secrets.token_urlsafe(12)


def code_for(prefix: str, number: int) -> str:
    return f"{prefix}{number:03d}"


_local = threading.local()


def _conn():
    """One PynamoDB connection per thread for transactions (its botocore client is made once)."""
    conn = getattr(_local, "connection", None)
    if conn is None:
        from pynamodb.connection import Connection

        conn = _local.connection = Connection(region=get_settings().region)
    return conn


def _reasons(exc: TransactWriteError) -> list[str | None]:
    return [r.code if r else None for r in (exc.cancellation_reasons or [])]


def _conditional(exc: Exception) -> bool:
    return "ConditionalCheckFailed" in str(getattr(exc, "cause_response_code", "")) or (
        "ConditionalCheckFailed" in str(exc)
    )


# -- queues --------------------------------------------------------------------------------------
def get_queue(queue_id: str) -> Queue:
    try:
        queue = Queue.get(queue_id)
    except Queue.DoesNotExist:
        raise NotFound("No such queue.", code="queue_not_found") from None
    return queue


def queues_of_point(service_point_id: str) -> list[Queue]:
    return [q for q in Queue.by_service_point.query(service_point_id) if q.active]


def queues_of_department(department_id: str) -> list[Queue]:
    return list(Queue.by_department.query(department_id))


def public_queue(queue: Queue) -> dict[str, Any]:
    return {
        "queue_id": queue.queue_id,
        "prefix": queue.prefix,
        "name_el": queue.name_el,
        "name_en": queue.name_en or queue.name_el,
        "service_ids": list(queue.service_ids or []),
    }


def point_view(service_point_id: str) -> dict[str, Any]:
    """What the kiosk shows: the service point's queues (404 when it has none)."""
    queues = queues_of_point(service_point_id)
    if not queues:
        raise NotFound("No queues at this service point.", code="service_point_not_found")
    first = queues[0]
    return {
        "service_point_id": service_point_id,
        "name_el": first.service_point_name_el or service_point_id,
        "name_en": first.service_point_name_en or first.service_point_name_el or service_point_id,
        "department_id": first.department_id,
        "queues": [public_queue(q) for q in queues],
    }


# -- tickets -------------------------------------------------------------------------------------
def next_number(queue_id: str, day: str) -> int:
    """The next ticket number of a queue on a day: one atomic ADD (1 for the first ticket)."""
    item = QueueDay(queue_id, day)
    item.update(actions=[QueueDay.last_number.add(1)])
    return int(item.last_number)


def new_ticket(
    queue: Queue,
    *,
    now: datetime,
    kind: str,
    mobile: str | None = None,
    language: str = "el",
    service_id: str | None = None,
    ticket_id: str | None = None,
    appointment: dict[str, Any] | None = None,
) -> QueueTicket:
    """Number and store a waiting ticket (one ADD, one conditional put)."""
    day = local_day(now)
    ticket_id = ticket_id or new_ticket_id()
    if appointment:
        order_key = appointment_order_key(appointment["slot_start"], now, ticket_id)
    else:
        order_key = walk_in_order_key(now, ticket_id)
    number = next_number(queue.queue_id, day)
    ticket = QueueTicket(
        ticket_id,
        queue_id=queue.queue_id,
        service_point_id=queue.service_point_id,
        department_id=queue.department_id,
        service_id=service_id,
        day=day,
        number=number,
        code=code_for(queue.prefix, number),
        kind=kind,
        status="waiting",
        queue_day=f"{queue.queue_id}#{day}",
        queue_day_status=f"{queue.queue_id}#{day}#waiting",
        order_key=order_key,
        department_day=f"{queue.department_id}#{day}",
        issued_key=f"{iso(now)}#{ticket_id}",
        issued_at=now,
        mobile=mobile or None,
        language=language or "el",
        generation=0,
        recall_count=0,
    )
    if appointment:
        ticket.appointment_id = appointment["appointment_id"]
        ticket.appointment_reference = appointment.get("reference")
        ticket.slot_start = appointment["slot_start"]
        ticket.slot_end = appointment.get("slot_end")
    ticket.save(condition=QueueTicket.ticket_id.does_not_exist())
    return ticket


def issue_walk_in(
    service_point_id: str,
    queue_id: str,
    *,
    mobile: str | None = None,
    language: str = "el",
    service_id: str | None = None,
    now: datetime | None = None,
) -> QueueTicket:
    """A walk-in's ticket at the kiosk of ``service_point_id``."""
    from chalicelib.services.platform.citizens import normalise_mobile

    queue = get_queue(queue_id)
    if queue.service_point_id != service_point_id or not queue.active:
        raise NotFound("No such queue at this service point.", code="queue_not_found")
    if service_id and service_id not in (queue.service_ids or []):
        raise ValidationFailed("This queue does not serve that service.", code="service_not_in_queue")
    return new_ticket(
        queue,
        now=now or utcnow(),
        kind="walk_in",
        mobile=normalise_mobile(mobile),
        language=language,
        service_id=service_id,
    )


def get_ticket(ticket_id: str) -> QueueTicket:
    try:
        return QueueTicket.get(ticket_id, consistent_read=True)
    except QueueTicket.DoesNotExist:
        raise NotFound("No such ticket.", code="ticket_not_found") from None


def waiting(queue_id: str, day: str) -> list[QueueTicket]:
    """The waiting tickets of a queue on a day, by ``order_key`` (one Query)."""
    return list(QueueTicket.by_status.query(f"{queue_id}#{day}#waiting"))


def effective_order(tickets: list[QueueTicket], now: datetime) -> list[QueueTicket]:
    """The order rule of this module's docstring, applied to ``tickets`` (of one or more queues)."""
    due, walk_ins, early = [], [], []
    for t in tickets:
        if t.kind == "appointment" and t.slot_start is not None:
            (due if t.slot_start <= now else early).append(t)
        else:
            walk_ins.append(t)
    return (
        sorted(due, key=lambda t: t.order_key)
        + sorted(walk_ins, key=lambda t: t.order_key)
        + sorted(early, key=lambda t: t.order_key)
    )


def waiting_in_order(queue_ids: list[str], day: str, now: datetime) -> list[QueueTicket]:
    tickets: list[QueueTicket] = []
    for queue_id in queue_ids:
        tickets.extend(waiting(queue_id, day))
    return effective_order(tickets, now)


def first_waiting(queue_ids: list[str], day: str, now: datetime, n: int) -> list[QueueTicket]:
    """The first ``n`` of ``waiting_in_order`` without reading whole lines.

    Per queue, one Query of at most ``n`` items in key order (appointments by slot, then walk-ins
    by arrival). Only when that head is full and holds appointments whose slot has not started
    (they go after walk-ins), walk-ins may be cut off: a second Query reads the first ``n``."""
    tickets: list[QueueTicket] = []
    for queue_id in queue_ids:
        key = f"{queue_id}#{day}#waiting"
        head = list(QueueTicket.by_status.query(key, limit=n))
        tickets.extend(head)
        early = any(t.kind == "appointment" and t.slot_start and t.slot_start > now for t in head)
        if early and len(head) >= n:
            tickets.extend(QueueTicket.by_status.query(key, QueueTicket.order_key.startswith("1#"), limit=n))
    unique = {t.ticket_id: t for t in tickets}
    return effective_order(list(unique.values()), now)[:n]


# -- estimated wait ------------------------------------------------------------------------------
def service_keys(ticket: QueueTicket) -> list[str]:
    keys = [f"service#{ticket.service_id}"] if ticket.service_id else []
    return keys + [f"queue#{ticket.queue_id}"]


def mean_service_seconds(keys: list[str], now: datetime) -> float:
    """The rolling mean service time (last ``ROLLING_DAYS`` days) of the first key that has data,
    else the configured default. One BatchGetItem."""
    today = now.astimezone(TZ).date()
    days = [(today - timedelta(days=i)).isoformat() for i in range(ROLLING_DAYS)]
    totals: dict[str, list[float]] = {k: [0, 0] for k in keys}
    for item in ServiceTime.batch_get([(k, d) for k in keys for d in days]):
        totals[item.service_key][0] += item.served or 0
        totals[item.service_key][1] += item.seconds or 0
    for key in keys:
        served, seconds = totals[key]
        if served:
            return seconds / served
    return float(get_settings().queue_default_service_seconds)


def counters_of_point(service_point_id: str) -> list[ServiceCounter]:
    return list(ServiceCounter.by_service_point.query(service_point_id))


def open_counters_for(queue_id: str, counters: list[ServiceCounter]) -> int:
    return sum(1 for c in counters if c.status == "open" and queue_id in (c.queue_ids or []))


def estimate_minutes(ahead: int, mean_seconds: float, open_counters: int) -> int:
    """People ahead times the mean service time, shared by the open counters, in whole minutes."""
    if ahead <= 0:
        return 0
    return math.ceil(ahead * mean_seconds / max(open_counters, 1) / 60)


def people_ahead(ticket: QueueTicket, now: datetime) -> int:
    """How many waiting tickets of its queue the order rule puts before ``ticket``: counted with
    ``Select=COUNT`` Queries on the key ranges of the rule (no items read)."""
    key = f"{ticket.queue_id}#{ticket.day}#waiting"
    cut = f"0#{iso(now)}#\uffff"
    index = QueueTicket.by_status

    def count(condition: Any) -> int:
        return index.count(key, condition)

    mine = ticket.order_key
    if mine.startswith("1#"):  # walk-in: due appointments and earlier walk-ins
        return (
            count(QueueTicket.order_key.between("0#", cut))
            + count(QueueTicket.order_key.between("1#", mine))
            - 1
        )
    if mine <= cut:  # appointment in its slot: earlier due appointments
        return count(QueueTicket.order_key.between("0#", mine)) - 1
    return (  # early appointment: everyone due, every walk-in, earlier early appointments
        count(QueueTicket.order_key.between("0#", mine)) + count(QueueTicket.order_key.startswith("1#")) - 1
    )


def count_waiting(queue_id: str, day: str) -> int:
    return QueueTicket.by_status.count(f"{queue_id}#{day}#waiting")


def ticket_view(ticket_id: str, now: datetime | None = None) -> dict[str, Any]:
    """The public ticket page: status, position, estimated wait, counter. No personal data."""
    now = now or utcnow()
    ticket = get_ticket(ticket_id)
    queue = get_queue(ticket.queue_id)
    out = {
        "ticket_id": ticket.ticket_id,
        "code": ticket.code,
        "status": ticket.status,
        "kind": ticket.kind,
        "day": ticket.day,
        "queue": public_queue(queue),
        "service_point_id": ticket.service_point_id,
        "issued_at": ticket.issued_at.isoformat(),
        "slot_start": ticket.slot_start.isoformat() if ticket.slot_start else None,
        "position": None,
        "people_ahead": None,
        "estimated_wait_minutes": None,
        "open_counters": None,
        "counter": None,
        "called_at": None,
    }
    if ticket.status == "waiting":
        position = max(people_ahead(ticket, now), 0) + 1
        counters = open_counters_for(ticket.queue_id, counters_of_point(ticket.service_point_id))
        mean = mean_service_seconds(service_keys(ticket), now)
        out.update(
            position=position,
            people_ahead=max(position - 1, 0),
            open_counters=counters,
            estimated_wait_minutes=estimate_minutes(position - 1, mean, counters),
        )
    elif ticket.status in ACTIVE:
        out.update(counter=ticket.counter_label, called_at=ticket.called_at.isoformat())
    return out


def public_ticket(ticket: QueueTicket) -> dict[str, Any]:
    return {
        "ticket_id": ticket.ticket_id,
        "code": ticket.code,
        "status": ticket.status,
        "kind": ticket.kind,
        "queue_id": ticket.queue_id,
        "service_point_id": ticket.service_point_id,
        "day": ticket.day,
        "issued_at": ticket.issued_at.isoformat(),
        "slot_start": ticket.slot_start.isoformat() if ticket.slot_start else None,
        "url": f"{get_settings().public_base_url}/ticket/{ticket.ticket_id}",
    }


def staff_ticket(ticket: QueueTicket) -> dict[str, Any]:
    out = public_ticket(ticket)
    out.update(
        counter_id=ticket.counter_id,
        counter=ticket.counter_label,
        called_by=ticket.called_by,
        called_at=ticket.called_at.isoformat() if ticket.called_at else None,
        recall_count=int(ticket.recall_count or 0),
        appointment_reference=ticket.appointment_reference,
        service_started_at=ticket.service_started_at.isoformat() if ticket.service_started_at else None,
        service_ended_at=ticket.service_ended_at.isoformat() if ticket.service_ended_at else None,
        transferred_from=ticket.transferred_from,
        has_mobile=bool(ticket.mobile),
    )
    return out


# -- board ---------------------------------------------------------------------------------------
def board(service_point_id: str, now: datetime | None = None) -> dict[str, Any]:
    """The display board: the call at each open counter, the latest calls, the next numbers.

    ``version`` changes on every call and recall (the page chimes when it changes). Cheap: a few
    Queries (queues, counters, latest calls, waiting tickets per queue)."""
    now = now or utcnow()
    point = point_view(service_point_id)
    day = local_day(now)
    counters = sorted(counters_of_point(service_point_id), key=lambda c: (len(c.label), c.label))
    calls = [
        {
            "counter": c.label,
            "code": c.current_code,
            "called_at": c.current_called_at.isoformat() if c.current_called_at else None,
            "call_seq": int(c.call_seq or 0),
        }
        for c in counters
        if c.status == "open" and c.current_code
    ]
    recent = [
        {
            "code": t.code,
            "counter": t.counter_label,
            "called_at": t.called_at.isoformat() if t.called_at else None,
        }
        for t in QueueTicket.by_point_calls.query(
            f"{service_point_id}#{day}", scan_index_forward=False, limit=BOARD_RECENT
        )
    ]
    upcoming = []
    for queue in point["queues"]:
        order = first_waiting([queue["queue_id"]], day, now, BOARD_NEXT)
        upcoming.append(
            {**queue, "next": [t.code for t in order], "waiting": count_waiting(queue["queue_id"], day)}
        )
    version = ",".join(f"{c.counter_id}:{int(c.call_seq or 0)}" for c in counters)
    return {
        "service_point_id": service_point_id,
        "name_el": point["name_el"],
        "name_en": point["name_en"],
        "calls": calls,
        "recent": recent,
        "queues": upcoming,
        "open_counters": sum(1 for c in counters if c.status == "open"),
        "version": version,
        "at": now.isoformat(),
    }


# -- counters ------------------------------------------------------------------------------------
def counter_id_for(service_point_id: str, label: str) -> str:
    return f"{service_point_id}-c{label}"


def get_counter(counter_id: str) -> ServiceCounter:
    try:
        return ServiceCounter.get(counter_id, consistent_read=True)
    except ServiceCounter.DoesNotExist:
        raise NotFound("No such counter.", code="counter_not_found") from None


def counter_for_staff(staff: Any, counter_id: str) -> ServiceCounter:
    counter = get_counter(counter_id)
    ensure_department(staff, counter.department_id)
    return counter


def public_counter(counter: ServiceCounter) -> dict[str, Any]:
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
        "current_called_at": counter.current_called_at.isoformat() if counter.current_called_at else None,
    }


def open_counter(
    staff: Any, service_point_id: str, label: str, queue_ids: list[str], now: datetime | None = None
) -> ServiceCounter:
    """Open (or re-open, or change the queues of) counter ``label`` for ``queue_ids``."""
    now = now or utcnow()
    queues = []
    for queue_id in dict.fromkeys(queue_ids):
        queue = get_queue(queue_id)
        if queue.service_point_id != service_point_id:
            raise ValidationFailed(
                f"Queue {queue_id} is not at this service point.", code="queue_not_at_service_point"
            )
        ensure_department(staff, queue.department_id)
        queues.append(queue)
    departments = {q.department_id for q in queues}
    if len(departments) != 1:
        raise ValidationFailed("A counter serves queues of one department.", code="mixed_departments")
    department_id = departments.pop()
    counter_id = counter_id_for(service_point_id, label)
    counter = ServiceCounter(counter_id)
    try:
        counter.update(
            actions=[
                ServiceCounter.service_point_id.set(service_point_id),
                ServiceCounter.department_id.set(department_id),
                ServiceCounter.label.set(label),
                ServiceCounter.status.set("open"),
                ServiceCounter.queue_ids.set([q.queue_id for q in queues]),
                ServiceCounter.staff_username.set(staff.username),
                ServiceCounter.opened_at.set(now),
                ServiceCounter.call_seq.set(ServiceCounter.call_seq | 0),
                ServiceCounter.created_at.set(ServiceCounter.created_at | now),
            ],
            condition=(
                ServiceCounter.counter_id.does_not_exist()
                | (ServiceCounter.status == "closed")
                | (ServiceCounter.staff_username == staff.username)
            ),
        )
    except UpdateError as exc:
        if _conditional(exc):
            raise Conflict("Another staff member has this counter open.", code="counter_taken") from None
        raise
    audit.note(
        staff,
        "queue_counter",
        counter_id,
        action="queue.counter.open",
        after={"queue_ids": [q.queue_id for q in queues], "label": label},
    )
    return get_counter(counter_id)


def close_counter(staff: Any, counter_id: str, now: datetime | None = None) -> ServiceCounter:
    counter = counter_for_staff(staff, counter_id)
    try:
        counter.update(
            actions=[
                ServiceCounter.status.set("closed"),
                ServiceCounter.closed_at.set(now or utcnow()),
                ServiceCounter.staff_username.remove(),
            ],
            condition=ServiceCounter.current_ticket_id.does_not_exist(),
        )
    except UpdateError as exc:
        if _conditional(exc):
            raise Conflict(
                "Finish the current ticket before closing the counter.", code="counter_busy"
            ) from None
        raise
    audit.note(staff, "queue_counter", counter_id, action="queue.counter.close")
    return counter


def _finish_actions(ticket: QueueTicket, status: str, now: datetime, staff: Any) -> list[Any]:
    return [
        QueueTicket.status.set(status),
        QueueTicket.queue_day_status.set(f"{ticket.queue_id}#{ticket.day}#{status}"),
        QueueTicket.service_started_at.set(ticket.service_started_at or ticket.called_at or now),
        QueueTicket.service_ended_at.set(now),
        QueueTicket.finished_by.set(staff.username),
        QueueTicket.mobile.remove(),
    ]


def _held_by(counter: ServiceCounter) -> Any:
    return QueueTicket.status.is_in(*ACTIVE) & (QueueTicket.counter_id == counter.counter_id)


def _counter_unchanged(counter: ServiceCounter) -> Any:
    if counter.current_ticket_id:
        return ServiceCounter.current_ticket_id == counter.current_ticket_id
    return ServiceCounter.current_ticket_id.does_not_exist()


def call_next(staff: Any, counter_id: str, now: datetime | None = None) -> QueueTicket | None:
    """Hand the next ticket (by the order rule) to this counter; ``None`` when nobody waits.

    The counter's current ticket, if any, is finished as served in the same transaction."""
    counter = counter_for_staff(staff, counter_id)
    if counter.status != "open":
        raise Conflict("Open the counter first.", code="counter_closed")
    now = now or utcnow()
    day = local_day(now)
    previous = get_ticket(counter.current_ticket_id) if counter.current_ticket_id else None
    tried: set[str] = set()
    for candidate in _candidates(list(counter.queue_ids or []), day, now, tried):
        for attempt in range(CONFLICT_RETRIES):
            outcome = _try_call(staff, counter, candidate, previous, now)
            if outcome == "called":
                audit.note(
                    staff,
                    "queue_ticket",
                    candidate.ticket_id,
                    action="queue.call",
                    after={"code": candidate.code, "counter": counter.label},
                )
                return get_ticket(candidate.ticket_id)
            if outcome == "taken":
                break
            time.sleep(0.02 * (attempt + 1))  # a transaction in flight on the same items
    return None


def _candidates(queue_ids: list[str], day: str, now: datetime, tried: set[str]) -> Any:
    """The head of the line, read small first (most calls win their first candidate)."""
    for n in (FIRST_READ, MAX_CANDIDATES):
        for candidate in first_waiting(queue_ids, day, now, n):
            if candidate.ticket_id not in tried:
                tried.add(candidate.ticket_id)
                yield candidate


def _try_call(
    staff: Any, counter: ServiceCounter, candidate: QueueTicket, previous: QueueTicket | None, now: datetime
) -> str:
    from pynamodb.transactions import TransactWrite

    called_key = f"{iso(now)}#{candidate.ticket_id}"
    try:
        with TransactWrite(connection=_conn()) as tx:
            tx.update(
                QueueTicket(candidate.ticket_id),
                actions=[
                    QueueTicket.status.set("called"),
                    QueueTicket.queue_day_status.set(f"{candidate.queue_id}#{candidate.day}#called"),
                    QueueTicket.counter_id.set(counter.counter_id),
                    QueueTicket.counter_label.set(counter.label),
                    QueueTicket.called_by.set(staff.username),
                    QueueTicket.called_at.set(now),
                    QueueTicket.first_called_at.set(QueueTicket.first_called_at | now),
                    QueueTicket.point_day.set(f"{counter.service_point_id}#{local_day(now)}"),
                    QueueTicket.called_key.set(called_key),
                ],
                condition=(QueueTicket.status == "waiting") & (QueueTicket.queue_id == candidate.queue_id),
            )
            tx.update(
                ServiceCounter(counter.counter_id),
                actions=[
                    ServiceCounter.current_ticket_id.set(candidate.ticket_id),
                    ServiceCounter.current_code.set(candidate.code),
                    ServiceCounter.current_called_at.set(now),
                    ServiceCounter.call_seq.add(1),
                ],
                condition=(ServiceCounter.status == "open") & _counter_unchanged(counter),
            )
            if previous is not None:
                tx.update(
                    QueueTicket(previous.ticket_id),
                    actions=_finish_actions(previous, "served", now, staff),
                    condition=_held_by(counter),
                )
    except TransactWriteError as exc:
        reasons = _reasons(exc)
        ticket_reason = reasons[0] if reasons else None
        others = [r for r in reasons[1:] if r not in (None, "None")]
        if "ConditionalCheckFailed" in others:
            raise Conflict("The counter changed meanwhile; try again.", code="counter_changed") from None
        if ticket_reason == "ConditionalCheckFailed":
            return "taken"
        if "TransactionConflict" in reasons or not reasons:
            return "retry"
        raise
    return "called"


def _current(staff: Any, counter_id: str) -> tuple[ServiceCounter, QueueTicket]:
    counter = counter_for_staff(staff, counter_id)
    if not counter.current_ticket_id:
        raise Conflict("No ticket at this counter.", code="no_current_ticket")
    return counter, get_ticket(counter.current_ticket_id)


def _commit(updates: list[tuple[Any, list[Any], Any]], *, message: str, code: str) -> None:
    from pynamodb.transactions import TransactWrite

    for attempt in range(CONFLICT_RETRIES):
        try:
            with TransactWrite(connection=_conn()) as tx:
                for model, actions, condition in updates:
                    tx.update(model, actions=actions, condition=condition)
            return
        except TransactWriteError as exc:
            reasons = _reasons(exc)
            if "ConditionalCheckFailed" in reasons:
                raise Conflict(message, code=code) from None
            if "TransactionConflict" in reasons and attempt + 1 < CONFLICT_RETRIES:
                time.sleep(0.02 * (attempt + 1))
                continue
            raise


def _release(counter: ServiceCounter, ticket: QueueTicket) -> tuple[Any, list[Any], Any]:
    return (
        ServiceCounter(counter.counter_id),
        [
            ServiceCounter.current_ticket_id.remove(),
            ServiceCounter.current_code.remove(),
            ServiceCounter.current_called_at.remove(),
        ],
        ServiceCounter.current_ticket_id == ticket.ticket_id,
    )


def recall(staff: Any, counter_id: str, now: datetime | None = None) -> QueueTicket:
    """Announce the current ticket again (board chimes; no second SMS)."""
    counter, ticket = _current(staff, counter_id)
    now = now or utcnow()
    _commit(
        [
            (
                QueueTicket(ticket.ticket_id),
                [
                    QueueTicket.called_at.set(now),
                    QueueTicket.recall_count.add(1),
                    QueueTicket.called_key.set(f"{iso(now)}#{ticket.ticket_id}"),
                ],
                _held_by(counter),
            ),
            (
                ServiceCounter(counter.counter_id),
                [ServiceCounter.current_called_at.set(now), ServiceCounter.call_seq.add(1)],
                ServiceCounter.current_ticket_id == ticket.ticket_id,
            ),
        ],
        message="The ticket left this counter meanwhile.",
        code="counter_changed",
    )
    audit.note(staff, "queue_ticket", ticket.ticket_id, action="queue.recall", after={"code": ticket.code})
    return get_ticket(ticket.ticket_id)


def start_service(staff: Any, counter_id: str, now: datetime | None = None) -> QueueTicket:
    """The citizen is at the desk: ``called -> serving``, start time kept."""
    counter, ticket = _current(staff, counter_id)
    now = now or utcnow()
    _commit(
        [
            (
                QueueTicket(ticket.ticket_id),
                [
                    QueueTicket.status.set("serving"),
                    QueueTicket.queue_day_status.set(f"{ticket.queue_id}#{ticket.day}#serving"),
                    QueueTicket.service_started_at.set(now),
                ],
                (QueueTicket.status == "called") & (QueueTicket.counter_id == counter.counter_id),
            )
        ],
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
    if status == "no_show":
        minutes = get_settings().queue_no_show_minutes
        due = (ticket.called_at or now) + timedelta(minutes=minutes)
        if ticket.status != "called":
            raise Conflict("Service has started; this is not a no-show.", code="already_serving")
        if now < due:
            raise Conflict(
                f"A no-show can be recorded {minutes} minutes after the call.",
                code="no_show_too_early",
                details={"allowed_at": due.isoformat()},
            )
        condition = (QueueTicket.status == "called") & (QueueTicket.counter_id == counter.counter_id)
    _commit(
        [
            (QueueTicket(ticket.ticket_id), _finish_actions(ticket, status, now, staff), condition),
            _release(counter, ticket),
        ],
        message="The ticket left this counter meanwhile.",
        code="counter_changed",
    )
    audit.note(
        staff,
        "queue_ticket",
        ticket.ticket_id,
        action=f"queue.{status}",
        before={"status": ticket.status},
        after={"status": status},
    )
    return get_ticket(ticket.ticket_id)


def transfer(staff: Any, counter_id: str, target_queue_id: str, now: datetime | None = None) -> QueueTicket:
    """Send the current ticket to another queue: waiting there, keeping its place by the order
    rule (its slot, or its time of issue) and its number."""
    counter, ticket = _current(staff, counter_id)
    target = get_queue(target_queue_id)
    ensure_department(staff, target.department_id)
    if target.queue_id == ticket.queue_id:
        raise ValidationFailed("The ticket is already in that queue.", code="same_queue")
    if not target.active:
        raise NotFound("No such queue.", code="queue_not_found")
    _commit(
        [
            (
                QueueTicket(ticket.ticket_id),
                [
                    QueueTicket.queue_id.set(target.queue_id),
                    QueueTicket.service_point_id.set(target.service_point_id),
                    QueueTicket.department_id.set(target.department_id),
                    QueueTicket.department_day.set(f"{target.department_id}#{ticket.day}"),
                    QueueTicket.queue_day.set(f"{target.queue_id}#{ticket.day}"),
                    QueueTicket.status.set("waiting"),
                    QueueTicket.queue_day_status.set(f"{target.queue_id}#{ticket.day}#waiting"),
                    QueueTicket.transferred_from.set(ticket.queue_id),
                    QueueTicket.generation.add(1),
                    QueueTicket.service_id.remove(),
                    QueueTicket.counter_id.remove(),
                    QueueTicket.counter_label.remove(),
                    QueueTicket.service_started_at.remove(),
                ],
                _held_by(counter),
            ),
            _release(counter, ticket),
        ],
        message="The ticket left this counter meanwhile.",
        code="counter_changed",
    )
    audit.note(
        staff,
        "queue_ticket",
        ticket.ticket_id,
        action="queue.transfer",
        before={"queue_id": ticket.queue_id},
        after={"queue_id": target.queue_id},
    )
    return get_ticket(ticket.ticket_id)


def staff_point(staff: Any, service_point_id: str, now: datetime | None = None) -> dict[str, Any]:
    """The staff page: queues with their waiting tickets in order, and the counters."""
    now = now or utcnow()
    point = point_view(service_point_id)
    ensure_department(staff, point["department_id"])
    day = local_day(now)
    queues = []
    for queue in point["queues"]:
        order = effective_order(waiting(queue["queue_id"], day), now)
        queues.append({**queue, "waiting": [staff_ticket(t) for t in order]})
    counters = sorted(counters_of_point(service_point_id), key=lambda c: (len(c.label), c.label))
    return {**point, "queues": queues, "counters": [public_counter(c) for c in counters]}


def service_points_for(staff: Any, department_id: str | None = None) -> list[dict[str, Any]]:
    """The service points whose queues belong to the staff member's department (or ``department_id``
    for an admin)."""
    department = department_id or staff.department_id
    ensure_department(staff, department)
    points: dict[str, dict[str, Any]] = {}
    for queue in queues_of_department(department or ""):
        entry = points.setdefault(
            queue.service_point_id,
            {
                "service_point_id": queue.service_point_id,
                "name_el": queue.service_point_name_el or queue.service_point_id,
                "name_en": queue.service_point_name_en
                or queue.service_point_name_el
                or queue.service_point_id,
                "queues": [],
            },
        )
        entry["queues"].append(public_queue(queue))
    return sorted(points.values(), key=lambda p: p["service_point_id"])


def learn_service_time(ticket: QueueTicket) -> bool:
    """Add a served ticket's service time to its services' daily aggregates, at most once: a marker
    item ``ticket#<id>`` is put with a condition first, then the aggregates get an atomic ADD.
    ``False`` when already learned or not usable. (The marker lives in the stream-less
    ``ServiceTime`` table, so learning adds no record to the tickets' stream.)

    Limitation: a crash between the two loses that one sample (never counts it twice)."""
    started = ticket.service_started_at or ticket.called_at
    if ticket.status != "served" or not started or not ticket.service_ended_at:
        return False
    seconds = (ticket.service_ended_at - started).total_seconds()
    if not 0 < seconds <= 4 * 3600:
        return False
    try:
        ServiceTime(f"ticket#{ticket.ticket_id}", ticket.day, served=1, seconds=round(seconds, 1)).save(
            condition=ServiceTime.service_key.does_not_exist()
        )
    except PutError as exc:
        if _conditional(exc):
            return False
        raise
    for key in service_keys(ticket):
        ServiceTime(key, ticket.day).update(
            actions=[ServiceTime.served.add(1), ServiceTime.seconds.add(round(seconds, 1))]
        )
    return True
