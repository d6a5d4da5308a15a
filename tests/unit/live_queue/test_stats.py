"""Statistics of the live queue per service, counter, staff member and hour, and no-shows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import clock
from chalicelib.errors import Forbidden
from chalicelib.services.live_queue import calls, stats
from tests.unit.live_queue.helpers import NOW, TODAY, open_counter, staff, walk_in


def test_statistics_per_service_counter_staff_hour_and_no_shows(point):
    # GIVEN two walk-ins at 11:00 Athens time (NOW), the first served in 4 minutes, the second a no-show
    counter = open_counter()
    walk_in(at=NOW)
    walk_in(at=NOW + timedelta(minutes=1))
    clerk = staff()
    calls.call_next(clerk, counter.counter_id, now=NOW + timedelta(minutes=10))
    calls.call_next(clerk, counter.counter_id, now=NOW + timedelta(minutes=14))  # first served: 4 min
    calls.finish(clerk, counter.counter_id, "no_show", now=NOW + timedelta(minutes=30))
    # WHEN the clerk reads the statistics of that day
    report = stats.statistics(clerk, "kep", TODAY, TODAY)
    # THEN the totals, the waits and the groups are those of the two tickets
    assert report["total"]["tickets"] == 2
    assert report["total"]["served"] == 1 and report["total"]["no_shows"] == 1
    assert report["total"]["avg_wait_seconds"] == (600 + 780) / 2
    assert report["total"]["avg_service_seconds"] == 240
    assert [b["key"] for b in report["by_staff"]] == ["clerk.kep"]
    assert [b["key"] for b in report["by_hour"]] == ["11"]
    assert report["by_counter"][0]["key"] == counter.counter_id
    assert report["by_service"][0]["key"] == "kep-1-A"


def test_statistics_of_another_department_is_forbidden(point):
    # GIVEN a clerk of kep
    # WHEN they ask for the statistics of roads THEN 403
    with pytest.raises(Forbidden) as exc:
        stats.statistics(staff(), "roads", TODAY, TODAY)
    assert exc.value.code == "other_department"


def test_statistics_default_to_the_own_department_today(point):
    # GIVEN a clerk of kep
    # WHEN they ask for statistics without a department or a period
    before = clock.today().isoformat()
    report = stats.statistics(staff())
    after = clock.today().isoformat()
    # THEN they get their department's, for today (read on either side of a midnight)
    assert report["department_id"] == "kep"
    assert report["from"] == report["to"] and report["from"] in (before, after)
