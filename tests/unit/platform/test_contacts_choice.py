"""How to be told, chosen per booking, request and follow (the optional ``notify`` of their bodies):
messages go only to the chosen channels' verified contacts; none chosen, none sent (the booking or
request still goes through); an old client that sends no choice gets the profile's choices."""

from __future__ import annotations

import json

import pytest

from chalicelib.models.appointments import Appointment
from chalicelib.models.citizens import Citizen
from chalicelib.models.outbox import OutboxMessage
from chalicelib.models.requests import RequestType, TimelineEntry
from chalicelib.services import requests
from chalicelib.services.appointments import notices
from chalicelib.services.live_queue.appointments import find_by_reference
from chalicelib.services.platform import citizens
from chalicelib.services.platform.stream_router import handle_batch
from devstack.demo import requests as demo_requests
from tests.conftest import bearer
from tests.events import stream_event, stream_record
from tests.unit.appointments.helpers import ALL_WEEK, make_service, next_open_slot

A, B = "123456789", "987654321"
EMAIL, MOBILE = "maria@example.gr", "+306900000001"


@pytest.fixture
def world(client, make_citizen):
    """Maria: email and mobile verified, the profile choosing email only; Giannis: email verified,
    mobile typed but never confirmed. A service open every day and the demo request types."""
    make_service("svc-notify", capacity=5, max_per_day=5, hours=ALL_WEEK)
    demo_requests.seed()  # the request types (and a few demo requests)
    tokens = {
        A: make_citizen(A, email=EMAIL, mobile=MOBILE, notify_email=True, notify_sms=False),
        B: make_citizen(B, first_name="ΓΙΑΝΝΗΣ", email="giannis@example.gr", notify_sms=True),
    }
    citizens.update(B, {"mobile": "+306900000002"})  # typed on the profile, not confirmed
    return tokens


def _post(client, path, token, body, headers=None):
    hdrs = {"Content-Type": "application/json", **bearer(token), **(headers or {})}
    return client.http.post(path, headers=hdrs, body=json.dumps(body))


def _book(client, token, key, **fields):
    start = next_open_slot(client, token, "svc-notify", skip=int(key))
    resp = _post(
        client,
        "/api/appointments",
        token,
        {"service_id": "svc-notify", "start": start, **fields},
        {"Idempotency-Key": key},
    )
    assert resp.status_code == 201, resp.json_body
    return resp.json_body


def _confirmation_to(appointment_id: str) -> set[tuple[str, str]]:
    handle_batch(stream_event([stream_record(Appointment.get(appointment_id), event_name="INSERT")]))
    return {
        (m.channel, m.recipient)
        for m in OutboxMessage.scan()
        if m.source.startswith(f"appointments#{appointment_id}")
    }


def test_a_booking_is_confirmed_only_on_the_channels_chosen_for_it(world, client):
    # WHEN Maria books choosing SMS, then choosing nothing, then from an old client (no choice)
    by_sms = _book(client, world[A], "1", notify=["sms"])
    silent = _book(client, world[A], "2", notify=[])
    old = _book(client, world[A], "3")
    # THEN each answer says what was chosen, and every booking went through
    assert (by_sms["notify"], silent["notify"], old["notify"]) == (["sms"], [], None)
    # AND the confirmations follow the choice: SMS only, nothing, the profile's choice (email)
    assert _confirmation_to(by_sms["appointment_id"]) == {("sms", MOBILE)}
    assert _confirmation_to(silent["appointment_id"]) == set()
    assert _confirmation_to(old["appointment_id"]) == {("email", EMAIL)}
    # AND reminders follow it too
    silent_item = Appointment.get(silent["appointment_id"])
    assert notices._notify(silent_item, "appointment.reminder", "r#1", attach_ics=False) == 0
    # AND the queue's "you are next" SMS is sent only where SMS was not refused
    assert find_by_reference(by_sms["reference"]).mobile == MOBILE
    assert find_by_reference(silent["reference"]).mobile is None
    assert find_by_reference(old["reference"]).mobile == MOBILE


def test_a_chosen_channel_whose_contact_is_not_verified_gets_nothing(world, client):
    # WHEN Giannis books choosing SMS and email, his mobile never confirmed
    booked = _book(client, world[B], "4", notify=["sms", "email"])
    # THEN the confirmation goes to his verified email only
    assert _confirmation_to(booked["appointment_id"]) == {("email", "giannis@example.gr")}


def _tell(req, seq: int, action: str = "status") -> set[tuple[str, str]]:
    entry = TimelineEntry(
        req.request_id,
        seq,
        action=action,
        actor_kind="staff",
        status="resolved",
        public=True,
        at=req.created_at,
    )
    entry.save()
    handle_batch(stream_event([stream_record(entry, event_name="INSERT")]))
    source = f"request_timeline#{req.request_id}#{seq}"
    return {(m.channel, m.recipient) for m in OutboxMessage.scan() if m.source == source}


def test_a_request_and_its_followers_are_told_as_each_chose(world, client):
    # WHEN Maria files a report choosing SMS, and a request choosing nothing
    report = _post(
        client,
        "/api/requests",
        world[A],
        {
            "type_code": "pothole",
            "attributes": {"SIZE": "large"},
            "lat": 37.97,
            "lon": 23.73,
            "notify": ["sms"],
        },
    )
    private = _post(
        client, "/api/requests", world[A], {"type_code": "general", "description": "x", "notify": []}
    )
    assert report.status_code == 200 and private.status_code == 200
    assert (report.json_body["request"]["notify"], private.json_body["request"]["notify"]) == (["sms"], [])
    # AND Giannis follows the report choosing email
    followed = _post(
        client,
        "/api/requests/follow",
        world[B],
        {"protocol": report.json_body["request"]["protocol"], "notify": ["email"]},
    )
    assert followed.status_code == 200
    # THEN a change of the report reaches Maria by SMS and Giannis by email; the request, no one
    report_req = requests.get_request(report.json_body["request"]["request_id"])
    private_req = requests.get_request(private.json_body["request"]["request_id"])
    assert _tell(report_req, 2) == {("sms", MOBILE), ("email", "giannis@example.gr")}
    assert _tell(private_req, 2) == set()
    # AND unfollowing takes no choice
    gone = _post(client, "/api/requests/unfollow", world[B], {"protocol": report_req.protocol, "notify": []})
    assert gone.status_code == 400


def test_a_follower_from_an_old_client_gets_the_profile_choices(world, client):
    report = requests.submit(
        RequestType.get("pothole"),
        requester=requests.Requester(taxid=A, name="Μ"),
        actor=requests.Actor("citizen", "citizen"),
        channel="web",
        description="x",
        attributes={"SIZE": "small"},
        lat=37.97,
        lon=23.73,
        notify=[],
    )
    assert _post(client, "/api/requests/follow", world[B], {"protocol": report.protocol}).status_code == 200
    # Giannis's profile wants email and SMS; only the email is verified
    assert Citizen.get(B).notify_sms is True
    assert _tell(report, 2) == {("email", "giannis@example.gr")}
