"""Token attacks on both kinds of session (DESIGN invariant 4): forged, expired, swapped, garbage,
a citizen's token as a staff token and the other way round, a signed-out session: all 401 with
the JSON error shape, by header and by cookie."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import urllib.request

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from chalicelib.errors import Unauthorized
from chalicelib.services.platform import staff_auth
from chalicelib.settings import get_settings
from tests.conftest import _moto_jwks, bearer
from tests.unit.security.world import A, B, People, call, citizen_routes, is_json_error

SITE = "http://localhost:8000"  # a cookie call comes from this site (middleware.guard)


def _b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _citizen_claims(**over) -> dict:
    now = int(time.time())
    claims = {
        "iss": "dimotis",
        "aud": "dimotis-citizen",
        "sub": A,
        "name": "",
        "iat": now,
        "nbf": now - 5,
        "exp": now + 600,
        "jti": f"forged-{now}",
    }
    return {**claims, **over}


def _session_key() -> str:
    return get_settings().session_key


def _citizen_forgeries(world: People) -> dict[str, str]:
    key = _session_key()
    genuine = world.citizen[A]
    header, payload, signature = genuine.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return {
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_citizen_claims())}.",
        "alg None, signature kept": f"{_b64({'alg': 'None', 'typ': 'JWT'})}.{payload}.{signature}",
        "signed with another key": jwt.encode(
            _citizen_claims(), "another-key-" + "x" * 40, algorithm="HS256"
        ),
        "HS512 with the right key": jwt.encode(_citizen_claims(), key, algorithm="HS512"),
        "expired": jwt.encode(_citizen_claims(iat=1, nbf=1, exp=2), key, algorithm="HS256"),
        "not yet valid": jwt.encode(_citizen_claims(nbf=int(time.time()) + 3600), key, algorithm="HS256"),
        "taxid swapped in the payload": f"{header}.{_b64({**claims, 'sub': B})}.{signature}",
        "another audience": jwt.encode(_citizen_claims(aud="dimotis-staff"), key, algorithm="HS256"),
        "another issuer": jwt.encode(_citizen_claims(iss="evil"), key, algorithm="HS256"),
        "no jti": jwt.encode(
            {k: v for k, v in _citizen_claims().items() if k != "jti"}, key, algorithm="HS256"
        ),
        "no expiry": jwt.encode(
            {k: v for k, v in _citizen_claims().items() if k != "exp"}, key, algorithm="HS256"
        ),
    }


def _staff_claims(cognito: dict, **over) -> dict:
    now = int(time.time())
    claims = {
        "sub": "forged-sub",
        "iss": get_settings().cognito_issuer,
        "aud": cognito["client_id"],
        "token_use": "id",
        "cognito:groups": ["admin"],
        "cognito:username": "forger",
        "custom:department": "kep",
        "iat": now,
        "exp": now + 600,
    }
    return {**claims, **over}


def _staff_token(cognito: dict, headers: dict | None = None, **over) -> str:
    private = jwt.PyJWK(cognito["private_jwk"], algorithm="RS256").key
    return jwt.encode(
        _staff_claims(cognito, **over),
        private,
        algorithm="RS256",
        headers={"kid": cognito["private_jwk"]["kid"], **(headers or {})},
    )


def _hs256(header: dict, claims: dict, secret: bytes) -> str:
    """An HS256 token signed by hand (PyJWT rightly refuses a public key as an HMAC secret)."""
    signing_input = f"{_b64(header)}.{_b64(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _staff_forgeries(world: People, cognito: dict) -> dict[str, str]:
    genuine = world.staff[("clerk", "cleaning")]
    header, payload, signature = genuine.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    kid = cognito["private_jwk"]["kid"]
    public_pem = (
        jwt.PyJWK(cognito["private_jwk"], algorithm="RS256")
        .key.public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    region = cognito["pool_id"].split("_")[0]
    return {
        "alg none": f"{_b64({'alg': 'none', 'kid': kid})}.{_b64(_staff_claims(cognito))}.",
        "HS256 signed with the pool's public key": _hs256(
            {"alg": "HS256", "kid": kid}, _staff_claims(cognito), public_pem
        ),
        "unknown kid": _staff_token(cognito, headers={"kid": "not-a-key-of-the-pool"}),
        "another user pool (issuer)": _staff_token(
            cognito, iss=f"https://cognito-idp.{region}.amazonaws.com/{region}_AnotherPool"
        ),
        "another app client (audience)": _staff_token(cognito, aud="another-client"),
        "an access token": _staff_token(cognito, token_use="access"),
        "expired": _staff_token(cognito, iat=1, exp=2),
        "groups raised in the payload": f"{header}.{_b64({**claims, 'cognito:groups': ['admin']})}.{signature}",
        "department swapped in the payload": f"{header}.{_b64({**claims, 'custom:department': 'kep'})}.{signature}",
    }


GARBAGE = [
    "x",
    "null",
    "undefined",
    "a.b.c",
    "...",
    "eyJhbGciOiJIUzI1NiJ9",
    "é" * 10,
    "x" * 8000,
    "Bearer Bearer",
    f"{_b64(b'[1,2]')}.{_b64(b'[]')}.",
    "e30.e30.e30",
]


def _expect_401(client, path: str, token: str, label: str, carrier: str, cookie: str) -> list[str]:
    headers = {"Authorization": f"Bearer {token}"} if carrier == "header" else {"Cookie": f"{cookie}={token}"}
    resp = client.http.request("GET", path, headers=headers)
    if resp.status_code != 401 or not is_json_error(resp):
        return [f"{path} with {label} ({carrier}): {resp.status_code} {resp.body[:160]!r}"]
    return []


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # the HS512 forgery
def test_forged_citizen_tokens_are_401(people):
    # GIVEN the genuine token works (so the forgeries differ from it in one way each)
    assert call(people.client, "GET", "/api/me", people.citizen[A]).status_code == 200
    assert (
        call(
            people.client, "GET", "/api/me", jwt.encode(_citizen_claims(), _session_key(), algorithm="HS256")
        ).status_code
        == 200
    )
    wrong = []
    for label, token in {**_citizen_forgeries(people), **{f"garbage {g[:12]!r}": g for g in GARBAGE}}.items():
        for carrier in ("header", "cookie"):
            wrong.extend(_expect_401(people.client, "/api/me", token, label, carrier, "dimotis_session"))
    # THEN every forgery and every garbage token is refused with 401 and the error shape
    assert wrong == [], "\n".join(wrong)


def test_forged_staff_tokens_are_401(people, cognito):
    # GIVEN a well-formed token signed with the pool's key is accepted (the control)
    assert call(people.client, "GET", "/api/staff/me", _staff_token(cognito)).status_code == 200
    wrong = []
    for label, token in {
        **_staff_forgeries(people, cognito),
        **{f"garbage {g[:12]!r}": g for g in GARBAGE},
    }.items():
        for carrier in ("header", "cookie"):
            wrong.extend(_expect_401(people.client, "/api/staff/me", token, label, carrier, "dimotis_staff"))
    # THEN every forgery and every garbage token is refused with 401 and the error shape
    assert wrong == [], "\n".join(wrong)


def test_forged_key_ids_do_not_make_every_request_fetch_the_pool_keys(cognito, monkeypatch):
    """The pool's keys are fetched once, again after an hour, and on an unknown kid at most once
    a minute: a stream of tokens with made-up kids costs no fetch each (and the keys do renew)."""
    # GIVEN the pool's keys served at its URL, each fetch counted
    document, fetched = _moto_jwks("public"), []

    class Answer:
        def __init__(self, url):
            fetched.append(url)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self):
            return json.dumps(document).encode()

    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: Answer(url))
    known = document["keys"][0]["kid"]
    keys = staff_auth.Jwks()  # as in Lambda: the pool's URL from the settings
    # WHEN 50 tokens with made-up kids arrive after the first fetch
    assert keys.key_for(known) is not None
    for n in range(50):
        with pytest.raises(Unauthorized):
            keys.key_for(f"made-up-{n}")
    # THEN the keys were fetched once
    assert len(fetched) == 1
    # AND a minute later an unknown kid fetches them again (a new key of the pool), and after an
    # hour a known kid does too
    keys._fetched_at -= staff_auth.JWKS_MIN_REFETCH_SECONDS + 1
    with pytest.raises(Unauthorized):
        keys.key_for("made-up-again")
    keys._fetched_at -= staff_auth.JWKS_TTL_SECONDS + 1
    assert keys.key_for(known) is not None
    assert len(fetched) == 3 and set(fetched) == {
        f"{staff_auth.get_settings().cognito_issuer}/.well-known/jwks.json"
    }


def test_a_citizen_token_is_no_staff_token_and_the_other_way_round(people):
    # WHEN a citizen's token is sent where a staff token goes, and the other way round
    # THEN each is refused with 401
    wrong = []
    for carrier in ("header", "cookie"):
        wrong += _expect_401(
            people.client, "/api/staff/me", people.citizen[A], "a citizen token", carrier, "dimotis_staff"
        )
        wrong += _expect_401(
            people.client,
            "/api/staff/appointments",
            people.citizen[A],
            "a citizen token",
            carrier,
            "dimotis_staff",
        )
        wrong += _expect_401(
            people.client, "/api/me", people.staff["admin"], "a staff token", carrier, "dimotis_session"
        )
        wrong += _expect_401(
            people.client,
            "/api/appointments",
            people.staff["admin"],
            "a staff token",
            carrier,
            "dimotis_session",
        )
    assert wrong == [], "\n".join(wrong)


def test_a_signed_out_session_is_refused_everywhere(people):
    # GIVEN A signs out
    token = people.citizen[A]
    assert call(people.client, "POST", "/api/auth/logout", token).status_code == 200
    # THEN the same token is refused on every citizen route, by header and by cookie
    wrong = []
    for method, path in sorted(citizen_routes()):
        concrete = re.sub(r"\{\w+\}", "zz-none", path)
        for headers in (bearer(token), {"Cookie": f"dimotis_session={token}", "Origin": SITE}):
            resp = people.client.http.request(
                method,
                concrete,
                headers={**headers, "Content-Type": "application/json"},
                body=b"{}" if method in ("POST", "PUT") else None,
            )
            if resp.status_code != 401 or resp.json_body["error"]["code"] != "session_revoked":
                wrong.append(f"{method} {concrete}: {resp.status_code} {resp.body[:120]!r}")
    assert wrong == [], "\n".join(wrong)
