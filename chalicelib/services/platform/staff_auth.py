"""Verification of the staff user pool's tokens: who a staff member is.

Tokens are verified here with PyJWT against the pool's JWKS, the same code in every stage:
algorithm pinned to RS256, signature, ``exp``, ``iss`` (the pool), ``aud`` (our app client) and
``token_use == "id"``; then the user's revocation (``staff_revocation``: a token issued before the
user's last sign-out, disabling or role change is refused). Roles are the user's Cognito groups;
the department is the custom attribute ``custom:department``. ``verify_access`` checks an access
token the same way (the account page's Cognito calls need one). Signing in is
``staff_signin``'s. PyJWT (and ``cryptography``) is imported where a token is read, not with
the module: a route that needs no token does not load it on a cold start.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import Forbidden, Unauthorized
from chalicelib.settings import get_settings

ROLES = ("admin", "manager", "clerk", "health_officer")
ALGORITHM = "RS256"
COOKIE_ID = "dimotis_staff"
COOKIE_ACCESS = "dimotis_staff_access"
COOKIE_REFRESH = "dimotis_staff_refresh"
JWKS_TTL_SECONDS = 3600
JWKS_MIN_REFETCH_SECONDS = 60  # an unknown kid refetches at most this often (forged kids cost nothing)


@dataclass(frozen=True)
class StaffMember:
    username: str
    sub: str
    roles: tuple[str, ...]
    department_id: str | None
    email: str = ""
    name: str = ""
    expires_at: int = 0
    claims: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def has_any(self, roles: tuple[str, ...] | list[str]) -> bool:
        return self.is_admin or any(r in self.roles for r in roles)

    def can_act_in(self, department_id: str | None) -> bool:
        from chalicelib.access import can_act_in

        return can_act_in(self, department_id)

    def public(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "name": self.name,
            "email": self.email,
            "roles": list(self.roles),
            "department_id": self.department_id,
            "expires_at": self.expires_at,
        }


class Jwks:
    """The pool's signing keys, fetched once and kept for an hour; an unknown kid refetches them,
    at most once a minute. A ``document`` given without a ``url`` is fixed (tests)."""

    def __init__(self, url: str | None = None, document: dict[str, Any] | None = None):
        self._url = url
        self._document = document
        self._fixed = document is not None and url is None
        self._fetched_at = time.time() if document else 0.0
        self._lock = threading.Lock()

    def _load(self, force: bool = False) -> dict[str, Any]:
        with self._lock:
            age = time.time() - self._fetched_at
            due = age > JWKS_TTL_SECONDS or (force and age > JWKS_MIN_REFETCH_SECONDS)
            if self._document is None or (due and not self._fixed):
                url = self._url or get_settings().cognito_jwks_url
                if not url:
                    raise RuntimeError("No Cognito JWKS URL: set COGNITO_USER_POOL_ID")
                import urllib.request

                with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310
                    self._document = json.loads(resp.read())
                self._fetched_at = time.time()
            return self._document

    def key_for(self, kid: str) -> Any:
        import jwt

        for attempt in (False, True):
            for jwk in self._load(force=attempt).get("keys", []):
                if jwk.get("kid") == kid:
                    return jwt.PyJWK(jwk, algorithm=ALGORITHM).key
            if self._fixed:
                break
        raise Unauthorized("The staff token was signed by an unknown key.", code="invalid_token")


_jwks: Jwks | None = None


def jwks() -> Jwks:
    global _jwks
    if _jwks is None:
        _jwks = Jwks()
    return _jwks


def set_jwks(value: Jwks | None) -> None:
    """Swap the key source (tests; ``None`` goes back to the settings' URL)."""
    global _jwks
    _jwks = value


def forget_jwks() -> None:
    """Drop the cached signing keys; the next token fetches them again."""
    set_jwks(None)


def _claims(token: str, token_use: str) -> dict[str, Any]:
    """The claims of a pool token of kind ``token_use`` ("id" or "access"), or ``Unauthorized``."""
    import jwt

    settings = get_settings()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise Unauthorized("The staff token is not valid.", code="invalid_token") from None
    if header.get("alg") != ALGORITHM or not header.get("kid"):
        raise Unauthorized("The staff token is not valid.", code="invalid_token")
    key = jwks().key_for(header["kid"])
    is_id = token_use == "id"
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=settings.cognito_client_id if is_id else None,
            issuer=settings.cognito_issuer,
            options={
                "require": ["exp", "iat", "iss", "sub", "token_use"] + (["aud"] if is_id else ["client_id"]),
                "verify_aud": is_id,
            },
            leeway=5,
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The staff session has expired.", code="session_expired") from None
    except jwt.PyJWTError:
        raise Unauthorized("The staff token is not valid.", code="invalid_token") from None
    if claims.get("token_use") != token_use:
        raise Unauthorized(f"The staff token is not an {token_use} token.", code="invalid_token")
    if not is_id and claims.get("client_id") != settings.cognito_client_id:
        raise Unauthorized("The staff token is not valid.", code="invalid_token")
    return claims


def _check_not_revoked(username: str, claims: dict[str, Any], staff: StaffMember | None = None) -> None:
    """401 ``session_revoked`` for a token issued before a sign-out or disabling, or before a
    change of role or department when it names the old ones (``staff``: what an ID token says)."""
    from chalicelib.services.platform import staff_revocation

    roles, department = (staff.roles, staff.department_id) if staff else (None, None)
    if staff_revocation.is_revoked(username, int(claims["iat"]), roles, department):
        raise Unauthorized("The staff session has been signed out; sign in again.", code="session_revoked")


def verify(token: str) -> StaffMember:
    """The staff member an ID token speaks for, or ``Unauthorized`` (401: not valid, expired,
    revoked) or ``Forbidden`` (403 ``no_role``)."""
    claims = _claims(token, "id")
    staff = StaffMember(
        username=claims.get("cognito:username", claims["sub"]),
        sub=claims["sub"],
        roles=tuple(r for r in claims.get("cognito:groups", []) if r in ROLES),
        department_id=claims.get("custom:department") or None,
        email=claims.get("email", ""),
        name=claims.get("name", ""),
        expires_at=int(claims["exp"]),
        claims=claims,
    )
    _check_not_revoked(staff.username, claims, staff)
    if not staff.roles:
        raise Forbidden("This account has no staff role.", code="no_role")
    return staff


def verify_access(token: str, staff: StaffMember) -> str:
    """``token`` if it is a valid, unrevoked access token of ``staff`` (the same user); else 401
    ``reauthenticate``: the caller signs in again to get one."""
    try:
        claims = _claims(token, "access")
    except Unauthorized:
        raise Unauthorized("Sign in again to change your security settings.", code="reauthenticate") from None
    if claims.get("sub") != staff.sub:
        raise Unauthorized("Sign in again to change your security settings.", code="reauthenticate")
    _check_not_revoked(staff.username, claims)
    return token
