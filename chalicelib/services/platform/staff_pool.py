"""How the staff user pool is set up: one description read by ``infra/`` (the Cognito pool of a
deployment) and by ``devstack/`` (the local stack's pool in moto), so that the two cannot drift.

- MFA is ``OPTIONAL`` with software tokens (TOTP) only; the app makes the roles of
  ``settings.staff_mfa_roles`` enrol before any session is issued (``staff_signin``).
- The password policy below; the app reads the pool's own policy (``staff_password.policy``), so a
  pool changed by hand is still what the sign-in pages check against.
- The messages Cognito e-mails: the invitation with the temporary password, and the code of a
  forgotten password. Greek first, English second, as everything the municipality sends.

``call(operation, refusals, **params)`` asks the pool, turning its errors into the API's (the
refusals a caller names, 429 for too many attempts, 502 for anything else): the one way
``staff_signin``, ``staff_password`` and ``staff_mfa`` talk to it.

Limitation: Cognito's own message templates are plain text with ``{username}`` and ``{####}``
placeholders; there is one template per message, so both languages go in each.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.errors import ApiError

MFA_CONFIGURATION = "OPTIONAL"
PASSWORD_POLICY = {
    "MinimumLength": 12,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": 3,
}
TOKEN_VALIDITY_HOURS = {"id": 1, "access": 1, "refresh": 12}
AUTH_SESSION_MINUTES = 10  # how long a sign-in challenge (new password, TOTP) may take

INVITATION_SUBJECT = "Δημότης: ο λογαριασμός σας / your staff account"
INVITATION_BODY = (
    "Δημιουργήθηκε λογαριασμός προσωπικού για εσάς στον Δημότη.\n"
    "Όνομα χρήστη: {username}\nΠροσωρινός κωδικός: {####}\n"
    "Συνδεθείτε στη σελίδα του προσωπικού (/admin/) μέσα σε 3 ημέρες και ορίστε δικό σας κωδικό.\n\n"
    "A Dimotis staff account has been created for you.\n"
    "Username: {username}\nTemporary password: {####}\n"
    "Sign in on the staff site (/admin/) within 3 days and choose your own password."
)
RESET_SUBJECT = "Δημότης: κωδικός επαναφοράς / password reset code"
RESET_BODY = (
    "Ο κωδικός επαναφοράς του κωδικού πρόσβασής σας είναι {####}. Ισχύει για 1 ώρα.\n"
    "Αν δεν το ζητήσατε εσείς, αγνοήστε αυτό το μήνυμα.\n\n"
    "Your password reset code is {####}. It is valid for 1 hour.\n"
    "If you did not ask for it, ignore this message."
)


Refusal = Callable[[Exception], "ApiError | None"]
TOO_MANY = ("LimitExceededException", "TooManyRequestsException", "TooManyFailedAttemptsException")
RETRY_AFTER_SECONDS = "60"


def client():  # noqa: ANN201 - a botocore client
    """The Cognito client (``cognito-idp``), shared per container."""
    from chalicelib.aws import client as aws_client

    return aws_client("cognito-idp")


def error_code(exc: Exception) -> str:
    """The Cognito error code of a botocore ``ClientError`` (``""`` for anything else)."""
    response = getattr(exc, "response", None) or {}
    return str((response.get("Error") or {}).get("Code", ""))


def call(operation: str, refusals: Mapping[str, Refusal] | None = None, **params: Any) -> dict[str, Any]:
    """The pool's answer to ``operation`` (``"initiate_auth"``, ...). A Cognito error named in
    ``refusals`` becomes the error its function makes (or, when it makes ``None``, an empty
    answer); too many attempts are 429 ``rate_limited`` with ``Retry-After``; anything else is 502
    ``cognito_unavailable``.

    Example::

        call("confirm_forgot_password", {"CodeMismatchException": lambda exc: Unauthorized(...)}, ...)
    """
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.errors import ApiError, TooManyRequests

    try:
        return getattr(client(), operation)(**params)
    except ClientError as exc:
        code = error_code(exc)
        if refusals and code in refusals:
            refused = refusals[code](exc)
            if refused is None:
                return {}
            raise refused from None
        if code in TOO_MANY:
            raise TooManyRequests("Too many attempts; wait a minute and try again.", code="rate_limited",
                                  headers={"Retry-After": RETRY_AFTER_SECONDS}) from None
        raise ApiError("The staff sign-in service did not answer.", code="cognito_unavailable", status=502) from exc
    except BotoCoreError as exc:
        raise ApiError("The staff sign-in service did not answer.", code="cognito_unavailable", status=502) from exc
