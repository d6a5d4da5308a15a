"""The client's address: CloudFront's viewer address only with the origin secret, else the source
address; IPv6 clients are their /64; trusted networks (the municipality's kiosks)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from chalicelib.services.platform import clients

SECRET = "s3cret-origin-value"


@pytest.fixture
def origin_secret(env):
    env(DIMOTIS_ORIGIN_SECRET=SECRET)
    return SECRET


def request(source_ip="192.0.2.10", **headers):
    return SimpleNamespace(
        headers={k.replace("_", "-"): v for k, v in headers.items()},
        context={"identity": {"sourceIp": source_ip}},
    )


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("198.51.100.10:46532", "198.51.100.10"),
        ("[2001:db8:1:2:3:4:5:6]:46532", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:3:4:5:6:46532", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::7:443", "2001:db8:1:2::/64"),
        ("[2001:db8:1:2::7]", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::7", "2001:db8:1:2::/64"),
        ("[::ffff:203.0.113.9]:1234", "203.0.113.9"),
        ("198.51.100.10", "198.51.100.10"),
    ],
)
def test_the_viewer_address_is_read_in_every_form_cloudfront_may_write(origin_secret, viewer, expected):
    # GIVEN a request through CloudFront (the origin header holds the secret)
    req = request(cloudfront_viewer_address=viewer, x_dimotis_origin=origin_secret)
    # WHEN its client is asked for; THEN the viewer's address (an IPv6 one as its /64)
    assert clients.client_address(req) == expected


def test_the_viewer_header_is_ignored_without_the_origin_secret(origin_secret):
    # GIVEN someone calling the API directly with a made-up viewer address
    forged = request(cloudfront_viewer_address="203.0.113.1:1", x_dimotis_origin="guess")
    missing = request(cloudfront_viewer_address="203.0.113.1:1")
    # THEN the source address counts, not the header
    assert clients.client_address(forged) == "192.0.2.10"
    assert clients.client_address(missing) == "192.0.2.10"


def test_without_a_configured_secret_no_header_is_believed(env):
    # GIVEN a deployment with no origin secret (the local stage); WHEN the header comes, even empty
    env(DIMOTIS_ORIGIN_SECRET="")
    req = request(cloudfront_viewer_address="203.0.113.1:1", x_dimotis_origin="")
    # THEN the source address counts
    assert clients.client_address(req) == "192.0.2.10"


def test_garbage_falls_back_to_the_source_and_then_to_unknown(origin_secret):
    # GIVEN a viewer header that holds no address
    req = request(cloudfront_viewer_address="not-an-address", x_dimotis_origin=origin_secret)
    assert clients.client_address(req) == "192.0.2.10"
    # AND a source that is not one either (a made-up event)
    assert clients.client_address(request(source_ip="")) == clients.UNKNOWN
    # AND an IPv6 source is its /64 too
    assert clients.client_address(request(source_ip="2001:db8:9:9::1")) == "2001:db8:9:9::/64"


def test_trusted_networks_hold_the_municipalitys_kiosks(env):
    # GIVEN the office's public IPv4 network and an IPv6 kiosk address as trusted
    env(DIMOTIS_LIMITS_TRUSTED_CLIENTS="203.0.113.0/28, 2001:db8:aa:1::5")
    # THEN clients inside them are trusted, others are not
    assert clients.is_trusted("203.0.113.7")
    assert not clients.is_trusted("203.0.113.17")
    assert clients.is_trusted("2001:db8:aa:1::/64")  # the kiosk's /64 is what a client is
    assert not clients.is_trusted("2001:db8:aa:2::/64")
    assert not clients.is_trusted(clients.UNKNOWN)
