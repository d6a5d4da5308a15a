"""Service points: the places where citizens are served, shared by appointments (a service is at
one point; its page shows the point on a map) and the live queue (a point's queues, kiosk, board).

Reading: ``card(id)`` is the point as citizens see it (names, address, position, contacts, hours),
cached per container for ``POINT_TTL_SECONDS``; ``cards(ids)`` fetches the ones not cached with one
BatchGetItem, so a list of services reads each point at most once, and a warm container none.

Writing (admins anywhere, managers for their own department's points; every change in the audit
log): ``create_point``, ``update_point`` (``active: false`` deactivates: a point is never deleted,
old appointments and tickets name it). A point is deactivated only when no active service or queue
is at it (409 ``service_point_in_use``). The queues keep copies of the point's names (the board
and kiosk read them with the lines): a rename rewrites them in the same transaction as the point.
Attaching a service or queue to a point (``attach``) is a condition in the caller's transaction
that the point is active, and moves the point's ``version``, so a concurrent rename or deactivation
that read the point before fails instead of missing it.

Example::

    card("kep-dimarxeio")["address_el"]
    create_point(admin, {"service_point_id": "kep-nea-smyrni", "department_id": "kep", ...})
    update_point(manager, "kep-dimarxeio", {"phone": "2109999100"})

Limitation: the check that nothing active is at a point reads the services' and queues' indexes,
which may lag a write of the last second; ``version`` closes that gap for writes made through
``attach`` after the point was read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib import ddb
from chalicelib.access import ensure_department
from chalicelib.clock import iso, utcnow
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.queue import Queue
from chalicelib.models.service_catalog import Service
from chalicelib.models.service_points import CATALOG, ServicePoint
from chalicelib.services.platform import audit, hours, municipality
from chalicelib.services.platform.cache import TtlCache

POINT_TTL_SECONDS = 30
MAX_QUEUES = 60  # per point: a rename rewrites the point and its queues in one transaction (at most 100)
CARD = (
    "name_el",
    "name_en",
    "address_el",
    "address_en",
    "lat",
    "lng",
    "phone",
    "email",
    "hours_el",
    "hours_en",
    "hours",
)
EDITABLE = (*CARD, "department_id", "active")
_cache = TtlCache(lambda: POINT_TTL_SECONDS)


# -- reading --------------------------------------------------------------------------------------
def forget_points(service_point_id: str | None = None) -> None:
    """Empty the cache, or forget one point (its edit does)."""
    _cache.forget(service_point_id)


def _number(value: Any) -> float | None:
    return float(value) if value is not None else None


def card_of(point: ServicePoint) -> dict[str, Any]:
    """What citizens see of a point: where it is, how to reach it, when it is open."""
    out = {"service_point_id": point.service_point_id}
    for name in CARD:
        out[name] = getattr(point, name)
    out["lat"], out["lng"] = _number(point.lat), _number(point.lng)
    out["hours"] = dict(point.hours or {})
    return out


def cards(ids: set[str] | list[str]) -> dict[str, dict[str, Any]]:
    """``{id: card}`` for the known points among ``ids``: cached ones, the rest with one
    BatchGetItem."""
    found: dict[str, dict[str, Any]] = {}
    missing = []
    for service_point_id in dict.fromkeys(i for i in ids if i):
        hit = _cache.get(service_point_id)
        if hit is None:
            missing.append(service_point_id)
        elif hit:
            found[service_point_id] = hit
    if missing:
        loaded = {p.service_point_id: card_of(p) for p in ServicePoint.batch_get(missing)}
        for service_point_id in missing:
            card = _cache.put(service_point_id, loaded.get(service_point_id, {}))  # {} = known absent
            if card:
                found[service_point_id] = card
    return found


def card(service_point_id: str | None) -> dict[str, Any]:
    """The card of one point (cached), ``{}`` when there is no such point."""
    if not service_point_id:
        return {}
    return cards([service_point_id]).get(service_point_id, {})


def all_points() -> list[ServicePoint]:
    """Every point, active or not, by id (one Query)."""
    return list(ServicePoint.by_catalog.query(CATALOG))


def get_point(service_point_id: str) -> ServicePoint:
    """The point as stored now; 404 ``service_point_not_found``."""
    try:
        return ServicePoint.get(service_point_id, consistent_read=True)
    except ServicePoint.DoesNotExist:
        raise NotFound("No such service point.", code="service_point_not_found") from None


def public_point(point: ServicePoint) -> dict[str, Any]:
    """The point as the catalogue page shows it: the card, its department and state."""
    return {
        **card_of(point),
        "department_id": point.department_id,
        "active": bool(point.active),
        "version": int(point.version or 1),
        "updated_at": iso(point.updated_at) if point.updated_at else None,
    }


# -- attaching services and queues -----------------------------------------------------------------
def usable(service_point_id: str, field: str = "service_point_id") -> ServicePoint:
    """The point a service or queue is put at: 404 naming ``field`` when unknown, 409
    ``service_point_inactive`` when deactivated."""
    try:
        point = get_point(service_point_id)
    except NotFound:
        raise NotFound(
            "No such service point.", code="service_point_not_found", details={"field": field}
        ) from None
    if not point.active:
        raise Conflict(
            "The service point is deactivated.", code="service_point_inactive", details={"field": field}
        )
    return point


def attach(tx: ddb.Tx, service_point_id: str) -> None:
    """In the caller's transaction: the point is still active (label ``service_point``), and its
    version moves on."""
    tx.update(
        "service_point",
        ServicePoint(service_point_id),
        actions=[ServicePoint.version.add(1)],
        condition=ServicePoint.service_point_id.exists() & (ServicePoint.active == True),  # noqa: E712
    )


def attach_failed(exc: ddb.TxFailed) -> Conflict | None:
    """The 409 of a transaction whose ``attach`` failed (the point was deactivated meanwhile)."""
    if "service_point" in exc.failed:
        return Conflict(
            "The service point was deactivated meanwhile.",
            code="service_point_inactive",
            details={"field": "service_point_id"},
        )
    return None


# -- writing ----------------------------------------------------------------------------------------
def _check(values: dict[str, Any]) -> None:
    if (values.get("lat") is None) != (values.get("lng") is None):
        raise Conflict(
            "Give both the latitude and the longitude, or neither.",
            code="position_incomplete",
            details={"field": "lng" if values.get("lng") is None else "lat"},
        )
    hours.check_week(values.get("hours"), "hours")


def _snapshot(point: ServicePoint) -> dict[str, Any]:
    return {name: getattr(point, name) for name in EDITABLE}


def create_point(staff: Any, body: dict[str, Any], now: datetime | None = None) -> ServicePoint:
    """A new active point (``body``: ``schemas.catalogue.SERVICE_POINT_NEW``); 409
    ``service_point_exists`` when the id is taken."""
    now = now or utcnow()
    municipality.department_for(staff, body["department_id"])
    _check(body)
    point = ServicePoint(
        body["service_point_id"],
        department_id=body["department_id"],
        **{name: body[name] for name in CARD if name in body},
        active=True,
        version=1,
        created_at=now,
        updated_at=now,
    )
    try:
        point.save(condition=ServicePoint.service_point_id.does_not_exist())
    except PutError as exc:
        if ddb.condition_failed(exc):
            raise Conflict(
                "A service point with this id exists.",
                code="service_point_exists",
                details={"field": "service_point_id"},
            ) from None
        raise
    forget_points(point.service_point_id)
    audit.note(
        staff, "service_point", point.service_point_id, action="service_point.create", after=_snapshot(point)
    )
    return point


def _in_use(service_point_id: str) -> dict[str, list[str]]:
    services = [s.service_id for s in Service.by_service_point.query(service_point_id) if s.active]
    queues = [q.queue_id for q in Queue.by_service_point.query(service_point_id) if q.active]
    return {"services": services, "queues": queues} if services or queues else {}


def update_point(
    staff: Any, service_point_id: str, changes: dict[str, Any], now: datetime | None = None
) -> ServicePoint:
    """Change what ``changes`` gives (``schemas.catalogue.SERVICE_POINT_EDIT``): one transaction of
    the point and, when its names change, the copies on its queues. 403 outside the staff member's
    department (the point's, and a new one's), 409 ``service_point_in_use`` on deactivating a point
    with active services or queues, 409 ``service_point_changed`` when it changed meanwhile."""
    now = now or utcnow()
    point = get_point(service_point_id)
    ensure_department(staff, point.department_id)
    if changes.get("department_id", point.department_id) != point.department_id:
        municipality.department_for(staff, changes["department_id"])
    merged = {**_snapshot(point), **changes}
    _check(merged)
    if point.active and changes.get("active") is False and (busy := _in_use(service_point_id)):
        raise Conflict(
            "Deactivate or move the services and queues at this point first.",
            code="service_point_in_use",
            details={"field": "active", **busy},
        )
    before = _snapshot(point)
    actions = [
        getattr(ServicePoint, k).set(v) for k, v in changes.items() if k in EDITABLE and v != before[k]
    ]
    renamed = any(k in changes and changes[k] != before[k] for k in ("name_el", "name_en"))
    queues = list(Queue.by_service_point.query(service_point_id)) if renamed else []
    if not actions:
        return point
    version = int(point.version or 1)

    def build(tx: ddb.Tx) -> None:
        tx.update(
            "service_point",
            ServicePoint(service_point_id),
            actions=[*actions, ServicePoint.version.set(version + 1), ServicePoint.updated_at.set(now)],
            condition=ServicePoint.version == version,
        )
        for n, line in enumerate(queues):
            tx.update(
                f"queue{n}",
                Queue(line.queue_id),
                actions=[
                    Queue.service_point_name_el.set(merged["name_el"]),
                    Queue.service_point_name_en.set(merged["name_en"]),
                ],
                condition=Queue.queue_id.exists(),
            )

    try:
        ddb.transact(build)
    except ddb.TxFailed:
        raise Conflict(
            "The service point changed meanwhile; load it again.", code="service_point_changed"
        ) from None
    forget_points(service_point_id)
    after = {k: merged[k] for k in EDITABLE if merged[k] != before[k]}
    audit.note(
        staff,
        "service_point",
        service_point_id,
        action="service_point.deactivate"
        if changes.get("active") is False and point.active
        else "service_point.update",
        before={k: before[k] for k in after},
        after=after,
    )
    for name, value in {**after, "version": version + 1, "updated_at": now}.items():
        setattr(point, name, value)  # as written: no second read
    return point
