"""The outbox: every message written once before it is sent, sent at most once, and not lost to a
throttled provider (stream -> SQS queue -> sender)."""

from __future__ import annotations

import io
import json

import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

from chalicelib.log import logger
from chalicelib.models.citizens import Citizen
from chalicelib.models.outbox import OutboxMessage
from chalicelib.services.platform import notifications, outbox_sender
from chalicelib.settings import reset_settings
from tests.unit.outbox_pipeline import rows


def _email(n: int | str = 1, **kw) -> bool:
    fields = dict(source=f"s#{n}", kind="k", channel="email", recipient=f"person{n}@example.gr",
                  subject="Θέμα", body="Κείμενο")
    return notifications.enqueue(**{**fields, **kw})


def _sms(n: int | str = 1, **kw) -> bool:
    fields = dict(source=f"s#{n}", kind="k", channel="sms", recipient=f"+3069{int(n):08d}", body="Σειρά σας")
    return notifications.enqueue(**{**fields, **kw})


def test_enqueue_twice_writes_once(aws):
    # GIVEN one message's source, kind and recipient
    # WHEN it is enqueued twice; THEN only the first writes a row
    assert _email() is True
    assert _email() is False
    assert len(rows()) == 1


def test_a_replayed_stream_record_and_a_message_delivered_twice_send_once(outbox_pipeline):
    # GIVEN one pending e-mail and one pending SMS
    _email()
    _sms(2)
    # WHEN the outbox stream delivers each record twice, and the queue each message twice
    outbox_pipeline.run(twice=True)
    # THEN one e-mail and one SMS went out, and the rows say sent after one attempt
    assert len(outbox_pipeline.sent_emails()) == 1
    assert len(outbox_pipeline.sent_sms()) == 1
    assert {(r.status, r.attempts) for r in rows()} == {("sent", 1)}
    assert all(r.sent_at is not None and r.provider_id for r in rows())


def test_when_ses_and_sns_throttle_every_other_call_every_message_goes_exactly_once(outbox_pipeline):
    # GIVEN 10 e-mails and 10 SMS, and providers that throttle every other call
    for n in range(10):
        _email(n)
        _sms(100 + n)
    outbox_pipeline.refuse("ses", "SendEmail", lambda n: "Throttling" if n % 2 else None)
    outbox_pipeline.refuse("sns", "Publish", lambda n: "Throttled" if n % 2 else None)
    # WHEN the pipeline runs until the queue is empty, every delivery made twice
    outbox_pipeline.run(twice=True)
    # THEN every message went out exactly once
    emails = [m.destinations["ToAddresses"][0] for m in outbox_pipeline.sent_emails()]
    assert sorted(emails) == sorted(f"person{n}@example.gr" for n in range(10))
    phones = [phone for phone, _ in outbox_pipeline.sent_sms()]
    assert sorted(phones) == sorted(f"+3069{100 + n:08d}" for n in range(10))
    # AND every row says sent; the throttled ones took another attempt
    assert {r.status for r in rows()} == {"sent"}
    assert max(r.attempts for r in rows()) >= 2


def test_an_error_that_proves_nothing_was_sent_is_retried_until_the_attempts_run_out(outbox_pipeline, monkeypatch):
    # GIVEN at most 3 attempts, and SES that is never reachable
    monkeypatch.setenv("DIMOTIS_OUTBOX_MAX_ATTEMPTS", "3")
    reset_settings()
    _email()
    outbox_pipeline.refuse("ses", "SendEmail", lambda n: EndpointConnectionError(endpoint_url="https://email"))
    # WHEN the pipeline runs
    outbox_pipeline.run()
    # THEN the message was tried 3 times and then marked failed, saying why
    (row,) = rows()
    assert (row.status, row.attempts) == ("failed", 3)
    assert "gave up after 3 attempts" in row.error and "EndpointConnectionError" in row.error
    assert outbox_pipeline.sent_emails() == []


def test_a_connection_refused_once_is_sent_on_the_next_attempt(outbox_pipeline):
    # GIVEN an SMS whose first call never reaches SNS
    _sms()
    outbox_pipeline.refuse("sns", "Publish", lambda n: EndpointConnectionError(endpoint_url="https://sns") if n == 1 else None)
    # WHEN the pipeline runs; THEN it goes out once, on the second attempt
    outbox_pipeline.run()
    assert len(outbox_pipeline.sent_sms()) == 1
    assert [(r.status, r.attempts) for r in rows()] == [("sent", 2)]


def test_an_error_after_the_request_went_out_is_never_resent_and_waits_for_an_operator(outbox_pipeline):
    # GIVEN SES that times out reading its answer (it may have sent the e-mail)
    calls = []
    outbox_pipeline.refuse("ses", "SendEmail", lambda n: calls.append(n) or ReadTimeoutError(endpoint_url="https://email"))
    _email()
    # WHEN the pipeline runs, and its records and messages are delivered again
    outbox_pipeline.run(twice=True)
    outbox_pipeline.stream_new_rows()
    # THEN the provider was called once, and the row is marked unknown with the error
    assert calls == [1]
    (row,) = rows()
    assert row.status == "unknown" and "ReadTimeoutError" in row.error
    # AND the schedule that requeues forgotten rows leaves it alone
    assert outbox_sender.requeue_waiting()["requeued"] == 0


def test_a_refused_message_is_failed_and_not_retried(outbox_pipeline, monkeypatch):
    # GIVEN an e-mail from a sender SES has not verified (SES refuses it)
    monkeypatch.setenv("DIMOTIS_EMAIL_SENDER", "unverified@example.gr")
    reset_settings()
    _email()
    # WHEN delivered twice; THEN it is marked failed with the reason, after one attempt
    outbox_pipeline.run(twice=True)
    (row,) = rows()
    assert (row.status, row.attempts) == ("failed", 1)
    assert "MessageRejected" in row.error


def test_a_message_given_up_or_of_unknown_outcome_is_logged_as_the_line_the_alarm_counts(outbox_pipeline, monkeypatch):
    # GIVEN an e-mail SES refuses (unverified sender) and an SMS whose answer SNS never gives
    monkeypatch.setenv("DIMOTIS_EMAIL_SENDER", "unverified@example.gr")
    reset_settings()
    _email()
    _sms(2)
    outbox_pipeline.refuse("sns", "Publish", lambda n: ReadTimeoutError(endpoint_url="https://sns"))
    handler = logger().registered_handler
    captured = io.StringIO()
    previous = handler.setStream(captured)
    # WHEN the sender handles them
    try:
        outbox_pipeline.run()
    finally:
        handler.setStream(previous)
    # THEN each was logged once with exactly the message infra's metric filter matches
    # ({ $.message = "outbox send failed" }), saying which outcome it was
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    failed = [line for line in lines if line["message"] == "outbox send failed"]
    assert sorted((line["outbox_status"], line["channel"]) for line in failed) == [("failed", "email"), ("unknown", "sms")]
    assert outbox_sender.FAILED_LOG_MESSAGE == "outbox send failed"
    # AND neither address is in the logs
    assert "person1@example.gr" not in captured.getvalue() and "6900000002" not in captured.getvalue()


def test_a_row_whose_queue_message_was_lost_is_put_back_by_the_schedule(outbox_pipeline):
    # GIVEN a pending row that never reached the queue, written long ago
    _email()
    (row,) = rows()
    outbox_pipeline.streamed.add(row.message_id)
    later = row.created_at + outbox_sender.timedelta(minutes=outbox_sender.STALE_MINUTES + 1)
    # WHEN the requeue schedule runs (twice) and the sender drains the queue
    assert outbox_sender.requeue_waiting(later)["requeued"] == 1
    assert outbox_sender.requeue_waiting(later)["requeued"] == 1
    outbox_pipeline.run()
    # THEN the e-mail went out once
    assert len(outbox_pipeline.sent_emails()) == 1
    assert rows()[0].status == "sent"


def test_an_sms_is_written_in_gsm_7_and_goes_out_in_one_part(outbox_pipeline):
    # GIVEN an SMS in Greek as people write it
    _sms(body="Το ραντεβού σας «Έκδοση πιστοποιητικού» κλείστηκε – Τρίτη 24/11, 09:30.")
    # WHEN it is sent
    outbox_pipeline.run()
    # THEN SNS got it in GSM 03.38 (unaccented capitals, Latin look-alikes), one part
    assert outbox_pipeline.sent_sms() == [
        ("+306900000001", 'TO PANTEBOY ΣAΣ "EKΔOΣH ΠIΣTOΠOIHTIKOY" KΛEIΣTHKE - TPITH 24/11, 09:30.')
    ]
    assert rows()[0].parts == 1


def test_an_email_with_an_attachment_is_sent_raw(outbox_pipeline):
    # GIVEN an e-mail with a calendar attachment
    _email(attachments=[{"filename": "a.ics", "content_type": "text/calendar",
                         "content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}])
    # WHEN sent; THEN it goes out as a raw e-mail carrying the attachment
    outbox_pipeline.run()
    assert "a.ics" in outbox_pipeline.sent_emails()[0].raw_data


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


@pytest.mark.parametrize("number", ["+447700900123", "+306912", "2101234567"])
def test_an_sms_to_a_number_outside_the_countries_allowed_is_blocked(outbox_pipeline, number):
    # GIVEN the default allow-list (Greek mobiles)
    # WHEN an SMS to a foreign mobile, a short number or a landline is enqueued and run
    assert notifications.put_message(source="s", kind="k", channel="sms", recipient=number, body="x") == "blocked"
    outbox_pipeline.run()
    # THEN nothing went out and the row holds no address
    assert outbox_pipeline.sent_sms() == []
    (row,) = rows()
    assert row.status == "blocked" and row.recipient is None


def test_the_pacer_spaces_sends_by_the_provider_rate_shared_by_the_senders(monkeypatch):
    # GIVEN SES at 14 e-mails a second, shared by the outbox queue's 2 senders, and a fake clock
    monkeypatch.setenv("DIMOTIS_SES_MAX_SEND_RATE", "14")
    reset_settings()
    now, waits = [100.0], []
    pacer = outbox_sender.Pacer(clock=lambda: now[0], sleep=lambda s: (waits.append(round(s, 3)), now.__setitem__(0, now[0] + s)))
    # WHEN three e-mails are paced, then one after a throttle
    for _ in range(3):
        pacer.wait("email")
    pacer.slow_down("email")
    pacer.wait("email")
    pacer.wait("email")
    # THEN each waits 2/14 s after the one before, twice that after the throttle
    assert waits == [0.143, 0.143, 0.143, 0.286]
