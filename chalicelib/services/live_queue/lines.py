"""The lines of a service point and the counters that serve them, read by key.

A line is a ``Queue`` item of the catalogue (the API calls it a queue: ``queue_id``): one service
or a group of services at one service point, with a letter prefix for its tickets (``A001``...).
A counter (``ServiceCounter``) is a desk opened for one or more lines. Every read here is a
GetItem or a Query on an index of ``models/queue.py``.

Example::

    line = get_line("kep-dimarxeio-A")          # 404 queue_not_found
    [public_line(x) for x in lines_of_point("kep-dimarxeio")]

Limitation: a service point has no item of its own; its names are copied onto each of its lines
(``service_point_name_el``), so a point without an active line does not exist for the live queue.
"""

from __future__ import annotations

from typing import Any

from chalicelib.errors import NotFound
from chalicelib.models.queue import OPEN, Queue, ServiceCounter


def get_line(queue_id: str) -> Queue:
    try:
        return Queue.get(queue_id)
    except Queue.DoesNotExist:
        raise NotFound("No such queue.", code="queue_not_found") from None


def lines_of_point(service_point_id: str) -> list[Queue]:
    """The active lines of a service point, by prefix (one Query)."""
    return [line for line in Queue.by_service_point.query(service_point_id) if line.active]


def lines_of_department(department_id: str) -> list[Queue]:
    return list(Queue.by_department.query(department_id))


def public_line(line: Queue) -> dict[str, Any]:
    return {
        "queue_id": line.queue_id,
        "prefix": line.prefix,
        "name_el": line.name_el,
        "name_en": line.name_en or line.name_el,
        "service_ids": list(line.service_ids or []),
    }


def point_names(line: Queue) -> dict[str, str]:
    """The names of the service point of ``line`` (copied onto each of its lines)."""
    point = line.service_point_id
    return {
        "name_el": line.service_point_name_el or point,
        "name_en": line.service_point_name_en or line.service_point_name_el or point,
    }


def counters_of_point(service_point_id: str) -> list[ServiceCounter]:
    """The counters of a service point in label order (``2`` before ``10``), one Query."""
    counters = ServiceCounter.by_service_point.query(service_point_id)
    return sorted(counters, key=lambda c: (len(c.label), c.label))


def open_counters_for(queue_id: str, counters: list[ServiceCounter]) -> int:
    return sum(1 for c in counters if c.status == OPEN and queue_id in (c.queue_ids or []))
