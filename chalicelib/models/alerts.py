"""Broadcast alerts (table ``alerts``) and citizens' topic subscriptions (table ``alert_subscriptions``).

| question | key |
| --- | --- |
| alerts still being sent (the rate-limited sender) | ``Alert.by_delivery`` (``delivery``, created_key), sparse: only while ``sending`` |
| alerts on the citizen site now | ``Alert.by_board`` (``board`` = ``public``, ``until``) |
| alerts in the admin list, newest first | ``Alert.by_board`` too (``until`` descending) |
| citizens subscribed to a topic, page by page | ``TopicSubscription`` (topic, taxid) |

``TopicSubscription`` rows mirror ``Citizen.topics`` (a comma-separated field that cannot carry an
index); the citizens table's stream keeps them in step (``services/backoffice/alerts.on_citizen_record``).
"""

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection

from chalicelib.models.base import CreatedAt, Model, meta

BOARD = "public"
ALERT_STATUSES = ("sending", "done", "withdrawn")  # Alert.status


class AlertsByDelivery(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_delivery"
        projection = KeysOnlyProjection()

    delivery = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class AlertsByBoard(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_board"
        projection = AllProjection()

    board = UnicodeAttribute(hash_key=True)
    until = UnicodeAttribute(range_key=True)  # ISO UTC time the alert stops being shown


class Alert(Model):
    Meta = meta("alerts")

    alert_id = UnicodeAttribute(hash_key=True)
    topic = UnicodeAttribute()
    severity = UnicodeAttribute(default="warning")  # info | warning | danger
    title_el = UnicodeAttribute()
    title_en = UnicodeAttribute()
    text_el = UnicodeAttribute()
    text_en = UnicodeAttribute()
    channels = ListAttribute(of=UnicodeAttribute, default=list)  # "email", "sms"
    board = UnicodeAttribute(default=BOARD)
    starts = UnicodeAttribute()  # ISO UTC
    until = UnicodeAttribute()  # ISO UTC
    created_by = UnicodeAttribute()
    created_key = UnicodeAttribute()
    created_at = CreatedAt()
    # delivery: "sending" while citizens remain, then "done" (or "withdrawn"); the cursor is the
    # subscriptions Query's last evaluated key
    delivery = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="sending")  # one of ALERT_STATUSES
    cursor = JSONAttribute(null=True)
    batches = NumberAttribute(default=0)
    recipients = NumberAttribute(default=0)
    messages = NumberAttribute(default=0)
    finished_at = UTCDateTimeAttribute(null=True)

    by_delivery = AlertsByDelivery()
    by_board = AlertsByBoard()


class TopicSubscription(Model):
    Meta = meta("alert_subscriptions")

    topic = UnicodeAttribute(hash_key=True)
    taxid = UnicodeAttribute(range_key=True)
    created_at = CreatedAt()
