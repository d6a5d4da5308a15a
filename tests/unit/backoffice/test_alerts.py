"""Broadcast alerts: subscriptions follow the citizens' profiles, an alert reaches each subscriber
once on the channels they chose, in rate-limited batches, and is shown on the site while current."""

from __future__ import annotations

import copy
import json

from chalicelib.models.alerts import Alert, TopicSubscription
from chalicelib.models.citizens import Citizen
from chalicelib.models.outbox import OutboxMessage
from chalicelib.schemas.alerts import ALERT_CREATE, ALERT_TOPICS
from chalicelib.services.backoffice import alerts
from chalicelib.services.platform import stream_router
from chalicelib.services.platform.staff_auth import StaffMember
from chalicelib.settings import reset_settings
from tests.conftest import bearer
from tests.events import scheduled_event, stream_event, stream_record

ADMIN = StaffMember(username="admin", sub="a", roles=("admin",), department_id=None)
ALERT = {
    "topic": "heatwave",
    "title": {"el": "Καύσωνας", "en": "Heatwave"},
    "text": {"el": "Κλιματιζόμενες αίθουσες ανοιχτές 10:00-20:00.", "en": "Cooled halls open 10:00-20:00."},
    "channels": ["email", "sms"],
    "hours": 48,
}


def _run(records):
    assert stream_router.handle_batch(stream_event(records)) == {"batchItemFailures": []}


def _citizens(n_subscribed=5):
    """Citizens with topics, their stream records replayed into the subscriptions."""
    records = []
    people = []
    for i in range(n_subscribed):
        c = Citizen(
            f"10000000{i}",
            first_name="Α",
            last_name="Β",
            email=f"c{i}@test.gr",
            mobile=f"+30690000000{i}",
            notify_email=True,
            notify_sms=(i % 2 == 0),
            topics="heatwave,snowfall",
            language="el" if i % 2 else "en",
        )
        c.save()
        people.append(c)
        records.append(stream_record(c))
    other = Citizen("200000000", first_name="Γ", last_name="Δ", email="other@test.gr", topics="snowfall")
    other.save()
    records.append(stream_record(other))
    _run(records)
    return people, other


def _outbox():
    return [m for m in OutboxMessage.scan() if m.kind == "alert.broadcast"]


def test_subscriptions_follow_the_citizens_topics(aws):
    # GIVEN two citizens subscribed to heatwave and snowfall, one other to snowfall only
    people, other = _citizens(2)
    # THEN heatwave's subscribers are the two
    assert {s.taxid for s in TopicSubscription.query("heatwave")} == {p.taxid for p in people}
    # WHEN a citizen drops heatwave THEN their subscription goes
    old = copy.deepcopy(people[0])
    people[0].topics = "snowfall"
    people[0].save()
    _run([stream_record(people[0], old)])
    assert {s.taxid for s in TopicSubscription.query("heatwave")} == {people[1].taxid}
    assert people[0].taxid in {s.taxid for s in TopicSubscription.query("snowfall")}


def test_an_alert_reaches_each_subscriber_once_in_rate_limited_batches(client, make_staff, monkeypatch):
    # GIVEN five subscribers and batches of two a minute
    monkeypatch.setenv("DIMOTIS_ALERT_BATCH_PER_MINUTE", "2")
    reset_settings()
    people, other = _citizens(5)
    admin = bearer(make_staff("admin", "kep"))
    # WHEN an admin composes a heatwave alert
    resp = client.http.post(
        "/api/admin/alerts", headers={**admin, "Content-Type": "application/json"}, body=json.dumps(ALERT)
    )
    assert resp.status_code == 200, resp.json_body
    alert = Alert.get(resp.json_body["alert_id"])
    # AND its stream record arrives (twice)
    record = stream_record(alert)
    _run([record, record])
    # THEN only the first batch of 2 citizens went out at once (the rate limit)
    assert len({m.recipient for m in _outbox() if m.channel == "email"}) == 2
    # WHEN the schedule fires until the alert is done
    for _ in range(5):
        client.lambda_.invoke("alerts_send", scheduled_event("alerts_send"))
    # THEN every subscriber got it once per chosen channel, the others nothing
    messages = _outbox()
    emails = sorted(m.recipient for m in messages if m.channel == "email")
    sms = sorted(m.recipient for m in messages if m.channel == "sms")
    assert emails == sorted(p.email for p in people)
    assert sms == sorted(p.mobile for p in people if p.notify_sms)
    assert "other@test.gr" not in emails
    english = next(m for m in messages if m.recipient == people[0].email)
    assert english.subject == "Heatwave"
    done = Alert.get(alert.alert_id)
    assert done.status == "done" and done.recipients == 5 and done.messages == len(messages)
    # AND replaying the record or the schedule sends nothing more
    _run([record])
    client.lambda_.invoke("alerts_send", scheduled_event("alerts_send"))
    assert len(_outbox()) == len(messages)


def test_current_alerts_are_public_and_withdrawn_ones_are_not(client, make_staff):
    admin = {**bearer(make_staff("admin", "kep")), "Content-Type": "application/json"}
    # WHEN an admin composes an alert shown only on the site
    created = client.http.post(
        "/api/admin/alerts", headers=admin, body=json.dumps({**ALERT, "channels": []})
    ).json_body
    # THEN anyone sees it, without the admin's fields
    current = client.http.get("/api/alerts").json_body["alerts"]
    assert [a["alert_id"] for a in current] == [created["alert_id"]]
    assert current[0]["title"] == ALERT["title"] and "channels" not in current[0]
    # WHEN it is withdrawn THEN it is gone from the site, a second withdrawal is a 409
    assert (
        client.http.post(f"/api/admin/alerts/{created['alert_id']}/withdraw", headers=admin).status_code
        == 200
    )
    assert client.http.get("/api/alerts").json_body["alerts"] == []
    assert (
        client.http.post(f"/api/admin/alerts/{created['alert_id']}/withdraw", headers=admin).status_code
        == 409
    )
    # AND the admins' list shows it withdrawn
    listed = client.http.get("/api/admin/alerts", headers=admin).json_body["alerts"]
    assert listed[0]["status"] == "withdrawn"


def test_only_admins_compose_and_bad_alerts_are_refused(client, make_staff):
    # WHEN a manager composes an alert THEN 403; an admin with an unknown topic THEN 400
    manager = {**bearer(make_staff("manager", "kep")), "Content-Type": "application/json"}
    assert client.http.post("/api/admin/alerts", headers=manager, body=json.dumps(ALERT)).status_code == 403
    admin = {**bearer(make_staff("admin", "kep")), "Content-Type": "application/json"}
    bad = {**ALERT, "topic": "aliens"}
    resp = client.http.post("/api/admin/alerts", headers=admin, body=json.dumps(bad))
    assert resp.status_code == 400 and resp.json_body["error"]["code"] == "validation_failed"
    # AND the topics offered are the ones the schema accepts
    topics = client.http.get("/api/alerts/topics").json_body["topics"]
    assert "waste_collection" in {t["topic"] for t in topics}
    assert [t["topic"] for t in topics] == list(ALERT_TOPICS) == ALERT_CREATE["properties"]["topic"]["enum"]


def test_a_batch_another_run_already_sent_is_not_counted_twice(aws, monkeypatch):
    """The cursor moves with a conditional update: a run that lost the race (its condition failed)
    leaves the counts to the run that won."""
    # GIVEN an alert being sent to one subscriber
    people, _ = _citizens(1)
    alert = alerts.create_alert(ADMIN, {**ALERT, "channels": ["email"]})
    # WHEN another run moves the alert on between our read and our update
    real_update = Alert.update

    def raced(self, actions, condition=None, **kwargs):
        winner = [Alert.batches.add(1), Alert.status.set("done")]
        real_update(Alert(self.alert_id), actions=winner)
        return real_update(self, actions=actions, condition=condition, **kwargs)

    monkeypatch.setattr(Alert, "update", raced)
    # THEN our batch is dropped quietly (its outbox rows were no-ops for the winner)
    assert alerts.send_batch(alert.alert_id) == 1
    monkeypatch.undo()
    done = Alert.get(alert.alert_id)
    assert (done.batches, done.status, done.recipients) == (1, "done", 0)
