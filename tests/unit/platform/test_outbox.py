"""The outbox: every message written once before it is sent, sent at most once per record."""

from __future__ import annotations

import pytest
from moto.backends import get_backend

from app import app
from chalicelib.aws import client
from chalicelib.models.citizens import Citizen
from chalicelib.models.outbox import OutboxMessage
from chalicelib.services.platform import notifications
from chalicelib.settings import get_settings
from tests.events import FakeContext, stream_event, stream_record


@pytest.fixture
def ses_sender(aws):
    client("ses").verify_email_identity(EmailAddress=get_settings().email_sender)


def _sent_emails():
    return get_backend("ses")["123456789012"]["eu-central-1"].sent_messages


def _sent_sms():
    return get_backend("sns")["123456789012"]["eu-central-1"].sms_messages


def test_enqueue_twice_writes_once(aws):
    # GIVEN one message's source, kind and recipient
    args = dict(source="appointments#A1#1", kind="appointment.booked", channel="email",
                recipient="m@example.gr", subject="s", body="b")
    # WHEN it is enqueued twice; THEN only the first writes a row
    assert notifications.enqueue(**args) is True
    assert notifications.enqueue(**args) is False


def test_outbox_record_delivered_twice_sends_once(ses_sender):
    # GIVEN one pending email in the outbox
    notifications.enqueue(source="s1", kind="k", channel="email", recipient="m@example.gr",
                          subject="Γεια", body="Κείμενο")
    row = next(iter(OutboxMessage.by_day.query(OutboxMessage.get(
        notifications.message_key("s1", "k", "email", "m@example.gr")).day)))
    record = stream_record(row, event_name="INSERT")
    handler = app.handler_map["table_stream"]
    # WHEN the stream delivers the same record twice
    first = handler(stream_event([record]), FakeContext())
    second = handler(stream_event([record]), FakeContext())
    # THEN one email went out and the row says sent
    assert first == {"batchItemFailures": []} and second == {"batchItemFailures": []}
    assert len(_sent_emails()) == 1
    assert OutboxMessage.get(row.message_id).status == "sent"


def test_sms_goes_through_sns(aws):
    # GIVEN one pending SMS
    notifications.enqueue(source="s2", kind="k", channel="sms", recipient="+306912345678", body="Σειρά σας")
    key = notifications.message_key("s2", "k", "sms", "+306912345678")
    # WHEN it is delivered twice; THEN SNS sends it once and the row keeps when
    assert notifications.deliver(key) == "sent"
    assert notifications.deliver(key) == "skipped"
    assert [body for _phone, body, *_ in _sent_sms().values()] == ["Σειρά σας"]
    assert OutboxMessage.get(key).sent_at is not None


def test_failed_send_is_recorded_not_retried(aws):
    # GIVEN an email from an unverified sender (SES refuses it)
    notifications.enqueue(source="s3", kind="k", channel="email", recipient="x@example.gr", subject="s", body="b")
    key = notifications.message_key("s3", "k", "email", "x@example.gr")
    # WHEN delivered twice
    assert notifications.deliver(key) == "failed"
    assert notifications.deliver(key) == "skipped"
    # THEN it is marked failed with the reason
    row = OutboxMessage.get(key)
    assert row.status == "failed" and row.error


def test_notify_citizen_follows_channels_and_language(aws):
    # GIVEN a citizen who reads English and takes email and SMS
    citizen = Citizen("123456789", first_name="A", last_name="B", email="a@b.gr", mobile="+306900000000",
                      language="en", notify_email=True, notify_sms=True)
    # WHEN notified
    n = notifications.notify_citizen(citizen, source="x#1", kind="k", subject={"el": "Θέμα", "en": "Subject"},
                                     text={"el": "Ελληνικά", "en": "English"})
    # THEN one message per channel, in English; a second notice of the same source writes nothing
    assert n == 2
    email = OutboxMessage.get(notifications.message_key("x#1", "k", "email", "a@b.gr"))
    assert (email.subject, email.body) == ("Subject", "English")
    assert notifications.notify_citizen(citizen, source="x#1", kind="k", text="again") == 0


def test_email_with_attachment_is_sent_raw(ses_sender):
    # GIVEN an email with a calendar attachment
    notifications.enqueue(source="s4", kind="k", channel="email", recipient="m@example.gr", subject="s",
                          body="b", attachments=[{"filename": "a.ics", "content_type": "text/calendar",
                                                  "content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}])
    # WHEN delivered; THEN it goes out as a raw email carrying the attachment
    assert notifications.deliver(notifications.message_key("s4", "k", "email", "m@example.gr")) == "sent"
    raw = _sent_emails()[0].raw_data
    assert "a.ics" in raw
