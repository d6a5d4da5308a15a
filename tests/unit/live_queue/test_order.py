"""The order rule: appointment holders within their slot first, walk-ins fill the gaps, early
appointment holders last; the limited reads and the counted positions agree with it."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.services.live_queue import calls, order, tickets
from tests.unit.live_queue.helpers import (
    NOW,
    TODAY,
    appointment_ticket,
    open_counter,
    staff,
    walk_in,
    whole_line_in_order,
)


def test_order_rule_due_appointments_then_walk_ins_then_early_appointments(point):
    # GIVEN walk-ins W1, W2, an appointment whose slot started (D) and one whose slot is later (E)
    w1 = walk_in(at=NOW - timedelta(minutes=30))
    early = appointment_ticket(NOW + timedelta(minutes=40), at=NOW - timedelta(minutes=25))
    w2 = walk_in(at=NOW - timedelta(minutes=20))
    due = appointment_ticket(NOW - timedelta(minutes=5), at=NOW - timedelta(minutes=10))
    # WHEN the waiting line is ordered now
    now_order = whole_line_in_order(["kep-1-A"], TODAY, NOW)
    # THEN the due appointment first, walk-ins by arrival, the early appointment last
    assert [t.ticket_id for t in now_order] == [due.ticket_id, w1.ticket_id, w2.ticket_id, early.ticket_id]
    # AND once its slot starts, the early appointment goes ahead of the walk-ins
    later = whole_line_in_order(["kep-1-A"], TODAY, NOW + timedelta(minutes=41))
    assert [t.ticket_id for t in later][:2] == [due.ticket_id, early.ticket_id]
    # AND the limited Queries give the same head of the line at any time
    for at in (NOW, NOW + timedelta(minutes=40), NOW + timedelta(minutes=41)):
        full = [t.ticket_id for t in whole_line_in_order(["kep-1-A"], TODAY, at)]
        for n in (1, 2, 3, 5):
            assert [t.ticket_id for t in order.first_waiting(["kep-1-A"], TODAY, at, n)] == full[:n]
        # AND the counted position of each ticket is its index in that order
        for index, ticket_id in enumerate(full):
            assert order.people_ahead(tickets.get_ticket(ticket_id), at) == index


def test_call_next_follows_the_order_rule_across_lines(point):
    # GIVEN a counter for A and B; a B walk-in older than an A walk-in; an early A appointment
    counter = open_counter(queues=("kep-1-A", "kep-1-B"))
    b1 = walk_in("kep-1-B", at=NOW - timedelta(minutes=9))
    a1 = walk_in("kep-1-A", at=NOW - timedelta(minutes=8))
    early = appointment_ticket(NOW + timedelta(hours=1), at=NOW - timedelta(minutes=20))
    clerk = staff()
    # WHEN the counter calls next three times
    called = [calls.call_next(clerk, counter.counter_id, now=NOW + timedelta(seconds=i)) for i in range(3)]
    # THEN walk-ins fill the gap first (oldest first), the early appointment holder comes last
    assert [t.ticket_id for t in called] == [b1.ticket_id, a1.ticket_id, early.ticket_id]
    # AND then nobody waits
    assert calls.call_next(clerk, counter.counter_id, now=NOW + timedelta(seconds=5)) is None
