"""A staff token stops working within a minute of sign-out, of the account being disabled, and of
a change of its role or department (``staff_revocation``), against moto's Cognito."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.models.sessions import StaffRevocation
from chalicelib.services.backoffice import staff_directory
from chalicelib.services.platform import staff_revocation
from tests.conftest import STAFF_PASSWORD, bearer, sign_in
from tests.totp import next_second

SITE = {"Origin": "http://localhost:8000"}


def _clerk(username: str = "r.clerk", department: str = "kep", role: str = "clerk") -> dict:
    staff_directory.ensure_user(username=username, email=f"{username}@dimos.gr", name=username,
                                department_id=department, role=role, password=STAFF_PASSWORD)
    return sign_in(username)


def _me(client, token: str):
    return client.http.get("/api/staff/me", headers=bearer(token))


def _refused(resp) -> bool:
    return resp.status_code == 401 and resp.json_body["error"]["code"] == "session_revoked"


def test_sign_out_ends_every_token_of_the_member(client, cognito):
    # GIVEN a clerk signed in twice (two browsers), both tokens working
    first, second = _clerk(), sign_in("r.clerk")
    assert _me(client, first["id_token"]).status_code == 200
    # WHEN they sign out in one browser
    cookie = f"dimotis_staff={first['id_token']}; dimotis_staff_access={first['access_token']}"
    assert client.http.post("/api/staff/logout", headers={"Cookie": cookie, **SITE}).status_code == 200
    # THEN both ID tokens are refused at once, and neither refresh token renews anything
    assert _refused(_me(client, first["id_token"])) and _refused(_me(client, second["id_token"]))
    for tokens in (first, second):
        renewed = client.http.post(
            "/api/staff/refresh", headers={"Cookie": f"dimotis_staff_refresh={tokens['refresh_token']}", **SITE}
        )
        assert renewed.status_code == 401
    # AND signing in again (a second later) gives a token that works
    next_second()
    assert _me(client, sign_in("r.clerk")["id_token"]).status_code == 200


def test_signing_straight_back_in_after_a_sign_out_gives_a_working_session(client, cognito):
    # GIVEN a clerk who signs out at the start of a second
    tokens = _clerk()
    next_second()
    cookie = f"dimotis_staff={tokens['id_token']}; dimotis_staff_access={tokens['access_token']}"
    assert client.http.post("/api/staff/logout", headers={"Cookie": cookie, **SITE}).status_code == 200
    # WHEN they sign straight back in, in that same second
    login = client.http.post("/api/staff/login", headers={"Content-Type": "application/json"},
                             body=f'{{"username": "r.clerk", "password": "{STAFF_PASSWORD}"}}')
    # THEN the session they get works (its tokens are of the next second), the old one stays refused
    assert login.status_code == 200, login.body
    assert _me(client, login.json_body["id_token"]).status_code == 200
    assert _refused(_me(client, tokens["id_token"]))


def test_sign_out_with_a_bearer_token_revokes_it_too(client, cognito):
    # GIVEN a client holding only the ID token; WHEN it signs out with it; THEN the token is refused
    token = _clerk()["id_token"]
    assert client.http.post("/api/staff/logout", headers=bearer(token)).status_code == 200
    assert _refused(_me(client, token))


def test_disabling_the_account_ends_its_tokens(client, cognito):
    # GIVEN a signed-in clerk
    tokens = _clerk()
    # WHEN the account is disabled (the org import does this for someone who left)
    assert staff_directory.disable_user("r.clerk") is True
    # THEN the ID token is refused, the refresh token renews nothing, and the password signs in no more
    assert _refused(_me(client, tokens["id_token"]))
    renewed = client.http.post(
        "/api/staff/refresh", headers={"Cookie": f"dimotis_staff_refresh={tokens['refresh_token']}", **SITE}
    )
    assert renewed.status_code == 401
    login = client.http.post("/api/staff/login", headers={"Content-Type": "application/json"},
                             body=f'{{"username": "r.clerk", "password": "{STAFF_PASSWORD}"}}')
    assert login.status_code == 401


@pytest.mark.parametrize(("role", "department"), [("manager", "kep"), ("clerk", "roads")])
def test_a_change_of_role_or_department_ends_the_tokens_that_say_the_old_one(client, cognito, role, department):
    # GIVEN a signed-in clerk of kep
    tokens = _clerk()
    # WHEN their role or department changes (the org import, an administrator)
    staff_directory.ensure_user(username="r.clerk", email="r.clerk@dimos.gr", name="r.clerk",
                                department_id=department, role=role)
    # THEN the token that says "clerk of kep" is refused
    assert _refused(_me(client, tokens["id_token"]))
    # AND the session renews at once (the same second too) with a token that says the new ones
    renewed = client.http.post(
        "/api/staff/refresh", headers={"Cookie": f"dimotis_staff_refresh={tokens['refresh_token']}", **SITE}
    )
    assert renewed.status_code == 200, renewed.body
    assert (renewed.json_body["staff"]["roles"], renewed.json_body["staff"]["department_id"]) == ([role], department)


def test_an_update_that_changes_nothing_of_the_role_keeps_the_session(client, cognito):
    # GIVEN a signed-in clerk; WHEN the org import runs again and only the name changes
    tokens = _clerk()
    staff_directory.ensure_user(username="r.clerk", email="r.clerk@dimos.gr", name="Νέο Όνομα",
                                department_id="kep", role="clerk")
    # THEN their token still works
    assert _me(client, tokens["id_token"]).status_code == 200


def test_another_container_refuses_the_token_within_the_cache_time(client, cognito):
    # GIVEN this container has just checked the clerk's token (nothing revoked, and it remembers so)
    tokens = _clerk()
    assert _me(client, tokens["id_token"]).status_code == 200
    # WHEN another container signs them out (it writes the revocation; this one's memory is older)
    StaffRevocation("r.clerk", revoked_at_ms=int(time.time() * 1000), reason="sign_out",
                    expires_at=datetime.now(UTC) + timedelta(days=1)).save()
    staff_revocation.forget()
    assert _me(client, tokens["id_token"]).status_code == 401  # a fresh container reads it at once
    staff_revocation._cache["r.clerk"] = (None, time.monotonic())  # as this one remembered it
    # THEN this container accepts the token only until what it remembers is CACHE_SECONDS old
    assert _me(client, tokens["id_token"]).status_code == 200
    at, read = staff_revocation._cache["r.clerk"]
    staff_revocation._cache["r.clerk"] = (at, read - staff_revocation.CACHE_SECONDS)
    assert _refused(_me(client, tokens["id_token"]))
    assert staff_revocation.CACHE_SECONDS <= 60


def test_a_token_issued_in_the_second_of_a_sign_out_or_before_is_refused(cognito):
    # GIVEN a sign-out at 1000.5 s
    staff_revocation.revoke("x", "sign_out", now=1000.5)
    # THEN tokens issued at 999 s and 1000 s are refused, one issued at 1001 s is not
    assert staff_revocation.is_revoked("x", 999) and staff_revocation.is_revoked("x", 1000)
    assert not staff_revocation.is_revoked("x", 1001)
    assert not staff_revocation.is_revoked("nobody", 1000)


def test_after_a_change_of_role_only_tokens_that_name_the_old_one_are_refused(cognito):
    # GIVEN a clerk of kep made manager of roads at 2000.5 s, after signing out at 1000 s
    staff_revocation.revoke("x", "sign_out", now=1000.0)
    staff_revocation.role_changed("x", ("manager",), "roads", now=2000.5)
    # THEN a token of before the change naming the old role or department is refused
    assert staff_revocation.is_revoked("x", 2000, ("clerk",), "roads")
    assert staff_revocation.is_revoked("x", 1500, ("manager",), "kep")
    # AND one naming the new ones passes, even issued in the same second, and any token after it
    assert not staff_revocation.is_revoked("x", 2000, ("manager",), "roads")
    assert not staff_revocation.is_revoked("x", 2001, ("clerk",), "kep")
    # AND the sign-out still refuses what was issued before it, whatever it names
    assert staff_revocation.is_revoked("x", 999, ("manager",), "roads")
