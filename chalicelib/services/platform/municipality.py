"""The municipality: its own settings (name, contacts, the map of its sites) and its departments as
the catalogue refers to them.

The settings are one item, read by every citizen page with a map, so they are cached per container
for ``SETTINGS_TTL_SECONDS``. Until an administrator saves them (an empty deployment), the public
answer is ``DEFAULTS`` with ``"configured": false``: a map of Greece, a neutral name.

Example::

    public_settings()["map"]["centre"]             # {"lat": 37.9755, "lng": 23.7348}
    save_settings(admin, body)                     # 409 invalid_map naming the field
    department_for(manager, "roads")               # 403 other_department, 404 unknown_department

Limitation: another container may show the old settings for up to ``SETTINGS_TTL_SECONDS``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.access import ensure_department
from chalicelib.clock import iso, utcnow
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.municipality import SETTINGS_KEY, MunicipalitySettings
from chalicelib.services.platform import audit
from chalicelib.services.platform.cache import TtlCache

SETTINGS_TTL_SECONDS = 30
FIELDS = ("name_el", "name_en", "address_el", "address_en", "phone", "email", "website", "map")
DEFAULTS: dict[str, Any] = {
    "name_el": "Δήμος",
    "name_en": "Municipality",
    "address_el": "",
    "address_en": "",
    "phone": None,
    "email": None,
    "website": None,
    "map": {
        "centre": {"lat": 37.9838, "lng": 23.7275},
        "zoom": 7,
        "bounds": {"south": 34.70, "west": 19.30, "north": 41.80, "east": 29.70},
    },
}
_cache = TtlCache(lambda: SETTINGS_TTL_SECONDS)


def forget_settings() -> None:
    """Empty the cache (a save forgets it in its own container; tests between runs)."""
    _cache.forget()


def _view(item: MunicipalitySettings | None) -> dict[str, Any]:
    if item is None:
        return {**DEFAULTS, "configured": False, "updated_at": None}
    return {
        **{name: getattr(item, name) for name in FIELDS},
        "map": dict(item.map or DEFAULTS["map"]),
        "configured": True,
        "updated_at": iso(item.updated_at) if item.updated_at else None,
    }


def public_settings() -> dict[str, Any]:
    """The settings as the sites show them (cached; the defaults until saved)."""
    cached = _cache.get(SETTINGS_KEY)
    if cached is None:
        try:
            item = MunicipalitySettings.get(SETTINGS_KEY)
        except MunicipalitySettings.DoesNotExist:
            item = None
        cached = _cache.put(SETTINGS_KEY, _view(item))
    return cached


def _check_map(area: dict[str, Any]) -> None:
    bounds, centre = area["bounds"], area["centre"]
    if bounds["south"] >= bounds["north"]:
        raise Conflict(
            "The map's south edge must be below its north edge.",
            code="invalid_map",
            details={"field": "map.bounds.north"},
        )
    if bounds["west"] >= bounds["east"]:
        raise Conflict(
            "The map's west edge must be left of its east edge.",
            code="invalid_map",
            details={"field": "map.bounds.east"},
        )
    inside = (
        bounds["south"] <= centre["lat"] <= bounds["north"]
        and bounds["west"] <= centre["lng"] <= bounds["east"]
    )
    if not inside:
        raise Conflict(
            "The map's centre must lie within its bounds.",
            code="invalid_map",
            details={"field": "map.centre"},
        )


def _stored() -> MunicipalitySettings | None:
    try:
        return MunicipalitySettings.get(SETTINGS_KEY, consistent_read=True)
    except MunicipalitySettings.DoesNotExist:
        return None


def save_settings(staff: Any, body: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Replace the settings (admins; ``body`` checked against ``schemas.catalogue.MUNICIPALITY``)."""
    now = now or utcnow()
    _check_map(body["map"])
    before = _stored()
    item = MunicipalitySettings(
        SETTINGS_KEY,
        name_el=body["name_el"],
        name_en=body["name_en"],
        address_el=body.get("address_el", ""),
        address_en=body.get("address_en", ""),
        phone=body.get("phone") or None,
        email=body.get("email") or None,
        website=body.get("website") or None,
        map=body["map"],
        version=(int(before.version or 0) if before else 0) + 1,
        updated_at=now,
        updated_by=staff.username,
    )
    item.save()
    after = _view(item)
    audit.note(
        staff,
        "municipality",
        SETTINGS_KEY,
        action="municipality.save",
        before={k: _view(before)[k] for k in FIELDS} if before else None,
        after={k: after[k] for k in FIELDS},
    )
    return _cache.put(SETTINGS_KEY, after)


# -- departments as the catalogue refers to them ---------------------------------------------------
def department_for(staff: Any, department_id: str, field: str = "department_id") -> Any:
    """The active department ``department_id`` when ``staff`` may act in it: 403 ``other_department``
    first (a manager learns nothing of other departments), then 404 ``unknown_department`` naming
    ``field``."""
    from chalicelib.models.org import Department

    ensure_department(staff, department_id)
    try:
        department = Department.get(department_id)
    except Department.DoesNotExist:
        department = None
    if department is None or not department.active:
        raise NotFound("No such department.", code="unknown_department", details={"field": field})
    return department
