"""A mobile typed at the kiosk: the ticket is issued whatever the number, keeps the number only
when its SMS can go, and the kiosk is told why not otherwise."""

from __future__ import annotations

import json

from chalicelib.models.queue import QueueTicket
from chalicelib.services.platform import notifications


def _take(client, mobile):
    return client.http.post(
        "/api/queue/points/kep-1/tickets",
        body=json.dumps({"queue_id": "kep-1-A", "mobile": mobile}),
        headers={"Content-Type": "application/json"},
    )


def test_a_greek_mobile_is_kept_for_the_tickets_sms(point, client):
    # WHEN a walk-in gives a Greek mobile without the country code
    resp = _take(client, "6912345678")
    # THEN the ticket keeps it in E.164 form and nothing is said against it
    assert resp.status_code == 200 and resp.json_body["not_sent"] == []
    assert QueueTicket.get(resp.json_body["ticket_id"]).mobile == "+306912345678"


def test_a_foreign_mobile_gets_the_ticket_without_sms_and_is_told_why(point, client):
    # WHEN a walk-in gives a UK mobile
    resp = _take(client, "+447700900123")
    # THEN the ticket is issued, keeps no number, and the answer says no SMS: country not allowed
    assert resp.status_code == 200
    assert resp.json_body["not_sent"] == [{"channel": "sms", "reason": "country_not_allowed"}]
    assert QueueTicket.get(resp.json_body["ticket_id"]).mobile is None


def test_a_number_whose_daily_allowance_is_used_gets_the_ticket_without_sms(point, client):
    # GIVEN a number that got its 3 messages of the day from anonymous flows
    for n in range(3):
        notifications.put_message(source=f"s{n}", kind="k", channel="sms", recipient="+306912345678",
                                  body="x", anonymous=True)
    # WHEN it is given at the kiosk; THEN the ticket comes without SMS: the daily limit
    resp = _take(client, "+306912345678")
    assert resp.status_code == 200
    assert resp.json_body["not_sent"] == [{"channel": "sms", "reason": "daily_limit"}]
    assert QueueTicket.get(resp.json_body["ticket_id"]).mobile is None
