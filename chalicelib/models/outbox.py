"""Every email and SMS, written once before it is sent (DESIGN invariant 3), and what became of it.

The key is derived from (source record, kind, channel, recipient), so a second delivery of the same
stream or queue record finds the row and sends nothing. A row that becomes ``pending`` is put on
the ``outbox`` SQS queue by the outbox table's stream; the sender claims it (``pending``/``retry``
-> ``sending``) with a conditional update before the provider call, so a replayed record or a
message delivered twice cannot send twice (``services/platform/outbox_sender.py``).

Statuses (``STATUSES``): waiting to be sent (``pending``, ``retry`` after an error that proves
nothing went out), in the provider's hands (``sending``), and final: ``sent``; ``failed`` (the
provider refused it: nothing went out); ``unknown`` (the call broke after it was sent: maybe sent,
never resent, for an operator); not sent by rule: ``suppressed`` (the address bounced or
complained), ``limited`` (an anonymous flow's daily allowance for this address is used up),
``blocked`` (a mobile outside the countries allowed), ``over_budget`` (the month's SMS budget is
spent).

A recipient is in clear text (``recipient``), or sealed with a KMS data key (``sealed_*``, a
visitor's pass or exposure notice: only the sender opens it); ``recipient_mask`` is what staff see.
``ref`` names what the message is about when it must be found again (``visitor#<pass_id>``:
deleting a registration deletes its rows, a Query on ``by_ref``).

``DeliveryCount`` keeps, per day the rows were written, how many were written (``queued``) and how
many ended in each final status, so the delivery page reads one item a day, never the rows.
"""

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection

from chalicelib.models.base import CreatedAt, Model, meta

WAITING = ("pending", "retry")
FINAL = ("sent", "failed", "unknown", "suppressed", "limited", "blocked", "over_budget")
NOT_SENT_BY_RULE = ("suppressed", "limited", "blocked", "over_budget")
STATUSES = (*WAITING, "sending", *FINAL)
LISTED = ("kind", "channel", "recipient_mask", "attempts", "error", "parts", "created_at", "sent_at",
          "next_attempt_at")


class OutboxByDay(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_day"
        projection = AllProjection()

    day = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class OutboxByStatus(GlobalSecondaryIndex):
    """The newest rows of one status (the delivery page; the requeue schedule's waiting rows)."""

    class Meta:
        index_name = "by_status"
        projection = IncludeProjection(list(LISTED))

    status = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class OutboxByRef(GlobalSecondaryIndex):
    """The rows about one thing (``visitor#<pass_id>``), to delete them with it."""

    class Meta:
        index_name = "by_ref"
        projection = KeysOnlyProjection()

    ref = UnicodeAttribute(hash_key=True)
    message_id = UnicodeAttribute(range_key=True)


class OutboxMessage(Model):
    Meta = meta("outbox")
    # no point-in-time recovery: a row may carry a visitor's address until it is sent, and a PITR
    # copy would keep it 35 days (README "Operations"); infra/ reads this
    Meta.point_in_time_recovery = False

    message_id = UnicodeAttribute(hash_key=True)
    source = UnicodeAttribute()
    kind = UnicodeAttribute()
    channel = UnicodeAttribute()  # "email" | "sms"
    recipient = UnicodeAttribute(null=True)  # clear text, unless sealed
    recipient_mask = UnicodeAttribute(null=True)
    sealed_key = BinaryAttribute(null=True, legacy_encoding=False)
    sealed_nonce = BinaryAttribute(null=True, legacy_encoding=False)
    sealed_ct = BinaryAttribute(null=True, legacy_encoding=False)
    ref = UnicodeAttribute(null=True)
    anonymous = BooleanAttribute(null=True)  # from an anonymous flow: counted in a daily allowance
    subject = UnicodeAttribute(null=True)
    body = UnicodeAttribute()
    html = UnicodeAttribute(null=True)
    attachments = JSONAttribute(null=True)  # [{"filename", "content_type", "content"}]
    language = UnicodeAttribute(default="el")
    status = UnicodeAttribute(default="pending")  # STATUSES
    attempts = NumberAttribute(default=0)
    parts = NumberAttribute(null=True)  # SMS parts
    error = UnicodeAttribute(null=True)
    provider_id = UnicodeAttribute(null=True)
    day = UnicodeAttribute()
    created_key = UnicodeAttribute()
    created_at = CreatedAt()
    next_attempt_at = UTCDateTimeAttribute(null=True)
    sent_at = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute(null=True)

    by_day = OutboxByDay()
    by_status = OutboxByStatus()
    by_ref = OutboxByRef()


class DeliveryCount(Model):
    """Per day the rows were written: how many were written (``queued``), retried, and ended in
    each final status; one ADD (of one or two counts) after each move
    (``services/platform/notifications.py`` ``count``)."""

    Meta = meta("outbox_counts")

    day = UnicodeAttribute(hash_key=True)
    queued = NumberAttribute(null=True)
    retried = NumberAttribute(null=True)
    sent = NumberAttribute(null=True)
    failed = NumberAttribute(null=True)
    unknown = NumberAttribute(null=True)
    suppressed = NumberAttribute(null=True)
    limited = NumberAttribute(null=True)
    blocked = NumberAttribute(null=True)
    over_budget = NumberAttribute(null=True)
    expires_at = TTLAttribute(null=True)
