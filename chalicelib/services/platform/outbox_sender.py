"""The outbox sender: rows from the ``outbox`` SQS queue to SES and SNS, at the provider's send
rate, each at most once, none lost to a throttle.

``handle_sqs_batch`` (the ``outbox_sender`` Lambda; Powertools batch processor) runs ``deliver``
for each message (a row's id):

1. The row is claimed (``pending``/``retry`` -> ``sending``, ``attempts`` + 1) with a conditional
   update: a message delivered twice, or a stream record replayed, finds nothing to claim.
2. Rules checked again: a suppressed address -> ``suppressed``; an SMS to a mobile outside the
   countries allowed -> ``blocked``; an SMS whose parts do not fit the month's budget
   (``sms_budget.reserve``) -> ``over_budget``.
3. The sender waits for its turn (``Pacer``: ``DIMOTIS_SES_MAX_SEND_RATE`` e-mails and
   ``DIMOTIS_SMS_MAX_SEND_RATE`` SMS a second for the deployment, shared by the queue's
   ``max_concurrency`` senders) and makes one provider call, with botocore's own retries off (a
   resend after a read timeout could send twice).
4. What the call proves decides the row's next status:
   - accepted -> ``sent``;
   - an error that proves nothing was sent (``RETRYABLE_CODES``: SES throttling and maximum send
     rate, SNS throttling, service unavailable or internal error before acceptance; a connection
     that was never made) -> ``retry``: the row waits, and its id goes back on the queue with a
     delay (``DIMOTIS_OUTBOX_RETRY_SECONDS``, doubling, at most 15 minutes), up to
     ``DIMOTIS_OUTBOX_MAX_ATTEMPTS`` attempts, then ``failed``; the pace slows for the rest of
     the batch;
   - an error after the request went out (a read timeout, a connection closed mid-answer) ->
     ``unknown``: maybe sent, never resent, for an operator (the delivery page lists them);
   - any other refusal (``MessageRejected``, an invalid number...) -> ``failed``.
   Every final move is counted once (``notifications.count``) and logged (``outbox message``;
   ``failed`` and ``unknown`` as ``outbox send failed``, the line the alarm counts).

``requeue_waiting`` (a schedule) puts back on the queue the rows still waiting long after they
should have gone (their message lost), so a row is never forgotten.

Limitation: a sender that dies between the provider call and the row's update leaves the row
``sending``: not resent (it may have gone); the delivery page shows it among the waiting.
"""

from __future__ import annotations

import json
import random
import threading
import time
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib import ddb
from chalicelib.clock import utcnow
from chalicelib.log import logger
from chalicelib.models.outbox import WAITING, OutboxMessage
from chalicelib.services.platform import addresses, notifications
from chalicelib.settings import get_settings

QUEUE = "outbox"
MAX_DELAY_SECONDS = 900  # SQS's longest DelaySeconds
STALE_MINUTES = 15  # a waiting row this much past due is put on the queue again
RETRYABLE_CODES = frozenset(
    {
        "Throttling", "ThrottlingException", "MaxSendingRateExceeded", "TooManyRequestsException",
        "Throttled", "ThrottledException", "ServiceUnavailable", "ServiceUnavailableException",
        "InternalError", "InternalErrorException", "InternalFailure", "RequestTimeout",
    }
)


class Pacer:
    """At most ``rate`` sends a second across ``senders`` senders: each waits ``senders / rate``
    seconds between two sends of its own; ``slow_down`` doubles the wait after a throttle."""

    def __init__(self, clock: Any = time.monotonic, sleep: Any = time.sleep) -> None:
        self.clock, self.sleep = clock, sleep
        self.next_at: dict[str, float] = {}
        self.factor: dict[str, float] = {}
        self.lock = threading.Lock()

    def interval(self, channel: str) -> float:
        from chalicelib.sqs_queues import QUEUES

        settings = get_settings()
        rate = settings.sms_max_send_rate if channel == "sms" else settings.ses_max_send_rate
        senders = QUEUES[QUEUE].max_concurrency or 1
        return senders / rate * self.factor.get(channel, 1.0)

    def wait(self, channel: str) -> None:
        with self.lock:
            now = self.clock()
            at = max(now, self.next_at.get(channel, now))
            self.next_at[channel] = at + self.interval(channel)
        if at > now:
            self.sleep(at - now)

    def slow_down(self, channel: str) -> None:
        self.factor[channel] = min(8.0, self.factor.get(channel, 1.0) * 2)

    def reset(self) -> None:
        self.factor.clear()


PACER = Pacer()


def queue_message(message_id: str, delay_seconds: int = 0) -> None:
    """Put a row's id on the sender's queue (after ``delay_seconds``)."""
    from chalicelib.aws import client

    client("sqs").send_message(
        QueueUrl=get_settings().outbox_queue_url,
        MessageBody=json.dumps({"message_id": message_id}),
        DelaySeconds=min(MAX_DELAY_SECONDS, max(0, int(delay_seconds))),
    )


def handle_sqs_batch(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """The ``outbox_sender`` Lambda: ``{"batchItemFailures": [...]}`` (Powertools)."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    PACER.reset()
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=event,
        record_handler=lambda record: deliver(json.loads(record.body)["message_id"]),
        processor=processor,
        context=context,
    )


def deliver(message_id: str, pacer: Pacer | None = None) -> str:
    """Claim, check, send and record one outbox row; returns its new status (``skipped`` when
    there was nothing to claim)."""
    try:
        row = OutboxMessage.get(message_id, consistent_read=True)
    except OutboxMessage.DoesNotExist:
        return "skipped"
    if row.status not in WAITING:
        return "skipped"
    try:
        row.update(
            actions=[OutboxMessage.status.set("sending"), OutboxMessage.attempts.add(1)],
            condition=OutboxMessage.status.is_in(*WAITING),
        )
    except UpdateError as exc:
        if ddb.condition_failed(exc):
            return "skipped"
        raise
    return _send_claimed(row, pacer or PACER)


def _send_claimed(row: OutboxMessage, pacer: Pacer) -> str:
    from chalicelib.services.platform import crypto, sms_budget, suppression

    try:
        address = recipient_of(row, strict=True)
    except crypto.CryptoError:
        return _finish(row, "failed", error="the sealed recipient did not open")
    if suppression.is_suppressed(row.channel, address):
        return _finish(row, "suppressed")
    parts = int(row.parts or 1)
    if row.channel == "sms":
        if not addresses.sms_allowed(address):
            return _finish(row, "blocked")
        if not sms_budget.reserve(parts):
            return _finish(row, "over_budget")
    pacer.wait(row.channel)
    try:
        provider_id = _provider_call(row, address)
    except Exception as exc:  # noqa: BLE001 - classified: what it proves decides the row's status
        outcome = classify(exc)
        if row.channel == "sms" and outcome != "unknown":
            sms_budget.release(parts)
        error = addresses.redact(f"{type(exc).__name__}: {exc}")[:500]
        if outcome == "retry":
            pacer.slow_down(row.channel)
            return _retry(row, error)
        return _finish(row, outcome, error=error)
    return _finish(row, "sent", provider_id=provider_id)


def classify(exc: BaseException) -> str:
    """``retry`` (nothing was sent), ``unknown`` (it may have been) or ``failed`` (refused)."""
    from botocore.exceptions import ClientError, HTTPClientError
    from botocore.exceptions import ConnectionError as NeverConnected

    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        return "retry" if code in RETRYABLE_CODES else "failed"
    if isinstance(exc, NeverConnected):
        return "retry"  # no connection (refused, timed out, TLS, proxy): nothing went out
    if isinstance(exc, HTTPClientError):
        return "unknown"  # read timeout, connection closed: the request may have been taken
    return "failed"  # not the call's answer: the message could not be made


def _retry(row: OutboxMessage, error: str) -> str:
    settings = get_settings()
    attempts = int(row.attempts or 1)
    if attempts >= settings.outbox_max_attempts:
        return _finish(row, "failed", error=f"gave up after {attempts} attempts; {error}")
    delay = min(MAX_DELAY_SECONDS, settings.outbox_retry_seconds * 2 ** (attempts - 1))
    delay = int(delay * random.uniform(0.8, 1.2))  # noqa: S311 - jitter
    row.update(
        actions=[
            OutboxMessage.status.set("retry"),
            OutboxMessage.error.set(error),
            OutboxMessage.next_attempt_at.set(utcnow() + timedelta(seconds=delay)),
        ],
        condition=OutboxMessage.status == "sending",
    )
    queue_message(row.message_id, delay)  # if this fails, the batch retries the current message
    notifications.count(row.day, "retried")
    _log(row, "retry")
    return "retry"


def _finish(row: OutboxMessage, status: str, *, error: str | None = None, provider_id: str | None = None) -> str:
    """The row's one move from ``sending`` to a final status, counted and logged."""
    actions = [OutboxMessage.status.set(status)]
    if status == "sent":
        actions += [OutboxMessage.sent_at.set(utcnow()), OutboxMessage.provider_id.set(provider_id or "")]
        actions.append(OutboxMessage.error.remove())
    elif error:
        actions.append(OutboxMessage.error.set(error))
    try:
        row.update(actions=actions, condition=OutboxMessage.status == "sending")
    except UpdateError as exc:
        if ddb.condition_failed(exc):  # deleted meanwhile (its registration was erased)
            return status
        raise
    notifications.count(row.day, status)
    _log(row, status)
    return status


FAILED_LOG_MESSAGE = "outbox send failed"  # the "messages failed" alarm's metric filter matches it exactly


def _log(row: OutboxMessage, status: str) -> None:
    """One structured line per move. A send given up (``failed``) or of unknown outcome
    (``unknown``) is logged as exactly ``outbox send failed`` (``FAILED_LOG_MESSAGE``): infra's
    metric filter ``{ $.message = "outbox send failed" }`` counts it for the "messages failed"
    alarm; ``outbox_status`` says which. Every other move is ``outbox message``."""
    extra = {"message_id": row.message_id, "kind": row.kind, "channel": row.channel,
             "outbox_status": status, "attempts": int(row.attempts or 0)}
    if status in ("failed", "unknown"):
        logger().warning(FAILED_LOG_MESSAGE, extra={**extra, "error": row.error})
    else:
        logger().info("outbox message", extra=extra)


def recipient_of(row: OutboxMessage, *, strict: bool = False) -> str | None:
    """The row's address in clear: as stored, or opened from its seal (``CryptoError`` when
    ``strict`` and it does not open)."""
    if row.recipient or row.sealed_ct is None:
        return row.recipient
    from chalicelib.services.platform import crypto

    sealed = crypto.Sealed(row.sealed_key, row.sealed_nonce, row.sealed_ct)
    try:
        return crypto.open_sealed(sealed, notifications.seal_context(row.message_id)).decode()
    except crypto.CryptoError:
        if strict:
            raise
        return None


def _provider_call(row: OutboxMessage, address: str) -> str:
    """One SES or SNS call, with botocore's retries off (``attempts=1``: a retry after a read
    timeout could send twice). The clients are named literally: infra reads ``client("ses")``
    and ``client("sns")`` from the code to grant this function ``ses:Send*`` and ``sns:Publish``."""
    from chalicelib.aws import client

    settings = get_settings()
    if row.channel == "sms":
        result = client("sns", attempts=1).publish(
            PhoneNumber=address,
            Message=row.body,
            MessageAttributes={
                "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": settings.sms_sender_id},
                "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
            },
        )
        return result.get("MessageId", "")
    if row.attachments:
        raw = _mime(row, address, settings.email_sender)
        result = client("ses", attempts=1).send_raw_email(
            Source=settings.email_sender, Destinations=[address], RawMessage={"Data": raw}
        )
        return result.get("MessageId", "")
    body: dict[str, Any] = {"Text": {"Data": row.body, "Charset": "UTF-8"}}
    if row.html:
        body["Html"] = {"Data": row.html, "Charset": "UTF-8"}
    result = client("ses", attempts=1).send_email(
        Source=settings.email_sender,
        Destination={"ToAddresses": [address]},
        Message={"Subject": {"Data": row.subject or "", "Charset": "UTF-8"}, "Body": body},
    )
    return result.get("MessageId", "")


def _mime(row: OutboxMessage, address: str, sender: str) -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = address
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


def requeue_waiting(now: Any = None) -> dict[str, int]:
    """The schedule: rows still ``pending`` (or ``retry`` past their time) ``STALE_MINUTES``
    after they should have gone go back on the queue (one Query per waiting status)."""
    now = now or utcnow()
    before = (now - timedelta(minutes=STALE_MINUTES)).isoformat()
    requeued = 0
    for status in WAITING:
        for row in OutboxMessage.by_status.query(status, OutboxMessage.created_key < before):
            if status == "retry" and row.next_attempt_at and row.next_attempt_at.isoformat() > before:
                continue
            queue_message(row.message_id)
            requeued += 1
    return {"requeued": requeued}
