"""The staff page, the board and the ticket page never read a whole line: what they read does not
grow with the line, and the counts they show stay exact through issue, call, transfer and check-in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.services.live_queue import calls, order, points, tickets
from tests.unit.ddb_requests import dynamodb_requests
from tests.unit.live_queue.helpers import (
    NOW,
    TODAY,
    appointment_ticket,
    open_counter,
    staff,
    walk_in,
    whole_line_in_order,
)

SHORT, LONG = 8, 130  # LONG is well past order.POSITION_EXACT and points.STAFF_NEXT


@pytest.fixture
def no_line_limit(env):
    """Tickets taken by the test itself, faster than a line's limit lets a kiosk."""
    env(DIMOTIS_LIMIT_WALK_IN_LINE="off")


def _line_of(n: int, queue_id: str = "kep-1-A"):
    return [walk_in(queue_id, at=NOW - timedelta(hours=3) + timedelta(seconds=10 * i)) for i in range(n)]


def _reads(work):
    with dynamodb_requests() as made:
        result = work()
    return result, [r.operation for r in made], sum(r.items_read for r in made)


def test_what_the_pages_read_does_not_grow_with_the_line(point, no_line_limit):
    # GIVEN a short line at kep-1 B, and a long one at kep-1 A whose last ticket is far back
    _line_of(SHORT, "kep-1-B")
    short_last = tickets.issue_walk_in("kep-1", "kep-1-B", now=NOW)
    _line_of(LONG)
    long_last = tickets.issue_walk_in("kep-1", "kep-1-A", now=NOW)
    clerk = staff()
    # WHEN the board, the staff page and each last ticket's page are read
    board, board_ops, board_items = _reads(lambda: points.board("kep-1", now=NOW))
    page, page_ops, page_items = _reads(lambda: points.staff_point(clerk, "kep-1", now=NOW))
    short_view, short_ops, short_items = _reads(lambda: tickets.ticket_view(short_last.ticket_id, now=NOW))
    long_view, long_ops, long_items = _reads(lambda: tickets.ticket_view(long_last.ticket_id, now=NOW))
    # THEN no Scan, no Query for a count, and the ticket page of the long line makes the same
    # requests as the short line's, reading at most the exact-count window more
    for ops in (board_ops, page_ops, short_ops, long_ops):
        assert "Scan" not in ops
    assert long_ops == short_ops
    assert long_items - short_items <= 2 * order.POSITION_EXACT
    # AND the board reads the head of each line (5) and one item of counts per line, whatever the length
    assert board_items <= 2 * (points.BOARD_NEXT + 1) + points.BOARD_RECENT + 4
    # AND the staff page reads at most the first STAFF_NEXT of each line, besides the counters
    assert page_items <= 2 * (points.STAFF_NEXT + 1) + 6
    # AND what they show is exact
    waiting = {q["queue_id"]: q["waiting"] for q in board["queues"]}
    assert waiting == {"kep-1-A": LONG + 1, "kep-1-B": SHORT + 1}
    listed = {q["queue_id"]: q for q in page["queues"]}
    assert listed["kep-1-A"]["waiting_count"] == LONG + 1
    assert len(listed["kep-1-A"]["waiting"]) == points.STAFF_NEXT
    assert [t["ticket_id"] for t in listed["kep-1-B"]["waiting"]][-1] == short_last.ticket_id
    assert (short_view["position"], long_view["position"]) == (SHORT + 1, LONG + 1)


def test_every_place_in_a_long_line_is_right_before_and_after_calls(point, no_line_limit):
    # GIVEN a long line of walk-ins with appointment holders, due and early, among them
    _line_of(LONG)
    appointment_ticket(NOW - timedelta(minutes=5), at=NOW - timedelta(minutes=30))  # due
    appointment_ticket(NOW + timedelta(hours=2), at=NOW - timedelta(minutes=20))  # early
    counter = open_counter()
    clerk = staff()

    def places_are_exact():
        whole = whole_line_in_order(["kep-1-A"], TODAY, NOW)
        edge = order.POSITION_EXACT
        # the head, both sides of the exact window's edge, the far end, and the appointment holders
        sample = {*range(4), *range(edge - 3, edge + 4), *range(len(whole) - 3, len(whole))}
        probes = [t for i, t in enumerate(whole) if i in sample or t.kind == "appointment"]
        for ticket in probes:
            got = order.people_ahead(tickets.get_ticket(ticket.ticket_id), NOW)
            assert got == whole.index(ticket), (ticket.code, got, whole.index(ticket))
        assert order.count_waiting(["kep-1-A"], TODAY) == {"kep-1-A": len(whole)}

    # THEN each ticket's place is its index in the whole line, near the head and far back
    places_are_exact()
    # AND after a dozen calls (the due appointment first, then walk-ins) still
    for i in range(12):
        calls.call_next(clerk, counter.counter_id, now=NOW + timedelta(seconds=i))
    places_are_exact()


def test_counts_follow_a_call_a_transfer_and_an_appointment_holder(point, no_line_limit):
    # GIVEN in A two walk-ins and an appointment holder checked in early; in B a later walk-in
    a1, a2 = walk_in("kep-1-A"), walk_in("kep-1-A", at=NOW + timedelta(seconds=1))
    early = appointment_ticket(NOW + timedelta(hours=1))
    b1 = walk_in("kep-1-B", at=NOW + timedelta(seconds=2))
    counter = open_counter()
    # WHEN the counter of A calls next (a1) and transfers it to B
    called = calls.call_next(staff(), counter.counter_id, now=NOW + timedelta(seconds=5))
    calls.transfer(staff(), counter.counter_id, "kep-1-B", now=NOW + timedelta(seconds=6))
    assert called.ticket_id == a1.ticket_id
    # THEN each line's count is what a full read of it finds
    counted = order.count_waiting(["kep-1-A", "kep-1-B"], TODAY)
    whole = {q: len(whole_line_in_order([q], TODAY, NOW)) for q in ("kep-1-A", "kep-1-B")}
    assert counted == whole == {"kep-1-A": 2, "kep-1-B": 2}
    # AND a1 keeps its place by its time of issue: ahead of b1 in B; in A the early holder is behind a2
    assert [order.people_ahead(tickets.get_ticket(t.ticket_id), NOW) for t in (a1, b1, a2, early)] == [
        0,
        1,
        0,
        1,
    ]
