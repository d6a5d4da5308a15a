"""When a service can be booked: its slots per day, in Europe/Athens, correct across daylight saving.

A slot is a local wall-clock time (``"2026-11-23T09:30"``, the key of the ``Slot`` item) that
starts inside one of the day's open intervals and whose duration ends inside it. The day's
intervals are decided in this order:

1. a single-date exception of the service for that day (``exceptions``; ``[]`` = closed), which
   may open even a public holiday;
2. a named period (``periods``: summer hours, the town's feast day, a closure) that contains the
   day: the shortest one when several do (the feast day inside the summer hours), the later listed
   on a tie. A closed period closes the day;
3. a Greek public holiday closes the day;
4. the weekly hours of that weekday: the period's when a period holds the day (a weekday it does
   not list is closed), else the service's own.

Times that do not exist (the spring-forward hour) are skipped; a repeated autumn hour is used once
(its first occurrence).

Example::

    day_slots(service, date(2026, 11, 23))  # [SlotTime("2026-11-23T08:00", <aware dt>, <aware dt>), ...]
    period_for(service, date(2026, 8, 6))   # {"id": "feast", "closed": True, ...}

Limitation: one time zone, the deployment's (``chalicelib.clock.TZ``); hours are wall-clock times
there, so a service's slots move with the clocks twice a year, as its opening hours do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from chalicelib.clock import TZ
from chalicelib.services.platform.holidays import is_holiday
from chalicelib.services.platform.hours import END_OF_DAY, parse_hhmm

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class SlotTime:
    key: str  # local wall time, "YYYY-MM-DDTHH:MM"
    start: datetime  # aware (UTC)
    end: datetime  # aware (UTC)


def wall(day: date, hhmm: str) -> datetime:
    """The naive local date-time of ``hhmm`` on ``day`` (``"24:00"`` is the next midnight)."""
    if hhmm == END_OF_DAY:
        return datetime.combine(day + timedelta(days=1), time())
    return datetime.combine(day, parse_hhmm(hhmm))


def local(day: date, at: time) -> datetime | None:
    """The aware instant of a wall-clock time in Athens; ``None`` when it does not exist."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=TZ, fold=0)
    if aware.astimezone(UTC).astimezone(TZ).replace(tzinfo=None) != naive:
        return None  # in the spring-forward gap
    return aware


def period_for(service: Any, day: date) -> dict[str, Any] | None:
    """The named period that decides ``day``: the shortest that contains it (the later listed on a
    tie), or ``None``."""
    iso = day.isoformat()
    best: tuple[tuple[int, int], dict[str, Any]] | None = None
    for index, period in enumerate(getattr(service, "periods", None) or []):
        if period["from"] <= iso <= period["to"]:
            span = (date.fromisoformat(period["to"]) - date.fromisoformat(period["from"])).days
            rank = (span, -index)
            if best is None or rank < best[0]:
                best = (rank, period)
    return best[1] if best else None


def named_period(service: Any, day: date) -> dict[str, Any] | None:
    """The period that decides ``day`` (``None`` when a single-date exception does)."""
    if day.isoformat() in (getattr(service, "exceptions", None) or {}):
        return None
    return period_for(service, day)


def intervals_for(service: Any, day: date) -> list[tuple[str, str]]:
    """The open intervals of ``service`` on ``day`` (see the module's docstring for the order)."""
    exceptions = getattr(service, "exceptions", None) or {}
    iso = day.isoformat()
    if iso in exceptions:
        return [tuple(x) for x in exceptions[iso] or []]
    period = period_for(service, day)
    if (period is not None and period.get("closed")) or is_holiday(day):
        return []
    week = (period.get("hours") if period is not None else getattr(service, "hours", None)) or {}
    return [tuple(x) for x in week.get(str(day.isoweekday()), []) or []]


def day_slots(service: Any, day: date) -> list[SlotTime]:
    """Every slot of ``service`` on ``day``, in time order."""
    step = timedelta(minutes=int(service.slot_minutes))
    duration = timedelta(minutes=int(service.duration_minutes))
    out: list[SlotTime] = []
    seen: set[str] = set()
    for opens, closes in intervals_for(service, day):
        at, close = wall(day, opens), wall(day, closes)
        while at + duration <= close and at.date() == day:
            aware = local(day, at.time())
            key = at.strftime(LOCAL_FORMAT)
            if aware is not None and key not in seen:
                seen.add(key)
                start = aware.astimezone(UTC)
                out.append(SlotTime(key, start, start + duration))
            at += step
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
