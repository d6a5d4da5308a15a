"""Per-key limits on Open311 POST: a key may file a burst and then so many an hour; beyond that 429
in the GeoReport error format (JSON or XML) with ``Retry-After``, while another key still files."""

from __future__ import annotations

import pytest

from chalicelib.errors import TooManyRequests
from chalicelib.models.requests import CitizenRequest
from chalicelib.services.platform import limits
from chalicelib.services.requests import open311
from chalicelib.settings import get_settings, reset_settings
from tests.open311_client import GeoReportClient, GeoReportError, chalice_transport
from tests.unit.requests.helpers import ATHENS, staff


@pytest.fixture
def two_keys(catalogue, monkeypatch):
    """A burst of 3 POSTs per key, refilled at 60 an hour (one a minute), and two apps' keys."""
    monkeypatch.setenv("DIMOTIS_OPEN311_POST_BURST", "3")
    monkeypatch.setenv("DIMOTIS_OPEN311_POST_PER_HOUR", "60")
    reset_settings()  # read here: Chalice's test client would read the stage of its own config
    assert (get_settings().open311_post_burst, get_settings().open311_post_per_hour) == (3, 60)
    admin = staff("kep", roles=("admin",), username="admin")
    return open311.issue_key(admin, "Busy app")[1], open311.issue_key(admin, "Quiet app")[1]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_key_past_its_burst_gets_429_with_retry_after_and_another_key_still_files(client, two_keys, fmt):
    # GIVEN two apps with a key each
    busy, quiet = (GeoReportClient(chalice_transport(client), fmt=fmt, api_key=k) for k in two_keys)
    # WHEN the first files its burst, then one more, and then an invalid one
    filed = [busy.file("pothole", {"SIZE": "small"}, lat=ATHENS[0], long=ATHENS[1]) for _ in range(3)]
    with pytest.raises(GeoReportError) as over:
        busy.create("pothole", {"SIZE": "small"}, lat=ATHENS[0], long=ATHENS[1])
    with pytest.raises(GeoReportError) as invalid_too:
        busy.create("pothole", {}, lat=ATHENS[0], long=ATHENS[1])
    # THEN the burst went through, and the next is 429 in the spec's error list, with Retry-After
    assert len(set(filed)) == 3
    assert over.value.status == 429
    assert [int(e["code"]) for e in over.value.errors] == [429] and over.value.errors[0]["description"]
    assert over.value.retry_after is not None and 1 <= over.value.retry_after <= 60
    # AND an invalid POST costs a token too (floods of bad forms are limited as well)
    assert invalid_too.value.status == 429
    # AND nothing more was filed, while the other app still files
    assert quiet.file("pothole", {"SIZE": "large"}, lat=ATHENS[0], long=ATHENS[1])
    assert len(list(CitizenRequest.scan())) == 4


def test_the_limit_is_per_key_and_refills(two_keys):
    # GIVEN a key whose burst is spent at a moment
    key_id = two_keys[0].partition(".")[0]
    for _ in range(3):
        limits.take(open311.post_limit(), key_id, now=1_000_000.0)
    # WHEN it asks again at once, and a minute later (one token back at 60 an hour)
    with pytest.raises(TooManyRequests) as refused:
        limits.take(open311.post_limit(), key_id, now=1_000_000.0)
    limits.take(open311.post_limit(), key_id, now=1_000_060.0)
    # THEN the first is refused with a minute's wait, the second goes through
    assert refused.value.status == 429 and refused.value.headers == {"Retry-After": "60"}
