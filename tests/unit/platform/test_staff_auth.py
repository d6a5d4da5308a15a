"""Staff sign-in against Cognito and verification of its ID tokens with PyJWT + JWKS."""

from __future__ import annotations

import time

import jwt
import pytest

from tests.conftest import STAFF_PASSWORD, bearer, set_cookies

SITE = {"Origin": "http://localhost:8000"}  # a call from this site (DIMOTIS_PUBLIC_BASE_URL)


def test_staff_login_sets_cookies_and_me_reports_role_and_department(client, make_staff):
    # GIVEN a clerk of roads; WHEN they sign in
    make_staff("clerk", "roads", username="clerk.roads")
    resp = client.http.post(
        "/api/staff/login",
        headers={"Content-Type": "application/json"},
        body=f'{{"username": "clerk.roads", "password": "{STAFF_PASSWORD}"}}',
    )
    assert resp.status_code == 200
    assert resp.json_body["staff"]["roles"] == ["clerk"]
    assert resp.json_body["staff"]["department_id"] == "roads"
    # THEN the cookies are set and the token says who they are
    cookies = set_cookies(resp)
    assert "dimotis_staff=" in cookies and "HttpOnly" in cookies
    me = client.http.get("/api/staff/me", headers=bearer(resp.json_body["id_token"]))
    assert me.status_code == 200
    assert me.json_body["username"] == "clerk.roads"


def test_wrong_password_is_401(client, make_staff):
    # GIVEN a clerk; WHEN they sign in with a wrong password; THEN 401 invalid_credentials
    make_staff("clerk", "roads", username="clerk.roads")
    resp = client.http.post(
        "/api/staff/login",
        headers={"Content-Type": "application/json"},
        body='{"username": "clerk.roads", "password": "wrong"}',
    )
    assert resp.status_code == 401
    assert resp.json_body["error"]["code"] == "invalid_credentials"


def test_login_validates_body(client, cognito):
    # WHEN the sign-in body is incomplete; THEN 400
    resp = client.http.post("/api/staff/login", headers={"Content-Type": "application/json"}, body='{"username": ""}')
    assert resp.status_code == 400
    assert resp.json_body["error"]["code"] == "validation_failed"


def _claims(cognito, **over):
    now = int(time.time())
    base = {
        "iss": f"https://cognito-idp.eu-central-1.amazonaws.com/{cognito['pool_id']}",
        "aud": cognito["client_id"], "token_use": "id", "sub": "s-1", "cognito:username": "x",
        "cognito:groups": ["clerk"], "custom:department": "roads", "iat": now, "exp": now + 600,
    }
    base.update(over)
    return base


def _sign(cognito, claims, kid="dummy"):
    key = jwt.PyJWK(cognito["private_jwk"], algorithm="RS256").key
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def test_a_correctly_signed_token_is_accepted(client, cognito):
    # WHEN a token signed by the pool's key is used; THEN it is accepted
    resp = client.http.get("/api/staff/me", headers=bearer(_sign(cognito, _claims(cognito))))
    assert resp.status_code == 200
    assert resp.json_body["department_id"] == "roads"


BAD_CLAIMS = {  # made when the test runs, so only the named claim is wrong
    "expired": (lambda: {"exp": int(time.time()) - 60}, "session_expired"),
    "wrong-issuer": (lambda: {"iss": "https://cognito-idp.eu-central-1.amazonaws.com/other"}, "invalid_token"),
    "wrong-audience": (lambda: {"aud": "another-client"}, "invalid_token"),
    "access-token-not-id": (lambda: {"token_use": "access"}, "invalid_token"),
}


@pytest.mark.parametrize("case", list(BAD_CLAIMS))
def test_bad_staff_tokens_get_401(client, cognito, case):
    # GIVEN a token signed by the pool's key with one claim wrong
    change, code = BAD_CLAIMS[case]
    token = _sign(cognito, _claims(cognito, **change()))
    # WHEN it is used; THEN it is refused for that reason
    resp = client.http.get("/api/staff/me", headers=bearer(token))
    assert resp.status_code == 401
    assert resp.json_body["error"]["code"] == code


def test_alg_none_and_hs256_confusion_get_401(client, cognito):
    # GIVEN good claims, unsigned or signed with HS256 (the algorithm is pinned to RS256)
    claims = _claims(cognito)
    none_token = jwt.encode(claims, None, algorithm="none", headers={"kid": "dummy"})
    hs_token = jwt.encode(claims, "a-long-enough-shared-secret-for-hs256!!", algorithm="HS256", headers={"kid": "dummy"})
    for token in (none_token, hs_token):
        # WHEN used; THEN refused as not valid
        resp = client.http.get("/api/staff/me", headers=bearer(token))
        assert resp.status_code == 401
        assert resp.json_body["error"]["code"] == "invalid_token"


def test_tampered_staff_token_gets_401(client, cognito):
    # GIVEN a clerk's token whose payload says admin, with a broken or the old signature
    token = _sign(cognito, _claims(cognito))
    head, payload, sig = token.split(".")
    other = _sign(cognito, _claims(cognito, **{"cognito:groups": ["admin"]})).split(".")[1]
    # WHEN used; THEN refused as not valid
    for forged in (f"{head}.{other}.{sig[:-4]}AAAA", f"{head}.{other}.{sig}"):
        resp = client.http.get("/api/staff/me", headers=bearer(forged))
        assert resp.status_code == 401
        assert resp.json_body["error"]["code"] == "invalid_token"


def test_unknown_key_id_gets_401(client, cognito):
    # GIVEN a token naming a key the pool does not have; WHEN used; THEN refused as not valid
    token = _sign(cognito, _claims(cognito), kid="not-in-jwks")
    resp = client.http.get("/api/staff/me", headers=bearer(token))
    assert resp.status_code == 401
    assert resp.json_body["error"]["code"] == "invalid_token"


def test_a_user_without_a_staff_group_is_403(client, cognito):
    # GIVEN a good token of a user in no staff group; WHEN used; THEN 403 no_role
    token = _sign(cognito, _claims(cognito, **{"cognito:groups": []}))
    resp = client.http.get("/api/staff/me", headers=bearer(token))
    assert resp.status_code == 403
    assert resp.json_body["error"]["code"] == "no_role"


def test_refresh_and_logout(client, make_staff):
    # GIVEN a signed-in manager
    make_staff("manager", "kep", username="m.kep")
    login = client.http.post(
        "/api/staff/login", headers={"Content-Type": "application/json"},
        body=f'{{"username": "m.kep", "password": "{STAFF_PASSWORD}"}}',
    )
    cookies = set_cookies(login)
    refresh = cookies.split("dimotis_staff_refresh=", 1)[1].split(";", 1)[0]
    # WHEN the session is renewed, then signed out
    renewed = client.http.post("/api/staff/refresh", headers={"Cookie": f"dimotis_staff_refresh={refresh}", **SITE})
    assert renewed.status_code == 200
    assert renewed.json_body["staff"]["username"] == "m.kep"
    out = client.http.post("/api/staff/logout")
    # THEN the renewal worked, the sign-out clears the cookie, and nothing is left to renew
    assert out.status_code == 200
    assert "dimotis_staff=;" in set_cookies(out)
    assert client.http.post("/api/staff/refresh").status_code == 401
