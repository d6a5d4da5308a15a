"""The stream router (partial batch failure) and the outbox (at most once per record)."""

from __future__ import annotations

import pytest

from tests.events import FakeContext, stream_event, stream_record


@pytest.fixture
def ses_sender(aws):
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    client("ses").verify_email_identity(EmailAddress=get_settings().email_sender)


def _sent_emails():
    from moto.backends import get_backend

    return get_backend("ses")["123456789012"]["eu-central-1"].sent_messages


def _sent_sms():
    from moto.backends import get_backend

    return get_backend("sns")["123456789012"]["eu-central-1"].sms_messages


def _outbox_row(**over):
    from chalicelib.models.outbox import OutboxMessage

    return OutboxMessage.get(over["message_id"])


def test_enqueue_twice_writes_once(aws):
    from chalicelib.services.platform import notifications

    args = dict(source="appointments#A1#1", kind="appointment.booked", channel="email",
                recipient="m@example.gr", subject="s", body="b")
    assert notifications.enqueue(**args) is True
    assert notifications.enqueue(**args) is False


def test_outbox_record_delivered_twice_sends_once(ses_sender):
    # GIVEN one pending email in the outbox
    from app import app
    from chalicelib.models.outbox import OutboxMessage
    from chalicelib.services.platform import notifications

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
    from chalicelib.models.outbox import OutboxMessage
    from chalicelib.services.platform import notifications

    notifications.enqueue(source="s2", kind="k", channel="sms", recipient="+306912345678", body="Σειρά σας")
    key = notifications.message_key("s2", "k", "sms", "+306912345678")
    assert notifications.deliver(key) == "sent"
    assert notifications.deliver(key) == "skipped"
    assert [body for _phone, body, *_ in _sent_sms().values()] == ["Σειρά σας"]
    assert OutboxMessage.get(key).sent_at is not None


def test_failed_send_is_recorded_not_retried(aws):
    # GIVEN an email from an unverified sender (SES refuses it)
    from chalicelib.models.outbox import OutboxMessage
    from chalicelib.services.platform import notifications

    notifications.enqueue(source="s3", kind="k", channel="email", recipient="x@example.gr", subject="s", body="b")
    key = notifications.message_key("s3", "k", "email", "x@example.gr")
    # WHEN delivered twice
    assert notifications.deliver(key) == "failed"
    assert notifications.deliver(key) == "skipped"
    # THEN it is marked failed with the reason
    row = OutboxMessage.get(key)
    assert row.status == "failed" and row.error


def test_notify_citizen_follows_channels_and_language(aws):
    from chalicelib.models.citizens import Citizen
    from chalicelib.models.outbox import OutboxMessage
    from chalicelib.services.platform import notifications

    citizen = Citizen("123456789", first_name="A", last_name="B", email="a@b.gr", mobile="+306900000000",
                      language="en", notify_email=True, notify_sms=True)
    n = notifications.notify_citizen(citizen, source="x#1", kind="k", subject={"el": "Θέμα", "en": "Subject"},
                                     text={"el": "Ελληνικά", "en": "English"})
    assert n == 2
    email = OutboxMessage.get(notifications.message_key("x#1", "k", "email", "a@b.gr"))
    assert (email.subject, email.body) == ("Subject", "English")
    assert notifications.notify_citizen(citizen, source="x#1", kind="k", text="again") == 0


def test_email_with_attachment_is_sent_raw(ses_sender):
    from chalicelib.services.platform import notifications

    notifications.enqueue(source="s4", kind="k", channel="email", recipient="m@example.gr", subject="s",
                          body="b", attachments=[{"filename": "a.ics", "content_type": "text/calendar",
                                                  "content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}])
    assert notifications.deliver(notifications.message_key("s4", "k", "email", "m@example.gr")) == "sent"
    raw = _sent_emails()[0].raw_data
    assert "a.ics" in raw


def test_a_failing_consumer_reports_only_its_record(aws, monkeypatch):
    # GIVEN a table whose consumer fails on one record
    from app import app
    from chalicelib.models.citizens import Citizen
    from chalicelib.services.platform import stream_router as streams

    seen = []

    def consumer(record):
        taxid = record["dynamodb"]["Keys"]["taxid"]["S"]
        if taxid == "222222222":
            raise ValueError("poison")
        seen.append(taxid)

    monkeypatch.setitem(streams.CONSUMERS, "citizens", ["tests.unit.test_streams_and_outbox:_consumer"])
    monkeypatch.setattr(__import__("tests.unit.test_streams_and_outbox", fromlist=["_consumer"]),
                        "_consumer", consumer, raising=False)
    streams._resolved.clear()
    records = [stream_record(Citizen(t, first_name="a", last_name="b")) for t in
               ("111111111", "222222222", "333333333")]
    # WHEN the batch is handled
    result = app.handler_map["table_stream"](stream_event(records), FakeContext())
    streams._resolved.clear()
    # THEN only the poison record is reported, the others were processed
    assert result == {"batchItemFailures": [{"itemIdentifier": records[1]["dynamodb"]["SequenceNumber"]}]}
    assert seen == ["111111111", "333333333"]


def test_table_key_of_strips_the_stage_prefix():
    from chalicelib.services.platform.stream_router import table_key_of

    arn = "arn:aws:dynamodb:eu-central-1:1:table/dimotis-test-outbox/stream/2026"
    assert table_key_of(arn) == "outbox"
