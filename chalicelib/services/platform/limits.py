"""Per-client limits kept in DynamoDB (DESIGN invariant 7): nobody anonymous can make the
municipality send unbounded messages or fill a line with tickets.

Two kinds, both one item per (limit, subject) in the ``limits`` table:

- ``take(limit, subject)``: a token bucket. ``limit.capacity`` tokens, refilled at one token each
  ``limit.refill_seconds``; each call takes one or answers 429 ``rate_limited`` with
  ``Retry-After`` (the seconds until a token is back). One GetItem and one conditional write
  (the write names the state it read, so two callers cannot spend the same token); a lost race is
  read again, a few times. An empty bucket is remembered by the container until its next token is
  due, so a flood of refused calls costs no DynamoDB request at all.
- ``use_allowance(limit, subject, day)``: a daily allowance. One conditional ``ADD count 1`` on
  ``count < limit.capacity``: atomic, one write. Returns whether it was within the allowance (the
  caller decides: refuse with 429, or go on without the message).

Subjects (an IP address, a mobile number, an e-mail address, a tax number, an API key id) are
stored only as an HMAC with the deployment's session key, so the table holds no contact detail and
a number cannot be found by hashing every number.

The limits the services apply are named settings (``settings.LIMIT_DEFAULTS``, each changed with
``DIMOTIS_LIMIT_<NAME>``; README, "Limits"): ``check(name, subject)`` takes a token of one,
``check_client(name, client)`` the same for a client address unless the address is trusted (a
kiosk's, ``clients.is_trusted``), ``check_daily(name, subject)`` counts a use of a daily one and
answers 429 ``daily_limit`` with ``Retry-After`` until the local midnight once it is spent.

Example::

    from chalicelib.services.platform import limits
    limits.take(limits.Limit("walk_in", capacity=10, refill_seconds=60), client_ip)
    if not limits.use_allowance(limits.Limit("sms_to_number", capacity=3), mobile, day):
        ...  # the ticket is issued, without its SMS
    limits.check_client("walk_in_client", client)       # the configured bucket, 429 when empty
    limits.check_daily("requests_citizen_day", taxid)    # 429 daily_limit until midnight

Limitation: a bucket is per subject and limit, not global; a distributed attacker is met by the
WAF's rate rules per IP in front of CloudFront and by the monthly SMS budget.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import clock, ddb
from chalicelib.errors import TooManyRequests
from chalicelib.settings import get_settings

RACE_RETRIES = 4
REMEMBERED_EMPTY = 10_000  # buckets this container remembers as empty (then it starts again)

# (limit, key) -> the instant before which the bucket cannot hold a token: tokens only come back
# with time and other containers only take them, so until then a refusal needs no read.
_empty_until: dict[tuple[Any, str], float] = {}


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
    called_at = time.time() if now is None else now
    empty_until = _empty_until.get((limit, key))
    if empty_until is not None:
        if called_at < empty_until:  # known empty: refused without a read
            _refuse(limit, empty_until - called_at)
        del _empty_until[(limit, key)]
    for _ in range(RACE_RETRIES):
        at = time.time() if now is None else now
        try:
            item = LimitCounter.get(key, consistent_read=True)
            last = float(item.at)
            tokens = min(limit.capacity, float(item.tokens) + max(at - last, 0.0) / limit.refill_seconds)
            condition = LimitCounter.at == item.at
            at = max(at, last)  # a clock behind the last caller's wins nothing back, loses nothing
        except LimitCounter.DoesNotExist:
            tokens, condition = float(limit.capacity), LimitCounter.key.does_not_exist()
        if tokens < 1:
            until = at + (1 - tokens) * limit.refill_seconds
            if len(_empty_until) >= REMEMBERED_EMPTY:
                _empty_until.clear()
            _empty_until[(limit, key)] = until
            _refuse(limit, until - called_at)
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


def _refuse(limit: Limit, seconds: float) -> None:
    wait = max(1, math.ceil(seconds))
    raise TooManyRequests(
        "Too many requests; try again later.",
        code="rate_limited",
        details={"limit": limit.name, "retry_after": wait},
        headers={"Retry-After": str(wait)},
    )


def forget_refusals() -> None:
    """Forget which buckets this container knows to be empty (tests, between worlds)."""
    _empty_until.clear()


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


# -- the configured limits -----------------------------------------------------------------------
def configured(name: str) -> Limit | None:
    """The limit ``name`` as the settings have it (``None`` when switched off)."""
    value = get_settings().limits[name]
    if value is None:
        return None
    capacity, seconds = value
    return Limit(name, capacity, seconds or 60.0)


def check(name: str, subject: str, *, now: datetime | None = None) -> None:
    """Take a token of the configured bucket ``name`` for ``subject`` (429 ``rate_limited`` with
    ``Retry-After`` when it is empty); nothing when the limit is switched off."""
    limit = configured(name)
    if limit is not None:
        take(limit, subject, now=now.timestamp() if now is not None else None)


def check_client(name: str, client: str | None, *, now: datetime | None = None) -> None:
    """``check`` for a client address (``clients.client_address``); a trusted client (the
    municipality's kiosks and offices) and a call with no client (from inside) skip it."""
    from chalicelib.services.platform.clients import is_trusted

    if client is not None and not is_trusted(client):
        check(name, client, now=now)


def check_daily(name: str, subject: str, *, now: datetime | None = None) -> None:
    """Count one use of the configured daily allowance ``name`` for ``subject`` on today's local
    day; 429 ``daily_limit`` with ``Retry-After`` (the seconds to the local midnight) when the day's
    uses are spent. Nothing when the limit is switched off."""
    limit = configured(name)
    if limit is None:
        return
    now = now or clock.utcnow()
    if use_allowance(limit, subject, clock.local_day(now), now=now.timestamp()):
        return
    wait = seconds_to_midnight(now)
    raise TooManyRequests(
        f"The most allowed in one day ({limit.capacity}) has been reached; try again tomorrow.",
        code="daily_limit",
        details={"limit": name, "capacity": limit.capacity, "retry_after": wait},
        headers={"Retry-After": str(wait)},
    )


def seconds_to_midnight(now: datetime) -> int:
    """Whole seconds from ``now`` to the next local (Athens) midnight, at least 1."""
    tomorrow = clock.local(now).date() + timedelta(days=1)
    midnight = datetime.combine(tomorrow, datetime.min.time(), tzinfo=clock.TZ).astimezone(UTC)
    return max(1, math.ceil((midnight - now.astimezone(UTC)).total_seconds()))  # across a clock change too
