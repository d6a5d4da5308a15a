"""Kiosk scans: check in, a repeated read ignored, check out; two kiosks at once open one visit;
unknown pass, building and entrance; a scan after closing time."""

from __future__ import annotations

import json
from datetime import timedelta

from chalicelib import clock
from chalicelib.models.visits import Visit, VisitPresence
from chalicelib.services.visits import scans
from chalicelib.services.visits.buildings import building_day, get_building
from chalicelib.services.visits.passes import display_code, get_visitor
from tests.unit.visits.support import register, yesterday


def _visits_on(when) -> list[Visit]:
    return list(Visit.query(building_day("dimarxeio", clock.local_day(when))))


def test_scan_checks_in_repeat_is_ignored_next_scan_checks_out(visit_env):
    # GIVEN a registered pass, yesterday at 10:00
    pass_id = register()
    t0 = yesterday(10)

    # WHEN the pass is scanned, then read again by the camera a second later
    first = scans.scan_pass("dimarxeio", display_code(pass_id), "main", now=t0)
    again = scans.scan_pass("dimarxeio", pass_id, "main", now=t0 + timedelta(seconds=1))
    # THEN one visit is open
    assert first["action"] == "checked_in" and not first["repeated"]
    assert again["action"] == "checked_in" and again["repeated"]
    assert len(_visits_on(t0)) == 1

    # WHEN it is scanned again later at the side door
    out = scans.scan_pass("dimarxeio", pass_id, "side", now=t0 + timedelta(minutes=30))
    # THEN the visit is closed there and the presence is gone
    assert out["action"] == "checked_out"
    (visit,) = _visits_on(t0)
    assert visit.check_out == t0 + timedelta(minutes=30) and visit.entrance_out == "side"
    assert list(VisitPresence.scan()) == []

    # AND the next scan is a new visit
    assert scans.scan_pass("dimarxeio", pass_id, now=t0 + timedelta(hours=1))["action"] == "checked_in"
    assert len(_visits_on(t0)) == 2


def test_two_kiosks_at_once_open_one_visit(visit_env, monkeypatch):
    # GIVEN a scan that read "no open visit" while another kiosk checked the same pass in
    pass_id = register()
    t0 = yesterday(11)
    real = scans.open_presence
    calls = {"n": 0}

    def stale_then_real(key):
        calls["n"] += 1
        if calls["n"] == 1:
            scans.check_in(get_building("dimarxeio"), get_visitor(pass_id), "side", t0)
            return None
        return real(key)

    monkeypatch.setattr(scans, "open_presence", stale_then_real)
    # WHEN the first kiosk tries to check in
    result = scans.scan_pass("dimarxeio", pass_id, "main", now=t0)
    # THEN its conditional write fails, it sees the other kiosk's visit, and one visit exists
    assert result["action"] == "checked_in" and result["repeated"]
    assert len(_visits_on(t0)) == 1


def test_unknown_pass_building_and_entrance(visit_env, client):
    # GIVEN a registered pass
    pass_id = register()

    def post(path, body):
        return client.http.post(path, body=json.dumps(body), headers={"Content-Type": "application/json"})

    # WHEN a code nobody has, an unknown building, or an entrance the building lacks is scanned
    # THEN 404 each time, and the entrance is named as the reason
    assert post("/api/visits/buildings/dimarxeio/scans", {"code": "0000-0000-0000-0000"}).status_code == 404
    assert post("/api/visits/buildings/nowhere/scans", {"code": pass_id}).status_code == 404
    resp = post("/api/visits/buildings/dimarxeio/scans", {"code": pass_id, "entrance_id": "back"})
    assert resp.status_code == 404 and json.loads(resp.body)["error"]["code"] == "unknown_entrance"


def test_a_scan_after_closing_time_closes_the_old_visit_and_opens_a_new_one(visit_env):
    # GIVEN a visit opened at 19:00 in a building that closes at 20:00
    pass_id = register()
    scans.scan_pass("dimarxeio", pass_id, now=yesterday(19))
    # WHEN the pass is scanned at 20:30
    result = scans.scan_pass("dimarxeio", pass_id, now=yesterday(20, 30))
    # THEN the old visit ended at closing time and a new one is open
    assert result["action"] == "checked_in"
    old, new = _visits_on(yesterday(19))
    assert old.check_out == yesterday(20) and old.closed_by == "next_scan" and new.check_out is None
