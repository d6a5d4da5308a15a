"""What a counter does with tickets: call next (one ticket to one counter), recall, start,
served, no-show, transfer, and the department rule."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.errors import Conflict, Forbidden
from chalicelib.services.live_queue import calls, counters, order, tickets
from chalicelib.settings import reset_settings
from tests.unit.live_queue.helpers import NOW, TODAY, open_counter, staff, walk_in, whole_line_in_order


# -- call next: one ticket to one counter --------------------------------------------------------
def test_two_counters_with_the_same_stale_view_get_different_tickets(point, monkeypatch):
    # GIVEN two open counters and two tickets
    c1, c2 = open_counter("1"), open_counter("2")
    t1, t2 = walk_in(), walk_in(at=NOW + timedelta(seconds=1))
    # AND both counters read the waiting line before either calls (a stale index read)
    stale = whole_line_in_order(["kep-1-A"], TODAY, NOW)
    monkeypatch.setattr(calls, "first_waiting", lambda *a, **k: list(stale))
    # WHEN both call next
    first = calls.call_next(staff(), c1.counter_id, now=NOW + timedelta(seconds=2))
    second = calls.call_next(staff(), c2.counter_id, now=NOW + timedelta(seconds=3))
    # THEN the conditional update gives A001 to counter 1 only; counter 2 gets A002, none skipped
    assert (first.ticket_id, first.counter_id) == (t1.ticket_id, c1.counter_id)
    assert (second.ticket_id, second.counter_id) == (t2.ticket_id, c2.counter_id)
    assert counters.get_counter(c1.counter_id).current_ticket_id == t1.ticket_id
    assert counters.get_counter(c2.counter_id).current_ticket_id == t2.ticket_id


def test_a_taken_ticket_fails_the_condition_and_changes_nothing(point):
    # GIVEN two counters, and counter 2's copy of a ticket read before counter 1 called it
    c1, c2 = open_counter("1"), open_counter("2")
    ticket = walk_in()
    stale = tickets.get_ticket(ticket.ticket_id)
    calls.call_next(staff(), c1.counter_id, now=NOW)
    # WHEN counter 2 tries the same ticket with its stale copy
    outcome = calls._try_call(staff(), counters.get_counter(c2.counter_id), stale, None, NOW)
    # THEN it is told the ticket is taken and neither the ticket nor counter 2 changed
    assert outcome == "taken"
    assert tickets.get_ticket(ticket.ticket_id).counter_id == c1.counter_id
    assert counters.get_counter(c2.counter_id).current_ticket_id is None


def test_a_counter_that_moved_on_meanwhile_is_told_so(point):
    # GIVEN counter 1 as read before it called its first ticket (another tab of the same clerk)
    counter = open_counter("1")
    walk_in(), walk_in(at=NOW + timedelta(seconds=1))
    before = counters.get_counter(counter.counter_id)
    calls.call_next(staff(), counter.counter_id, now=NOW)
    waiting = order.first_waiting(["kep-1-A"], TODAY, NOW, 1)[0]
    # WHEN the stale tab calls the next ticket
    with pytest.raises(Conflict) as exc:
        calls._try_call(staff(), before, waiting, None, NOW + timedelta(seconds=5))
    # THEN 409 counter_changed, and the ticket still waits
    assert exc.value.code == "counter_changed"
    assert tickets.get_ticket(waiting.ticket_id).status == "waiting"


def test_call_next_finishes_the_previous_ticket_as_served(point):
    # GIVEN a counter and two walk-ins
    counter = open_counter()
    first, _second = walk_in(), walk_in(at=NOW + timedelta(seconds=1))
    # WHEN it calls next at minute 1 and again at minute 6
    calls.call_next(staff(), counter.counter_id, now=NOW + timedelta(minutes=1))
    calls.call_next(staff(), counter.counter_id, now=NOW + timedelta(minutes=6))
    # THEN the first ticket was served from its call to the second call, and its mobile is gone
    done = tickets.get_ticket(first.ticket_id)
    assert done.status == "served"
    assert done.service_started_at == NOW + timedelta(minutes=1)
    assert done.service_ended_at == NOW + timedelta(minutes=6)
    assert done.mobile is None


# -- recall, start, served, no-show, transfer ----------------------------------------------------
def test_recall_start_served_keep_times(point):
    # GIVEN a ticket called at a counter
    counter = open_counter()
    walk_in()
    ticket = calls.call_next(staff(), counter.counter_id, now=NOW)
    # WHEN it is recalled after a minute
    recalled = calls.recall(staff(), counter.counter_id, now=NOW + timedelta(minutes=1))
    # THEN the call time moves and the board's sequence grows
    assert recalled.recall_count == 1 and recalled.called_at == NOW + timedelta(minutes=1)
    assert counters.get_counter(counter.counter_id).call_seq == 2
    # WHEN service starts at minute 2 and ends at minute 9
    calls.start_service(staff(), counter.counter_id, now=NOW + timedelta(minutes=2))
    served = calls.finish(staff(), counter.counter_id, "served", now=NOW + timedelta(minutes=9))
    # THEN the ticket keeps both times and the counter is free
    assert served.ticket_id == ticket.ticket_id and served.status == "served"
    assert (served.service_started_at, served.service_ended_at) == (
        NOW + timedelta(minutes=2),
        NOW + timedelta(minutes=9),
    )
    assert counters.get_counter(counter.counter_id).current_ticket_id is None


def test_no_show_only_after_the_configured_minutes(point, monkeypatch):
    # GIVEN no-shows allowed 5 minutes after the call, and a ticket called now
    monkeypatch.setenv("DIMOTIS_QUEUE_NO_SHOW_MINUTES", "5")
    reset_settings()
    counter = open_counter()
    walk_in()
    calls.call_next(staff(), counter.counter_id, now=NOW)
    # WHEN the clerk marks a no-show after 4 minutes THEN it is refused
    with pytest.raises(Conflict) as early:
        calls.finish(staff(), counter.counter_id, "no_show", now=NOW + timedelta(minutes=4))
    assert early.value.code == "no_show_too_early"
    # WHEN after 5 minutes THEN accepted
    ticket = calls.finish(staff(), counter.counter_id, "no_show", now=NOW + timedelta(minutes=5))
    assert ticket.status == "no_show"


def test_no_show_is_refused_once_service_has_started(point):
    # GIVEN a ticket whose service started
    counter = open_counter()
    walk_in()
    calls.call_next(staff(), counter.counter_id, now=NOW)
    calls.start_service(staff(), counter.counter_id, now=NOW + timedelta(minutes=1))
    # WHEN the clerk marks a no-show long after the call
    with pytest.raises(Conflict) as exc:
        calls.finish(staff(), counter.counter_id, "no_show", now=NOW + timedelta(hours=1))
    # THEN it is refused: the citizen came
    assert exc.value.code == "already_serving"


def test_transfer_puts_the_ticket_back_to_waiting_in_the_other_line(point):
    # GIVEN A001 called at a counter of line A, and a newer walk-in waiting in line B
    counter = open_counter(queues=("kep-1-A",))
    first = walk_in("kep-1-A", at=NOW - timedelta(minutes=10))
    newer_b = walk_in("kep-1-B", at=NOW - timedelta(minutes=5))
    calls.call_next(staff(), counter.counter_id, now=NOW)
    # WHEN the clerk transfers A001 to line B
    moved = calls.transfer(staff(), counter.counter_id, "kep-1-B", now=NOW + timedelta(minutes=1))
    # THEN it waits in B, keeps its number, and is ahead of B's newer walk-in (issued earlier)
    assert (moved.status, moved.queue_id, moved.code, moved.generation) == ("waiting", "kep-1-B", "A001", 1)
    in_b = whole_line_in_order(["kep-1-B"], TODAY, NOW)
    assert [t.ticket_id for t in in_b] == [first.ticket_id, newer_b.ticket_id]
    assert counters.get_counter(counter.counter_id).current_ticket_id is None


# -- invariant 4 ---------------------------------------------------------------------------------
def test_staff_of_another_department_cannot_use_the_counter(point):
    # GIVEN a counter of kep with a ticket waiting, and a clerk of roads
    counter = open_counter()
    walk_in()
    roads = staff("roads", username="clerk.roads")
    # WHEN the roads clerk calls next there, or opens a counter for kep's line THEN 403
    with pytest.raises(Forbidden) as call:
        calls.call_next(roads, counter.counter_id, now=NOW)
    with pytest.raises(Forbidden) as opening:
        counters.open_counter(roads, "kep-1", "9", ["kep-1-A"], now=NOW)
    assert call.value.code == opening.value.code == "other_department"
    # AND an admin may
    assert calls.call_next(staff("roads", ("admin",), "admin"), counter.counter_id, now=NOW) is not None
