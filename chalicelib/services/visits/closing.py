"""Closing open visits at closing time (the ``visits_close_open`` schedule, every 15 minutes).

A visit not closed by a scan ends at its building's closing time. Each open visit has a
``VisitPresence`` item indexed by the local day of its closing moment (``by_due``), so the schedule
Queries yesterday's and today's due items up to now and closes each with the same conditional
transaction as a check-out (``scans.close_visit``): a visit a kiosk closed meanwhile is skipped.

Example::

    close_due()                     # 3: three visits closed at their closing time

Limitation: a visit whose schedule runs were all missed for more than a day is closed by the pass's
next scan at that building (``closed_by`` = "next_scan"), not by the schedule.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib import clock
from chalicelib.models.visits import VisitPresence
from chalicelib.services.visits.scans import close_visit


def close_due(now: datetime | None = None) -> int:
    """Close every visit still open at its closing time; returns how many.
    Reads the presence index by due day, never the visits."""
    now = now or clock.utcnow()
    closed = 0
    today = clock.local(now).date()
    for day in (today - timedelta(days=1), today):
        for presence in VisitPresence.by_due.query(
            day.isoformat(), VisitPresence.closes_key <= f"{clock.iso_micro(now)}~"
        ):
            if presence.closes_at <= now and close_visit(presence, presence.closes_at, "schedule", None):
                closed += 1
    return closed
