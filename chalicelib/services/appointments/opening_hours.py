"""When a service can be booked: its slots per day, in Europe/Athens, correct across daylight saving.

A slot is a local wall-clock time (``"2026-11-23T09:30"``, the key of the ``Slot`` item) that
starts inside one of the day's open intervals and whose duration ends inside it. The day's
intervals are the service's date exception for that day if it has one (``[]`` = closed), else
closed on a Greek public holiday, else the weekly hours of that weekday. Times that do not exist
(the spring-forward hour) are skipped; a repeated autumn hour is used once (its first occurrence).

Example::

    day_slots(service, date(2026, 11, 23))  # [SlotTime("2026-11-23T08:00", <aware dt>, <aware dt>), ...]

Limitation: one time zone, the deployment's (``chalicelib.clock.TZ``); hours are wall-clock times
there, so a service's slots move with the clocks twice a year, as its opening hours do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from chalicelib.clock import TZ
from chalicelib.services.platform.holidays import is_holiday

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class SlotTime:
    key: str  # local wall time, "YYYY-MM-DDTHH:MM"
    start: datetime  # aware (UTC)
    end: datetime  # aware (UTC)


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def local(day: date, at: time) -> datetime | None:
    """The aware instant of a wall-clock time in Athens; ``None`` when it does not exist."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=TZ, fold=0)
    if aware.astimezone(UTC).astimezone(TZ).replace(tzinfo=None) != naive:
        return None  # in the spring-forward gap
    return aware


def intervals_for(service: Any, day: date) -> list[tuple[str, str]]:
    """The open intervals of ``service`` on ``day`` (exception, else holiday, else weekly hours)."""
    exceptions = getattr(service, "exceptions", None) or {}
    iso = day.isoformat()
    if iso in exceptions:
        return [tuple(x) for x in exceptions[iso] or []]
    if is_holiday(day):
        return []
    hours = getattr(service, "hours", None) or {}
    return [tuple(x) for x in hours.get(str(day.isoweekday()), []) or []]


def day_slots(service: Any, day: date) -> list[SlotTime]:
    """Every slot of ``service`` on ``day``, in time order."""
    step = timedelta(minutes=int(service.slot_minutes))
    duration = timedelta(minutes=int(service.duration_minutes))
    out: list[SlotTime] = []
    seen: set[str] = set()
    for opens, closes in intervals_for(service, day):
        wall = datetime.combine(day, parse_hhmm(opens))
        close = datetime.combine(day, parse_hhmm(closes))
        while wall + duration <= close:
            aware = local(day, wall.time())
            key = wall.strftime(LOCAL_FORMAT)
            if aware is not None and key not in seen:
                seen.add(key)
                start = aware.astimezone(UTC)
                out.append(SlotTime(key, start, start + duration))
            wall += step
    return out


def parse_key(key: str) -> tuple[date, time]:
    moment = datetime.strptime(key, LOCAL_FORMAT)
    return moment.date(), moment.time()


def find_slot(service: Any, key: str) -> SlotTime | None:
    """The slot of ``service`` whose local start is ``key``, or ``None`` when it is not a slot."""
    try:
        day, _ = parse_key(key)
    except ValueError:
        return None
    return next((s for s in day_slots(service, day) if s.key == key), None)


def window(service: Any, now: datetime) -> tuple[datetime, date]:
    """The earliest bookable instant (now + minimum notice) and the last bookable local date."""
    earliest = now + timedelta(minutes=int(service.min_notice_minutes))
    last_day = now.astimezone(TZ).date() + timedelta(days=int(service.max_days_ahead))
    return earliest, last_day


def bookable(service: Any, slot: SlotTime, now: datetime) -> bool:
    earliest, last_day = window(service, now)
    return slot.start >= earliest and slot.start.astimezone(TZ).date() <= last_day


def normalise_start(value: str) -> str | None:
    """``"2026-11-23T09:30"`` (Athens), with seconds or an offset -> the local slot key."""
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(TZ).replace(tzinfo=None)
    if moment.second or moment.microsecond:
        return None
    return moment.strftime(LOCAL_FORMAT)
