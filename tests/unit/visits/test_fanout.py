"""The exposure fan-out: the overlap rule at its edges, the local days a window touches (also
across the night the clocks change), which visits match, and an incident with none."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chalicelib import clock
from chalicelib.models.visits import Visit
from chalicelib.services.visits import fanout, incidents
from chalicelib.services.visits.buildings import building_day, save_building
from chalicelib.services.visits.scans import scan_pass
from tests.unit.visits.support import ADMIN, KEP, at, declare_approved, register, yesterday

FALL_BACK = date(2026, 10, 25)  # Athens: 04:00 EEST -> 03:00 EET


@pytest.mark.parametrize(
    ("check_in", "end", "expected"),
    [
        ((9, 0), (10, 0), False),  # ended exactly when the window began
        ((9, 0), (10, 1), True),  # ended a minute into the window
        ((12, 0), (13, 0), False),  # began exactly when the window ended
        ((11, 59), (13, 0), True),  # began a minute before it ended
        ((10, 30), (11, 0), True),  # inside
        ((8, 0), (14, 0), True),  # around
        ((7, 0), (8, 0), False),  # before
    ],
)
def test_overlap_edges(check_in, end, expected):
    # GIVEN a window from 10:00 to 12:00, THEN a visit overlaps it only if it shares a moment
    start, stop = yesterday(10), yesterday(12)
    assert fanout.overlaps(yesterday(*check_in), yesterday(*end), start, stop) is expected


def test_window_days_cover_every_local_day_touched():
    # GIVEN 23:30 to 00:30 Athens time, THEN two local days (and one UTC day)
    start = yesterday(23, 30)
    assert len(fanout.window_days(start, start + timedelta(hours=1))) == 2
    # AND 23:30 to 23:40 is one day
    assert len(fanout.window_days(start, start + timedelta(minutes=10))) == 1


def test_window_days_across_the_night_the_clocks_go_back():
    # GIVEN a window from 23:00 to 05:00 over the 25-hour day's night
    days = fanout.window_days(at(FALL_BACK - timedelta(days=1), 23), at(FALL_BACK, 5))
    # THEN it touches the evening's day and the change day, and nothing more
    assert days == [(FALL_BACK - timedelta(days=1)).isoformat(), FALL_BACK.isoformat()]


def test_matching_uses_check_out_or_closing_time_and_skips_expired_and_other_buildings(visit_env):
    # GIVEN six visitors at the Δημαρχείο and the ΚΕΠ yesterday, around a window from 10:00 to 12:00
    save_building(ADMIN, "kep", KEP)
    a, b, c, d, e, f = (register(email=f"v{i}@example.org") for i in range(6))
    scan_pass("dimarxeio", a, now=yesterday(9))  # still open: ends at 20:00 -> overlaps
    scan_pass("dimarxeio", b, now=yesterday(9))
    scan_pass("dimarxeio", b, now=yesterday(10))  # left at 10:00 -> does not
    scan_pass("dimarxeio", c, now=yesterday(11, 59))  # came in before 12:00 -> overlaps
    scan_pass("kep", d, now=yesterday(11))  # other building -> does not
    scan_pass("dimarxeio", e, now=yesterday(11))  # expired item not yet deleted -> does not
    scan_pass("dimarxeio", f, now=yesterday(12))  # came in when the window ended -> not even read
    day = building_day("dimarxeio", clock.local_day(yesterday(11)))
    expired = Visit.get(day, f"{clock.iso_micro(yesterday(11))}#{e}")
    expired.update(actions=[Visit.expires_at.set(clock.utcnow() - timedelta(minutes=1))])

    # WHEN the visits overlapping 10:00 to 12:00 are looked up
    stats = {}
    found = {v.pass_id for v in fanout.overlapping_visits("dimarxeio", yesterday(10), yesterday(12), stats)}
    # THEN only those inside during the window
    assert found == {a, c}
    # AND only the day partition's visits that began before the window's end were read (a, b, c, e)
    assert stats["visits_read"] == 4


def test_an_incident_with_no_visits_is_done_at_once(visit_env, client, make_staff):
    # GIVEN an approved incident at a building nobody visited
    incident_id = declare_approved(client, make_staff("admin", None), make_staff("health_officer", None))
    # WHEN it is fanned out THEN nothing is queued and it is done
    assert fanout.fan_out(incident_id)["queued"] == 0
    assert incidents.incident_detail(incident_id)["status"] == "done"
