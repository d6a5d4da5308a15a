"""Tickets: numbering per line and day, the kiosk's checks, the views of a ticket."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.services.live_queue import tickets
from tests.unit.live_queue.helpers import NOW, walk_in


def test_numbers_are_per_line_and_day(point):
    # GIVEN two lines
    # WHEN tickets are taken in both, and on the next day
    codes = [
        walk_in("kep-1-A").code,
        walk_in("kep-1-A").code,
        walk_in("kep-1-B").code,
        walk_in("kep-1-A", at=NOW + timedelta(days=1)).code,
    ]
    # THEN each line counts on its own from 1 every day
    assert codes == ["A001", "A002", "B001", "A001"]


def test_walk_in_unknown_line_or_other_point_is_404(point):
    # GIVEN the lines of kep-1 and roads-1
    # WHEN a walk-in asks at kep-1 for a line that does not exist, or for a line of roads-1
    # THEN both are "no such queue" (404)
    with pytest.raises(NotFound) as unknown:
        tickets.issue_walk_in("kep-1", "nope", now=NOW)
    with pytest.raises(NotFound) as elsewhere:
        tickets.issue_walk_in("kep-1", "roads-1-A", now=NOW)
    assert unknown.value.code == elsewhere.value.code == "queue_not_found"


def test_walk_in_for_a_service_the_line_does_not_serve_is_refused(point):
    # GIVEN line A serves certificates only
    # WHEN a walk-in asks line A for a permit
    # THEN it is refused before any number is taken
    with pytest.raises(ValidationFailed) as exc:
        tickets.issue_walk_in("kep-1", "kep-1-A", service_id="svc-permit", now=NOW)
    assert exc.value.code == "service_not_in_queue"
    assert walk_in("kep-1-A").code == "A001"


def test_views_of_a_ticket_show_no_mobile(point):
    # GIVEN a walk-in with a mobile
    ticket = walk_in(mobile="6912345678")
    # WHEN the ticket is shown on its page, at the kiosk and to staff
    page = tickets.ticket_view(ticket.ticket_id, now=NOW)
    kiosk = tickets.public_ticket(ticket)
    desk = tickets.staff_ticket(ticket)
    # THEN none shows the number; staff only see that there is one
    for view in (page, kiosk, desk):
        assert "mobile" not in view and "6912345678" not in str(view)
    assert desk["has_mobile"] is True
    assert kiosk["url"].endswith(f"/ticket/{ticket.ticket_id}")
