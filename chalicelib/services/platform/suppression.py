"""Addresses SES says not to write to again: permanent bounces and complaints.

SES publishes its bounce and complaint notifications to an SNS topic; the topic delivers them to
the ``ses_feedback`` SQS queue (``sqs_queues.py``), whose Lambda (``handle_sqs_batch``) records each
address here (``SuppressedAddress``, keyed by the address's HMAC: no address in clear). A transient
bounce (mailbox full, ...) suppresses nothing. The outbox writes a message to a suppressed address
as ``suppressed`` and the sender checks again before sending; the citizen's profile says that
their address is suppressed and why (``for_citizen``), so they can give another.

Example::

    record_notification({"notificationType": "Bounce", "bounce": {"bounceType": "Permanent", ...}})
    is_suppressed("email", "maria@example.gr")      # True

Limitation: an address stays suppressed until its item is deleted (``python manage.py
unsuppress ADDRESS``, after the citizen says the mailbox works again); SMS opt-outs are SNS's own.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from chalicelib.clock import utcnow
from chalicelib.log import logger
from chalicelib.models.suppression import SuppressedAddress
from chalicelib.services.platform import addresses, limits

CHANNELS = ("email",)  # SMS opt-outs are SNS's own (a recipient who answers STOP)


def address_key(channel: str, address: str) -> str:
    return f"{channel}#{limits.subject_key(addresses.normal(channel, address) or '')}"


def find(channel: str, address: str | None) -> SuppressedAddress | None:
    if not address or channel not in CHANNELS:
        return None
    try:
        return SuppressedAddress.get(address_key(channel, address))
    except SuppressedAddress.DoesNotExist:
        return None


def is_suppressed(channel: str, address: str | None) -> bool:
    return find(channel, address) is not None


def suppress(channel: str, address: str, reason: str, detail: str | None = None,
             feedback_id: str | None = None, at: datetime | None = None) -> None:
    """Record (or refresh) ``address`` as suppressed for ``reason`` (``bounce``/``complaint``)."""
    at = at or utcnow()
    item = SuppressedAddress(address_key(channel, address))
    item.update(
        actions=[
            SuppressedAddress.channel.set(channel),
            SuppressedAddress.reason.set(reason),
            SuppressedAddress.detail.set(detail or reason),
            SuppressedAddress.mask.set(addresses.mask(channel, addresses.normal(channel, address))),
            SuppressedAddress.feedback_id.set(feedback_id or ""),
            SuppressedAddress.events.add(1),
            SuppressedAddress.first_at.set(SuppressedAddress.first_at | at),
            SuppressedAddress.last_at.set(at),
        ]
    )


def unsuppress(channel: str, address: str) -> bool:
    """Forget a suppression (an operator, once the mailbox works again); whether there was one."""
    item = find(channel, address)
    if item is None:
        return False
    item.delete()
    return True


def record_notification(message: dict[str, Any]) -> int:
    """One SES notification (or event) -> the addresses it suppresses; returns how many."""
    kind = message.get("notificationType") or message.get("eventType")
    if kind == "Bounce":
        bounce = message.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return 0
        detail = f"{bounce.get('bounceType')}/{bounce.get('bounceSubType') or 'General'}"
        people, reason, feedback = bounce.get("bouncedRecipients") or [], "bounce", bounce.get("feedbackId")
    elif kind == "Complaint":
        complaint = message.get("complaint") or {}
        detail = complaint.get("complaintFeedbackType") or "complaint"
        people, reason, feedback = complaint.get("complainedRecipients") or [], "complaint", complaint.get("feedbackId")
    else:
        return 0
    found = [p.get("emailAddress") for p in people if p.get("emailAddress")]
    for address in found:
        suppress("email", address, reason, detail, feedback)
    logger().info("ses feedback", extra={"kind": kind, "suppressed": len(found)})
    return len(found)


def notification_of(body: str) -> dict[str, Any]:
    """The SES notification in an SQS message: inside an SNS envelope, or raw (raw delivery)."""
    message = json.loads(body)
    if isinstance(message, dict) and message.get("Type") == "Notification" and "Message" in message:
        message = json.loads(message["Message"])
    if not isinstance(message, dict):
        raise ValueError("not an SES notification")
    return message


def handle_sqs_batch(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """The ``ses_feedback`` Lambda: ``{"batchItemFailures": [...]}`` (Powertools)."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=event,
        record_handler=lambda record: record_notification(notification_of(record.body)),
        processor=processor,
        context=context,
    )


def for_citizen(citizen: Any) -> list[dict[str, Any]]:
    """The citizen's addresses that are suppressed, and why (their profile shows it)."""
    out = []
    for channel, address in (("email", getattr(citizen, "email", None)),):
        item = find(channel, address)
        if item is not None:
            out.append({"channel": channel, "reason": item.reason, "detail": item.detail,
                        "since": item.first_at.isoformat()})
    return out
