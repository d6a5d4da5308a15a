"""Email and SMS through the outbox (DESIGN invariant 3).

1. A stream or queue consumer calls ``enqueue`` (or ``notify_citizen``). The outbox row's key is
   derived from (source record, kind, channel, recipient) and written with a conditional put, so a
   record delivered twice enqueues once.
2. The outbox table's stream calls ``on_outbox_record`` -> ``deliver``: the row is claimed
   (``pending`` -> ``sending``) with a conditional update, then sent with SES or SNS, then marked
   ``sent`` (or ``failed`` with the error). A replayed outbox record finds nothing to claim.

Limitation: a send that fails is not retried automatically (at most once beats at least once for
citizens' phones); failed rows are visible to operators.

Example::

    notify_citizen(citizen, source="appointments#A1#v3", kind="appointment.booked",
                   subject={"el": "...", "en": "..."}, text={"el": "...", "en": "..."})
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib import ddb
from chalicelib.clock import utcnow
from chalicelib.log import logger
from chalicelib.models.outbox import OutboxMessage
from chalicelib.services.platform.citizens import reachable
from chalicelib.settings import get_settings

KEEP_DAYS = 90


def message_key(source: str, kind: str, channel: str, recipient: str) -> str:
    raw = f"{source}|{kind}|{channel}|{recipient}".encode()
    return hashlib.sha256(raw).hexdigest()[:40]


def enqueue(
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
) -> bool:
    """Write the outbox row once; ``False`` when it was already there (a repeated delivery)."""
    if channel not in ("email", "sms"):
        raise ValueError(f"unknown channel {channel!r}")
    now = utcnow()
    message_id = message_key(source, kind, channel, recipient)
    row = OutboxMessage(
        message_id,
        source=source,
        kind=kind,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        html=html,
        attachments=attachments,
        language=language,
        status="pending",
        day=now.strftime("%Y-%m-%d"),
        created_key=f"{now.isoformat()}#{message_id}",
        created_at=now,
        expires_at=now + timedelta(days=KEEP_DAYS),
    )
    try:
        row.save(condition=OutboxMessage.message_id.does_not_exist())
    except PutError as exc:
        if ddb.condition_failed(exc):
            return False
        raise
    return True


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
            source=source, kind=kind, channel=channel, recipient=to[channel], language=language, **message
        )
        for channel, message in messages.items()
        if channel in to
    )


def on_outbox_record(record: dict[str, Any]) -> None:
    """Stream consumer for the outbox table: deliver newly inserted rows."""
    if record.get("eventName") != "INSERT":
        return
    keys = record["dynamodb"]["Keys"]
    deliver(keys["message_id"]["S"])


def deliver(message_id: str) -> str:
    """Claim, send and mark one outbox row; returns its final status (or ``skipped``)."""
    try:
        row = OutboxMessage.get(message_id)
    except OutboxMessage.DoesNotExist:
        return "skipped"
    try:
        row.update(
            actions=[OutboxMessage.status.set("sending"), OutboxMessage.attempts.add(1)],
            condition=OutboxMessage.status == "pending",
        )
    except UpdateError as exc:
        if ddb.condition_failed(exc):
            return "skipped"
        raise
    try:
        provider_id = _send(row)
    except Exception as exc:  # noqa: BLE001 - recorded on the row, never resent
        logger().warning("outbox send failed", extra={"message_id": message_id, "error": str(exc)})
        row.update(
            actions=[OutboxMessage.status.set("failed"), OutboxMessage.error.set(str(exc)[:500])]
        )
        return "failed"
    row.update(
        actions=[
            OutboxMessage.status.set("sent"),
            OutboxMessage.sent_at.set(utcnow()),
            OutboxMessage.provider_id.set(provider_id or ""),
        ]
    )
    return "sent"


def _send(row: OutboxMessage) -> str:
    from chalicelib.aws import client

    settings = get_settings()
    if row.channel == "sms":
        result = client("sns").publish(
            PhoneNumber=row.recipient,
            Message=row.body,
            MessageAttributes={
                "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": settings.sms_sender_id},
                "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
            },
        )
        return result.get("MessageId", "")
    if row.attachments:
        raw = _mime(row, settings.email_sender)
        result = client("ses").send_raw_email(
            Source=settings.email_sender, Destinations=[row.recipient], RawMessage={"Data": raw}
        )
        return result.get("MessageId", "")
    body: dict[str, Any] = {"Text": {"Data": row.body, "Charset": "UTF-8"}}
    if row.html:
        body["Html"] = {"Data": row.html, "Charset": "UTF-8"}
    result = client("ses").send_email(
        Source=settings.email_sender,
        Destination={"ToAddresses": [row.recipient]},
        Message={"Subject": {"Data": row.subject or "", "Charset": "UTF-8"}, "Body": body},
    )
    return result.get("MessageId", "")


def _mime(row: OutboxMessage, sender: str) -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = row.recipient
    msg["Subject"] = row.subject or ""
    msg.set_content(row.body)
    if row.html:
        msg.add_alternative(row.html, subtype="html")
    for item in row.attachments or []:
        maintype, _, subtype = item.get("content_type", "application/octet-stream").partition("/")
        msg.add_attachment(
            item["content"].encode("utf-8"),
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=item["filename"],
        )
    return msg.as_bytes()


def recent(days: int = 3, limit: int = 200) -> list[dict[str, Any]]:
    """The newest outbox rows of the last ``days`` days, newest first (one Query per day)."""
    out: list[dict[str, Any]] = []
    today = utcnow()
    for offset in range(days):
        day = (today - timedelta(days=offset)).strftime("%Y-%m-%d")
        for row in OutboxMessage.by_day.query(day, scan_index_forward=False, limit=limit):
            out.append(
                {
                    "message_id": row.message_id,
                    "kind": row.kind,
                    "channel": row.channel,
                    "recipient": row.recipient,
                    "subject": row.subject,
                    "body": row.body,
                    "status": row.status,
                    "error": row.error,
                    "attachments": [a.get("filename") for a in (row.attachments or [])],
                    "created_at": row.created_at.isoformat(),
                    "sent_at": row.sent_at.isoformat() if row.sent_at else None,
                }
            )
            if len(out) >= limit:
                return out
    return out
