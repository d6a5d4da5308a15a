"""Staff sign-in against Cognito and verification of its ID tokens with PyJWT + JWKS."""

from __future__ import annotations

import time

import jwt
import pytest

from tests.conftest import STAFF_PASSWORD, bearer, set_cookies


def test_staff_login_sets_cookies_and_me_reports_role_and_department(client, make_staff):
    make_staff("clerk", "roads", username="clerk.roads")
    resp = client.http.post(
        "/api/staff/login",
        headers={"Content-Type": "application/json"},
        body=f'{{"username": "clerk.roads", "password": "{STAFF_PASSWORD}"}}',
    )
    assert resp.status_code == 200
    assert resp.json_body["staff"]["roles"] == ["clerk"]
    assert resp.json_body["staff"]["department_id"] == "roads"
    cookies = set_cookies(resp)
    assert "dimotis_staff=" in cookies and "HttpOnly" in cookies
    me = client.http.get("/api/staff/me", headers=bearer(resp.json_body["id_token"]))
    assert me.status_code == 200
    assert me.json_body["username"] == "clerk.roads"


def test_wrong_password_is_401(client, make_staff):
    make_staff("clerk", "roads", username="clerk.roads")
    resp = client.http.post(
        "/api/staff/login",
        headers={"Content-Type": "application/json"},
        body='{"username": "clerk.roads", "password": "wrong"}',
    )
    assert resp.status_code == 401
    assert resp.json_body["error"]["code"] == "invalid_credentials"


def test_login_validates_body(client, cognito):
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
    resp = client.http.get("/api/staff/me", headers=bearer(_sign(cognito, _claims(cognito))))
    assert resp.status_code == 200
    assert resp.json_body["department_id"] == "roads"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"exp": int(time.time()) - 60}, id="expired"),
        pytest.param({"iss": "https://cognito-idp.eu-central-1.amazonaws.com/other"}, id="wrong-issuer"),
        pytest.param({"aud": "another-client"}, id="wrong-audience"),
        pytest.param({"token_use": "access"}, id="access-token-not-id"),
    ],
)
def test_bad_staff_tokens_get_401(client, cognito, change):
    token = _sign(cognito, _claims(cognito, **change))
    resp = client.http.get("/api/staff/me", headers=bearer(token))
    assert resp.status_code == 401


def test_alg_none_and_hs256_confusion_get_401(client, cognito):
    claims = _claims(cognito)
    none_token = jwt.encode(claims, None, algorithm="none", headers={"kid": "dummy"})
    hs_token = jwt.encode(claims, "a-long-enough-shared-secret-for-hs256!!", algorithm="HS256", headers={"kid": "dummy"})
    for token in (none_token, hs_token):
        assert client.http.get("/api/staff/me", headers=bearer(token)).status_code == 401


def test_tampered_staff_token_gets_401(client, cognito):
    token = _sign(cognito, _claims(cognito))
    head, payload, sig = token.split(".")
    other = _sign(cognito, _claims(cognito, **{"cognito:groups": ["admin"]})).split(".")[1]
    assert client.http.get("/api/staff/me", headers=bearer(f"{head}.{other}.{sig[:-4]}AAAA")).status_code == 401
    assert client.http.get("/api/staff/me", headers=bearer(f"{head}.{other}.{sig}")).status_code == 401


def test_unknown_key_id_gets_401(client, cognito):
    token = _sign(cognito, _claims(cognito), kid="not-in-jwks")
    assert client.http.get("/api/staff/me", headers=bearer(token)).status_code == 401


def test_a_user_without_a_staff_group_is_403(client, cognito):
    token = _sign(cognito, _claims(cognito, **{"cognito:groups": []}))
    resp = client.http.get("/api/staff/me", headers=bearer(token))
    assert resp.status_code == 403


def test_refresh_and_logout(client, make_staff):
    make_staff("manager", "kep", username="m.kep")
    login = client.http.post(
        "/api/staff/login", headers={"Content-Type": "application/json"},
        body=f'{{"username": "m.kep", "password": "{STAFF_PASSWORD}"}}',
    )
    cookies = set_cookies(login)
    refresh = cookies.split("dimotis_staff_refresh=", 1)[1].split(";", 1)[0]
    renewed = client.http.post("/api/staff/refresh", headers={"Cookie": f"dimotis_staff_refresh={refresh}"})
    assert renewed.status_code == 200
    assert renewed.json_body["staff"]["username"] == "m.kep"
    out = client.http.post("/api/staff/logout")
    assert out.status_code == 200
    assert "dimotis_staff=;" in set_cookies(out)
    assert client.http.post("/api/staff/refresh").status_code == 401
