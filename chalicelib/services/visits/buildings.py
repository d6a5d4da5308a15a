"""Buildings and entrances: what the kiosks and the staff page show, and each building's day.

A building has entrances (one kiosk each) and a daily closing time (``"HH:MM"``, Athens time).
Admins create or replace a building with ``save_building``; buildings are configuration and do
not expire. Visits are stored in one partition per building and local day (``building_day``),
and a visit never outlasts its day: it closes at the building's closing time on the day of its
check-in, or at the end of that day when it began later (``closes_at_for``).

Example::

    save_building(admin, "dimarxeio", {"name_el": "Δημαρχείο", "closing_time": "20:00",
                                        "entrances": [{"entrance_id": "main", "name_el": "Κεντρική"}]})
    closes_at_for("20:00", check_in)   # 20:00 Athens time on the day of check_in, in UTC

Limitation: one closing time for every day of the week; a building open past midnight would need
its visits to span two day partitions.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.errors import Conflict, NotFound, ValidationFailed
from chalicelib.models.visits import Building, Entrance
from chalicelib.services.platform import audit

BUILDING_RE = re.compile(r"^[a-z0-9-]{2,60}$")


def building_day(building_id: str, day: str) -> str:
    """The visit log's partition of a building on a local day (``YYYY-MM-DD``)."""
    return f"{building_id}#{day}"


def closes_at_for(closing_time: str, check_in: datetime) -> datetime:
    """The building's closing moment on the local day of ``check_in``; the end of that day when
    the check-in came at or after closing time. A visit never outlasts its day partition."""
    local = clock.local(check_in)
    hour, minute = (int(x) for x in closing_time.split(":"))
    closing = datetime.combine(local.date(), time(hour, minute), tzinfo=clock.TZ)
    if closing <= local:
        closing = datetime.combine(local.date() + timedelta(days=1), time(0, 0), tzinfo=clock.TZ)
    return closing.astimezone(UTC)


def building_view(building: Building) -> dict[str, Any]:
    return {
        "building_id": building.building_id,
        "name_el": building.name_el,
        "name_en": building.name_en or building.name_el,
        "address": building.address,
        "closing_time": building.closing_time,
        "entrances": [
            {"entrance_id": e.entrance_id, "name_el": e.name_el, "name_en": e.name_en or e.name_el}
            for e in building.entrances or []
        ],
    }


def check_building_id(building_id: str) -> str:
    if not BUILDING_RE.match(building_id or ""):
        raise ValidationFailed(
            "Not a building id.", code="invalid_building_id", details={"field": "building_id"}
        )
    return building_id


def get_building(building_id: str) -> Building:
    check_building_id(building_id)
    try:
        return Building.get(building_id)
    except Building.DoesNotExist:
        raise NotFound("No such building.", code="unknown_building") from None


def building_detail(building_id: str) -> dict[str, Any]:
    """A building as the kiosk page shows it; 404 ``unknown_building``."""
    return building_view(get_building(building_id))


def list_buildings() -> list[dict[str, Any]]:
    return [building_view(b) for b in Building.by_kind.query("building")]


def save_building(staff: Any, building_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Create or replace a building and its entrances (admins); ``staff`` is who does it."""
    check_building_id(building_id)
    ids = [e["entrance_id"] for e in data["entrances"]]
    if len(set(ids)) != len(ids):
        raise Conflict("Entrance ids repeat.", code="duplicate_entrance")
    before = None
    try:
        before = building_view(Building.get(building_id))
    except Building.DoesNotExist:
        pass
    building = Building(
        building_id,
        name_el=data["name_el"],
        name_en=data.get("name_en") or None,
        address=data.get("address") or None,
        closing_time=data["closing_time"],
        entrances=[
            Entrance(entrance_id=e["entrance_id"], name_el=e["name_el"], name_en=e.get("name_en") or None)
            for e in data["entrances"]
        ],
        updated_at=clock.utcnow(),
    )
    building.save()
    after = building_view(building)
    audit.note(staff, "building", building_id, action="save_building", before=before, after=after)
    return after
