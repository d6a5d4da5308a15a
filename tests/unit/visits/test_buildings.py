"""Buildings and closing time: a visit ends at closing time on its local day, or at the end of
that day, on ordinary days and on the days the clocks change (fixed dates chosen for that)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chalicelib.services.visits.buildings import closes_at_for
from tests.unit.visits.support import at

FALL_BACK = date(2026, 10, 25)  # Athens: 04:00 EEST -> 03:00 EET, a 25-hour day
SPRING_FORWARD = date(2026, 3, 29)  # Athens: 03:00 EET -> 04:00 EEST, a 23-hour day


@pytest.mark.parametrize(
    ("day", "hours"),
    [(FALL_BACK, 25), (SPRING_FORWARD, 23), (FALL_BACK - timedelta(days=7), 24)],
)
def test_the_end_of_a_day_is_the_next_local_midnight_when_the_clocks_change(day, hours):
    # GIVEN a check-in after closing time on a day of ``hours`` hours
    # WHEN its closing moment is computed
    due = closes_at_for("20:00", at(day, 21))
    # THEN it is the next local midnight, ``hours`` after that day's own midnight
    assert due == at(day + timedelta(days=1), 0)
    assert due - at(day, 0) == timedelta(hours=hours)


@pytest.mark.parametrize("day", [FALL_BACK, SPRING_FORWARD])
def test_closing_time_is_local_wall_time_on_the_days_the_clocks_change(day):
    # GIVEN a check-in at 10:00 on a day the clocks change at night
    # THEN the visit is due at 20:00 Athens time that day
    assert closes_at_for("20:00", at(day, 10)) == at(day, 20)
