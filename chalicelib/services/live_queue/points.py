"""Views of a service point: the kiosk's lines, the display board at the entrance, and the staff
page (lines with their waiting tickets in call order, and the counters).

The board is polled every one or two seconds by every screen, so it is cheap: a few Queries (the
point's lines, its counters, the latest calls, the head of each line) and one BatchGetItem of the
lines' day counts (``counts.py``), never a read of whole lines. Its ``version`` changes on every
call and recall, and the page chimes when it does. The staff page likewise reads the first
``STAFF_NEXT`` of each line in call order and the count of the rest: what it reads does not grow
with the line.

Example::

    board("kep-dimarxeio")["calls"]     # [{"counter": "3", "code": "A007", ...}]

Limitation: the staff page lists the first ``STAFF_NEXT`` waiting tickets of each line and says
how many more wait; a ticket further back is reached when those before it are called.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.access import ensure_department
from chalicelib.clock import local_day, utcnow
from chalicelib.errors import NotFound
from chalicelib.models.queue import OPEN, QueueTicket
from chalicelib.services.live_queue.counters import public_counter
from chalicelib.services.live_queue.lines import (
    counters_of_point,
    lines_of_department,
    lines_of_point,
    point_names,
    public_line,
)
from chalicelib.services.live_queue.order import count_waiting, first_waiting
from chalicelib.services.live_queue.tickets import staff_ticket

BOARD_NEXT = 5  # next numbers shown per line
BOARD_RECENT = 8  # latest calls shown
STAFF_NEXT = 30  # waiting tickets listed per line on the staff page


def point_view(service_point_id: str) -> dict[str, Any]:
    """What the kiosk shows: the service point's lines (404 when it has none)."""
    lines = lines_of_point(service_point_id)
    if not lines:
        raise NotFound("No queues at this service point.", code="service_point_not_found")
    return {
        "service_point_id": service_point_id,
        **point_names(lines[0]),
        "department_id": lines[0].department_id,
        "queues": [public_line(line) for line in lines],
    }


def board(service_point_id: str, now: datetime | None = None) -> dict[str, Any]:
    """The display board: the call at each open counter, the latest calls, the next numbers."""
    now = now or utcnow()
    point = point_view(service_point_id)
    day = local_day(now)
    counters = counters_of_point(service_point_id)
    calls = [
        {
            "counter": c.label,
            "code": c.current_code,
            "called_at": c.current_called_at.isoformat() if c.current_called_at else None,
            "call_seq": int(c.call_seq or 0),
        }
        for c in counters
        if c.status == OPEN and c.current_code
    ]
    latest = QueueTicket.by_point_calls.query(
        f"{service_point_id}#{day}", scan_index_forward=False, limit=BOARD_RECENT
    )
    recent = [
        {
            "code": t.code,
            "counter": t.counter_label,
            "called_at": t.called_at.isoformat() if t.called_at else None,
        }
        for t in latest
    ]
    waiting = count_waiting([line["queue_id"] for line in point["queues"]], day)
    upcoming = [
        {
            **line,
            "next": [t.code for t in first_waiting([line["queue_id"]], day, now, BOARD_NEXT)],
            "waiting": waiting[line["queue_id"]],
        }
        for line in point["queues"]
    ]
    return {
        "service_point_id": service_point_id,
        "name_el": point["name_el"],
        "name_en": point["name_en"],
        "calls": calls,
        "recent": recent,
        "queues": upcoming,
        "open_counters": sum(1 for c in counters if c.status == OPEN),
        "version": ",".join(f"{c.counter_id}:{int(c.call_seq or 0)}" for c in counters),
        "at": now.isoformat(),
    }


def staff_point(staff: Any, service_point_id: str, now: datetime | None = None) -> dict[str, Any]:
    """The staff page: lines with their first ``STAFF_NEXT`` waiting tickets in call order and how
    many wait in all (``waiting_count``), and the counters."""
    now = now or utcnow()
    point = point_view(service_point_id)
    ensure_department(staff, point["department_id"])
    day = local_day(now)
    counted = count_waiting([line["queue_id"] for line in point["queues"]], day)
    lines = [
        {
            **line,
            "waiting": [staff_ticket(t) for t in first_waiting([line["queue_id"]], day, now, STAFF_NEXT)],
            "waiting_count": counted[line["queue_id"]],
        }
        for line in point["queues"]
    ]
    counters = [public_counter(c) for c in counters_of_point(service_point_id)]
    return {**point, "queues": lines, "counters": counters}


def service_points_for(staff: Any, department_id: str | None = None) -> list[dict[str, Any]]:
    """The service points whose lines belong to the staff member's department (or
    ``department_id`` for an admin)."""
    department = department_id or staff.department_id
    ensure_department(staff, department)
    points: dict[str, dict[str, Any]] = {}
    for line in lines_of_department(department or ""):
        point = line.service_point_id
        entry = points.setdefault(point, {"service_point_id": point, **point_names(line), "queues": []})
        entry["queues"].append(public_line(line))
    return sorted(points.values(), key=lambda p: p["service_point_id"])
