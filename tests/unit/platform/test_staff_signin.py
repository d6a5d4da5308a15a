"""Staff sign-in against moto's Cognito, every step: a first sign-in with a temporary password, the
authenticator an administrator must enrol before any session, the code at each later sign-in,
the account page's authenticator and password, and a forgotten password. The pool is made as the
local stack and infra make it (``devstack/cognito.py``)."""

from __future__ import annotations

import json

import pytest

from chalicelib.aws import client as aws_client
from chalicelib.models.audit import AuditEntry
from chalicelib.models.org import Department, Employee
from chalicelib.services.backoffice import staff_directory
from chalicelib.services.platform import staff_password
from chalicelib.settings import reset_settings
from devstack import cognito as local_cognito
from tests.conftest import STAFF_PASSWORD, bearer, set_cookies
from tests.totp import code_at, fresh_code

JSON = {"Content-Type": "application/json", "Origin": "http://localhost:8000"}
NEW_PASSWORD = "Kainourgios-Kodikos-7!"


def _post(client, path: str, body: dict | None = None, headers: dict | None = None):
    return client.http.post(path, headers={**JSON, **(headers or {})}, body=json.dumps(body) if body else None)


def _invite(username: str, role: str, department: str | None = "kep") -> str:
    """A member created as an administrator invites one: the temporary password the pool e-mailed."""
    staff_directory.ensure_user(username=username, email=f"{username}@dimos.gr", name=username,
                                department_id=department, role=role)
    [mail] = local_cognito.mails(username, "invitation")
    return mail["body"].split("Temporary password: ", 1)[1].split()[0]


def _answer(client, step: dict, **answer):
    body = {"username": step["username"], "session": step["session"], "challenge": step["challenge"], **answer}
    return _post(client, "/api/staff/login/challenge", body)


def _cookies(resp) -> str:
    """The cookies a browser would send back to the staff routes after this sign-in."""
    jar = {}
    for part in set_cookies(resp).split("\n"):
        name, _, rest = part.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return "; ".join(f"{k}={v}" for k, v in jar.items() if v)


def test_a_first_sign_in_sets_a_new_password_that_keeps_to_the_pools_policy(client, cognito):
    # GIVEN a clerk invited with a temporary password
    temporary = _invite("new.clerk", "clerk")
    # WHEN they sign in with it THEN they are asked for a new password, and get no session yet
    first = _post(client, "/api/staff/login", {"username": "new.clerk", "password": temporary})
    assert first.status_code == 200, first.body
    assert first.json_body["challenge"] == "NEW_PASSWORD_REQUIRED"
    assert "dimotis_staff=" not in set_cookies(first)
    step = first.json_body
    # WHEN the new password breaks a rule of the pool THEN 400 names the rule
    for weak, rule in (("Short-1a", "min_length"), ("no-capitals-here-1!", "uppercase"),
                       ("No-Digits-Here-At-All!", "number"), ("NoSymbolsHere12345", "symbol")):
        refused = _answer(client, step, new_password=weak)
        assert refused.status_code == 400, weak
        assert refused.json_body["error"]["code"] == "password_policy"
        assert refused.json_body["error"]["details"]["rule"] == rule
        assert refused.json_body["error"]["details"]["min_length"] == 12
    # WHEN it keeps to the policy THEN the clerk is signed in (a clerk needs no authenticator)
    done = _answer(client, step, new_password=NEW_PASSWORD)
    assert done.status_code == 200, done.body
    assert done.json_body["staff"]["username"] == "new.clerk"
    assert "dimotis_staff=" in set_cookies(done)
    # AND from now on the new password signs in at once, the temporary one no longer
    again = _post(client, "/api/staff/login", {"username": "new.clerk", "password": NEW_PASSWORD})
    assert again.json_body["staff"]["roles"] == ["clerk"]
    old = _post(client, "/api/staff/login", {"username": "new.clerk", "password": temporary})
    assert old.status_code == 401 and old.json_body["error"]["code"] == "invalid_credentials"


def test_the_policy_is_read_from_the_pool_once_per_container(cognito):
    # GIVEN the pool's policy was read once
    assert staff_password.policy()["MinimumLength"] == 12
    # WHEN an operator raises the minimum length in the pool
    aws_client("cognito-idp").update_user_pool(
        UserPoolId=cognito["pool_id"], Policies={"PasswordPolicy": {"MinimumLength": 20}}
    )
    # THEN the cached policy holds until it is read again, and then the new rule is named
    assert staff_password.broken_rule("Twelve-Chars-1!", staff_password.policy()) is None
    staff_password.forget_policy()
    assert staff_password.broken_rule("Twelve-Chars-1!", staff_password.policy())[0] == "min_length"


def test_an_administrator_enrols_an_authenticator_before_any_session(client, cognito):
    # GIVEN an administrator invited with a temporary password (admins need MFA by default)
    temporary = _invite("first.admin", "admin", None)
    step = _post(client, "/api/staff/login", {"username": "first.admin", "password": temporary}).json_body
    # WHEN they set their password THEN they must enrol an authenticator: a secret, a URI, a QR code
    setup = _answer(client, step, new_password=NEW_PASSWORD)
    assert setup.status_code == 200 and "dimotis_staff=" not in set_cookies(setup)
    setup = setup.json_body
    assert setup["challenge"] == "MFA_SETUP"
    secret = setup["secret"].replace(" ", "")
    assert setup["otpauth_uri"].startswith("otpauth://totp/Dimotis%20localhost%3Afirst.admin?secret=" + secret)
    assert "issuer=Dimotis%20localhost" in setup["otpauth_uri"]
    assert setup["qr"].startswith("data:image/svg+xml")
    assert "id_token" not in json.dumps(setup) and "AccessToken" not in json.dumps(setup)
    # WHEN the code typed is wrong THEN 401 invalid_code, and they may try again with the same step
    wrong = _answer(client, setup, code=code_at(secret, 0))
    assert wrong.status_code == 401 and wrong.json_body["error"]["code"] == "invalid_code"
    # WHEN the code is the app's THEN the session is issued
    done = _answer(client, setup, code=fresh_code(secret))
    assert done.status_code == 200, done.body
    assert done.json_body["staff"]["roles"] == ["admin"]
    assert "dimotis_staff=" in set_cookies(done)
    # AND every later sign-in asks for a code from the app, and a wrong one gets no session
    later = _post(client, "/api/staff/login", {"username": "first.admin", "password": NEW_PASSWORD}).json_body
    assert later["challenge"] == "SOFTWARE_TOKEN_MFA" and "secret" not in later
    assert _answer(client, later, code=code_at(secret, 0)).json_body["error"]["code"] == "invalid_code"
    assert _answer(client, later, code=fresh_code(secret)).json_body["staff"]["username"] == "first.admin"


def test_without_the_setting_an_administrator_signs_in_with_the_password_alone(client, cognito, monkeypatch):
    # GIVEN no role needs MFA (the demo stack's setting)
    monkeypatch.setenv("DIMOTIS_STAFF_MFA_ROLES", "")
    reset_settings()
    staff_directory.ensure_user(username="demo.admin", email="a@dimos.gr", name="A", department_id="kep",
                                role="admin", password=STAFF_PASSWORD)
    # WHEN the administrator signs in; THEN a session at once
    resp = _post(client, "/api/staff/login", {"username": "demo.admin", "password": STAFF_PASSWORD})
    assert resp.json_body["staff"]["roles"] == ["admin"]


def test_a_setting_can_require_an_authenticator_of_clerks_too(client, cognito, monkeypatch):
    # GIVEN clerks are among the roles that need MFA
    monkeypatch.setenv("DIMOTIS_STAFF_MFA_ROLES", "admin,clerk")
    reset_settings()
    staff_directory.ensure_user(username="c.kep", email="c@dimos.gr", name="C", department_id="kep",
                                role="clerk", password=STAFF_PASSWORD)
    # WHEN a clerk signs in with the password; THEN they must enrol first
    resp = _post(client, "/api/staff/login", {"username": "c.kep", "password": STAFF_PASSWORD})
    assert resp.json_body["challenge"] == "MFA_SETUP"


@pytest.mark.parametrize("tamper", ["garbage", "other user", "other step", "expired"])
def test_a_challenge_answer_needs_the_session_of_that_user_and_step(client, cognito, monkeypatch, tamper):
    # GIVEN a clerk asked for a new password
    temporary = _invite("t.clerk", "clerk")
    step = _post(client, "/api/staff/login", {"username": "t.clerk", "password": temporary}).json_body
    answer = {"new_password": NEW_PASSWORD}
    if tamper == "garbage":
        step["session"] = step["session"][:-8] + "AAAAAAAA"
    elif tamper == "other user":
        step["username"] = "someone.else"
    elif tamper == "other step":
        step["challenge"], answer = "SOFTWARE_TOKEN_MFA", {"code": "123456"}
    else:
        import time as clock

        later = clock.time() + 11 * 60
        monkeypatch.setattr("chalicelib.services.platform.staff_signin.time.time", lambda: later)
    # WHEN it is answered with a changed session, user or step, or too late; THEN start again
    resp = _answer(client, step, **answer)
    assert resp.status_code == 401 and resp.json_body["error"]["code"] == "signin_expired"


def test_a_forgotten_password_is_reset_with_the_emailed_code(client, cognito):
    # GIVEN a clerk with a password
    staff_directory.ensure_user(username="f.clerk", email="f.clerk@dimos.gr", name="F", department_id="kep",
                                role="clerk", password=STAFF_PASSWORD)
    # WHEN they say they forgot it THEN the pool e-mails a six-digit code to their address
    sent = _post(client, "/api/staff/password/forgot", {"username": "f.clerk"})
    assert sent.status_code == 200 and sent.json_body["sent"] is True
    [mail] = local_cognito.mails("f.clerk", "password_reset")
    assert mail["to"] == "f.clerk@dimos.gr"
    code = mail["body"].split("είναι ", 1)[1][:6]
    assert code.isdigit()
    # AND someone unknown gets the very same answer (nobody learns who has an account)
    unknown = _post(client, "/api/staff/password/forgot", {"username": "nobody.here"})
    assert unknown.status_code == 200 and unknown.json_body == sent.json_body == {"sent": True}
    # WHEN the code is wrong THEN 401 invalid_code; WHEN the new password is weak THEN 400 names the rule
    other = "000000" if code != "000000" else "111111"
    wrong = _post(client, "/api/staff/password/reset", {"username": "f.clerk", "code": other, "new_password": NEW_PASSWORD})
    assert wrong.status_code == 401 and wrong.json_body["error"]["code"] == "invalid_code"
    weak = _post(client, "/api/staff/password/reset", {"username": "f.clerk", "code": code, "new_password": "weakweakweak"})
    assert weak.status_code == 400 and weak.json_body["error"]["details"]["rule"] == "uppercase"
    # WHEN the code and the password are good THEN the new password signs in, the old one not
    done = _post(client, "/api/staff/password/reset", {"username": "f.clerk", "code": code, "new_password": NEW_PASSWORD})
    assert done.status_code == 200 and done.json_body == {"done": True}
    assert _post(client, "/api/staff/login", {"username": "f.clerk", "password": NEW_PASSWORD}).status_code == 200
    assert _post(client, "/api/staff/login", {"username": "f.clerk", "password": STAFF_PASSWORD}).status_code == 401
    # AND the code served once
    again = _post(client, "/api/staff/password/reset", {"username": "f.clerk", "code": code, "new_password": NEW_PASSWORD})
    assert again.status_code == 401


def test_a_clerk_turns_an_authenticator_on_and_off_on_the_account_page(client, cognito):
    # GIVEN a clerk signed in on this site (the cookies of a browser)
    staff_directory.ensure_user(username="a.clerk", email="a@dimos.gr", name="A", department_id="kep",
                                role="clerk", password=STAFF_PASSWORD)
    cookie = {"Cookie": _cookies(_post(client, "/api/staff/login", {"username": "a.clerk", "password": STAFF_PASSWORD}))}
    # WHEN they open the account page THEN no authenticator, and their role does not need one
    status = client.http.get("/api/staff/account/security", headers=cookie)
    assert status.json_body == {"totp_enabled": False, "mfa_required": False}
    # WHEN they start enrolling and type the app's code THEN it is on
    started = _post(client, "/api/staff/account/totp", headers=cookie)
    assert started.status_code == 200 and started.json_body["qr"].startswith("data:image/svg+xml")
    secret = started.json_body["secret"]
    assert _post(client, "/api/staff/account/totp/verify", {"code": code_at(secret, 0)}, cookie).status_code == 401
    verified = _post(client, "/api/staff/account/totp/verify", {"code": fresh_code(secret)}, cookie)
    assert verified.json_body == {"totp_enabled": True, "mfa_required": False}
    # AND the next sign-in asks for a code
    step = _post(client, "/api/staff/login", {"username": "a.clerk", "password": STAFF_PASSWORD}).json_body
    assert step["challenge"] == "SOFTWARE_TOKEN_MFA"
    # WHEN they turn it off THEN sign-in takes the password alone again
    off = client.http.delete("/api/staff/account/totp", headers={**cookie, "Origin": JSON["Origin"]})
    assert off.json_body == {"totp_enabled": False, "mfa_required": False}
    assert "staff" in _post(client, "/api/staff/login", {"username": "a.clerk", "password": STAFF_PASSWORD}).json_body


def test_an_administrator_cannot_turn_the_authenticator_off(client, make_staff):
    # GIVEN an administrator signed in on this site (enrolled, as admins must be)
    make_staff("admin", None, username="mfa.admin")
    from tests.conftest import sign_in

    tokens = sign_in("mfa.admin")
    cookie = {"Cookie": f"dimotis_staff={tokens['id_token']}; dimotis_staff_access={tokens['access_token']}",
              "Origin": JSON["Origin"]}
    # WHEN they try to turn it off; THEN 409 mfa_required, and it stays on
    resp = client.http.delete("/api/staff/account/totp", headers=cookie)
    assert resp.status_code == 409 and resp.json_body["error"]["code"] == "mfa_required"
    assert client.http.get("/api/staff/account/security", headers=cookie).json_body["totp_enabled"] is True


def test_the_account_page_needs_a_sign_in_on_this_site(client, make_staff):
    # GIVEN a bearer token alone (no access-token cookie of a browser sign-in)
    token = make_staff("clerk", "kep")
    # WHEN the account's security is asked for; THEN 401 reauthenticate
    resp = client.http.get("/api/staff/account/security", headers=bearer(token))
    assert resp.status_code == 401 and resp.json_body["error"]["code"] == "reauthenticate"


def test_a_member_changes_their_password(client, cognito):
    # GIVEN a clerk signed in on this site
    staff_directory.ensure_user(username="p.clerk", email="p@dimos.gr", name="P", department_id="kep",
                                role="clerk", password=STAFF_PASSWORD)
    cookie = {"Cookie": _cookies(_post(client, "/api/staff/login", {"username": "p.clerk", "password": STAFF_PASSWORD}))}
    change = "/api/staff/account/password"
    # WHEN the current password is wrong, or the new one weak; THEN 401, 400 naming the rule
    wrong = _post(client, change, {"current_password": "Wrong-Password-1!", "new_password": NEW_PASSWORD}, cookie)
    assert wrong.status_code == 401 and wrong.json_body["error"]["code"] == "invalid_credentials"
    weak = _post(client, change, {"current_password": STAFF_PASSWORD, "new_password": "short"}, cookie)
    assert weak.json_body["error"]["details"]["rule"] == "min_length"
    # WHEN both are right; THEN the new password signs in
    assert _post(client, change, {"current_password": STAFF_PASSWORD, "new_password": NEW_PASSWORD}, cookie).status_code == 200
    assert _post(client, "/api/staff/login", {"username": "p.clerk", "password": NEW_PASSWORD}).status_code == 200


def test_an_administrator_invites_a_staff_member_who_signs_in_for_the_first_time(client, make_staff):
    # GIVEN an administrator and the department kep
    Department("kep", name_el="ΚΕΠ", active=True).save()
    admin = {**bearer(make_staff("admin", None, username="inv.admin")), **JSON}
    invite = {"username": "new.kep", "email": "new.kep@dimos.gr", "name": "Νέα Υπάλληλος", "role": "clerk",
              "department_id": "kep"}
    # WHEN a clerk tries; THEN 403; WHEN the department is unknown; THEN 404
    clerk = {**bearer(make_staff("clerk", "kep")), **JSON}
    assert client.http.post("/api/admin/staff", headers=clerk, body=json.dumps(invite)).status_code == 403
    unknown = client.http.post("/api/admin/staff", headers=admin, body=json.dumps({**invite, "department_id": "zz"}))
    assert unknown.status_code == 404 and unknown.json_body["error"]["code"] == "department_not_found"
    # WHEN the administrator invites the clerk
    resp = client.http.post("/api/admin/staff", headers=admin, body=json.dumps(invite))
    # THEN the employee exists, the pool e-mailed a temporary password, the audit log says who did it
    assert resp.status_code == 201, resp.body
    assert resp.json_body == {"employee_number": "new.kep", "username": "new.kep", "role": "clerk",
                              "department_id": "kep", "invitation": "email"}
    assert Employee.get("new.kep").department_id == "kep"
    [mail] = local_cognito.mails("new.kep", "invitation")
    assert mail["to"] == "new.kep@dimos.gr"
    [entry] = [e for e in AuditEntry.scan() if e.action == "staff.invite"]
    assert entry.actor == "inv.admin"
    # AND inviting the same user name again is refused, nothing changed
    again = client.http.post("/api/admin/staff", headers=admin, body=json.dumps({**invite, "employee_number": "E9"}))
    assert again.status_code == 409 and again.json_body["error"]["code"] == "username_taken"
    # AND the clerk's first sign-in asks for their own password
    temporary = mail["body"].split("Temporary password: ", 1)[1].split()[0]
    first = _post(client, "/api/staff/login", {"username": "new.kep", "password": temporary})
    assert first.json_body["challenge"] == "NEW_PASSWORD_REQUIRED"
