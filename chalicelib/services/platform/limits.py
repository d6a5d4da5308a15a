"""Per-client limits kept in DynamoDB (DESIGN invariant 7): nobody anonymous can make the
municipality send unbounded messages or fill a line with tickets.

Two kinds, both one item per (limit, subject) in the ``limits`` table:

- ``take(limit, subject)``: a token bucket. ``limit.capacity`` tokens, refilled at one token each
  ``limit.refill_seconds``; each call takes one or answers 429 ``rate_limited`` with
  ``Retry-After`` (the seconds until a token is back). One GetItem and one conditional write
  (the write names the state it read, so two callers cannot spend the same token); a lost race is
  read again, a few times.
- ``use_allowance(limit, subject, day)``: a daily allowance. One conditional ``ADD count 1`` on
  ``count < limit.capacity``: atomic, one write. Returns whether it was within the allowance (the
  caller decides: refuse with 429, or go on without the message).

Subjects (an IP address, a mobile number, an e-mail address, a tax number, an API key id) are
stored only as an HMAC with the deployment's session key, so the table holds no contact detail and
a number cannot be found by hashing every number.

Example::

    from chalicelib.services.platform import limits
    limits.take(limits.Limit("walk_in", capacity=10, refill_seconds=60), client_ip)
    if not limits.use_allowance(limits.Limit("sms_to_number", capacity=3), mobile, day):
        ...  # the ticket is issued, without its SMS

Limitation: a bucket is per subject and limit, not global; a distributed attacker is met by the
WAF's rate rules per IP in front of CloudFront and by the monthly SMS budget.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib import ddb
from chalicelib.errors import TooManyRequests

RACE_RETRIES = 4


@dataclass(frozen=True)
class Limit:
    """``name``: what is limited; ``capacity``: tokens in the bucket, or uses per day;
    ``refill_seconds``: a bucket's time to win back one token (unused by allowances)."""

    name: str
    capacity: int
    refill_seconds: float = 60.0


def _instant(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def subject_key(subject: str) -> str:
    """The stored form of a subject: an HMAC, never the subject itself."""
    from chalicelib.services.platform.sessions import signing_key

    digest = hmac.new(signing_key().encode(), subject.strip().lower().encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def take(limit: Limit, subject: str, *, now: float | None = None) -> None:
    """Take one token of ``limit`` for ``subject``; 429 ``rate_limited`` with ``Retry-After`` when
    the bucket is empty."""
    from pynamodb.exceptions import PutError

    from chalicelib.models.limits import LimitCounter

    key = f"{limit.name}#{subject_key(subject)}"
    for _ in range(RACE_RETRIES):
        at = time.time() if now is None else now
        try:
            item = LimitCounter.get(key, consistent_read=True)
            tokens = min(limit.capacity, float(item.tokens) + (at - float(item.at)) / limit.refill_seconds)
            condition = LimitCounter.at == item.at
        except LimitCounter.DoesNotExist:
            tokens, condition = float(limit.capacity), LimitCounter.key.does_not_exist()
        if tokens < 1:
            wait = math.ceil((1 - tokens) * limit.refill_seconds)
            raise TooManyRequests(
                "Too many requests; try again later.",
                code="rate_limited",
                details={"limit": limit.name, "retry_after": wait},
                headers={"Retry-After": str(wait)},
            )
        full_again = (limit.capacity - (tokens - 1)) * limit.refill_seconds
        try:
            LimitCounter(key, tokens=tokens - 1, at=at, expires_at=_instant(at + full_again + 60)).save(
                condition=condition
            )
            return
        except PutError as exc:
            if not ddb.condition_failed(exc):
                raise
    raise TooManyRequests(
        "Too many requests at once; try again shortly.",
        code="rate_limited",
        details={"limit": limit.name, "retry_after": 1},
        headers={"Retry-After": "1"},
    )


def allowance_update(limit: Limit, subject: str, day: str, *, now: float | None = None) -> tuple[Any, list, Any]:
    """The write that counts one use of ``limit`` for ``subject`` on ``day``: the item, its
    actions and its condition, for ``use_allowance`` or for a transaction that counts the use
    together with what it allows (``notifications.put_message``)."""
    from chalicelib.models.limits import LimitCounter

    at = time.time() if now is None else now
    item = LimitCounter(f"{limit.name}#{subject_key(subject)}#{day}")
    actions = [LimitCounter.count.add(1), LimitCounter.expires_at.set(_instant(at + 3 * 86400))]
    condition = LimitCounter.count < limit.capacity  # an allowance of 0 allows nothing
    if limit.capacity > 0:
        condition = LimitCounter.count.does_not_exist() | condition
    return item, actions, condition


def use_allowance(limit: Limit, subject: str, day: str, *, now: float | None = None) -> bool:
    """Count one use of ``limit`` for ``subject`` on ``day`` (``YYYY-MM-DD``); ``False`` (and
    nothing counted) when the day's allowance is used up."""
    from pynamodb.exceptions import UpdateError

    item, actions, condition = allowance_update(limit, subject, day, now=now)
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if ddb.condition_failed(exc):
            return False
        raise
    return True


def allowance_used(limit: Limit, subject: str, day: str) -> int:
    """How many uses of ``limit`` ``subject`` has made on ``day``."""
    from chalicelib.models.limits import LimitCounter

    try:
        return int(LimitCounter.get(f"{limit.name}#{subject_key(subject)}#{day}").count or 0)
    except LimitCounter.DoesNotExist:
        return 0
