"""Counters: one staff member holds an open counter and only they (or a manager, an admin) operate
it; a counter closes only without a ticket."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.errors import Conflict, Forbidden
from chalicelib.services.live_queue import calls, counters
from tests.unit.live_queue.helpers import NOW, open_counter, staff, walk_in


def test_closed_counter_cannot_call_and_busy_counter_cannot_close(point):
    # GIVEN a counter holding a called ticket
    counter = open_counter()
    walk_in()
    calls.call_next(staff(), counter.counter_id, now=NOW)
    # WHEN the clerk closes it THEN it is refused while the ticket is there
    with pytest.raises(Conflict) as busy:
        counters.close_counter(staff(), counter.counter_id)
    assert busy.value.code == "counter_busy"
    # WHEN the ticket is served and the counter closed, and the clerk calls next
    calls.finish(staff(), counter.counter_id, "served", now=NOW + timedelta(minutes=2))
    counters.close_counter(staff(), counter.counter_id)
    with pytest.raises(Conflict) as closed:
        calls.call_next(staff(), counter.counter_id, now=NOW)
    # THEN a closed counter calls nobody
    assert closed.value.code == "counter_closed"


def test_counter_open_by_someone_else_is_taken(point):
    # GIVEN counter 1 opened by clerk.kep
    open_counter(by=staff(username="clerk.kep"))
    # WHEN clerk.kep2 opens counter 1 THEN it is refused
    with pytest.raises(Conflict) as exc:
        open_counter(by=staff(username="clerk.kep2"))
    assert exc.value.code == "counter_taken"
    # AND clerk.kep may open it again (to change its lines)
    again = open_counter(queues=("kep-1-A", "kep-1-B"), by=staff(username="clerk.kep"))
    assert again.queue_ids == ["kep-1-A", "kep-1-B"]


OPERATIONS = {
    "next": lambda who, c: calls.call_next(who, c, now=NOW + timedelta(seconds=1)),
    "recall": lambda who, c: calls.recall(who, c, now=NOW + timedelta(seconds=2)),
    "start": lambda who, c: calls.start_service(who, c, now=NOW + timedelta(seconds=3)),
    "served": lambda who, c: calls.finish(who, c, "served", now=NOW + timedelta(minutes=5)),
    "no-show": lambda who, c: calls.finish(who, c, "no_show", now=NOW + timedelta(minutes=5)),
    "transfer": lambda who, c: calls.transfer(who, c, "kep-1-B", now=NOW + timedelta(seconds=4)),
    "close": lambda who, c: counters.close_counter(who, c),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_only_the_clerk_who_opened_a_counter_a_manager_or_an_admin_operates_it(point, operation):
    # GIVEN counter 1 opened by clerk.kep, holding a called ticket (one more waits)
    owner = staff(username="clerk.kep")
    counter = open_counter(by=owner).counter_id
    walk_in()
    walk_in(at=NOW + timedelta(seconds=1))
    if operation != "next":
        calls.call_next(owner, counter, now=NOW)
    act = OPERATIONS[operation]
    if operation == "close":
        calls.finish(owner, counter, "served", now=NOW + timedelta(minutes=1))
    # WHEN a colleague of the same department, a clerk, tries it THEN 403 counter_not_yours
    with pytest.raises(Forbidden) as refused:
        act(staff(username="clerk.kep2"), counter)
    assert refused.value.code == "counter_not_yours"
    # AND a manager of the department may (the clerk went home with the counter open)
    act(staff(username="manager.kep", roles=("manager",)), counter)


def test_an_admin_operates_any_counter_and_a_closed_counter_is_nobodys(point):
    # GIVEN counter 1 opened by clerk.kep
    counter = open_counter(by=staff(username="clerk.kep")).counter_id
    walk_in()
    # WHEN an admin of another department calls next THEN it is let through
    admin = staff(department="roads", username="admin", roles=("admin",))
    assert calls.call_next(admin, counter, now=NOW).code == "A001"
    calls.finish(admin, counter, "served", now=NOW + timedelta(minutes=1))
    counters.close_counter(admin, counter)
    # AND once closed, a colleague may open it as theirs
    assert open_counter(by=staff(username="clerk.kep2")).staff_username == "clerk.kep2"
