"""What keeps messages from being abused or from hurting the sender's standing: SES bounces and
complaints suppress an address (and the citizen is told), the month's SMS budget stops SMS (the
administrators are warned once, e-mail carries on), and anonymous flows get a few messages a day
per address."""

from __future__ import annotations

import json

import pytest

import manage
from app import app
from chalicelib.models.citizens import Citizen
from chalicelib.models.org import Employee
from chalicelib.services.platform import addresses, notifications, sms_budget, suppression
from chalicelib.settings import reset_settings
from tests.conftest import bearer
from tests.events import FakeContext, ses_notification, sns_envelope, sqs_event, sqs_record
from tests.unit.outbox_pipeline import rows

MARIA = "maria@example.gr"


def _feedback(*messages, raw: bool = False):
    """SES notifications as the ses_feedback queue delivers them (in the SNS envelope unless raw)."""
    records = [sqs_record(m if raw else sns_envelope(m), queue="ses_feedback") for m in messages]
    return app.handler_map["ses_feedback"](sqs_event(records), FakeContext())


# -- suppression -------------------------------------------------------------------------------
def test_a_permanent_bounce_suppresses_the_address_and_nothing_more_goes_to_it(outbox_pipeline):
    # GIVEN a permanent bounce for Maria's address, delivered twice (once raw)
    bounce = ses_notification("bounce", "Maria@Example.gr")
    assert _feedback(bounce) == {"batchItemFailures": []}
    assert _feedback(bounce, raw=True) == {"batchItemFailures": []}
    # WHEN a message to her is enqueued and the outbox runs
    outcome = notifications.put_message(source="s1", kind="k", channel="email", recipient=MARIA, body="b")
    outbox_pipeline.run()
    # THEN it is written suppressed, without the address, and nothing went out
    assert outcome == "suppressed" and outbox_pipeline.sent_emails() == []
    (row,) = rows()
    assert row.status == "suppressed" and row.recipient is None and row.recipient_mask == "m***@example.gr"
    # AND the suppression list holds the address only as an HMAC
    item = suppression.find("email", MARIA)
    assert (item.reason, item.detail, item.events) == ("bounce", "Permanent/General", 2)
    assert MARIA not in json.dumps(item.attribute_values, default=str)


def test_a_transient_bounce_suppresses_nothing_and_a_complaint_does(aws):
    # GIVEN a transient bounce for one address and a complaint from another
    _feedback(ses_notification("bounce", "full@example.gr", bounceType="Transient", bounceSubType="MailboxFull"))
    _feedback(ses_notification("complaint", "angry@example.gr"))
    # THEN only the complaint suppresses
    assert not suppression.is_suppressed("email", "full@example.gr")
    assert suppression.find("email", "angry@example.gr").reason == "complaint"


def test_a_suppression_that_arrives_after_the_message_was_written_still_stops_it(outbox_pipeline):
    # GIVEN a message written to Maria, then a complaint from her before it is sent
    notifications.put_message(source="s1", kind="k", channel="email", recipient=MARIA, body="b")
    _feedback(ses_notification("complaint", MARIA))
    # WHEN the outbox runs; THEN the sender skips it and marks it suppressed
    outbox_pipeline.run()
    assert outbox_pipeline.sent_emails() == []
    assert [r.status for r in rows()] == ["suppressed"]


def test_the_profile_says_the_address_is_suppressed_and_why(client, make_citizen):
    # GIVEN Maria, whose address bounced
    token = make_citizen("123456789", email=MARIA)
    _feedback(ses_notification("bounce", MARIA))
    # WHEN she reads her profile
    resp = client.http.get("/api/me", headers=bearer(token))
    # THEN it says her e-mail is suppressed because it bounced, and since when
    assert resp.status_code == 200
    (entry,) = resp.json_body["suppressed"]
    assert (entry["channel"], entry["reason"], entry["detail"]) == ("email", "bounce", "Permanent/General")
    # AND once she gives another address, nothing is suppressed
    resp = client.http.put(
        "/api/me", headers={**bearer(token), "Content-Type": "application/json"},
        body=json.dumps({"email": "maria.new@example.gr"}),
    )
    assert resp.status_code == 200 and resp.json_body["suppressed"] == []


def test_an_operator_lifts_a_suppression_once_the_mailbox_works(aws, monkeypatch, tmp_path, capsys):
    # GIVEN Maria's suppressed address, and no running local stack to point the command at
    monkeypatch.setenv("DIMOTIS_STACK_STATE", str(tmp_path / "none.json"))
    _feedback(ses_notification("bounce", MARIA))
    # WHEN an operator lifts it; THEN mail goes to her again, and the command names her masked
    assert manage.main(["unsuppress", MARIA]) == 0
    assert not suppression.is_suppressed("email", MARIA)
    assert capsys.readouterr().out.strip() == "lifted m***@example.gr"
    # AND lifting it again says there was nothing to lift
    assert manage.main(["unsuppress", MARIA]) == 1


# -- the monthly SMS budget --------------------------------------------------------------------
@pytest.fixture
def admins(aws):
    for n, (role, active) in enumerate((("admin", True), ("admin", False), ("clerk", True))):
        Employee(f"E{n}", username=f"u{n}", full_name="X", email=f"{role}{n}@municipality.gr",
                 department_id="kep", role=role, active=active).save()


def test_when_the_budget_is_spent_sms_stop_admins_are_warned_once_and_email_carries_on(
    outbox_pipeline, admins, monkeypatch
):
    # GIVEN a budget of 4 SMS parts a month, warned at 50%
    monkeypatch.setenv("DIMOTIS_SMS_MONTHLY_PARTS", "4")
    monkeypatch.setenv("DIMOTIS_SMS_BUDGET_WARN_PERCENT", "50")
    reset_settings()
    citizens = [
        Citizen(f"10000000{n}", first_name="A", last_name="B", email=f"c{n}@example.gr",
                mobile=f"+30690000000{n}", notify_email=True, notify_sms=True)
        for n in range(6)
    ]
    # WHEN six citizens are told something by e-mail and SMS, and the outbox runs
    for n, citizen in enumerate(citizens):
        notifications.notify_citizen(citizen, source=f"x#{n}", kind="k", text="Γεια", sms="Γεια")
    outbox_pipeline.run()
    # THEN 4 SMS went out and the others are over_budget; every e-mail went out
    assert len(outbox_pipeline.sent_sms()) == 4
    sms_rows = sorted(r.status for r in rows("k") if r.channel == "sms")
    assert sms_rows == ["over_budget"] * 2 + ["sent"] * 4
    assert sorted(r.status for r in rows("k") if r.channel == "email") == ["sent"] * 6
    # AND the active administrator got one warning at half the budget and one when it was spent
    assert sorted((r.source.rsplit("#", 1)[1], r.recipient, r.status) for r in rows("sms_budget.warning")) == [
        ("near", "admin0@municipality.gr", "sent"),
        ("spent", "admin0@municipality.gr", "sent"),
    ]
    # AND the month says so; a later SMS is written over_budget at once
    assert sms_budget.status()["spent"] is True
    assert notifications.put_message(source="y", kind="k", channel="sms", recipient="+306900000009",
                                     body="x") == "over_budget"


def test_parts_given_back_when_the_provider_proves_nothing_was_sent(outbox_pipeline, monkeypatch):
    # GIVEN a budget of 2 parts and SNS that refuses an invalid number once
    monkeypatch.setenv("DIMOTIS_SMS_MONTHLY_PARTS", "2")
    reset_settings()
    outbox_pipeline.refuse("sns", "Publish", lambda n: "InvalidParameter" if n == 1 else None)
    for n in range(3):
        notifications.enqueue(source=f"s{n}", kind="k", channel="sms", recipient=f"+30690000000{n}", body="x")
    # WHEN the outbox runs
    outbox_pipeline.run()
    # THEN the refused SMS used no part: the two others went out within the budget
    assert sorted(r.status for r in rows()) == ["failed", "sent", "sent"]
    assert sms_budget.status()["used_parts"] == 2


# -- anonymous flows ---------------------------------------------------------------------------
def test_an_address_gets_a_few_messages_a_day_from_anonymous_flows_and_a_repeat_counts_nothing(aws):
    # GIVEN the default allowance (3 a day)
    def anonymous(n: int, recipient: str = "Someone@Example.gr") -> str:
        return notifications.put_message(source=f"open311#{n}", kind="k", channel="email",
                                         recipient=recipient, body="b", anonymous=True)

    # WHEN the same message is written twice, then four others to the same address (in other case)
    outcomes = [anonymous(0), anonymous(0), anonymous(1), anonymous(2), anonymous(3)]
    # THEN the repeat counted nothing: 3 go, the 4th is limited; another address still gets one
    assert outcomes == ["pending", "duplicate", "pending", "pending", "limited"]
    assert anonymous(4, "other@example.gr") == "pending"
    # AND signed-in flows are not counted
    assert notifications.put_message(source="s", kind="k", channel="email", recipient="someone@example.gr",
                                     body="b") == "pending"


def test_masks_show_enough_to_recognise_an_address_and_no_more():
    assert addresses.mask("email", "maria@example.gr") == "m***@example.gr"
    assert addresses.mask("sms", "+306912345678") == "+3069******78"
    assert addresses.redact("Invalid parameter: PhoneNumber +30 691 234 5678 or a@b.gr") == (
        "Invalid parameter: PhoneNumber […] or […]"
    )
