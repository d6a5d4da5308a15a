"""The service catalogue as it is read: the per-container service cache, the citizens' catalogue
with each service's point, and the staff's lists. Creating and editing services is
``services.py``'s.

Booking and availability read a service on every call, so ``get_service`` keeps each one in a
per-container cache for ``SERVICE_TTL_SECONDS``: a booking is then one write request and no read.
A staff edit forgets its own service at once; other containers see it when their copy expires.
The service point shown with a service (names, address, map position, contacts, hours) is read
from its own item through the points' cache (``platform.service_points.cards``): one BatchGetItem
for a whole list, none in a warm container.

Example::

    service = get_service("kep-certificates")            # cached; 404 service_not_found
    catalogue_view("kep")                                 # {"services": [... with "point": {...}]}

Limitation: the cache is per container, so for up to ``SERVICE_TTL_SECONDS`` after an edit another
container may still offer the old hours (the booking transaction re-checks capacity, not hours).
"""

from __future__ import annotations

from typing import Any

from chalicelib.access import ensure_department
from chalicelib.errors import NotFound
from chalicelib.models.service_catalog import CATALOG, Service
from chalicelib.services.platform import service_points
from chalicelib.services.platform.cache import TtlCache

SERVICE_TTL_SECONDS = 30

_cache = TtlCache(lambda: SERVICE_TTL_SECONDS)


# -- the cache ------------------------------------------------------------------------------------
def get_service(service_id: str, *, fresh: bool = False, include_inactive: bool = False) -> Service:
    """The service (cached for ``SERVICE_TTL_SECONDS`` in this container); 404 when unknown."""
    service = None if fresh else _cache.get(service_id)
    if service is None:
        try:
            service = Service.get(service_id, consistent_read=fresh)
        except Service.DoesNotExist:
            raise NotFound("No such service.", code="service_not_found") from None
        _cache.put(service_id, service)
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
    _cache.forget(service_id)


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
    """``{"services": [...]}``: the bookable services with their departments' names and points."""
    return {"services": services_public(bookable_services(department_id))}


def services_public(services: list[Service]) -> list[dict[str, Any]]:
    """The services as ``service_public`` shows them, reading their departments (one BatchGetItem)
    and points (cached, else one BatchGetItem)."""
    names = department_names({s.department_id for s in services})
    points = service_points.cards({s.service_point_id for s in services})
    return [service_public(s, names, points) for s in services]


def service_view(service_id: str) -> dict[str, Any]:
    """One bookable service with its department's names and its point (404 when not bookable)."""
    return services_public([get_service(service_id)])[0]


def point_of(service: Service) -> dict[str, Any]:
    """The card of the service's point (cached; ``{}`` when the point is gone)."""
    return service_points.card(service.service_point_id)


def service_public(
    service: Service,
    departments: dict[str, dict[str, str]] | None = None,
    points: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A service with its point's card (from ``points``, else the points' cache)."""
    department = (departments or {}).get(service.department_id) or {}
    point = points.get(service.service_point_id, {}) if points is not None else point_of(service)
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
        "point": point,
        "duration_minutes": int(service.duration_minutes),
        "slot_minutes": int(service.slot_minutes),
        "capacity": int(service.capacity),
        "min_notice_minutes": int(service.min_notice_minutes),
        "max_days_ahead": int(service.max_days_ahead),
        "cancel_cutoff_minutes": int(service.cancel_cutoff_minutes),
        "max_per_day": int(service.max_per_day),
        "hours": service.hours or {},
        "periods": list(service.periods or []),
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
