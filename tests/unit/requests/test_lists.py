"""Lists (``services/requests/lists.py``): the inbox's filters, nearby open reports of a type, and
the geohash cells the nearby query reads."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import clock
from chalicelib.errors import NotFound
from chalicelib.services.platform import geohash
from chalicelib.services.requests import changes, lists
from tests.unit.requests.helpers import ATHENS, file_request, staff


def test_inbox_filters_status_type_age_and_overdue(catalogue):
    # GIVEN an overdue pothole (20 days old, 10 expected), a new one, and a streetlight on hold
    old = file_request(now=clock.utcnow() - timedelta(days=20))
    new = file_request()
    light = file_request(code="streetlight", attributes={"LIGHT_STATE": "off"})
    changes.change_status(staff(), light.request_id, "on_hold", note="περιμένουμε υλικό", note_public=False)
    clerk = staff()
    ids = lambda found: [r.request_id for r in found]  # noqa: E731
    # THEN each filter narrows the Query
    assert ids(lists.inbox(clerk)) == [light.request_id, new.request_id, old.request_id]
    assert ids(lists.inbox(clerk, statuses=["on_hold"])) == [light.request_id]
    assert ids(lists.inbox(clerk, type_code="pothole")) == [new.request_id, old.request_id]
    assert ids(lists.inbox(clerk, overdue=True)) == [old.request_id]
    assert ids(lists.inbox(clerk, min_age_days=7)) == [old.request_id]
    assert ids(lists.inbox(clerk, max_age_days=7)) == [light.request_id, new.request_id]


def test_nearby_finds_open_reports_of_the_same_type_within_100_m(catalogue):
    # GIVEN potholes 55 m and 330 m away, a streetlight 26 m away, and a resolved pothole 35 m away
    lat, lon = ATHENS
    near = file_request(at=(lat + 0.0005, lon))  # ~55 m north
    file_request(at=(lat + 0.003, lon))  # ~330 m north
    file_request(code="streetlight", at=(lat, lon + 0.0003), attributes={"LIGHT_STATE": "off"})  # other type
    closed = file_request(at=(lat, lon - 0.0004))  # ~35 m west, but resolved below
    changes.change_status(staff(), closed.request_id, "resolved", note="ok")
    # WHEN a citizen is about to report a pothole at the point
    found = lists.nearby("pothole", lat, lon)
    # THEN only the open pothole within 100 m comes back, with its distance
    assert [(r.request_id, round(d)) for r, d in found] == [(near.request_id, 56)]


def test_nearby_of_an_unknown_type_is_not_found(catalogue):
    # WHEN nearby reports of a type that does not exist are asked for
    with pytest.raises(NotFound) as unknown:
        lists.nearby("no-such-type", *ATHENS)
    # THEN 404, as for the type itself
    assert unknown.value.code == "request_type_not_found"


def test_geohash_neighbours_cover_a_cell_border():
    # GIVEN two points 20 m apart on both sides of a 7-character cell border
    lat_lo, lat_hi, lon_lo, lon_hi = geohash.bounds(geohash.encode(*ATHENS, 7))
    a = (lat_hi - 0.00009, ATHENS[1])
    b = (lat_hi + 0.00009, ATHENS[1])
    cell_a = geohash.encode(*a, 7)
    # THEN b's cell is among a's neighbours, and the distance is about 20 m
    assert geohash.encode(*b, 7) in geohash.neighbours(cell_a)
    assert 19 < geohash.distance_m(*a, *b) < 21
