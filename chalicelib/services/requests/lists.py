"""Lists of requests, each a Query on an index designed for it (invariant 2): a department's inbox
(by department and status, newest first), its open located requests (the staff map), a citizen's
own requests, and the open public reports near a point (before a citizen files a duplicate).

Example::

    inbox(staff, statuses=["submitted"], overdue=True)       # roads' overdue new requests
    nearby("pothole", 37.9755, 23.7348)                      # [(request, 56.2), ...] nearest first

Limitation: the inbox reads up to ``INBOX_LIMIT`` per status and keeps the newest of them; a page
beyond that is not offered (the summary of the route says so).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib import clock
from chalicelib.access import ensure_department, is_admin
from chalicelib.errors import ValidationFailed
from chalicelib.models.requests import OPEN, STATUSES, CitizenRequest
from chalicelib.services.platform import audit, geohash
from chalicelib.services.requests import catalogue
from chalicelib.services.requests.records import GEO_CELL

INBOX_LIMIT = 200
MAP_LIMIT = 500
CITIZEN_LIMIT = 100
NEARBY_RADIUS_M = 100.0
GEO_QUERY = 7  # query the 7-character cell of the point and its 8 neighbours


def inbox(
    staff: Any,
    *,
    department_id: str | None = None,
    **filters: Any,
) -> list[CitizenRequest]:
    """``department_requests`` as the inbox lists them (with the requesters' contacts): the read
    is noted in the audit log."""
    found = department_requests(staff, department_id=department_id, **filters)
    department = department_id or staff.department_id or "all"
    audit.note_read(staff, "department", department, what="requests.inbox", rows=len(found))
    return found


def department_requests(
    staff: Any,
    *,
    department_id: str | None = None,
    statuses: list[str] | None = None,
    type_code: str | None = None,
    min_age_days: int | None = None,
    max_age_days: int | None = None,
    overdue: bool = False,
    assigned_to: str | None = None,
    limit: int = INBOX_LIMIT,
) -> list[CitizenRequest]:
    """A department's requests, newest first: one Query per status on the department+status
    index; age is a key condition, type, assignee and overdue are filters on that Query."""
    department = department_id or staff.department_id
    if not department and is_admin(staff):
        raise ValidationFailed(
            "Choose a department.", code="department_required", details={"field": "department_id"}
        )
    ensure_department(staff, department)  # staff without a department: 403, they see nothing
    wanted = statuses or list(OPEN)
    bad = [s for s in wanted if s not in STATUSES]
    if bad:
        raise ValidationFailed(
            f"Unknown status {bad[0]}.", code="invalid_status", details={"field": "status"}
        )
    now = clock.utcnow()
    lo = clock.iso_micro(now - timedelta(days=max_age_days)) if max_age_days is not None else None
    hi = clock.iso_micro(now - timedelta(days=min_age_days)) + "~" if min_age_days is not None else None
    if lo and hi:
        range_key = CitizenRequest.created_key.between(lo, hi)
    elif lo:
        range_key = CitizenRequest.created_key >= lo
    elif hi:
        range_key = CitizenRequest.created_key <= hi
    else:
        range_key = None
    conditions = []
    if type_code:
        conditions.append(CitizenRequest.type_code == type_code)
    if assigned_to:
        conditions.append(CitizenRequest.assigned_to == assigned_to)
    if overdue:
        conditions.append(CitizenRequest.due_at < now)
    condition = None
    for c in conditions:
        condition = c if condition is None else condition & c
    found: list[CitizenRequest] = []
    for status in wanted:
        found.extend(
            CitizenRequest.by_department_status.query(
                f"{department}#{status}",
                range_key_condition=range_key,
                filter_condition=condition,
                scan_index_forward=False,
                limit=limit,
            )
        )
    found.sort(key=lambda r: r.created_key, reverse=True)
    return found[:limit]


def open_on_map(staff: Any, department_id: str | None = None) -> list[CitizenRequest]:
    """Open requests of a department with a location (the staff map, with the requesters'
    contacts: noted in the audit log)."""
    found = department_requests(staff, department_id=department_id, limit=MAP_LIMIT)
    located = [r for r in found if r.lat is not None]
    department = department_id or staff.department_id or "all"
    audit.note_read(staff, "department", department, what="requests.map", rows=len(located))
    return located


def filed_by(taxid: str, limit: int = CITIZEN_LIMIT) -> list[CitizenRequest]:
    """A citizen's own requests, newest first."""
    return list(CitizenRequest.by_citizen.query(taxid, scan_index_forward=False, limit=limit))


def nearby(
    type_code: str, lat: float, lon: float, radius_m: float = NEARBY_RADIUS_M
) -> list[tuple[CitizenRequest, float]]:
    """Open public reports of ``type_code`` (404 for an unknown type) within ``radius_m`` of the
    point, nearest first: 9 Queries on the geohash index (the point's 7-character cell and its
    neighbours)."""
    catalogue.get_type(type_code)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationFailed(
            "The location is not on Earth.", code="location_invalid", details={"field": "lat"}
        )
    cell = geohash.encode(lat, lon, GEO_QUERY)
    out: dict[str, tuple[CitizenRequest, float]] = {}
    for candidate in [cell, *geohash.neighbours(cell)]:
        for req in CitizenRequest.by_geo.query(
            f"{type_code}#{candidate[:GEO_CELL]}", CitizenRequest.geohash.startswith(candidate)
        ):
            distance = geohash.distance_m(lat, lon, float(req.lat), float(req.lon))
            if distance <= radius_m and req.status in OPEN:
                out[req.request_id] = (req, distance)
    return sorted(out.values(), key=lambda pair: pair[1])
