"""The live queue: queues per service point, tickets per queue and day, counters, day sequences and
service-time aggregates. Every read the queue makes is a GetItem or a Query on these keys:

| question | key |
| --- | --- |
| queues of a service point (kiosk, board) | ``Queue.by_service_point`` (service_point_id, prefix) |
| queues of a department (staff) | ``Queue.by_department`` (department_id, queue_id) |
| tickets of a queue and day, in number order | ``QueueTicket.by_queue_day`` (``queue_day``, number) |
| waiting (called, served...) tickets of a queue and day | ``QueueTicket.by_status`` (``queue_day_status``, order_key) |
| tickets of a department and day (statistics) | ``QueueTicket.by_department_day`` (``department_day``, issued_key) |
| latest calls at a service point (board) | ``QueueTicket.by_point_calls`` (``point_day``, called_key) |
| tickets of a day that still hold a mobile (its erasure) | ``QueueTicket.by_mobile_day`` (``mobile_day``, ticket_id), sparse |
| counters of a service point (board, staff page) | ``ServiceCounter.by_service_point`` |
| next ticket number of a queue and day | ``QueueDay`` (queue_id, day): ``last_number`` ADD 1 |
| how many wait in a queue on a day (board, staff page, ticket page) | ``QueueDay`` (queue_id, day): ``waiting``, ``walk_ins_waiting`` |
| rolling mean service time of a service | ``ServiceTime`` (service_key, day): ``served`` and ``seconds`` ADD |

The statuses of tickets and counters are named here, once; the services import them.
"""

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection

from chalicelib.models.base import CreatedAt, Model, meta

# ticket statuses: waiting -> called (-> serving) -> served | no_show
WAITING = "waiting"
CALLED = "called"
SERVING = "serving"
SERVED = "served"
NO_SHOW = "no_show"
STATUSES = (WAITING, CALLED, SERVING, SERVED, NO_SHOW)
ACTIVE = (CALLED, SERVING)  # at a counter
FINISHED = (SERVED, NO_SHOW)

# ticket kinds
WALK_IN = "walk_in"
APPOINTMENT = "appointment"
KINDS = (WALK_IN, APPOINTMENT)

# counter statuses
OPEN = "open"
CLOSED = "closed"
COUNTER_STATUSES = (OPEN, CLOSED)


def status_key(queue_id: str, day: str, status: str) -> str:
    """The ``queue_day_status`` of a ticket: ``"<queue_id>#<day>#<status>"`` (``by_status``)."""
    return f"{queue_id}#{day}#{status}"


class QueuesByServicePoint(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_service_point"
        projection = AllProjection()

    service_point_id = UnicodeAttribute(hash_key=True)
    prefix = UnicodeAttribute(range_key=True)


class QueuesByDepartment(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_department"
        projection = AllProjection()

    department_id = UnicodeAttribute(hash_key=True)
    queue_id = UnicodeAttribute(range_key=True)


class Queue(Model):
    """One queue of a service point: a service or a group of services, tickets ``A001``, ``A002``..."""

    Meta = meta("queues")

    queue_id = UnicodeAttribute(hash_key=True)  # "<service_point_id>-<prefix>"
    service_point_id = UnicodeAttribute()
    department_id = UnicodeAttribute()
    prefix = UnicodeAttribute()  # "A", "B", ...
    name_el = UnicodeAttribute()
    name_en = UnicodeAttribute(null=True)
    service_ids = ListAttribute(of=UnicodeAttribute, default=list)
    kinds = ListAttribute(of=UnicodeAttribute, default=lambda: list(KINDS))  # the tickets it takes
    # copies of the service point's names, kept equal by the point's edit (one transaction)
    service_point_name_el = UnicodeAttribute(null=True)
    service_point_name_en = UnicodeAttribute(null=True)
    active = BooleanAttribute(default=True)
    created_at = CreatedAt()
    updated_at = UTCDateTimeAttribute(null=True)

    by_service_point = QueuesByServicePoint()
    by_department = QueuesByDepartment()


class TicketsByQueueDay(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_queue_day"
        projection = AllProjection()

    queue_day = UnicodeAttribute(hash_key=True)  # "<queue_id>#<day>"
    number = NumberAttribute(range_key=True)


class TicketsByStatus(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    queue_day_status = UnicodeAttribute(hash_key=True)  # "<queue_id>#<day>#<status>"
    order_key = UnicodeAttribute(range_key=True)


class TicketsByDepartmentDay(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_department_day"
        projection = AllProjection()

    department_day = UnicodeAttribute(hash_key=True)  # "<department_id>#<day>"
    issued_key = UnicodeAttribute(range_key=True)  # "<issued_at iso>#<ticket_id>"


class CallsByServicePoint(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_point_calls"
        projection = AllProjection()

    point_day = UnicodeAttribute(hash_key=True)  # "<service_point_id>#<day>", set when called
    called_key = UnicodeAttribute(range_key=True)  # "<called_at iso>#<ticket_id>"


class TicketsWithMobile(GlobalSecondaryIndex):
    """Sparse: only tickets that hold a mobile are in it, so erasing a day's mobiles reads those."""

    class Meta:
        index_name = "by_mobile_day"
        projection = KeysOnlyProjection()

    mobile_day = UnicodeAttribute(hash_key=True)  # the ticket's day, while it holds a mobile
    ticket_id = UnicodeAttribute(range_key=True)


class QueueTicket(Model):
    """A ticket: a walk-in's, or an appointment holder's who checked in.

    ``status``: waiting -> called (-> serving) -> served | no_show; a called ticket may be
    transferred (back to waiting, in another queue). ``order_key`` orders the waiting ones (see
    ``services/live_queue/order.py`` for the rule).
    """

    Meta = meta("queue_tickets")

    ticket_id = UnicodeAttribute(hash_key=True)
    queue_id = UnicodeAttribute()
    service_point_id = UnicodeAttribute()
    department_id = UnicodeAttribute()
    service_id = UnicodeAttribute(null=True)
    day = UnicodeAttribute()  # local (Europe/Athens) day of issue, YYYY-MM-DD
    number = NumberAttribute()
    code = UnicodeAttribute()  # "A001"
    kind = UnicodeAttribute()  # WALK_IN | APPOINTMENT
    status = UnicodeAttribute(default=WAITING)  # STATUSES
    queue_day = UnicodeAttribute()
    queue_day_status = UnicodeAttribute()
    order_key = UnicodeAttribute()
    department_day = UnicodeAttribute()
    issued_key = UnicodeAttribute()
    issued_at = UTCDateTimeAttribute()
    # appointment holders
    appointment_id = UnicodeAttribute(null=True)
    appointment_reference = UnicodeAttribute(null=True)
    slot_start = UTCDateTimeAttribute(null=True)
    slot_end = UTCDateTimeAttribute(null=True)
    # contact for the SMS; removed when the ticket is finished, or at the end of its day
    # (``services/live_queue/erasure.py``); ``mobile_day`` is set with it and removed with it
    mobile = UnicodeAttribute(null=True)
    mobile_day = UnicodeAttribute(null=True)
    language = UnicodeAttribute(default="el")
    # calls
    counter_id = UnicodeAttribute(null=True)
    counter_label = UnicodeAttribute(null=True)
    called_by = UnicodeAttribute(null=True)
    first_called_at = UTCDateTimeAttribute(null=True)
    called_at = UTCDateTimeAttribute(null=True)
    recall_count = NumberAttribute(default=0)
    point_day = UnicodeAttribute(null=True)
    called_key = UnicodeAttribute(null=True)
    service_started_at = UTCDateTimeAttribute(null=True)
    service_ended_at = UTCDateTimeAttribute(null=True)
    finished_by = UnicodeAttribute(null=True)
    # walk-ins: the line's count of walk-ins issued, after this one (``QueueDay.walk_ins_issued``);
    # a place in a long line is estimated from it (``order.py``). Dropped on a transfer.
    walk_in_rank = NumberAttribute(null=True)
    # transfers: a new generation each time (its SMS are new messages)
    generation = NumberAttribute(default=0)
    transferred_from = UnicodeAttribute(null=True)

    by_queue_day = TicketsByQueueDay()
    by_status = TicketsByStatus()
    by_department_day = TicketsByDepartmentDay()
    by_point_calls = CallsByServicePoint()
    by_mobile_day = TicketsWithMobile()


class CountersByServicePoint(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_service_point"
        projection = AllProjection()

    service_point_id = UnicodeAttribute(hash_key=True)
    counter_id = UnicodeAttribute(range_key=True)


class ServiceCounter(Model):
    """A desk at a service point, opened by a staff member for one or more queues."""

    Meta = meta("queue_counters")

    counter_id = UnicodeAttribute(hash_key=True)  # "<service_point_id>-c<label>"
    service_point_id = UnicodeAttribute()
    department_id = UnicodeAttribute()
    label = UnicodeAttribute()  # "3": what the board and the SMS say
    status = UnicodeAttribute(default=CLOSED)  # COUNTER_STATUSES
    queue_ids = ListAttribute(of=UnicodeAttribute, default=list)
    staff_username = UnicodeAttribute(null=True)
    opened_at = UTCDateTimeAttribute(null=True)
    closed_at = UTCDateTimeAttribute(null=True)
    current_ticket_id = UnicodeAttribute(null=True)
    current_code = UnicodeAttribute(null=True)
    current_called_at = UTCDateTimeAttribute(null=True)
    call_seq = NumberAttribute(default=0)  # +1 on every call and recall: the board chimes on change
    created_at = CreatedAt()

    by_service_point = CountersByServicePoint()


class QueueDay(Model):
    """A queue's day: its ticket numbers (``last_number`` ADD 1) and the counts the board, the staff
    page and the ticket page read instead of reading the tickets. Each count changes in the same
    transaction as the ticket's own write (issue, call, transfer: ``services/live_queue``)."""

    Meta = meta("queue_days")

    queue_id = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)
    last_number = NumberAttribute(default=0)  # numbers given
    waiting = NumberAttribute(default=0)  # tickets waiting now: +1 issued or transferred in, -1 called
    walk_ins_waiting = NumberAttribute(default=0)  # of which walk-ins
    walk_ins_issued = NumberAttribute(default=0)  # walk-ins numbered in this queue (ADD 1 with the number)
    walk_ins_called = NumberAttribute(default=0)  # walk-ins called from this queue


class ServiceTime(Model):
    """Served tickets and their total service seconds per service and day (ADD only). A marker
    item ``ticket#<id>`` per learned ticket makes the ADD at most once."""

    Meta = meta("queue_service_times")

    service_key = UnicodeAttribute(hash_key=True)  # "service#<id>" or "queue#<id>"
    day = UnicodeAttribute(range_key=True)
    served = NumberAttribute(default=0)
    seconds = NumberAttribute(default=0)
