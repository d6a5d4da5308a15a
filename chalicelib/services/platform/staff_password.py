"""Staff passwords: the pool's policy, a forgotten password, a change of password.

``policy()`` reads the pool's password policy (``DescribeUserPool``) once per container and
``POLICY_CACHE_SECONDS``; ``check(password)`` names the first rule a password breaks (400
``password_policy`` with ``details.rule``: ``min_length``, ``lowercase``, ``uppercase``,
``number``, ``symbol``, ``edge_space``), so the pages say what to fix instead of "invalid".

A forgotten password is Cognito's: ``forgot(username)`` has the pool e-mail a code (the answer is
the same whether the user exists or not), ``reset(username, code, new_password)`` sets the new
password with it. ``change(access_token, staff, current, new)`` is the signed-in member's own change.

Example::

    check("short")            # ValidationFailed: rule "min_length"
    forgot("clerk.kep")       # {"sent": True}

Limitation: the rules are Cognito's as documented (Latin letters for upper and lower case, its
list of symbols); where the pool refuses a password for a reason not named here, the answer is
400 ``password_policy`` with rule ``policy``.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from chalicelib.errors import Unauthorized, ValidationFailed
from chalicelib.services.platform.staff_pool import call
from chalicelib.settings import get_settings

POLICY_CACHE_SECONDS = 600
SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")
COGNITO_DEFAULT_POLICY = {  # what Cognito applies when a pool names no policy
    "MinimumLength": 8,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
}

_policy: tuple[dict[str, Any], float] | None = None
_lock = threading.Lock()


def policy() -> dict[str, Any]:
    """The pool's password policy (``MinimumLength``, ``Require*``), cached per container."""
    global _policy
    with _lock:
        if _policy is not None and time.monotonic() - _policy[1] < POLICY_CACHE_SECONDS:
            return _policy[0]
    pool = call("describe_user_pool", UserPoolId=get_settings().cognito_user_pool_id)["UserPool"]
    found = ((pool.get("Policies") or {}).get("PasswordPolicy")) or COGNITO_DEFAULT_POLICY
    with _lock:
        _policy = (found, time.monotonic())
    return found


def forget_policy() -> None:
    """Drop the cached policy (tests)."""
    global _policy
    with _lock:
        _policy = None


def broken_rule(password: str, rules: dict[str, Any]) -> tuple[str, str] | None:
    """(rule, message) of the first rule of ``rules`` that ``password`` breaks, or ``None``."""
    minimum = int(rules.get("MinimumLength", 8))
    checks = [
        ("min_length", len(password) >= minimum, f"The password must have at least {minimum} characters."),
        ("edge_space", password == password.strip(), "The password must not begin or end with a space."),
        ("lowercase", not rules.get("RequireLowercase") or any("a" <= c <= "z" for c in password),
         "The password must contain a lower-case Latin letter (a-z)."),
        ("uppercase", not rules.get("RequireUppercase") or any("A" <= c <= "Z" for c in password),
         "The password must contain an upper-case Latin letter (A-Z)."),
        ("number", not rules.get("RequireNumbers") or any("0" <= c <= "9" for c in password),
         "The password must contain a digit (0-9)."),
        ("symbol", not rules.get("RequireSymbols") or any(c in SYMBOLS for c in password),
         "The password must contain a symbol, e.g. ! @ # $ % & * - _ ?"),
    ]
    return next(((rule, message) for rule, ok, message in checks if not ok), None)


def policy_error(password: str, field: str = "new_password") -> ValidationFailed:
    """The 400 for a password the pool refused, naming the rule it breaks."""
    rules = policy()
    rule, message = broken_rule(password, rules) or ("policy", "The password does not meet the password rules.")
    return ValidationFailed(
        message,
        code="password_policy",
        details={"field": field, "rule": rule, "min_length": int(rules.get("MinimumLength", 8))},
    )


def check(password: str, field: str = "new_password") -> None:
    """Refuse (400 ``password_policy``) a password that breaks the pool's policy."""
    if broken_rule(password, policy()):
        raise policy_error(password, field)


# unknown user, no verified address, a user who must first set a password: all answered alike
_QUIET = ("UserNotFoundException", "InvalidParameterException", "NotAuthorizedException",
          "CodeDeliveryFailureException", "ResourceNotFoundException")


def _wrong_code(_exc: Exception) -> Unauthorized:
    return Unauthorized("The code is wrong or has expired; ask for a new one.", code="invalid_code")


def forgot(username: str) -> dict[str, Any]:
    """Have the pool e-mail a reset code to ``username``'s address. The answer is ``{"sent":
    True}`` whatever happened: it never says whether the user exists, where the code went, or
    whether their address is verified (429 after too many requests)."""
    quiet = {code: (lambda _exc: None) for code in _QUIET}
    call("forgot_password", quiet, ClientId=get_settings().cognito_client_id, Username=username)
    return {"sent": True}


def reset(username: str, code: str, new_password: str) -> None:
    """Set ``new_password`` with the e-mailed ``code``: 401 ``invalid_code`` (wrong, expired, or no
    such user), 400 ``password_policy`` naming the rule, 429 after too many attempts."""
    refusals = {name: _wrong_code for name in ("CodeMismatchException", "ExpiredCodeException",
                                               "UserNotFoundException", "NotAuthorizedException",
                                               "ResourceNotFoundException")}
    refusals["InvalidPasswordException"] = lambda _exc: policy_error(new_password)
    refusals["InvalidParameterException"] = (
        lambda exc: policy_error(new_password) if "assword" in str(exc) else _wrong_code(exc)
    )
    call("confirm_forgot_password", refusals, ClientId=get_settings().cognito_client_id, Username=username,
         ConfirmationCode=code, Password=new_password)


def change(access_token: str, staff: Any, current_password: str, new_password: str) -> None:
    """The signed-in member changes their password (audited): 401 ``invalid_credentials`` for a
    wrong current password, 400 ``password_policy`` naming the rule."""
    from chalicelib.services.platform import audit

    check(new_password)
    refusals = {
        "InvalidPasswordException": lambda _exc: policy_error(new_password),
        "NotAuthorizedException": lambda _exc: Unauthorized("The current password is wrong.",
                                                            code="invalid_credentials"),
    }
    call("change_password", refusals, AccessToken=access_token, PreviousPassword=current_password,
         ProposedPassword=new_password)
    audit.note(staff, "staff_account", staff.username, action="password.changed")
