"""The exposure sender: each overlapping visitor told once, whatever is delivered twice; an erased
visitor counted as failed; a failed message retried without a second send."""

from __future__ import annotations

import json
from datetime import timedelta

from chalicelib import clock
from chalicelib.models.visits import ExposureIncident
from chalicelib.services.platform import crypto
from chalicelib.services.visits import fanout, sender
from chalicelib.services.visits.scans import scan_pass
from tests.conftest import bearer
from tests.events import FakeContext, sqs_event, stream_event
from tests.unit.visits.support import (
    EMAIL,
    MOBILE,
    OTHER_EMAIL,
    approval_record,
    declare_approved,
    drain,
    outbox,
    register,
    yesterday,
)


def test_replaying_the_incident_record_and_the_messages_sends_nothing_twice(
    visit_env, client, make_staff, outbox_pipeline
):
    # GIVEN a visitor inside during the window (email and SMS) and one who came after it
    inside = register()
    after = register(name="Άλλος Επισκέπτης", email=OTHER_EMAIL, mobile=None)
    scan_pass("dimarxeio", inside, now=yesterday(9, 30))
    scan_pass("dimarxeio", inside, now=yesterday(10, 30))
    scan_pass("dimarxeio", after, now=yesterday(13))
    officer = make_staff("health_officer", None)

    # WHEN a health officer declares an exposure from 10:00 to 12:00 and a second one approves it
    incident_id = declare_approved(client, officer, make_staff("health_officer", None))
    record = approval_record(incident_id)
    # AND the incident's stream record of the approval is delivered twice
    for _ in range(2):
        out = client.lambda_.invoke("table_stream", stream_event([record]))
        assert out.payload == {"batchItemFailures": []}
    messages = drain(visit_env["queue_url"])
    # THEN one message went on the queue, naming the pass id only
    assert [json.loads(r["body"]) for r in messages] == [{"incident_id": incident_id, "pass_id": inside}]

    # WHEN the SQS messages are delivered twice, once as a duplicate inside the same batch
    for _ in range(2):
        out = client.lambda_.invoke("exposure_sender", sqs_event(messages + messages))
        assert out.payload == {"batchItemFailures": []}
    # AND the outbox sends, its stream records and queue messages each delivered twice too
    outbox_pipeline.run(twice=True)

    # THEN the overlapping visitor got one email and one SMS, the other nothing
    assert [m.destinations["ToAddresses"] for m in outbox_pipeline.sent_emails()] == [[EMAIL]]
    assert [phone for phone, _ in outbox_pipeline.sent_sms()] == [MOBILE]
    rows = outbox("visits.exposure")
    assert sorted(r["channel"]["S"] for r in rows) == ["email", "sms"]
    assert all(r["status"]["S"] == "sent" for r in rows)
    # AND the outbox rows hold the addresses only sealed
    assert EMAIL not in str(rows) and "6912345678" not in str(rows)
    # AND the outbox row expires with the visit log, not after the outbox's 90 days
    assert all(int(r["expires_at"]["N"]) < (clock.utcnow() + timedelta(days=15)).timestamp() for r in rows)
    # AND the counts say so, done
    detail = json.loads(
        client.http.get(f"/api/staff/visits/incidents/{incident_id}", headers=bearer(officer)).body
    )
    assert detail["counts"] == {"matched": 1, "queued": 1, "sent": 1, "failed": 0}
    assert detail["status"] == "done"


def test_an_erased_visitor_is_not_told_and_counts_as_failed(visit_env, client, make_staff):
    # GIVEN an overlapping visitor who then deletes the registration
    pass_id = register()
    scan_pass("dimarxeio", pass_id, now=yesterday(11))
    resp = client.http.delete(f"/api/visits/passes/{pass_id}")
    assert resp.status_code == 200
    assert client.http.get(f"/api/visits/passes/{pass_id}").status_code == 404
    # WHEN an exposure is declared and fanned out
    incident_id = declare_approved(client, make_staff("health_officer", None), make_staff("admin", None))
    fanout.fan_out(incident_id)
    for r in drain(visit_env["queue_url"]):
        sender.send_one(incident_id, json.loads(r["body"])["pass_id"])
    # THEN nothing was sent, and the incident counts one failure
    assert outbox("visits.exposure") == []
    incident = ExposureIncident.get(incident_id)
    assert (incident.matched, incident.sent, incident.failed, incident.status) == (1, 0, 1, "done")


def test_a_failed_message_is_reported_and_retried_without_a_second_send(
    visit_env, client, make_staff, monkeypatch
):
    # GIVEN one overlapping visitor with an email, and the incident's message on the queue
    pass_id = register(mobile=None)
    scan_pass("dimarxeio", pass_id, now=yesterday(11))
    incident_id = declare_approved(client, make_staff("health_officer", None), make_staff("admin", None))
    fanout.fan_out(incident_id)
    messages = drain(visit_env["queue_url"])
    real = crypto.open_sealed

    def kms_down(*a, **k):
        raise RuntimeError("KMS unavailable")

    # WHEN KMS fails on the first delivery
    monkeypatch.setattr(crypto, "open_sealed", kms_down)
    out = sender.handle_sqs_batch(sqs_event(messages), FakeContext())
    # THEN the message is reported failed (SQS delivers it again)
    assert out == {"batchItemFailures": [{"itemIdentifier": messages[0]["messageId"]}]}
    # AND the retry sends once
    monkeypatch.setattr(crypto, "open_sealed", real)
    assert sender.handle_sqs_batch(sqs_event(messages), FakeContext()) == {"batchItemFailures": []}
    assert sender.handle_sqs_batch(sqs_event(messages), FakeContext()) == {"batchItemFailures": []}
    assert len(outbox("visits.exposure")) == 1
