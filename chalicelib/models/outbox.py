"""Every email and SMS, written once before it is sent (DESIGN invariant 3).

The key is derived from (source record, kind, recipient), so a second delivery of the same
stream or queue record finds the row and sends nothing. The outbox table's own stream drives
the sender; the sender claims a row (``pending`` -> ``sending``) with a conditional update, so a
replayed outbox record cannot send twice either.
"""

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import CreatedAt, Model, meta


class OutboxByDay(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_day"
        projection = AllProjection()

    day = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class OutboxMessage(Model):
    Meta = meta("outbox")
    # no point-in-time recovery: a row may carry a visitor's address until it is sent, and a PITR
    # copy would keep it 35 days (README "Operations"); infra/ reads this
    Meta.point_in_time_recovery = False

    message_id = UnicodeAttribute(hash_key=True)
    source = UnicodeAttribute()
    kind = UnicodeAttribute()
    channel = UnicodeAttribute()  # "email" | "sms"
    recipient = UnicodeAttribute()
    subject = UnicodeAttribute(null=True)
    body = UnicodeAttribute()
    html = UnicodeAttribute(null=True)
    attachments = JSONAttribute(null=True)  # [{"filename", "content_type", "content"}]
    language = UnicodeAttribute(default="el")
    status = UnicodeAttribute(default="pending")  # pending | sending | sent | failed
    attempts = NumberAttribute(default=0)
    error = UnicodeAttribute(null=True)
    provider_id = UnicodeAttribute(null=True)
    day = UnicodeAttribute()
    created_key = UnicodeAttribute()
    created_at = CreatedAt()
    sent_at = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute(null=True)

    by_day = OutboxByDay()
