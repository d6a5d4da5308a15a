"""Declaring an exposure: who may, which windows are refused, and the spellings of RFC 3339
date-times a window may use."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from chalicelib import clock
from tests.unit.visits.support import declare, yesterday


def test_declaring_needs_health_officer_or_admin_and_a_sane_window(visit_env, client, make_staff):
    # GIVEN a clerk and a health officer
    clerk = make_staff("clerk", "kep")
    officer = make_staff("health_officer", None)
    # WHEN a clerk declares THEN 403
    assert declare(client, clerk).status_code == 403
    # WHEN the window ends before it starts, or starts in the future THEN 409
    assert declare(client, officer, start=yesterday(12), end=yesterday(10)).status_code == 409
    future = clock.utcnow() + timedelta(hours=2)
    assert declare(client, officer, start=future, end=future + timedelta(hours=1)).status_code == 409
    # WHEN the building does not exist THEN 404
    assert declare(client, officer, building="nowhere").status_code == 404
    # WHEN an admin declares a sane window THEN 201
    assert declare(client, make_staff("admin", None)).status_code == 201


def test_window_times_in_any_rfc3339_spelling(visit_env, client, make_staff):
    officer = make_staff("health_officer", None)
    # GIVEN a start in lower case "t" and "z" with seven fraction digits, and an end with an offset
    start = yesterday(10).strftime("%Y-%m-%dt%H:%M:%S.1234567z")
    end = clock.local(yesterday(12)).isoformat()
    # WHEN declaring THEN the window is read as written
    resp = declare(client, officer, start=start, end=end)
    assert resp.status_code == 201, resp.body
    incident = json.loads(resp.body)
    assert datetime.fromisoformat(incident["window_start"]) == yesterday(10).replace(microsecond=123456)
    assert datetime.fromisoformat(incident["window_end"]) == yesterday(12)
    # AND a time that is not one (second 60) is refused as an invalid window
    not_a_time = yesterday(12).strftime("%Y-%m-%dT%H:%M:60Z")
    resp = declare(client, officer, start=start, end=not_a_time)
    assert resp.status_code == 409 and json.loads(resp.body)["error"]["code"] == "window_invalid"
