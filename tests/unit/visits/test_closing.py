"""Closing open visits: the schedule closes each visit at its closing time, once; a late check-in
is due at the end of its local day; the schedule's entry point; a day the clocks go back."""

from __future__ import annotations

from datetime import date, timedelta

from chalicelib import clock
from chalicelib.models.visits import Visit, VisitPresence
from chalicelib.services.visits.buildings import building_day, closes_at_for
from chalicelib.services.visits.closing import close_due
from chalicelib.services.visits.scans import scan_pass
from chalicelib.settings import reset_settings
from tests.events import scheduled_event
from tests.unit.visits.support import at, register, yesterday

FALL_BACK = date(2026, 10, 25)  # Athens: 04:00 EEST -> 03:00 EET, a 25-hour day


def test_closing_time_closes_open_visits_and_a_late_check_in_ends_with_its_day(visit_env):
    # GIVEN a visit opened at 19:00 and never closed by a scan
    pass_id = register()
    scan_pass("dimarxeio", pass_id, now=yesterday(19))
    # WHEN the schedule runs after 20:00
    closed = close_due(now=yesterday(20, 10))
    # THEN the visit ends at closing time and the pass is outside again
    assert closed == 1
    (visit,) = Visit.query(building_day("dimarxeio", clock.local_day(yesterday(19))))
    assert visit.check_out == yesterday(20) and visit.closed_by == "schedule"
    assert list(VisitPresence.scan()) == []
    # AND running it again closes nothing
    assert close_due(now=yesterday(20, 30)) == 0
    # AND a check-in after closing time is due at the local midnight that starts the next calendar
    # day (today), whatever that day's length in hours
    assert closes_at_for("20:00", yesterday(21)) == at(clock.today(), 0)


def test_the_closing_schedule_entry_point_closes_due_visits(visit_env, client):
    # GIVEN a visit opened yesterday morning and never closed (its closing time has passed)
    scan_pass("dimarxeio", register(), now=yesterday(9))
    # WHEN EventBridge fires the schedule
    out = client.lambda_.invoke("visits_close_open", scheduled_event("visits_close_open"))
    # THEN it was closed
    assert out.payload == {"closed": 1}
    assert list(VisitPresence.scan()) == []


def test_a_visit_on_the_night_the_clocks_go_back_closes_at_local_midnight(visit_env, monkeypatch):
    # GIVEN a visit log kept long enough for a fixed date, and a check-in at 21:00 on the 25-hour day
    monkeypatch.setenv("DIMOTIS_VISIT_TTL_DAYS", str(100 * 366))
    reset_settings()
    pass_id = register()
    scan_pass("dimarxeio", pass_id, now=at(FALL_BACK, 21))
    # WHEN the schedule runs ten minutes after the next local midnight
    closed = close_due(now=at(FALL_BACK + timedelta(days=1), 0, 10))
    # THEN the visit, in its day's partition, ended at that midnight: 25 hours after the day began
    assert closed == 1
    (visit,) = Visit.query(building_day("dimarxeio", FALL_BACK.isoformat()))
    assert visit.check_out == at(FALL_BACK + timedelta(days=1), 0) and visit.closed_by == "schedule"
    assert visit.check_out - at(FALL_BACK, 0) == timedelta(hours=25)
