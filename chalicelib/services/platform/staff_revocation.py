"""Staff tokens that must stop working before they expire: after sign-out, after the account is
disabled, after a change of its role or department.

A Cognito ID token cannot be recalled: it is valid until its ``exp`` (an hour). So each such event
writes to one item per username (``StaffRevocation``), and ``staff_auth.verify`` asks
``is_revoked(...)``:

- sign-out and disabling (``revoke``): every token issued until then is refused. A token's
  ``iat`` is whole seconds, so one issued in the same second just after is refused too (a sign-in
  made in that second renews its tokens once the second is over: ``staff_signin``);
- a change of role or department (``role_changed``): every token issued until then that names
  other roles or another department than the new ones is refused; a token issued since (the
  session renewed at once, in the same second too) says the new ones and passes.

What an item says is kept per container for ``CACHE_SECONDS``: a token stops working everywhere
within that time (at once in the container that wrote it), for one GetItem per staff member and
container at most every ``CACHE_SECONDS``.

Example::

    revoke("clerk.kep", "sign_out")
    role_changed("clerk.kep", ("manager",), "kep")
    is_revoked("clerk.kep", issued_at=1767225600, roles=("clerk",), department="kep")   # True

Limitation: a container that read the item just before another one wrote it keeps accepting the
member's older tokens for up to ``CACHE_SECONDS``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

CACHE_SECONDS = 30  # "within a minute", with room for the clocks of two containers
KEEP = timedelta(days=1)  # the longest a Cognito ID token can be valid
REASONS = ("sign_out", "disabled")

_AT = object()  # in ``_write``: "the time of this write"
_cache: dict[str, tuple[dict[str, Any] | None, float]] = {}  # username -> (what the item says, read at)
_lock = threading.Lock()


def _roles(roles: Iterable[str]) -> str:
    return ",".join(sorted(set(roles)))


def _write(username: str, at: float, **values: Any) -> int:
    from chalicelib.models.sessions import StaffRevocation

    at_ms = int(at * 1000)
    expires = datetime.fromtimestamp(at, tz=UTC) + KEEP
    item = StaffRevocation(username)
    actions = [StaffRevocation.expires_at.set(expires)]
    for name, value in values.items():
        attribute = getattr(StaffRevocation, name)
        actions.append(attribute.set(at_ms if value is _AT else value) if value is not None else attribute.remove())
    item.update(actions=actions)
    with _lock:
        _cache.pop(username, None)
    return at_ms


def revoke(username: str, reason: str, now: float | None = None) -> int:
    """Refuse every token of ``username`` issued until now (sign-out, disabling); returns the
    time written (epoch ms)."""
    if reason not in REASONS:
        raise ValueError(f"unknown revocation reason {reason!r}")
    return _write(username, time.time() if now is None else now, revoked_at_ms=_AT, reason=reason)


def role_changed(username: str, roles: Iterable[str], department: str | None, now: float | None = None) -> int:
    """``username`` now holds ``roles`` in ``department``: their tokens issued until now that say
    otherwise are refused."""
    at = time.time() if now is None else now
    return _write(username, at, changed_at_ms=_AT, roles=_roles(roles), department=department or None)


def _state(username: str) -> dict[str, Any] | None:
    """What the item says (cached per container), or ``None``."""
    from chalicelib.models.sessions import StaffRevocation

    with _lock:
        found = _cache.get(username)
    if found is not None and time.monotonic() - found[1] < CACHE_SECONDS:
        return found[0]
    try:
        item = StaffRevocation.get(username)
        value: dict[str, Any] | None = {
            "revoked_at_ms": item.revoked_at_ms,
            "changed_at_ms": item.changed_at_ms,
            "roles": item.roles or "",
            "department": item.department,
        }
    except StaffRevocation.DoesNotExist:
        value = None
    with _lock:
        _cache[username] = (value, time.monotonic())
    return value


def is_revoked(
    username: str, issued_at: int, roles: Iterable[str] | None = None, department: str | None = None
) -> bool:
    """Whether a token of ``username`` issued at ``issued_at`` (its ``iat``, epoch seconds) is
    refused. ``roles``/``department`` are what the token says (``None``: an access token, which
    names no department; only sign-out and disabling apply to it)."""
    state = _state(username)
    if state is None:
        return False
    if state["revoked_at_ms"] is not None and issued_at <= int(state["revoked_at_ms"]) // 1000:
        return True
    if roles is None or state["changed_at_ms"] is None or issued_at > int(state["changed_at_ms"]) // 1000:
        return False
    return (_roles(roles), department or None) != (state["roles"], state["department"])


def forget() -> None:
    """Drop what this container remembers (tests)."""
    with _lock:
        _cache.clear()
