"""What a page on another site cannot make a browser do with the user's cookies
(``middleware.guard``): a state-changing call must name its body's type as the document does
(415), and one authenticated by a cookie must come from this site (``Origin``, else ``Referer``:
403 ``cross_origin``). Bearer tokens, which a browser never sends on its own, need neither."""

from __future__ import annotations

import json

import pytest

from chalicelib.middleware import origin_of
from chalicelib.models.citizens import Citizen
from tests.conftest import bearer

SITE = "http://localhost:8000"  # DIMOTIS_PUBLIC_BASE_URL of the tests
PROFILE = json.dumps({"language": "en"})


def _put_me(client, headers: dict, body: str | None = PROFILE):
    return client.http.put("/api/me", headers=headers, body=body)


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/jsonx"])
def test_a_json_body_must_say_it_is_json(client, make_citizen, content_type):
    # GIVEN a citizen's bearer token and a JSON body sent under another type (or none at all)
    headers = bearer(make_citizen())
    if content_type:
        headers["Content-Type"] = content_type
    # WHEN it is sent; THEN 415 and nothing changed
    resp = _put_me(client, headers)
    assert resp.status_code == 415 and resp.json_body["error"]["code"] == "unsupported_media_type"
    assert Citizen.get("123456789").language != "en"


def test_json_with_a_charset_and_a_call_without_a_body_pass(client, make_citizen):
    # GIVEN a citizen; WHEN JSON is sent with its charset, and a body-less call has no type
    token = make_citizen()
    ok = _put_me(client, {**bearer(token), "Content-Type": "application/json; charset=utf-8"})
    assert ok.status_code == 200
    # THEN both go through (sign-out sends no body)
    assert client.http.post("/api/auth/logout", headers=bearer(token)).status_code == 200


def test_open311_takes_the_form_its_document_names(client):
    # WHEN a GeoReport client posts its form; THEN the form is not refused as "not JSON"
    resp = client.http.post("/open311/v2/requests.json", headers={"Content-Type": "application/x-www-form-urlencoded"},
                            body="service_code=pothole&lat=37.9&long=23.7")
    assert resp.status_code != 415


@pytest.mark.parametrize(
    ("origin", "referer"),
    [(SITE, None), (None, f"{SITE}/profile.html"), ("http://LOCALHOST:8000", None), (f"{SITE}/", None)],
)
def test_a_cookie_call_from_this_site_passes(client, make_citizen, origin, referer):
    # GIVEN the citizen's session cookie and an Origin (or only a Referer) of this site
    headers = {"Cookie": f"dimotis_session={make_citizen()}", "Content-Type": "application/json"}
    if origin:
        headers["Origin"] = origin
    if referer:
        headers["Referer"] = referer
    # WHEN the profile is changed; THEN it is
    assert _put_me(client, headers).status_code == 200


@pytest.mark.parametrize(
    ("origin", "referer"),
    [
        (None, None),
        ("https://evil.example", None),
        ("null", None),
        ("http://localhost:8001", None),
        ("https://localhost:8000", None),
        ("http://localhost:8000.evil.example", None),
        (None, "https://evil.example/localhost:8000/"),
        ("https://evil.example", f"{SITE}/profile.html"),
    ],
)
def test_a_cookie_call_from_elsewhere_is_refused(client, make_citizen, origin, referer):
    # GIVEN the citizen's session cookie, sent by a page of another site (or saying nothing)
    headers = {"Cookie": f"dimotis_session={make_citizen()}", "Content-Type": "application/json"}
    if origin:
        headers["Origin"] = origin
    if referer:
        headers["Referer"] = referer
    # WHEN it tries to change the profile; THEN 403 cross_origin, and nothing changed
    resp = _put_me(client, headers)
    assert resp.status_code == 403 and resp.json_body["error"]["code"] == "cross_origin"
    assert Citizen.get("123456789").language != "en"


@pytest.mark.parametrize("cookie", ["dimotis_staff", "dimotis_staff_refresh", "dimotis_staff_access"])
def test_every_staff_cookie_counts_as_cookie_authentication(client, cookie):
    # WHEN a staff cookie comes with a call from another site (sign-out, renewal, a write)
    resp = client.http.post("/api/staff/refresh", headers={"Cookie": f"{cookie}=x", "Origin": "https://evil.example"})
    # THEN it is refused before anything runs
    assert resp.status_code == 403 and resp.json_body["error"]["code"] == "cross_origin"


def test_a_bearer_call_needs_no_origin_and_reads_are_not_checked(client, make_citizen):
    # GIVEN a citizen
    token = make_citizen()
    # WHEN a bearer call comes from anywhere (an app), even with a cookie beside it
    headers = {**bearer(token), "Cookie": f"dimotis_session={token}", "Origin": "https://app.example",
               "Content-Type": "application/json"}
    assert _put_me(client, headers).status_code == 200
    # AND WHEN a page of another site only reads with the cookie (GET): the guard lets it be
    assert client.http.get("/api/me", headers={"Cookie": f"dimotis_session={token}",
                                               "Origin": "https://evil.example"}).status_code == 200


def test_the_origin_of_an_address():
    # THEN scheme, host and a port that is not the default one, in lower case; else nothing
    assert origin_of("HTTPS://Dimotis.Example.gr:443/admin/") == "https://dimotis.example.gr"
    assert origin_of("http://localhost:8000") == "http://localhost:8000"
    assert origin_of("null") is None and origin_of("javascript:x") is None and origin_of("http://") is None
    assert origin_of("http://h:99999") is None
