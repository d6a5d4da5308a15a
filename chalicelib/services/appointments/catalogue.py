"""The service catalogue: which services citizens can book, how they are shown, and the staff's
edits of hours, exceptions, capacity and limits.

Booking and availability read a service on every call, so ``get_service`` keeps each one in a
per-container cache for ``SERVICE_TTL_SECONDS``: a booking is then one write request and no read.
A staff edit forgets its own service at once; other containers see it when their copy expires.

Example::

    service = get_service("kep-certificates")            # cached; 404 service_not_found
    {"services": [service_public(s) for s in bookable_services("kep")]}

Limitation: the cache is per container, so for up to ``SERVICE_TTL_SECONDS`` after an edit another
container may still offer the old hours (the booking transaction re-checks capacity, not hours).
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime
from typing import Any

from chalicelib.access import ensure_department
from chalicelib.clock import utcnow
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.models.service_catalog import CATALOG, Service
from chalicelib.services.appointments import opening_hours
from chalicelib.services.platform import audit

SERVICE_TTL_SECONDS = 30
EDITABLE = (
    "hours",
    "exceptions",
    "capacity",
    "max_per_day",
    "slot_minutes",
    "duration_minutes",
    "min_notice_minutes",
    "max_days_ahead",
    "cancel_cutoff_minutes",
    "active",
)
MAX_DURATION_MINUTES = 8 * 60

_cache: dict[str, tuple[float, Service]] = {}
_cache_lock = threading.Lock()


# -- the cache ------------------------------------------------------------------------------------
def get_service(service_id: str, *, fresh: bool = False, include_inactive: bool = False) -> Service:
    """The service (cached for ``SERVICE_TTL_SECONDS`` in this container); 404 when unknown."""
    now = time.monotonic()
    hit = None if fresh else _cache.get(service_id)
    if hit is None or hit[0] < now:
        try:
            service = Service.get(service_id)
        except Service.DoesNotExist:
            raise NotFound("No such service.", code="service_not_found") from None
        with _cache_lock:
            _cache[service_id] = (now + SERVICE_TTL_SECONDS, service)
        hit = _cache[service_id]
    service = hit[1]
    if not service.active and not include_inactive:
        raise NotFound("This service is not bookable.", code="service_not_found")
    return service


def find_service(service_id: str) -> Service | None:
    """The service, bookable or not, or ``None`` when it was removed (for showing old appointments)."""
    try:
        return get_service(service_id, include_inactive=True)
    except NotFound:
        return None


def forget_services(service_id: str | None = None) -> None:
    """Empty the service cache, or forget one service (a staff edit forgets its own)."""
    with _cache_lock:
        if service_id is None:
            _cache.clear()
        else:
            _cache.pop(service_id, None)


# -- the citizens' catalogue ----------------------------------------------------------------------
def bookable_services(department_id: str | None = None) -> list[Service]:
    """Active services, by department then id (one Query)."""
    if department_id:
        rows = Service.by_department.query(department_id)
    else:
        rows = Service.by_catalog.query(CATALOG)
    return sorted((s for s in rows if s.active), key=lambda s: (s.department_id, s.service_id))


def department_names(ids: set[str]) -> dict[str, dict[str, str]]:
    """``{department_id: {"name_el", "name_en"}}`` for ``ids`` (one BatchGetItem)."""
    from chalicelib.models.org import Department

    if not ids:
        return {}
    return {
        d.department_id: {"name_el": d.name_el, "name_en": d.name_en or d.name_el}
        for d in Department.batch_get(list(ids))
    }


def catalogue_view(department_id: str | None = None) -> dict[str, Any]:
    """``{"services": [...]}``: the bookable services with their departments' names."""
    services = bookable_services(department_id)
    names = department_names({s.department_id for s in services})
    return {"services": [service_public(s, names) for s in services]}


def service_view(service_id: str) -> dict[str, Any]:
    """One bookable service with its department's names (404 when not bookable)."""
    service = get_service(service_id)
    return service_public(service, department_names({service.department_id}))


def service_public(service: Service, departments: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    department = (departments or {}).get(service.department_id) or {}
    return {
        "service_id": service.service_id,
        "department_id": service.department_id,
        "department_name_el": department.get("name_el"),
        "department_name_en": department.get("name_en"),
        "name_el": service.name_el,
        "name_en": service.name_en,
        "description_el": service.description_el or "",
        "description_en": service.description_en or "",
        "documents": service.documents or [],
        "service_point_id": service.service_point_id,
        "point": service.point or {},
        "duration_minutes": int(service.duration_minutes),
        "slot_minutes": int(service.slot_minutes),
        "capacity": int(service.capacity),
        "min_notice_minutes": int(service.min_notice_minutes),
        "max_days_ahead": int(service.max_days_ahead),
        "cancel_cutoff_minutes": int(service.cancel_cutoff_minutes),
        "max_per_day": int(service.max_per_day),
        "hours": service.hours or {},
        "exceptions": service.exceptions or {},
        "active": bool(service.active),
    }


# -- staff ----------------------------------------------------------------------------------------
def staff_services(staff: Any, department_id: str | None = None) -> list[Service]:
    """Every service of a department (default: the staff member's own), active or not."""
    department_id = department_id or staff.department_id
    ensure_department(staff, department_id)
    return sorted(Service.by_department.query(department_id), key=lambda s: s.service_id)


def staff_service(staff: Any, service_id: str) -> Service:
    """The service as stored now (not the cached copy); 403 outside the staff member's department."""
    service = get_service(service_id, fresh=True, include_inactive=True)
    ensure_department(staff, service.department_id)
    return service


def _check_intervals(intervals: list[list[str]], where: str) -> None:
    previous = None
    for opens, closes in intervals:
        a, b = opening_hours.parse_hhmm(opens), opening_hours.parse_hhmm(closes)
        if a >= b:
            raise ValidationFailed(
                f"{where}: {opens}-{closes} closes before it opens.", details={"field": where}
            )
        if previous is not None and a < previous:
            raise ValidationFailed(
                f"{where}: intervals overlap or are out of order.", details={"field": where}
            )
        previous = b


def _check_changes(service: Service, changes: dict[str, Any]) -> None:
    for day, intervals in (changes.get("hours") or {}).items():
        _check_intervals(intervals, f"hours.{day}")
    for day, intervals in (changes.get("exceptions") or {}).items():
        try:
            date.fromisoformat(day)
        except ValueError:
            raise ValidationFailed(
                f"exceptions: {day} is not a date.", details={"field": "exceptions"}
            ) from None
        _check_intervals(intervals, f"exceptions.{day}")
    if changes.get("duration_minutes", service.duration_minutes) > MAX_DURATION_MINUTES:
        raise ValidationFailed("duration_minutes is too long.", details={"field": "duration_minutes"})


def update_service(
    staff: Any, service_id: str, changes: dict[str, Any], now: datetime | None = None
) -> Service:
    """Edit hours, exceptions, capacity and limits (already schema-checked); 403 outside the
    staff member's department. Existing bookings are kept."""
    now = now or utcnow()
    service = staff_service(staff, service_id)
    _check_changes(service, changes)
    before = {k: getattr(service, k) for k in EDITABLE if k in changes}
    actions = [getattr(Service, k).set(v) for k, v in changes.items() if k in EDITABLE]
    if not actions:
        return service
    actions.append(Service.updated_at.set(now))
    service.update(actions=actions)
    forget_services(service_id)
    audit.note(
        staff,
        "service",
        service_id,
        action="service.update",
        before=before,
        after={k: changes[k] for k in EDITABLE if k in changes},
    )
    return service
