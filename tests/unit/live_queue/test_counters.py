"""Counters: one staff member holds an open counter; a counter closes only without a ticket."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.errors import Conflict
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
