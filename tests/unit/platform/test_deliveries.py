"""The delivery page: what became of the messages, counted per day and status, the newest listed
with masked addresses and no text, for administrators."""

from __future__ import annotations

from chalicelib.services.platform import notifications
from tests.conftest import bearer


def test_the_delivery_page_counts_each_outcome_and_lists_messages_masked(outbox_pipeline, client, make_staff):
    # GIVEN an e-mail that goes, one SES refuses, an SMS to a foreign number, and a throttled SMS
    notifications.enqueue(source="a", kind="appointment.booked", channel="email",
                          recipient="maria@example.gr", subject="S", body="Secret body text")
    notifications.enqueue(source="b", kind="request.update", channel="email",
                          recipient="bounce@example.gr", subject="S", body="b")
    notifications.put_message(source="c", kind="queue.soon", channel="sms", recipient="+447700900123", body="x")
    notifications.enqueue(source="d", kind="queue.called", channel="sms", recipient="+306912345678", body="x")
    outbox_pipeline.refuse("ses", "SendEmail", lambda n: "MessageRejected" if n == 2 else None)
    outbox_pipeline.refuse("sns", "Publish", lambda n: "Throttled" if n == 1 else None)
    outbox_pipeline.run()
    admin = bearer(make_staff("admin", "kep"))
    # WHEN an administrator opens the delivery page
    resp = client.http.get("/api/admin/messages", headers=admin)
    # THEN today counts 4 written: 2 sent, 1 failed, 1 blocked, 1 retry, nothing waiting
    assert resp.status_code == 200, resp.json_body
    body = resp.json_body
    today = body["days"][0]["counts"]
    assert {k: today[k] for k in ("queued", "sent", "failed", "blocked", "retried", "waiting")} == {
        "queued": 4, "sent": 2, "failed": 1, "blocked": 1, "retried": 1, "waiting": 0,
    }
    assert body["totals"]["sent"] == 2 and len(body["days"]) == 7
    # AND the newest messages, with masked addresses and no text
    listed = {m["kind"]: m for m in body["messages"]}
    assert listed["appointment.booked"]["recipient"] == "m***@example.gr"
    assert listed["queue.called"]["recipient"] == "+3069******78" and listed["queue.called"]["attempts"] == 2
    assert "maria@example.gr" not in resp.body.decode() and "Secret body" not in resp.body.decode()
    assert "+306912345678" not in resp.body.decode()
    # AND the month's SMS budget
    assert body["sms"]["used_parts"] == 1 and body["sms"]["spent"] is False
    # WHEN only the failed ones are asked for; THEN the one SES refused, with the error
    failed = client.http.get("/api/admin/messages?status=failed", headers=admin).json_body["messages"]
    assert [(m["kind"], m["status"]) for m in failed] == [("request.update", "failed")]
    assert "MessageRejected" in failed[0]["error"]


def test_only_administrators_see_the_delivery_page(aws, client, make_staff):
    # GIVEN a manager; WHEN they open the delivery page; THEN 403
    resp = client.http.get("/api/admin/messages", headers=bearer(make_staff("manager", "kep")))
    assert resp.status_code == 403
