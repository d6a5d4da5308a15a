"""Staff sign-in against the Cognito user pool, answering every step the pool (or the app) asks
for: the same code in every stage (moto's Cognito locally and in the tests).

``login(username, password)`` returns a ``Step``: either the tokens (a session may be issued), or
a challenge the sign-in page must answer with ``answer(...)``:

- ``NEW_PASSWORD_REQUIRED``: first sign-in with a temporary password (or after an administrator's
  reset); the new password is checked against the pool's policy first (400 naming the rule);
- ``SOFTWARE_TOKEN_MFA``: a code from the member's authenticator app;
- ``MFA_SETUP``: enrol an authenticator (the step carries the secret, its ``otpauth://`` URI and a
  QR code), then a first code. Asked by Cognito when a pool requires MFA, and by the app itself
  when the member's role needs MFA (``staff_mfa.required_for``) and they have none: no session is
  issued before they enrol.

The ``session`` a challenge carries is sealed by the app (AES-GCM with a key derived from the
deployment key): it holds the user name, the step, Cognito's own session, and for the app's
``MFA_SETUP`` the tokens held back until the enrolment is done. The browser never sees those
tokens, and a session is good for ``staff_pool.AUTH_SESSION_MINUTES``.

Example::

    step = login("admin", "Temp-Password-1!")
    step.challenge["challenge"]            # "NEW_PASSWORD_REQUIRED"
    step = answer("admin", step.challenge["session"], "NEW_PASSWORD_REQUIRED", new_password="...")
    step.challenge["challenge"]            # "MFA_SETUP" (admins need an authenticator)
    step = answer("admin", step.challenge["session"], "MFA_SETUP", code="123456")
    step.tokens["id_token"]

Limitation: SMS and e-mail MFA, custom challenges and device tracking are not offered (the pool
offers TOTP only); a pool that asks for them gets 403 ``challenge_unsupported``.
"""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import Forbidden, Unauthorized
from chalicelib.services.platform import staff_mfa, staff_password
from chalicelib.services.platform.staff_auth import StaffMember
from chalicelib.services.platform.staff_pool import AUTH_SESSION_MINUTES, call
from chalicelib.settings import get_settings

CHALLENGES = ("NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA", "MFA_SETUP")
_AAD = b"dimotis staff sign-in"
_NONCE = 12


@dataclass(frozen=True)
class Step:
    """What a sign-in step gives: ``tokens`` and the ``staff`` member they speak for, or a
    ``challenge`` to answer (``{"challenge", "session", "username", ...}``)."""

    tokens: dict[str, Any] | None = None
    staff: StaffMember | None = None
    challenge: dict[str, Any] | None = None


# -- the sealed session ------------------------------------------------------------------------
def _key() -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    from chalicelib.services.platform.sessions import signing_key

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_AAD).derive(signing_key().encode())


def _seal(data: dict[str, Any]) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(_NONCE)
    plain = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(nonce + AESGCM(_key()).encrypt(nonce, plain, _AAD)).decode().rstrip("=")


def _unseal(value: str) -> dict[str, Any]:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        data = json.loads(AESGCM(_key()).decrypt(raw[:_NONCE], raw[_NONCE:], _AAD))
    except (ValueError, InvalidTag, TypeError):
        raise staff_mfa.step_expired() from None
    if not isinstance(data, dict) or int(data.get("e", 0)) < time.time():
        raise staff_mfa.step_expired()
    return data


def _challenge(
    name: str,
    username: str,
    *,
    cognito_session: str | None = None,
    tokens: dict[str, Any] | None = None,
    secret: str | None = None,
) -> Step:
    sealed = _seal({"u": username, "c": name, "s": cognito_session, "t": tokens,
                    "e": int(time.time()) + AUTH_SESSION_MINUTES * 60})
    challenge: dict[str, Any] = {"challenge": name, "session": sealed, "username": username}
    if secret:
        challenge.update(staff_mfa.enrolment(secret, username))
    return Step(challenge=challenge)


# -- Cognito -----------------------------------------------------------------------------------
def _tokens(auth: dict[str, Any]) -> dict[str, Any]:
    return {
        "id_token": auth["IdToken"],
        "access_token": auth.get("AccessToken"),
        "refresh_token": auth.get("RefreshToken"),
        "expires_in": int(auth.get("ExpiresIn", 3600)),
    }


def _respond(name: str, session: str | None, responses: dict[str, str], password: str = "") -> dict[str, Any]:
    refusals = dict.fromkeys(("NotAuthorizedException", "ExpiredCodeException", "ResourceNotFoundException",
                              "UserNotFoundException", "InvalidParameterException"), staff_mfa.step_expired)
    refusals["InvalidPasswordException"] = lambda _exc: staff_password.policy_error(password)
    refusals["CodeMismatchException"] = staff_mfa.wrong_code
    return call("respond_to_auth_challenge", refusals, ClientId=get_settings().cognito_client_id,
                ChallengeName=name, Session=session, ChallengeResponses=responses)


def _next(username: str, result: dict[str, Any], *, mfa_done: bool = False) -> Step:
    """The step after a Cognito answer: tokens (checked against the MFA rule) or a challenge."""
    auth = result.get("AuthenticationResult")
    if auth:
        return _issue(_tokens(auth), mfa_done=mfa_done)
    name = result.get("ChallengeName", "")
    params = result.get("ChallengeParameters") or {}
    user = params.get("USER_ID_FOR_SRP") or params.get("USERNAME") or username
    session = result.get("Session")
    if name in ("NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA"):
        return _challenge(name, user, cognito_session=session)
    if name == "MFA_SETUP":
        secret, session = staff_mfa.associate(session=session)
        return _challenge(name, user, cognito_session=session, secret=secret)
    if name == "SELECT_MFA_TYPE":  # only TOTP is offered: choose it
        answered = _respond(name, session, {"USERNAME": user, "ANSWER": "SOFTWARE_TOKEN_MFA"})
        return _next(user, answered, mfa_done=mfa_done)
    raise Forbidden(f"Sign-in asks for a step this site does not offer ({name}).", code="challenge_unsupported")


def _renew(refresh_token: str) -> dict[str, Any]:
    """New tokens from a refresh token (401 ``invalid_token`` when it is revoked or unknown)."""

    def cannot(_exc: Exception | None = None) -> Unauthorized:
        return Unauthorized("The staff session cannot be renewed.", code="invalid_token")

    refusals = dict.fromkeys(("NotAuthorizedException", "UserNotFoundException", "InvalidParameterException"), cannot)
    result = call("initiate_auth", refusals, ClientId=get_settings().cognito_client_id,
                  AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh_token})
    auth = result.get("AuthenticationResult")
    if not auth:
        raise cannot()
    tokens = _tokens(auth)
    tokens["refresh_token"] = tokens.get("refresh_token") or refresh_token
    return tokens


def _verified(tokens: dict[str, Any]) -> tuple[dict[str, Any], StaffMember]:
    """The tokens of a sign-in just made and the member they speak for. A token issued in the very
    second of the member's sign-out is refused (``staff_revocation``: ``iat`` is whole seconds),
    so a member who signs out and straight back in gets tokens renewed once that second is over
    (a wait under a second)."""
    from chalicelib.services.platform import staff_auth

    try:
        return tokens, staff_auth.verify(tokens["id_token"])
    except Unauthorized as exc:
        if exc.code != "session_revoked" or not tokens.get("refresh_token"):
            raise
    time.sleep(1.02 - time.time() % 1)
    tokens = _renew(tokens["refresh_token"])
    return tokens, staff_auth.verify(tokens["id_token"])


def _issue(tokens: dict[str, Any], *, mfa_done: bool) -> Step:
    """Tokens, unless the member's role needs an authenticator they have not enrolled yet: then
    ``MFA_SETUP``, with the tokens held back in the sealed session."""
    tokens, staff = _verified(tokens)
    access = tokens.get("access_token") or ""
    if not mfa_done and staff_mfa.required_for(staff.roles) and not staff_mfa.has_totp(access):
        secret, _ = staff_mfa.associate(access_token=access)
        return _challenge("MFA_SETUP", staff.username, tokens=tokens, secret=secret)
    return Step(tokens=tokens, staff=staff)


# -- the steps ---------------------------------------------------------------------------------
def _credentials_refused(_exc: Exception) -> Unauthorized:
    return Unauthorized("Wrong user name or password.", code="invalid_credentials")


LOGIN_REFUSALS = {
    "NotAuthorizedException": _credentials_refused,
    "UserNotFoundException": _credentials_refused,
    "InvalidParameterException": _credentials_refused,
    "PasswordResetRequiredException": lambda _exc: Forbidden(
        'This account must reset its password: use "Forgot your password?".', code="password_reset_required"),
    "UserNotConfirmedException": lambda _exc: Forbidden("This account is not confirmed yet.", code="not_confirmed"),
}


def login(username: str, password: str) -> Step:
    """Password sign-in. Wrong credentials (or a disabled account) are 401
    ``invalid_credentials``, never a 500."""
    result = call("initiate_auth", LOGIN_REFUSALS, ClientId=get_settings().cognito_client_id,
                  AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": password})
    return _next(username, result)


def answer(
    username: str, session: str, challenge: str, *, new_password: str | None = None, code: str | None = None
) -> Step:
    """Answer the ``challenge`` of a sealed ``session`` (401 ``signin_expired`` when it is not
    valid, has expired, or names another user or step)."""
    data = _unseal(session)
    user = str(data.get("u", ""))
    if data.get("c") != challenge or user.casefold() != username.strip().casefold():
        raise staff_mfa.step_expired()
    if challenge == "NEW_PASSWORD_REQUIRED":
        staff_password.check(new_password or "")
        result = _respond(challenge, data.get("s"), {"USERNAME": user, "NEW_PASSWORD": new_password or ""},
                          password=new_password or "")
        return _next(user, result)
    if challenge == "SOFTWARE_TOKEN_MFA":
        result = _respond(challenge, data.get("s"), {"USERNAME": user, "SOFTWARE_TOKEN_MFA_CODE": code or ""})
        return _next(user, result, mfa_done=True)
    if challenge == "MFA_SETUP":
        return _enrol(user, data, code or "")
    raise staff_mfa.step_expired()


def _enrol(user: str, data: dict[str, Any], code: str) -> Step:
    from chalicelib.services.platform import staff_auth

    held: dict[str, Any] | None = data.get("t")
    if held:  # the app's own MFA_SETUP: the tokens were held back until now
        staff_mfa.verify(code, access_token=held["access_token"])
        staff_mfa.prefer_totp(held["access_token"])
        return Step(tokens=held, staff=staff_auth.verify(held["id_token"]))
    session = staff_mfa.verify(code, session=data.get("s"))
    step = _next(user, _respond("MFA_SETUP", session, {"USERNAME": user}), mfa_done=True)
    if step.tokens and step.tokens.get("access_token"):
        staff_mfa.prefer_totp(step.tokens["access_token"])
    return step


def refresh(refresh_token: str) -> Step:
    """New tokens from the refresh token (401 ``invalid_token`` when it is revoked or unknown; 401
    ``mfa_setup_required`` when the member's role now needs an authenticator they lack: they sign
    in again and enrol)."""
    from chalicelib.services.platform import staff_auth

    tokens = _renew(refresh_token)
    staff = staff_auth.verify(tokens["id_token"])
    if staff_mfa.required_for(staff.roles) and not staff_mfa.has_totp(tokens.get("access_token") or ""):
        raise Unauthorized("Your role needs an authenticator: sign in again to set it up.",
                           code="mfa_setup_required")
    return Step(tokens=tokens, staff=staff)


def logout(access_token: str | None, staff: StaffMember | None) -> None:
    """Sign the member out everywhere: Cognito's global sign-out (refresh and access tokens) and
    the revocation of every ID token issued so far (``staff_revocation``). A stale token is not an
    error."""
    from chalicelib.services.platform import staff_revocation

    stale = dict.fromkeys(("NotAuthorizedException", "UserNotFoundException", "InvalidParameterException"),
                          lambda _exc: None)
    username = staff.username if staff else None
    if access_token and username is None:
        username = call("get_user", stale, AccessToken=access_token).get("Username")
    if username:  # first, so our tokens stop working even when the pool does not answer
        staff_revocation.revoke(username, "sign_out")
    if access_token:
        call("global_sign_out", stale, AccessToken=access_token)
