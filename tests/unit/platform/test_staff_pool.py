"""What the staff routes answer when the pool itself refuses or does not answer
(``staff_pool.call``, the one way the sign-in modules talk to Cognito): 429 with ``Retry-After``
for too many attempts, 502 ``cognito_unavailable`` for anything else, never a 500; and a sign-out
refuses the member's tokens even when the pool's global sign-out fails."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from chalicelib.services.backoffice import staff_directory
from chalicelib.services.platform import staff_pool
from tests.conftest import STAFF_PASSWORD, bearer, sign_in

SITE = {"Content-Type": "application/json", "Origin": "http://localhost:8000"}


class _Failing:
    """The pool's client, except that ``operation`` fails with ``error``."""

    def __init__(self, real, operation: str, error: Exception):
        self._real, self._operation, self._error = real, operation, error

    def __getattr__(self, name: str):
        if name == self._operation:
            def fail(**_params):
                raise self._error
            return fail
        return getattr(self._real, name)


def _cognito_error(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}}, operation)


@pytest.fixture
def pool_fails(monkeypatch):
    """``pool_fails(operation, error)``: from now on the pool answers ``operation`` with ``error``."""
    real = staff_pool.client

    def install(operation: str, error: Exception) -> None:
        monkeypatch.setattr(staff_pool, "client", lambda: _Failing(real(), operation, error))

    return install


def _post(client, path: str, body: dict | None = None, headers: dict | None = None):
    return client.http.post(path, headers={**SITE, **(headers or {})}, body=json.dumps(body) if body else None)


@pytest.mark.parametrize("code", staff_pool.TOO_MANY)
def test_too_many_attempts_at_the_pool_are_429_with_retry_after(client, cognito, pool_fails, code):
    # GIVEN the pool refuses a sign-in for too many attempts
    pool_fails("initiate_auth", _cognito_error(code, "InitiateAuth"))
    # WHEN a member signs in
    resp = _post(client, "/api/staff/login", {"username": "someone", "password": STAFF_PASSWORD})
    # THEN 429 rate_limited, with the time to wait
    assert resp.status_code == 429
    assert resp.json_body["error"]["code"] == "rate_limited"
    assert resp.headers["Retry-After"] == staff_pool.RETRY_AFTER_SECONDS


@pytest.mark.parametrize(
    ("operation", "path", "body"),
    [
        ("initiate_auth", "/api/staff/login", {"username": "someone", "password": STAFF_PASSWORD}),
        ("forgot_password", "/api/staff/password/forgot", {"username": "someone"}),
        ("confirm_forgot_password", "/api/staff/password/reset",
         {"username": "someone", "code": "123456", "new_password": "Kainourgios-Kodikos-7!"}),
    ],
)
@pytest.mark.parametrize(
    "error",
    [_cognito_error("InternalErrorException", "Any"), EndpointConnectionError(endpoint_url="https://cognito-idp")],
    ids=["pool error", "pool unreachable"],
)
def test_a_pool_that_fails_is_502_never_500(client, cognito, pool_fails, operation, path, body, error):
    # GIVEN the pool fails (an error of its own, or no answer at all)
    pool_fails(operation, error)
    # WHEN a route asks it; THEN 502 cognito_unavailable
    resp = _post(client, path, body)
    assert resp.status_code == 502, resp.body
    assert resp.json_body["error"]["code"] == "cognito_unavailable"


def test_sign_out_refuses_the_tokens_even_when_the_pool_does_not_answer(client, cognito, pool_fails):
    # GIVEN a signed-in clerk, and a pool that does not answer the global sign-out
    staff_directory.ensure_user(username="p.clerk", email="p.clerk@dimos.gr", name="p.clerk",
                                department_id="kep", role="clerk", password=STAFF_PASSWORD)
    tokens = sign_in("p.clerk")
    pool_fails("global_sign_out", EndpointConnectionError(endpoint_url="https://cognito-idp"))
    # WHEN they sign out
    cookie = f"dimotis_staff={tokens['id_token']}; dimotis_staff_access={tokens['access_token']}"
    resp = _post(client, "/api/staff/logout", headers={"Cookie": cookie})
    # THEN they are told it failed (502), but their ID token is refused already
    assert resp.status_code == 502
    me = client.http.get("/api/staff/me", headers=bearer(tokens["id_token"]))
    assert me.status_code == 401 and me.json_body["error"]["code"] == "session_revoked"
