"""The lines of a service point and the counters that serve them, read by key; and the lines as
the municipality's catalogue sets them up (create, edit, deactivate).

A line is a ``Queue`` item of the catalogue (the API calls it a queue: ``queue_id`` =
``<service_point_id>-<prefix>``): one service or a group of services at one service point, with a
letter prefix for its tickets (``A001``...), taking walk-ins, appointment holders who check in, or
both (``kinds``). A counter (``ServiceCounter``) is a desk opened for one or more lines. Every read
here is a GetItem or a Query on an index of ``models/queue.py``.

The service point is an item of its own (``platform.service_points``); each line keeps a copy of
its names (``service_point_name_el``) for the kiosk and the board, which read only the lines, and
the point's rename rewrites the copies in its transaction. A line is created at an active point
(``service_points.attach`` in the same transaction), by admins or the managers of its department,
for services of that department; deactivated rather than deleted (tickets name it): a deactivated
line takes no new ticket, and its waiting tickets are still called.

Example::

    line = get_line("kep-dimarxeio-A")          # 404 queue_not_found
    [public_line(x) for x in lines_of_point("kep-dimarxeio", kind=WALK_IN)]
    create_line(manager, {"service_point_id": "kep-dimarxeio", "prefix": "D", ...})

Limitation: a point without an active line does not exist for the live queue (kiosk and board 404).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import ddb
from chalicelib.access import ensure_department
from chalicelib.clock import utcnow
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.queue import KINDS, OPEN, Queue, ServiceCounter
from chalicelib.models.service_catalog import Service
from chalicelib.services.platform import audit, municipality, service_points

EDITABLE = ("department_id", "name_el", "name_en", "service_ids", "kinds", "active")


def get_line(queue_id: str) -> Queue:
    try:
        return Queue.get(queue_id)
    except Queue.DoesNotExist:
        raise NotFound("No such queue.", code="queue_not_found") from None


def kinds_of(line: Queue) -> list[str]:
    """The kinds of ticket the line takes (both, for a line made before lines had kinds)."""
    return list(line.kinds or KINDS)


def lines_of_point(service_point_id: str, kind: str | None = None) -> list[Queue]:
    """The active lines of a service point (that take ``kind`` of ticket), by prefix (one Query)."""
    lines = Queue.by_service_point.query(service_point_id)
    return [line for line in lines if line.active and (kind is None or kind in kinds_of(line))]


def lines_of_department(department_id: str) -> list[Queue]:
    return list(Queue.by_department.query(department_id))


def public_line(line: Queue) -> dict[str, Any]:
    return {
        "queue_id": line.queue_id,
        "prefix": line.prefix,
        "name_el": line.name_el,
        "name_en": line.name_en or line.name_el,
        "service_ids": list(line.service_ids or []),
        "kinds": kinds_of(line),
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


# -- the catalogue: create, edit, deactivate ---------------------------------------------------------
def admin_line(line: Queue) -> dict[str, Any]:
    """A line as the catalogue page shows it."""
    return {
        **public_line(line),
        "name_en": line.name_en or "",
        "service_point_id": line.service_point_id,
        "department_id": line.department_id,
        "active": bool(line.active),
    }


def staff_lines(staff: Any, department_id: str | None = None) -> list[Queue]:
    """Every line of a department (default: the staff member's own), active or not (one Query)."""
    department_id = department_id or staff.department_id
    ensure_department(staff, department_id)
    return sorted(lines_of_department(department_id or ""), key=lambda x: x.queue_id)


def _check_services(department_id: str, service_ids: list[str]) -> None:
    """The services exist and are of the line's department (one BatchGetItem)."""
    if not service_ids:
        return
    found = {s.service_id: s for s in Service.batch_get(list(dict.fromkeys(service_ids)))}
    for service_id in service_ids:
        service = found.get(service_id)
        if service is None:
            raise NotFound(
                f"No service {service_id}.", code="service_not_found", details={"field": "service_ids"}
            )
        if service.department_id != department_id:
            raise Conflict(
                f"The service {service_id} belongs to another department.",
                code="service_not_in_department",
                details={"field": "service_ids"},
            )


def _snapshot(line: Queue) -> dict[str, Any]:
    return {name: getattr(line, name) for name in EDITABLE} | {"kinds": kinds_of(line)}


def create_line(staff: Any, body: dict[str, Any], now: datetime | None = None) -> Queue:
    """A new active line at an active service point (``body``: ``schemas.catalogue.QUEUE_NEW``);
    409 ``queue_exists`` when the point has a line with that prefix, ``too_many_queues`` past
    ``service_points.MAX_QUEUES``."""
    now = now or utcnow()
    municipality.department_for(staff, body["department_id"])
    point = service_points.usable(body["service_point_id"])
    _check_services(body["department_id"], body.get("service_ids") or [])
    if sum(1 for _ in Queue.by_service_point.query(point.service_point_id)) >= service_points.MAX_QUEUES:
        raise Conflict("This service point has all the queues it can.", code="too_many_queues")
    line = Queue(
        f"{point.service_point_id}-{body['prefix']}",
        service_point_id=point.service_point_id,
        department_id=body["department_id"],
        prefix=body["prefix"],
        name_el=body["name_el"],
        name_en=body.get("name_en") or None,
        service_ids=list(body.get("service_ids") or []),
        kinds=list(body.get("kinds") or KINDS),
        service_point_name_el=point.name_el,
        service_point_name_en=point.name_en,
        active=True,
        created_at=now,
        updated_at=now,
    )

    def build(tx: ddb.Tx) -> None:
        tx.save("queue", line, condition=Queue.queue_id.does_not_exist())
        service_points.attach(tx, point.service_point_id)

    try:
        ddb.transact(build)
    except ddb.TxFailed as exc:
        raise service_points.attach_failed(exc) or Conflict(
            "This service point has a queue with that prefix.",
            code="queue_exists",
            details={"field": "prefix"},
        ) from None
    audit.note(staff, "queue", line.queue_id, action="queue.create", after=_snapshot(line))
    return line


def update_line(staff: Any, queue_id: str, changes: dict[str, Any], now: datetime | None = None) -> Queue:
    """Edit what ``changes`` gives (``schemas.catalogue.QUEUE_EDIT``; ``active: false``
    deactivates); 403 outside the staff member's department (the line's, and a new one's)."""
    now = now or utcnow()
    line = get_line(queue_id)
    ensure_department(staff, line.department_id)
    before = _snapshot(line)
    changed = {k: v for k, v in changes.items() if k in EDITABLE and v != before[k]}
    if not changed:
        return line
    after = {**before, **changed}
    if "department_id" in changed:
        municipality.department_for(staff, changed["department_id"])
    if "department_id" in changed or "service_ids" in changed:
        _check_services(after["department_id"], after["service_ids"] or [])
    reactivated = changed.get("active") is True
    if reactivated:
        service_points.usable(line.service_point_id)
    actions = [
        Queue.name_en.remove() if k == "name_en" and not v else getattr(Queue, k).set(v)
        for k, v in changed.items()
    ]
    actions.append(Queue.updated_at.set(now))

    def build(tx: ddb.Tx) -> None:
        tx.update("queue", Queue(queue_id), actions=actions, condition=Queue.queue_id.exists())
        if reactivated:
            service_points.attach(tx, line.service_point_id)

    try:
        ddb.transact(build)
    except ddb.TxFailed as exc:
        raise service_points.attach_failed(exc) or Conflict(
            "The queue changed meanwhile; load it again.", code="queue_changed"
        ) from None
    audit.note(
        staff,
        "queue",
        queue_id,
        action="queue.deactivate" if changed.get("active") is False else "queue.update",
        before={k: before[k] for k in changed},
        after=changed,
    )
    for name, value in {**changed, "updated_at": now}.items():
        setattr(line, name, (value or None) if name == "name_en" else value)  # as written
    return line
