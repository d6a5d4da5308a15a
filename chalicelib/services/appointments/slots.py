"""Availability: which slots of a service can be booked, and how many places each has left.

A service's slots come from its opening hours (``opening_hours.day_slots``); the places taken come
from the ``appointment_slots`` items of those days, read with one Query (``service_id`` and
``start`` between the first and the last day). A slot is bookable from ``now`` plus the service's
minimum notice to ``max_days_ahead`` days ahead; its capacity is the service's, or lower on a day
when absences lowered it (``staffed``).

Example::

    availability("kep-certificates", "2026-11-23", "2026-11-29")
    # {"service_id": ..., "from": "2026-11-23", "to": "2026-11-29", "days": [{"date", "open", "slots"}]}

Limitation: the answer is a moment's view; the booking transaction is what decides (a slot shown
with one place left may be full when booked: 409 ``slot_full``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.clock import TZ, local, utcnow
from chalicelib.errors import Conflict, ValidationFailed
from chalicelib.models.appointment_slots import Slot
from chalicelib.models.service_catalog import Service
from chalicelib.services.appointments import opening_hours
from chalicelib.services.appointments.catalogue import get_service

MAX_RANGE_DAYS = 62
DEFAULT_DAYS = 7


def parse_day(value: str, field: str) -> date:
    """``YYYY-MM-DD`` as a date; 400 naming ``field`` otherwise."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{field} must be a date YYYY-MM-DD.", details={"field": field}) from None


def plus_days(day: date, days: int) -> date:
    """``day`` + ``days``, stopping at the last representable date."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max


def bookable_slot(service: Service, start: str, now: datetime) -> opening_hours.SlotTime:
    """The slot of ``service`` starting at ``start`` if it can be booked ``now``; 409
    ``slot_not_bookable`` when it is not a slot, is closed or is outside the booking window."""
    key = opening_hours.normalise_start(start)
    slot = opening_hours.find_slot(service, key) if key else None
    if slot is None:
        raise Conflict("This time is not a slot of the service.", code="slot_not_bookable")
    if not opening_hours.bookable(service, slot, now):
        raise Conflict("This slot is outside the booking window.", code="slot_not_bookable")
    return slot


def _counts(service_id: str, start: date, end: date) -> tuple[dict[str, int], dict[str, int]]:
    """(booked, staffed) per slot key between two days: one Query."""
    booked: dict[str, int] = {}
    staffed: dict[str, int] = {}
    between = Slot.start.between(f"{start.isoformat()}T00:00", f"{end.isoformat()}T23:59")
    for item in Slot.query(service_id, between):
        booked[item.start] = int(item.booked or 0)
        if item.staffed is not None:
            staffed[item.start] = int(item.staffed)
    return booked, staffed


def _day(service: Service, day: date, earliest: datetime, booked: dict, staffed: dict) -> dict[str, Any]:
    from chalicelib.services.platform.holidays import holiday_name

    configured = int(service.capacity)
    slots = []
    for slot in opening_hours.day_slots(service, day):
        if slot.start < earliest:
            continue
        capacity = min(configured, staffed.get(slot.key, configured))
        slots.append(
            {
                "start": slot.key,
                "starts_at": local(slot.start).isoformat(),
                "ends_at": local(slot.end).isoformat(),
                "capacity": capacity,
                "remaining": max(0, capacity - booked.get(slot.key, 0)),
            }
        )
    period = opening_hours.named_period(service, day) or {}
    return {
        "date": day.isoformat(),
        "holiday_el": holiday_name(day, "el"),
        "holiday_en": holiday_name(day, "en"),
        "period_el": period.get("name_el"),
        "period_en": period.get("name_en") or period.get("name_el"),
        "open": bool(opening_hours.intervals_for(service, day)),
        "slots": slots,
    }


def availability(
    service_id: str, from_day: str | None, to_day: str | None, now: datetime | None = None
) -> dict:
    """Each day's bookable slots with their remaining capacity: one Query for the booked counts.
    The days are cut to today, the booking window and ``MAX_RANGE_DAYS``; ``from``/``to`` in the
    answer say which days it covers (``DEFAULT_DAYS`` from ``from`` when ``to`` is not given)."""
    now = now or utcnow()
    service = get_service(service_id)
    today = local(now).date()
    start = parse_day(from_day, "from") if from_day else today
    end = parse_day(to_day, "to") if to_day else plus_days(start, DEFAULT_DAYS - 1)
    earliest, last_day = opening_hours.window(service, now)
    start = max(start, today)
    end = min(end, last_day, plus_days(start, MAX_RANGE_DAYS - 1))
    days: list[dict[str, Any]] = []
    if start <= end:
        booked, staffed = _counts(service_id, start, end)
        day = start
        while day <= end:
            days.append(_day(service, day, earliest, booked, staffed))
            day += timedelta(days=1)
    return {
        "service_id": service.service_id,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "timezone": TZ.key,
        "days": days,
    }
