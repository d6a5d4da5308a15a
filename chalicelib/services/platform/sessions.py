"""Citizen session tokens: short-lived HS256 JWTs issued by the API after Taxisnet sign-in.

The key comes from Secrets Manager (``DIMOTIS_SESSION_KEY_SECRET``, JSON ``{"key": "..."}``) or,
in the local stage and in tests, from ``DIMOTIS_SESSION_KEY``. A signed-out token is kept in the
revoked-sessions table until it would have expired, and refused.

PyJWT (and the ``cryptography`` it loads) is imported by the functions that sign or read a token,
not with the module: a route that needs no session does not pay for it on a cold start.

Limitation: the algorithm is pinned to HS256; rotating the key signs everyone out.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import UTC

from chalicelib.errors import Unauthorized
from chalicelib.settings import get_settings

ISSUER = "dimotis"
AUDIENCE = "dimotis-citizen"
ALGORITHM = "HS256"
COOKIE = "dimotis_session"


@dataclass(frozen=True)
class CitizenSession:
    taxid: str
    jti: str
    expires_at: int
    name: str = ""


def signing_key() -> str:
    """The deployment's secret key: signs citizen sessions, and keys the HMAC of stored subjects
    (``limits.subject_key``)."""
    settings = get_settings()
    if settings.session_key_secret:
        from chalicelib.services.platform.secrets import secret_json

        return secret_json(settings.session_key_secret)["key"]
    if settings.session_key:
        return settings.session_key
    raise RuntimeError("No session key: set DIMOTIS_SESSION_KEY or DIMOTIS_SESSION_KEY_SECRET")


def issue(taxid: str, name: str = "", ttl_seconds: int | None = None) -> tuple[str, int]:
    """A new session token for ``taxid``; returns (token, expiry as epoch seconds)."""
    import jwt

    now = int(time.time())
    exp = now + (ttl_seconds or get_settings().session_ttl_seconds)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": taxid,
        "name": name,
        "iat": now,
        "nbf": now - 5,
        "exp": exp,
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode(claims, signing_key(), algorithm=ALGORITHM), exp


def verify(token: str) -> CitizenSession:
    """The session in ``token``, or ``Unauthorized`` (bad signature, expired, revoked, ...)."""
    import jwt

    try:
        claims = jwt.decode(
            token,
            signing_key(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "jti", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The session has expired.", code="session_expired") from None
    except jwt.PyJWTError:
        raise Unauthorized("The session token is not valid.", code="invalid_token") from None
    from chalicelib.models.sessions import RevokedSession

    try:
        RevokedSession.get(claims["jti"])
    except RevokedSession.DoesNotExist:
        return CitizenSession(
            taxid=claims["sub"], jti=claims["jti"], expires_at=claims["exp"], name=claims.get("name", "")
        )
    raise Unauthorized("The session has been signed out.", code="session_revoked")


def revoke(session: CitizenSession) -> None:
    from datetime import datetime

    from chalicelib.models.sessions import RevokedSession

    RevokedSession(
        session.jti,
        subject=session.taxid,
        expires_at=datetime.fromtimestamp(session.expires_at, tz=UTC),
    ).save()
