"""Staff tokens that must stop working before they expire: after sign-out, after the account is
disabled, after a change of its role or department.

A Cognito ID token cannot be recalled: it is valid until its ``exp`` (an hour). So each such event
writes one item per username (``StaffRevocation``: the time, to the millisecond, before which that
user's tokens are refused), and ``staff_auth.verify`` asks ``revoked_since(username)``. The answer
is kept per container for ``CACHE_SECONDS``, so a token stops working everywhere within that time
(at once in the container that wrote it) for one GetItem per staff member and container at most
every ``CACHE_SECONDS``.

A token's ``iat`` is whole seconds: a token is refused when it was issued in the second of the
revocation or before, so one issued in the same second just after it is refused too (the user
signs in again).

Example::

    revoke("clerk.kep", "sign_out")
    revoked_since("clerk.kep")        # 1767225600123 (epoch milliseconds), or None

Limitation: a container that read "no revocation" just before another one wrote it keeps
accepting the user's older tokens for up to ``CACHE_SECONDS``.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

CACHE_SECONDS = 30  # "within a minute", with room for the clocks of two containers
KEEP = timedelta(days=1)  # the longest a Cognito ID token can be valid
REASONS = ("sign_out", "disabled", "role_changed")

_cache: dict[str, tuple[int | None, float]] = {}  # username -> (revoked_at_ms, read at)
_lock = threading.Lock()


def revoke(username: str, reason: str, now: float | None = None) -> int:
    """Refuse every token of ``username`` issued until now; returns the time written (ms)."""
    from chalicelib.models.sessions import StaffRevocation

    if reason not in REASONS:
        raise ValueError(f"unknown revocation reason {reason!r}")
    at = time.time() if now is None else now
    at_ms = int(at * 1000)
    StaffRevocation(
        username,
        revoked_at_ms=at_ms,
        reason=reason,
        expires_at=datetime.fromtimestamp(at, tz=UTC) + KEEP,
    ).save()
    with _lock:
        _cache[username] = (at_ms, time.monotonic())
    return at_ms


def revoked_since(username: str) -> int | None:
    """When ``username``'s tokens were last revoked (epoch ms), or ``None``; cached per container."""
    from chalicelib.models.sessions import StaffRevocation

    with _lock:
        found = _cache.get(username)
    if found is not None and time.monotonic() - found[1] < CACHE_SECONDS:
        return found[0]
    try:
        value: int | None = int(StaffRevocation.get(username).revoked_at_ms)
    except StaffRevocation.DoesNotExist:
        value = None
    with _lock:
        _cache[username] = (value, time.monotonic())
    return value


def is_revoked(username: str, issued_at: int) -> bool:
    """Whether a token of ``username`` issued at ``issued_at`` (its ``iat``, epoch seconds) is refused."""
    since = revoked_since(username)
    return since is not None and issued_at <= since // 1000


def forget() -> None:
    """Drop what this container remembers (tests)."""
    with _lock:
        _cache.clear()
