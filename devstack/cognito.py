"""The local stack's staff user pool: made as ``infra/`` makes the real one (both from
``chalicelib/services/platform/staff_pool.py``), and moto taught what Cognito does that the
sign-in pages rely on. The unit tests' pool is made and patched the same way.

``create_staff_pool(idp, name)`` makes the pool (password policy, optional TOTP MFA, e-mail
recovery, the message templates), its web client and the role groups.

``apply()`` patches moto's Cognito, once per process:

- ``ForgotPassword`` makes a six-digit code, as Cognito does (moto's is
  ``moto-confirmation-code:NNNNNN``), valid for an hour, and e-mails it; a user who has not yet
  set their first password cannot reset it (Cognito's ``NotAuthorizedException``);
- ``ConfirmForgotPassword`` accepts only that code (moto took any code not starting with its
  prefix) and checks the new password against the pool's policy (moto did not);
- ``AdminCreateUser`` without a temporary password makes one, as Cognito does (moto left the user
  without a password: nobody could sign in), and unless ``MessageAction=SUPPRESS`` e-mails the
  invitation with it;
- moto checks TOTP codes (``MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP``; off, it takes any code).

What the pool "e-mails" is kept in ``MAILBOX`` (newest last) and shown at ``/dev/cognito``: the
invitation with its temporary password, the reset code.

Limitation: moto gives every user the same TOTP secret (``AssociateSoftwareToken``); the pages
and the tests use the secret it returns, as they would a real one. Codes are checked against the
current 30-second step only.
"""

from __future__ import annotations

import hmac
import os
import secrets
import string
import threading
import time
from typing import Any

from chalicelib.services.platform import staff_pool
from chalicelib.services.platform.staff_auth import ROLES

CODE_SECONDS = 3600
MAILBOX: list[dict[str, Any]] = []
_lock = threading.Lock()
_applied = False


# -- the pool ----------------------------------------------------------------------------------
def create_staff_pool(idp: Any, name: str, client_name: str = "dimotis-web") -> tuple[str, str]:
    """Create the staff pool, its client and the role groups as infra does; (pool id, client id)."""
    policy = {k: v for k, v in staff_pool.PASSWORD_POLICY.items()}
    pool_id = idp.create_user_pool(
        PoolName=name,
        Policies={"PasswordPolicy": policy},
        MfaConfiguration=staff_pool.MFA_CONFIGURATION,
        Schema=[{"Name": "department", "AttributeDataType": "String", "Mutable": True}],
        AutoVerifiedAttributes=["email"],
        UsernameConfiguration={"CaseSensitive": False},
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
        AdminCreateUserConfig={
            "AllowAdminCreateUserOnly": True,
            "InviteMessageTemplate": {
                "EmailSubject": staff_pool.INVITATION_SUBJECT,
                "EmailMessage": staff_pool.INVITATION_BODY,
            },
        },
        VerificationMessageTemplate={
            "DefaultEmailOption": "CONFIRM_WITH_CODE",
            "EmailSubject": staff_pool.RESET_SUBJECT,
            "EmailMessage": staff_pool.RESET_BODY,
        },
    )["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration=staff_pool.MFA_CONFIGURATION,
    )
    hours = staff_pool.TOKEN_VALIDITY_HOURS
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=client_name,
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True,
        AuthSessionValidity=staff_pool.AUTH_SESSION_MINUTES,
        IdTokenValidity=hours["id"],
        AccessTokenValidity=hours["access"],
        RefreshTokenValidity=hours["refresh"],
        TokenValidityUnits={"IdToken": "hours", "AccessToken": "hours", "RefreshToken": "hours"},
        ReadAttributes=["email", "name", "custom:department"],
    )["UserPoolClient"]["ClientId"]
    for group in ROLES:
        idp.create_group(UserPoolId=pool_id, GroupName=group)
    return pool_id, client_id


# -- what the pool e-mails ---------------------------------------------------------------------
def _mail(user: Any, kind: str, subject: str, body: str) -> None:
    to = next((a["Value"] for a in user.attributes if a["Name"] == "email"), "")
    with _lock:
        MAILBOX.append({"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "kind": kind,
                        "username": user.username, "to": to, "subject": subject, "body": body})


def mails(username: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """What the pool e-mailed, newest first; only ``username``'s or only of ``kind`` when given."""
    with _lock:
        found = list(reversed(MAILBOX))
    return [m for m in found if (username is None or m["username"] == username) and (kind is None or m["kind"] == kind)]


def forget_mail() -> None:
    """Empty the mailbox (tests: each starts with none)."""
    with _lock:
        MAILBOX.clear()


def temporary_password(length: int = 16) -> str:
    """A password Cognito would make: every character class, letters and digits otherwise."""
    pool = string.ascii_letters + string.digits
    return "Tp" + "".join(secrets.choice(pool) for _ in range(length - 5)) + "7a!"


# -- the patches -------------------------------------------------------------------------------
def apply() -> None:
    global _applied
    if _applied:
        return
    _applied = True
    os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] = "true"
    from moto.cognitoidp import models
    from moto.cognitoidp.exceptions import CodeMismatchException, ExpiredCodeException, NotAuthorizedError

    backend = models.CognitoIdpBackend
    original_forgot = backend.forgot_password
    original_create = backend.admin_create_user

    def pool_and_user(self: Any, client_id: str, username: str) -> tuple[Any, Any]:
        for pool in self.user_pools.values():
            if client_id in pool.clients:
                return pool, pool._get_user(username)
        return None, None

    def forgot_password(self: Any, client_id: str, username: str) -> tuple[str | None, dict[str, Any]]:
        _, user = pool_and_user(self, client_id, username)
        if user is not None and user.status == models.UserStatus.FORCE_CHANGE_PASSWORD:
            raise NotAuthorizedError("User password cannot be reset in the current state.")
        _, details = original_forgot(self, client_id, username)
        if user is None:
            return None, details
        code = f"{secrets.randbelow(10**6):06d}"
        user.confirmation_code = code
        user.dimotis_code_expires = time.time() + CODE_SECONDS
        _mail(user, "password_reset", staff_pool.RESET_SUBJECT, staff_pool.RESET_BODY.replace("{####}", code))
        return code, details

    def confirm_forgot_password(self: Any, client_id: str, username: str, password: str, code: str) -> None:
        pool, user = pool_and_user(self, client_id, username)
        expected = getattr(user, "confirmation_code", None) if user is not None else None
        if not expected or not hmac.compare_digest(str(expected), str(code)):
            raise CodeMismatchException("Invalid verification code provided, please try again.")
        if getattr(user, "dimotis_code_expires", 0) < time.time():
            raise ExpiredCodeException("Invalid code provided, please request a code again.")
        self._validate_password(pool.id, password)
        user.password = password
        user.confirmation_code = None
        if user.status == models.UserStatus.RESET_REQUIRED:
            user.status = models.UserStatus.CONFIRMED

    def admin_create_user(self: Any, user_pool_id: str, username: str, message_action: str,
                          temporary: str, attributes: list[dict[str, str]]) -> Any:
        password = temporary or temporary_password()
        user = original_create(self, user_pool_id, username, message_action, password, attributes)
        if message_action != "SUPPRESS":
            body = staff_pool.INVITATION_BODY.replace("{username}", user.username).replace("{####}", password)
            _mail(user, "invitation", staff_pool.INVITATION_SUBJECT, body)
        return user

    backend.forgot_password = forgot_password
    backend.confirm_forgot_password = confirm_forgot_password
    backend.admin_create_user = admin_create_user
