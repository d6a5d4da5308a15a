"""Citizen sign-in (Taxisnet OAuth 2.0), the session token, the profile."""

from __future__ import annotations

import base64
import json
import time
import urllib.parse

import jwt
import pytest

from chalicelib.errors import ApiError
from chalicelib.services.platform import taxisnet
from chalicelib.services.platform.taxisnet import parse_userinfo
from tests.conftest import bearer, set_cookies


def test_login_redirects_to_taxisnet_with_state_cookie(client):
    # WHEN
    resp = client.http.get("/api/auth/taxisnet/login?next=/appointments")
    # THEN
    assert resp.status_code == 302
    location = urllib.parse.urlparse(resp.headers["Location"])
    query = dict(urllib.parse.parse_qsl(location.query))
    assert query["client_id"] == "test-client"
    assert query["response_type"] == "code"
    assert query["redirect_uri"] == "http://localhost:8000/api/auth/taxisnet/callback"
    cookie = set_cookies(resp)
    assert cookie.startswith(f"dimotis_oauth={query['state']}.")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_callback_rejects_a_state_that_does_not_match(client):
    # WHEN the callback's state is not the one in the cookie; THEN it is refused
    resp = client.http.get(
        "/api/auth/taxisnet/callback?code=abc&state=forged", headers={"Cookie": "dimotis_oauth=real.Lw"}
    )
    assert resp.status_code == 403
    assert resp.json_body["error"]["code"] == "invalid_state"


def test_callback_without_state_cookie_is_refused(client):
    # WHEN the callback comes without the state cookie; THEN it is refused
    resp = client.http.get("/api/auth/taxisnet/callback?code=abc&state=s")
    assert resp.status_code == 403
    assert resp.json_body["error"]["code"] == "invalid_state"


def test_callback_exchanges_code_creates_citizen_and_sets_session(client, monkeypatch):
    # GIVEN Taxisnet answers the token and userinfo calls
    calls = {}

    def fake_exchange(code):
        calls["code"] = code
        return "access-1"

    xml = (
        b'<root><userinfo userid="User001" taxid="123456789" lastname="PAPADOPOULOU" '
        b'firstname="MARIA" fathername="GEORGIOS" mothername="ELENI" birthyear="1980"/></root>'
    )
    monkeypatch.setattr(taxisnet, "exchange_code", fake_exchange)
    monkeypatch.setattr(taxisnet, "fetch_userinfo", lambda token: taxisnet.parse_userinfo(xml))
    # WHEN
    resp = client.http.get(
        "/api/auth/taxisnet/callback?code=the-code&state=abc",
        headers={"Cookie": "dimotis_oauth=abc.L2FwcG9pbnRtZW50cw"},
    )
    # THEN
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/appointments"
    assert calls["code"] == "the-code"
    set_cookie = set_cookies(resp)
    assert "dimotis_session=" in set_cookie and "HttpOnly" in set_cookie
    token = set_cookie.split("dimotis_session=", 1)[1].split(";", 1)[0]
    me = client.http.get("/api/me", headers={"Cookie": f"dimotis_session={token}"})
    assert me.status_code == 200
    assert me.json_body["taxid"] == "123456789"
    assert me.json_body["last_name"] == "PAPADOPOULOU"
    assert me.json_body["birth_year"] == 1980


def test_parse_userinfo_reads_gsis_xml():
    # WHEN GSIS's userinfo XML is read; THEN every field is taken
    user = parse_userinfo(
        '<root><userinfo userid="U" taxid="068933130" lastname="ΒΑΣΙΛΕΙΟΥ" firstname="ΧΡΥΣΑ" '
        'fathername="ΕΥΣΤΡΑΤΙΟΣ" mothername="ΑΝΝΑ" birthyear="1950"/></root>'.encode()
    )
    assert (user.taxid, user.last_name, user.mother_name, user.birth_year) == (
        "068933130", "ΒΑΣΙΛΕΙΟΥ", "ΑΝΝΑ", 1950
    )


@pytest.mark.parametrize("xml", [b"not xml", b"<root/>", b'<root><userinfo taxid="12"/></root>'])
def test_parse_userinfo_refuses_bad_answers(xml):
    # WHEN Taxisnet answers something unreadable; THEN the API answers 502
    with pytest.raises(ApiError) as info:
        parse_userinfo(xml)
    assert info.value.status == 502


def test_me_requires_a_session(client):
    # WHEN the profile is asked for without a session; THEN 401
    resp = client.http.get("/api/me")
    assert resp.status_code == 401
    assert resp.json_body["error"]["code"] == "not_signed_in"


def test_profile_update_and_validation(client, make_citizen):
    # GIVEN a signed-in citizen
    token = make_citizen("123456789")
    # WHEN the profile is changed; THEN the values are normalised and kept
    ok = client.http.put(
        "/api/me",
        headers={**bearer(token), "Content-Type": "application/json"},
        body='{"email": "Maria@Example.gr", "mobile": "6912345678", "language": "en", "notify_sms": true}',
    )
    assert ok.status_code == 200
    assert ok.json_body["email"] == "maria@example.gr"
    assert ok.json_body["mobile"] == "+306912345678"
    assert ok.json_body["language"] == "en"
    # AND a value or a field the profile does not take is refused
    bad = client.http.put(
        "/api/me", headers={**bearer(token), "Content-Type": "application/json"}, body='{"language": "fr"}'
    )
    assert bad.status_code == 400
    assert bad.json_body["error"]["code"] == "validation_failed"
    unknown = client.http.put(
        "/api/me", headers={**bearer(token), "Content-Type": "application/json"}, body='{"taxid": "1"}'
    )
    assert unknown.status_code == 400
    # nothing half-written: the language stayed as it was
    assert client.http.get("/api/me", headers=bearer(token)).json_body["language"] == "en"


def test_logout_revokes_the_token(client, make_citizen):
    # GIVEN a signed-in citizen; WHEN they sign out; THEN their token is refused as signed out
    token = make_citizen()
    assert client.http.post("/api/auth/logout", headers=bearer(token)).status_code == 200
    again = client.http.get("/api/me", headers=bearer(token))
    assert again.status_code == 401
    assert again.json_body["error"]["code"] == "session_revoked"


KEY = "test-session-key-0123456789-0123456789-0123456789"  # tests/conftest.py TEST_ENV


def _forge(claims: dict, key: str = KEY, alg="HS256"):
    """A citizen token made now (so only what ``claims`` changes is wrong with it)."""
    base = {"iss": "dimotis", "aud": "dimotis-citizen", "sub": "123456789", "iat": int(time.time()),
            "exp": int(time.time()) + 600, "jti": "j1"}
    base.update(claims)
    return jwt.encode(base, key, algorithm=alg)


BAD_TOKENS = {
    "tampered-signature": (lambda: _forge({}, key="another-key-another-key-another-key-1234"), "invalid_token"),
    "expired": (lambda: _forge({"exp": int(time.time()) - 60}), "session_expired"),
    "wrong-issuer": (lambda: _forge({"iss": "someone-else"}), "invalid_token"),
    "wrong-audience": (lambda: _forge({"aud": "dimotis-staff"}), "invalid_token"),
    "alg-none": (lambda: _forge({}, key=None, alg="none"), "invalid_token"),
    "garbage": (lambda: "not.a.token", "invalid_token"),
}


@pytest.mark.parametrize("case", list(BAD_TOKENS))
def test_bad_citizen_tokens_get_401(client, make_citizen, case):
    # GIVEN a citizen, and a token made now that is wrong in one way only
    make_citizen()
    make, code = BAD_TOKENS[case]
    token = make()
    # WHEN it is used
    resp = client.http.get("/api/me", headers=bearer(token))
    # THEN it is refused for that reason
    assert resp.status_code == 401
    assert resp.json_body["error"]["code"] == code


def test_tampered_payload_is_refused(client, make_citizen):
    # GIVEN a citizen's token whose subject is changed without signing it again
    token = make_citizen("123456789")
    head, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "987654321"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    # WHEN it is used; THEN it is refused as not valid
    resp = client.http.get("/api/me", headers=bearer(f"{head}.{forged}.{sig}"))
    assert resp.status_code == 401
    assert resp.json_body["error"]["code"] == "invalid_token"


def test_signing_out_ends_the_taxisnet_session_too(client, make_citizen):
    # GIVEN a signed-in citizen
    token = make_citizen()
    # WHEN they sign out here
    out = client.http.post("/api/auth/logout", headers=bearer(token))
    # THEN their token is done, and the answer says where the browser goes next
    assert out.json_body == {"signed_out": True, "taxisnet_logout": "/api/auth/taxisnet/logout"}
    # WHEN the browser goes there
    resp = client.http.get(out.json_body["taxisnet_logout"], headers={"Cookie": f"dimotis_session={token}"})
    # THEN the session cookie is cleared and GSIS's logout ends the Taxisnet session, back to our home page
    assert resp.status_code == 302
    assert resp.headers["Location"] == (
        "https://www1.gsis.gr/oauth2server/logout/test-client/?url=http%3A%2F%2Flocalhost%3A8000%2F"
    )
    assert "dimotis_session=; Path=/; Max-Age=0" in set_cookies(resp)
