"""A visitor's pass by e-mail and SMS: nobody can make the municipality message a number more than
the daily allowance, foreign numbers get nothing, the address is never in clear text in the outbox,
and deleting the registration leaves nothing that holds the contact."""

from __future__ import annotations

import json

from chalicelib.models import all_models
from chalicelib.services import visits
from chalicelib.services.visits.scans import scan_pass
from tests.unit.visits.support import (
    ADMIN,
    EMAIL,
    MOBILE,
    NAME,
    declare_approved,
    drain,
    raw_items,
    yesterday,
)

REGISTRATIONS = 1000


def _register(client, **body):
    body = {"name": NAME, "consent": True, **body}
    return client.http.post(
        "/api/visits/registrations", body=json.dumps(body), headers={"Content-Type": "application/json"}
    )


def test_a_thousand_anonymous_registrations_to_one_number_send_at_most_the_daily_allowance(
    visit_env, outbox_pipeline
):
    # GIVEN the default allowance of 3 messages a day to one number from anonymous flows
    # WHEN 1,000 visitors register alone, each asking for the pass by SMS to the same number
    answers = [
        visits.register(name=f"{NAME} {n}", mobile="6912345678", consent=True, send_pass=["sms"])
        for n in range(REGISTRATIONS)
    ]
    outbox_pipeline.run()
    # THEN 3 SMS went out, and every other answer says the pass was not sent: the daily limit
    assert [phone for phone, _ in outbox_pipeline.sent_sms()] == [MOBILE] * 3
    assert [a["sent"] for a in answers[:3]] == [["sms"]] * 3
    assert all(a["sent"] == [] for a in answers[3:])
    assert all(a["not_sent"] == [{"channel": "sms", "reason": "daily_limit"}] for a in answers[3:])
    # AND every registration itself went through
    assert len({a["pass_id"] for a in answers}) == REGISTRATIONS


def test_registrations_with_a_foreign_number_are_refused_and_send_nothing(visit_env, client, outbox_pipeline):
    # GIVEN numbers outside the countries allowed (default: Greek mobiles): UK, US, a Greek landline
    numbers = ["+447700900123", "+12025550123", "+302101234567"]
    # WHEN 1,000 registrations ask for the pass by SMS to them
    answers = [_register(client, mobile=numbers[n % 3], send_pass=["sms"]) for n in range(REGISTRATIONS)]
    outbox_pipeline.run()
    # THEN each is refused with 409 mobile_not_allowed (on the mobile field), and no SMS went out
    assert {a.status_code for a in answers} == {409}
    assert {json.loads(a.body)["error"]["code"] for a in answers} == {"mobile_not_allowed"}
    assert {json.loads(a.body)["error"]["details"]["field"] for a in answers} == {"mobile"}
    assert outbox_pipeline.sent_sms() == [] and json.loads(raw_items("visitors", "outbox")) == []


def test_staff_registering_a_visitor_at_the_entrance_is_not_limited(visit_env, outbox_pipeline):
    # GIVEN the allowance used up for a number by anonymous registrations
    for _ in range(4):
        visits.register(name=NAME, mobile=MOBILE, consent=True, send_pass=["sms"])
    # WHEN staff register a visitor with that number at the entrance
    answer = visits.register(name=NAME, mobile=MOBILE, consent=True, send_pass=["sms"], staff=ADMIN)
    outbox_pipeline.run()
    # THEN their pass goes out (3 + 1 SMS in all)
    assert answer["sent"] == ["sms"] and len(outbox_pipeline.sent_sms()) == 4


def test_the_pass_messages_hold_the_address_only_sealed_and_are_sent_to_it(visit_env, outbox_pipeline):
    # GIVEN a visitor who asks for the pass by e-mail and SMS
    answer = visits.register(name=NAME, email=EMAIL, mobile=MOBILE, consent=True, send_pass=["email", "sms"])
    # THEN the outbox holds neither address in clear text (nor the name)
    stored = raw_items("outbox")
    for secret in (EMAIL, MOBILE, "6912345678", NAME):
        assert secret not in stored
    # WHEN the outbox sends; THEN the pass reaches the visitor's e-mail and mobile, once each
    outbox_pipeline.run(twice=True)
    assert answer["sent"] == ["email", "sms"] and answer["not_sent"] == []
    assert [set(m.destinations) for m in outbox_pipeline.sent_emails()] == [{EMAIL}]
    assert [phone for phone, _ in outbox_pipeline.sent_sms()] == [MOBILE]


def test_after_deleting_a_registration_no_row_in_any_table_holds_its_contact(
    visit_env, client, make_staff, outbox_pipeline
):
    # GIVEN a visitor who got the pass by e-mail and SMS and was then told of an exposure
    answer = visits.register(name=NAME, email=EMAIL, mobile=MOBILE, consent=True, send_pass=["email", "sms"])
    pass_id = answer["pass_id"]
    scan_pass("dimarxeio", pass_id, now=yesterday(11))
    incident_id = declare_approved(client, make_staff("health_officer", None), make_staff("admin", None))
    visits.fan_out(incident_id)
    for record in drain(visit_env["queue_url"]):
        visits.send_one(incident_id, json.loads(record["body"])["pass_id"])
    outbox_pipeline.run()
    assert len(outbox_pipeline.sent_emails()) == 2 and len(outbox_pipeline.sent_sms()) == 2
    # WHEN the visitor deletes the registration
    assert client.http.delete(f"/api/visits/passes/{pass_id}").status_code == 200
    # THEN no item of any table holds the contact, the name or the pass's messages
    everything = raw_items(*(m.Meta.table_key for m in all_models()))
    for secret in (EMAIL, MOBILE, "6912345678", NAME, f"visitor#{pass_id}", f"/pass/{pass_id}"):
        assert secret not in everything, secret
