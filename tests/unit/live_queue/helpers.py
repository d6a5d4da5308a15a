"""Builders the live queue's tests share: a staff member, a walk-in, an appointment holder's
ticket, an open counter, all at fixed instants (``NOW``) passed as ``now=``.

``NOW`` is a Monday of November (no daylight-saving change within a day of it, Athens is UTC+2):
the tests that depend on it say so; none depends on the day of the week or the year.
"""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.models.queue import WAITING, QueueTicket, status_key
from chalicelib.services.live_queue import counters, lines, order, tickets
from chalicelib.services.platform.staff_auth import StaffMember

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 11:00 in Athens
TODAY = "2026-11-23"  # the local day of NOW


def staff(department="kep", roles=("clerk",), username="clerk.kep"):
    return StaffMember(username, "sub-" + username, tuple(roles), department)


def walk_in(queue_id="kep-1-A", at=NOW, mobile=None):
    return tickets.issue_walk_in(queue_id.rsplit("-", 1)[0], queue_id, mobile=mobile, now=at)


def appointment_ticket(slot_start, at=NOW, queue_id="kep-1-A", mobile=None):
    return tickets.new_ticket(
        lines.get_line(queue_id),
        now=at,
        kind="appointment",
        mobile=mobile,
        appointment={"appointment_id": f"ap-{slot_start.isoformat()}", "slot_start": slot_start},
    )


def open_counter(label="1", queues=("kep-1-A",), by=None):
    return counters.open_counter(by or staff(), "kep-1", label, list(queues), now=NOW)


def whole_line_in_order(queue_ids, day, now):
    """Every waiting ticket of ``queue_ids`` by the order rule, read in full: the tests' oracle
    (the app never reads a whole line)."""
    waiting = [t for q in queue_ids for t in QueueTicket.by_status.query(status_key(q, day, WAITING))]
    return order.effective_order(waiting, now)
