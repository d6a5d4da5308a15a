"""The staffing tests' day is open, and so is the next day, whatever day the suite runs on: every
weekday, the eve of a public holiday, Christmas and Easter week (it once picked a Friday and its
Saturday on Tuesdays)."""

from __future__ import annotations

from datetime import date, timedelta

from chalicelib import clock
from chalicelib.models.service_catalog import Service
from chalicelib.services.appointments import opening_hours
from tests.unit.backoffice import support


def test_the_staffing_day_and_the_next_are_open_whatever_today_is(monkeypatch):
    service = Service("svc-hours", hours=support.WEEKDAYS, exceptions={})
    start = date(2026, 1, 1)
    for offset in range(2 * 366):
        # GIVEN today is any day of two years
        today = start + timedelta(days=offset)
        monkeypatch.setattr(clock, "today", lambda today=today: today)
        # WHEN the tests pick their day
        day = date.fromisoformat(support.working_day_before_another())
        # THEN it is at least three days ahead, within the service's booking window, and it and
        # the next day have opening hours
        assert 3 <= (day - today).days <= 20, (today, day)
        assert opening_hours.intervals_for(service, day), (today, day)
        assert opening_hours.intervals_for(service, day + timedelta(days=1)), (today, day)
