"""Email and SMS through the outbox (DESIGN invariants 3, 7 and 8): written once, then sent.

1. A stream or queue consumer (or a route) calls ``enqueue`` (or ``notify_citizen``). The row's
   key is derived from (source record, kind, channel, recipient) and written with a conditional
   put, so a record delivered twice enqueues once. An SMS is written in GSM 03.38 (``gsm7``) and
   its parts counted.
2. Before it is written, the rules that keep messages from being abused decide whether it may go
   at all; if not, the row is written with that status and no address (``put_message`` says
   which): ``blocked`` (a mobile outside ``DIMOTIS_SMS_COUNTRIES``), ``suppressed`` (the address
   bounced or complained), ``over_budget`` (the month's SMS budget is spent), ``limited`` (an
   anonymous flow's daily allowance for the address, ``DIMOTIS_ANONYMOUS_MESSAGES_PER_DAY``, is
   used up: counted with the row's put in one transaction, so a repeated record counts nothing).
3. A row that became ``pending`` is put on the ``outbox`` SQS queue by the outbox table's stream
   (``on_outbox_record``); the sender (``outbox_sender``) claims, sends and records it.

``seal=True`` (a visitor's pass or exposure notice) stores the recipient sealed with a KMS data key
bound to the row (``crypto``; only the sender opens it); ``ref`` names what the row is about so
that ``forget(ref)`` deletes its rows (a Query on ``by_ref``).

Example::

    notify_citizen(citizen, source="appointments#A1#v3", kind="appointment.booked",
                   subject={"el": "...", "en": "..."}, text={"el": "...", "en": "..."})
    put_message(source=..., kind="visits.pass", channel="sms", recipient="+3069...", body=...,
                anonymous=True, seal=True, ref="visitor#K3F...")      # "pending" or why not

Limitation: the rules read the suppression list and the budget when the row is written; the sender
checks both again before the provider call, so a change in between is still obeyed.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib import ddb
from chalicelib.clock import local_day, utcnow
from chalicelib.models.outbox import DeliveryCount, OutboxMessage
from chalicelib.services.platform import addresses, gsm7, limits
from chalicelib.services.platform.citizens import reachable
from chalicelib.settings import get_settings

KEEP_DAYS = 90
SEAL_PURPOSE = "outbox-recipient"
ANONYMOUS_LIMIT = "anonymous_messages"


def message_key(source: str, kind: str, channel: str, recipient: str) -> str:
    raw = f"{source}|{kind}|{channel}|{recipient}".encode()
    return hashlib.sha256(raw).hexdigest()[:40]


def seal_context(message_id: str) -> dict[str, str]:
    return {"purpose": SEAL_PURPOSE, "message_id": message_id}


def anonymous_limit() -> limits.Limit:
    return limits.Limit(ANONYMOUS_LIMIT, capacity=get_settings().anonymous_messages_per_day)


def enqueue(**message: Any) -> bool:
    """Write the outbox row once (``put_message``'s keyword arguments: ``source``, ``kind``,
    ``channel``, ``recipient``, ``body``, ``subject``, ``html``, ``attachments``, ``language``,
    ``anonymous``, ``seal``, ``ref``, ``keep_until``); ``True`` when it was written to be sent
    (``False``: a repeated delivery, or a message the rules do not let go)."""
    return put_message(**message) == "pending"


def put_message(
    *,
    source: str,
    kind: str,
    channel: str,
    recipient: str,
    body: str,
    subject: str | None = None,
    html: str | None = None,
    attachments: list[dict[str, str]] | None = None,
    language: str = "el",
    anonymous: bool = False,
    seal: bool = False,
    ref: str | None = None,
    keep_until: datetime | None = None,
) -> str:
    """Write the outbox row once. Returns ``pending`` (it will be sent), ``duplicate`` (written
    before), or the rule that keeps it from going: ``blocked``, ``suppressed``, ``over_budget``,
    ``limited``. ``anonymous``: counted in the address's daily allowance of anonymous flows;
    ``seal``: the recipient stored sealed; ``ref``: found again by ``forget(ref)``;
    ``keep_until``: when the row expires (default ``KEEP_DAYS``)."""
    from chalicelib.services.platform import sms_budget, suppression

    if channel not in ("email", "sms"):
        raise ValueError(f"unknown channel {channel!r}")
    address = addresses.normal(channel, recipient) or ""
    parts = None
    if channel == "sms":
        body = gsm7.to_gsm(body)
        parts = gsm7.parts(body)
    now = utcnow()
    message_id = message_key(source, kind, channel, "sealed" if seal else address)
    row = OutboxMessage(
        message_id,
        source=source,
        kind=kind,
        channel=channel,
        recipient_mask="(sealed)" if seal else addresses.mask(channel, address),
        ref=ref,
        anonymous=anonymous or None,
        subject=subject,
        body=body,
        html=html,
        attachments=attachments,
        language=language,
        parts=parts,
        status="pending",
        day=now.strftime("%Y-%m-%d"),
        created_key=f"{now.isoformat()}#{message_id}",
        created_at=now,
        expires_at=keep_until or now + timedelta(days=KEEP_DAYS),
    )
    if channel == "sms" and not addresses.sms_allowed(address):
        return _write(row, "blocked")
    if suppression.is_suppressed(channel, address):
        return _write(row, "suppressed")
    if channel == "sms" and sms_budget.spent():
        return _write(row, "over_budget")
    if anonymous:
        return _write_counted(row, address, local_day(now), seal)
    _set_recipient(row, address, seal)
    return _write(row, "pending")


def _set_recipient(row: OutboxMessage, address: str, seal: bool) -> None:
    if not seal:
        row.recipient = address
        return
    from chalicelib.services.platform import crypto

    sealed = crypto.seal(address.encode(), seal_context(row.message_id))
    row.sealed_key, row.sealed_nonce, row.sealed_ct = sealed.encrypted_key, sealed.nonce, sealed.ciphertext


def _write(row: OutboxMessage, status: str) -> str:
    """Put the row once with ``status`` (``pending``, or the rule that keeps it from going: then
    it holds no address) and count it; ``duplicate`` when it was there already."""
    row.status = status
    try:
        row.save(condition=OutboxMessage.message_id.does_not_exist())
    except PutError as exc:
        if ddb.condition_failed(exc):
            return "duplicate"
        raise
    count(row.day, "queued", *(() if status == "pending" else (status,)))
    return status


def _write_counted(row: OutboxMessage, address: str, day: str, seal: bool) -> str:
    """Put the row and count it in the address's allowance for ``day``, in one transaction (an
    allowance already used up is read first: a flood meets one read and one put, not a cancelled
    transaction each)."""
    limit = anonymous_limit()
    if limits.allowance_used(limit, address, day) >= limit.capacity:
        return _write(row, "limited")
    _set_recipient(row, address, seal)
    item, actions, condition = limits.allowance_update(limit, address, day)

    def build(tx: ddb.Tx) -> None:
        tx.save("row", row, condition=OutboxMessage.message_id.does_not_exist())
        tx.update("allowance", item, actions=actions, condition=condition)

    try:
        ddb.transact(build)
    except ddb.TxFailed as exc:
        if "row" in exc.failed:
            return "duplicate"
        return _write(_without_recipient(row), "limited")
    count(row.day, "queued")
    return "pending"


def _without_recipient(row: OutboxMessage) -> OutboxMessage:
    row.recipient = row.sealed_key = row.sealed_nonce = row.sealed_ct = None
    return row


def sms_refusal(number: str | None, *, anonymous: bool = True, day: str | None = None) -> str | None:
    """Why an SMS to ``number`` would not go now (``None``: it would): ``country_not_allowed``,
    ``daily_limit`` (anonymous flows), ``sms_budget_spent``. For an answer that says so before the
    message exists (a walk-in ticket's later SMS); ``put_message`` decides for each message."""
    from chalicelib.services.platform import sms_budget

    if not addresses.sms_allowed(number):
        return "country_not_allowed"
    if sms_budget.spent():
        return "sms_budget_spent"
    limit = anonymous_limit()
    if anonymous and limits.allowance_used(limit, number or "", day or local_day(utcnow())) >= limit.capacity:
        return "daily_limit"
    return None


REASONS = {"limited": "daily_limit", "blocked": "country_not_allowed", "over_budget": "sms_budget_spent",
           "suppressed": "suppressed"}


def not_sent_reason(outcome: str) -> str | None:
    """What an answer says of a message ``put_message`` did not let go (``None``: it will go)."""
    return REASONS.get(outcome)


def count(day: str, *statuses: str) -> None:
    """Add one to the day's count of each of ``statuses`` (``queued``, ``retried`` or a final
    status), in one write."""
    expires = utcnow() + timedelta(days=KEEP_DAYS)
    actions = [getattr(DeliveryCount, status).add(1) for status in statuses]
    DeliveryCount(day).update(actions=[*actions, DeliveryCount.expires_at.set(expires)])


def _pick(value: dict[str, str] | str | None, language: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.get(language) or value.get("el") or next(iter(value.values()), None)


def notify_citizen(
    citizen: Any,
    *,
    source: str,
    kind: str,
    text: dict[str, str] | str,
    subject: dict[str, str] | str | None = None,
    sms: dict[str, str] | str | None = None,
    html: dict[str, str] | str | None = None,
    attachments: list[dict[str, str]] | None = None,
    force_channels: tuple[str, ...] | None = None,
    anonymous: bool = False,
) -> int:
    """Enqueue ``kind`` for a citizen on the channels chosen, in their language.

    ``citizen`` is a ``Citizen`` model (or anything with ``email``, ``mobile``, ``language``,
    ``notify_email``, ``notify_sms``). ``force_channels``: the channels chosen for this message (a
    booking's, a request's, a follow's, an alert's; ``None``: the profile's choices); either way a
    citizen is reached only at verified contacts (``citizens.reachable``). Returns how many rows
    were newly enqueued.
    """
    language = getattr(citizen, "language", None) or "el"
    to = reachable(citizen, force_channels)
    messages = {
        "email": {
            "subject": _pick(subject, language) or kind,
            "body": _pick(text, language) or "",
            "html": _pick(html, language),
            "attachments": attachments,
        },
        "sms": {"body": _pick(sms, language) or _pick(text, language) or ""},
    }
    return sum(
        enqueue(
            source=source,
            kind=kind,
            channel=channel,
            recipient=to[channel],
            language=language,
            anonymous=anonymous,
            **message,
        )
        for channel, message in messages.items()
        if channel in to
    )


def on_outbox_record(record: dict[str, Any]) -> None:
    """Stream consumer of the outbox table: a row that became ``pending`` goes on the sender's
    queue (its id only). A replay puts it there again; the sender's claim sends it once."""
    if record.get("eventName") not in ("INSERT", "MODIFY"):
        return
    images = record.get("dynamodb") or {}
    new = (images.get("NewImage") or {}).get("status", {}).get("S")
    old = (images.get("OldImage") or {}).get("status", {}).get("S")
    if new == "pending" and old != "pending":
        from chalicelib.services.platform.outbox_sender import queue_message

        queue_message(images["Keys"]["message_id"]["S"])


def deliver(message_id: str) -> str:
    """Send one outbox row now: the sender's ``outbox_sender.deliver`` (claim, rules, one
    provider call); returns the row's new status, ``skipped`` when there was nothing to claim."""
    from chalicelib.services.platform import outbox_sender

    return outbox_sender.deliver(message_id)


def forget(ref: str) -> int:
    """Delete every outbox row about ``ref`` (``visitor#<pass_id>``); returns how many."""
    keys = [row.message_id for row in OutboxMessage.by_ref.query(ref)]
    with OutboxMessage.batch_write() as batch:
        for message_id in keys:
            batch.delete(OutboxMessage(message_id))
    return len(keys)


def recent(days: int = 3, limit: int = 200, *, reveal: bool = False) -> list[dict[str, Any]]:
    """The newest outbox rows of the last ``days`` days, newest first (one Query per day).
    ``reveal`` opens sealed recipients (the local stack's dev outbox only)."""
    from chalicelib.services.platform.outbox_sender import recipient_of

    out: list[dict[str, Any]] = []
    today = utcnow()
    for offset in range(days):
        day = (today - timedelta(days=offset)).strftime("%Y-%m-%d")
        for row in OutboxMessage.by_day.query(day, scan_index_forward=False, limit=limit):
            shown = recipient_of(row) if reveal else row.recipient
            out.append(
                {
                    "message_id": row.message_id,
                    "kind": row.kind,
                    "channel": row.channel,
                    "recipient": shown or row.recipient_mask or "",
                    "subject": row.subject,
                    "body": row.body,
                    "status": row.status,
                    "error": row.error,
                    "parts": row.parts,
                    "attempts": int(row.attempts or 0),
                    "attachments": [a.get("filename") for a in (row.attachments or [])],
                    "created_at": row.created_at.isoformat(),
                    "sent_at": row.sent_at.isoformat() if row.sent_at else None,
                }
            )
            if len(out) >= limit:
                return out
    return out
