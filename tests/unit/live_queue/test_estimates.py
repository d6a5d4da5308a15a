"""Estimated wait: people ahead times the mean service time over the open counters; service times
learned once per served ticket."""

from __future__ import annotations

import copy
from datetime import timedelta

from chalicelib.services.live_queue import calls, counters, estimates, events, tickets
from chalicelib.settings import reset_settings
from tests.events import stream_record
from tests.unit.live_queue.helpers import NOW, open_counter, staff, walk_in


def test_ticket_view_position_and_wait_from_default_and_counters(point, monkeypatch):
    # GIVEN no service time learned yet, a default of 300 s, and two open counters
    monkeypatch.setenv("DIMOTIS_QUEUE_DEFAULT_SERVICE_SECONDS", "300")
    reset_settings()
    open_counter("1")
    open_counter("2", by=staff(username="clerk.kep2"))
    waiting = [walk_in(at=NOW + timedelta(seconds=i)) for i in range(5)]
    # WHEN the fifth walk-in looks at its ticket page
    view = tickets.ticket_view(waiting[4].ticket_id, now=NOW + timedelta(seconds=10))
    # THEN 4 ahead, 300 s each, 2 counters -> 10 minutes
    assert (view["position"], view["people_ahead"], view["open_counters"]) == (5, 4, 2)
    assert view["estimated_wait_minutes"] == 10
    assert "mobile" not in view


def test_served_times_are_learned_once_and_drive_the_estimate(point):
    # GIVEN a ticket served in 120 s at the only counter, and three walk-ins waiting
    counter = open_counter()
    walk_in()
    waiting = [walk_in(at=NOW + timedelta(seconds=i + 1)) for i in range(3)]
    calls.call_next(staff(), counter.counter_id, now=NOW)
    before = tickets.get_ticket(counters.get_counter(counter.counter_id).current_ticket_id)
    calls.finish(staff(), counter.counter_id, "served", now=NOW + timedelta(minutes=2))
    after = tickets.get_ticket(before.ticket_id)
    record = stream_record(after, before)
    # WHEN the served record is delivered twice
    events.on_ticket_record(copy.deepcopy(record), now=NOW)
    events.on_ticket_record(copy.deepcopy(record), now=NOW)
    # THEN the 120 s service time counted once: 2 people ahead at 1 counter wait 4 minutes
    assert estimates.mean_service_seconds(["queue#kep-1-A"], NOW) == 120
    view = tickets.ticket_view(waiting[2].ticket_id, now=NOW + timedelta(minutes=3))
    assert (view["people_ahead"], view["estimated_wait_minutes"]) == (2, 4)
