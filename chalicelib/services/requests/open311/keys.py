"""Open311 API keys of third-party apps: issued and revoked by admins, checked on every POST.

The key given out is ``<key_id>.<secret>`` (shown once); only the SHA-256 of the secret is kept,
and it is compared in constant time.

Example::

    key, api_key = issue_key(admin, "FixMyCity", "dev@fixmycity.example")
    check_key(api_key)          # the Open311Key, or Open311Error 403
    revoke_key(admin, key.key_id)

Limitation: a key has no scope and no expiry: it may file requests of every type Open311 offers
(the public ones), at the rate every key has (``service_requests.post_limit``), until revoked.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from chalicelib import clock
from chalicelib.errors import NotFound
from chalicelib.models.requests import KEYS_ROSTER, Open311Key
from chalicelib.services.platform import audit
from chalicelib.services.requests.open311.formats import Open311Error

INVALID = "Invalid api_key received -- can't proceed with create_request."


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_key(staff: Any, name: str, contact: str | None = None) -> tuple[Open311Key, str]:
    """A new key for an app: the stored key and the ``api_key`` to hand over (once)."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(24)
    key = Open311Key(
        key_id,
        secret_hash=_hash(secret),
        name=name.strip(),
        contact=(contact or None),
        created_by=staff.username,
    )
    key.save(condition=Open311Key.key_id.does_not_exist())
    audit.note(staff, "open311_key", key_id, action="open311.key.issue", after={"name": key.name})
    return key, f"{key_id}.{secret}"


def revoke_key(staff: Any, key_id: str) -> Open311Key:
    """Revoke a key (once; revoking again changes nothing); 404 ``key_not_found``."""
    try:
        key = Open311Key.get(key_id)
    except Open311Key.DoesNotExist:
        raise NotFound("No such key.", code="key_not_found") from None
    if key.revoked_at is None:
        key.update(
            actions=[Open311Key.revoked_at.set(clock.utcnow()), Open311Key.revoked_by.set(staff.username)]
        )
        audit.note(staff, "open311_key", key_id, action="open311.key.revoke", after={"revoked": True})
    return key


def list_keys() -> list[Open311Key]:
    return list(Open311Key.by_roster.query(KEYS_ROSTER))


def public_key(key: Open311Key) -> dict[str, Any]:
    """What admins see of a key: never its secret nor its hash."""
    return {
        "key_id": key.key_id,
        "name": key.name,
        "contact": key.contact,
        "created_by": key.created_by,
        "created_at": key.created_at.isoformat(),
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
        "active": key.revoked_at is None,
    }


def check_key(api_key: str | None) -> Open311Key:
    """The active key an ``api_key`` names, or Open311Error 403 (the same for every failure)."""
    key_id, _, secret = (api_key or "").partition(".")
    if not re.fullmatch(r"[a-f0-9]{16}", key_id) or not secret:
        raise Open311Error(403, INVALID)
    try:
        key = Open311Key.get(key_id)
    except Open311Key.DoesNotExist:
        raise Open311Error(403, INVALID) from None
    if key.revoked_at is not None or not hmac.compare_digest(key.secret_hash, _hash(secret)):
        raise Open311Error(403, INVALID)
    return key
