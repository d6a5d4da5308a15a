"""A staff member's authenticator app (TOTP, Cognito's software token): enrolment, status, and
who must have one.

Enrolment is Cognito's ``AssociateSoftwareToken`` (a secret for this user), shown as a QR code of
the ``otpauth://`` URI (made with segno, as an SVG data URI) and as text to type, then
``VerifySoftwareToken`` with a code from the app, then ``SetUserMFAPreference`` so that every
later sign-in asks for a code (``SOFTWARE_TOKEN_MFA``). Both during sign-in (the ``MFA_SETUP``
step of ``staff_signin``) and on the account page of a signed-in member.

The pool's MFA is optional; ``required_for(roles)`` says whether a member of ``roles`` must have
an authenticator (``settings.staff_mfa_roles``, default admin and health officer): such a member
is made to enrol before any session is issued, and cannot turn it off.

Example::

    secret, _ = associate(access_token=token)
    enrolment(secret, "admin")        # {"secret": "JBSW Y3DP ...", "otpauth_uri": ..., "qr": "data:..."}
    turn_on(token, staff, "123456")   # the account page; sign-in uses verify + prefer_totp

Limitation: one authenticator per member (Cognito's); a lost phone is reset by an administrator
in the Cognito console (``AdminSetUserMFAPreference``), after which the member enrols again.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from chalicelib.errors import Conflict, Unauthorized
from chalicelib.services.platform.staff_pool import call
from chalicelib.settings import get_settings

ISSUER = "Dimotis"
DEVICE_NAME = "Dimotis"


def required_for(roles: tuple[str, ...] | list[str]) -> bool:
    """Whether a member holding ``roles`` must sign in with an authenticator."""
    wanted = get_settings().staff_mfa_roles
    return any(role in wanted for role in roles)


def issuer() -> str:
    """What the authenticator app shows the code under: "Dimotis <host of this site>"."""
    host = urllib.parse.urlsplit(get_settings().public_base_url).hostname or ""
    return f"{ISSUER} {host}".strip()


def otpauth_uri(secret: str, username: str) -> str:
    """The ``otpauth://totp/...`` URI authenticator apps read (RFC 6238 defaults: SHA-1, 6
    digits, 30 seconds)."""
    label = urllib.parse.quote(f"{issuer()}:{username}", safe="")
    query = urllib.parse.urlencode(
        {"secret": secret, "issuer": issuer(), "algorithm": "SHA1", "digits": 6, "period": 30},
        quote_via=urllib.parse.quote,
    )
    return f"otpauth://totp/{label}?{query}"


def enrolment(secret: str, username: str) -> dict[str, str]:
    """What a page shows to enrol: the secret to type (in groups of four), the URI and its QR code."""
    import segno

    uri = otpauth_uri(secret, username)
    qr = segno.make(uri, error="m").svg_data_uri(scale=4, dark="#0b0c0c", light="#ffffff")
    return {
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "otpauth_uri": uri,
        "qr": qr,
    }


def wrong_code(_exc: Exception | None = None) -> Unauthorized:
    """401 ``invalid_code``: the authenticator's code is not the current one."""
    return Unauthorized("The code is not the one the app shows now; try the next one.", code="invalid_code")


def step_expired(_exc: Exception | None = None) -> Unauthorized:
    """401 ``signin_expired``: the sign-in step (or the access token) is no longer valid."""
    return Unauthorized("The sign-in step has expired or does not match; start again.", code="signin_expired")


REFUSALS = {
    "CodeMismatchException": wrong_code,
    "EnableSoftwareTokenMFAException": wrong_code,
    "InvalidParameterException": wrong_code,
    "NotAuthorizedException": step_expired,
    "ResourceNotFoundException": step_expired,
    "ExpiredCodeException": step_expired,
}


def _who(access_token: str | None, session: str | None) -> dict[str, str]:
    return {"AccessToken": access_token} if access_token else {"Session": session or ""}


def associate(*, access_token: str | None = None, session: str | None = None) -> tuple[str, str | None]:
    """A new TOTP secret for the user of ``access_token`` (signed in) or of a sign-in ``session``;
    returns (secret, the sign-in session to use next, if any)."""
    result = call("associate_software_token", REFUSALS, **_who(access_token, session))
    return result["SecretCode"], result.get("Session")


def verify(code: str, *, access_token: str | None = None, session: str | None = None) -> str | None:
    """Check the first code of the newly associated secret (401 ``invalid_code`` if wrong); returns
    the sign-in session to use next, if any."""
    result = call("verify_software_token", REFUSALS, UserCode=code, FriendlyDeviceName=DEVICE_NAME,
                  **_who(access_token, session))
    if result.get("Status") != "SUCCESS":
        raise wrong_code()
    return result.get("Session")


def prefer_totp(access_token: str, enabled: bool = True) -> None:
    """Turn the authenticator on (every sign-in asks for a code) or off."""
    call("set_user_mfa_preference", REFUSALS, AccessToken=access_token,
         SoftwareTokenMfaSettings={"Enabled": enabled, "PreferredMfa": enabled})


def has_totp(access_token: str) -> bool:
    """Whether the user of ``access_token`` signs in with an authenticator."""
    user = call("get_user", REFUSALS, AccessToken=access_token)
    return "SOFTWARE_TOKEN_MFA" in (user.get("UserMFASettingList") or [])


def status(access_token: str, staff: Any) -> dict[str, bool]:
    return {"totp_enabled": has_totp(access_token), "mfa_required": required_for(staff.roles)}


def turn_on(access_token: str, staff: Any, code: str) -> dict[str, bool]:
    """The signed-in member's first code from the app turns their authenticator on (audited)."""
    from chalicelib.services.platform import audit

    verify(code, access_token=access_token)
    prefer_totp(access_token)
    audit.note(staff, "staff_account", staff.username, action="mfa.on")
    return status(access_token, staff)


def turn_off(access_token: str, staff: Any) -> dict[str, bool]:
    """Stop asking for a code (audited); 409 ``mfa_required`` for a member whose role needs one."""
    from chalicelib.services.platform import audit

    if required_for(staff.roles):
        raise Conflict("Your role needs an authenticator; it cannot be turned off.", code="mfa_required")
    prefer_totp(access_token, enabled=False)
    audit.note(staff, "staff_account", staff.username, action="mfa.off")
    return status(access_token, staff)
