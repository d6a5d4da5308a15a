"""The clock: the municipality's time zone, now, the local day, and the ISO forms stored and shown.

Every capability counts days in Europe/Athens (slots, queue days, visit partitions, statistics)
and stores instants in UTC. One place says how, so a day boundary or a daylight-saving change is
handled the same way everywhere.

Example::

    from chalicelib.clock import TZ, local_day, utcnow
    day = local_day(utcnow())          # "2026-11-26"

Limitation: one time zone per deployment (a Greek municipality); a deployment elsewhere would
read it from settings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Athens")


def utcnow() -> datetime:
    """Now, aware, in UTC (the one clock every module reads; tests pass ``now=`` instead)."""
    return datetime.now(UTC)


def local(at: datetime) -> datetime:
    """``at`` in the municipality's time zone."""
    return at.astimezone(TZ)


def local_day(at: datetime) -> str:
    """The local calendar day of ``at`` as ``YYYY-MM-DD``."""
    return at.astimezone(TZ).strftime("%Y-%m-%d")


def today() -> date:
    """Today's local date."""
    return utcnow().astimezone(TZ).date()


def iso(at: datetime) -> str:
    """``2026-11-26T09:30:00Z``: an instant to the second, as APIs and history entries show it."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_micro(at: datetime) -> str:
    """``2026-11-26T09:30:00.123456Z``: an instant to the microsecond, where it orders a sort key."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
