"""A citizen's own data: they download everything the municipality holds about them (profile,
contact choices, appointments, queue tickets, requests with their public timelines, follows, and
nothing internal or of anyone else), and close their account: appointments to come cancelled and
every appointment anonymised, requests kept under their protocol number without who filed them,
follows, counters, ticket mobiles and the profile gone, signed out; both in the audit log as the
citizen's own action, which names them by an HMAC only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib import clock
from chalicelib.aws import client as aws_client
from chalicelib.models import all_models
from chalicelib.models.alerts import TopicSubscription
from chalicelib.models.appointment_slots import Slot
from chalicelib.models.appointments import Appointment
from chalicelib.models.audit import AuditEntry
from chalicelib.models.citizens import Citizen
from chalicelib.models.queue import QueueTicket
from chalicelib.models.requests import CitizenRequest, RequestFollower, RequestType
from chalicelib.services import requests
from chalicelib.services.backoffice import alerts
from chalicelib.services.live_queue.checkin import ticket_id_for
from chalicelib.services.platform import audit, citizen_account, contacts, limits
from chalicelib.services.requests import changes, following
from tests.conftest import bearer
from tests.events import stream_record
from tests.unit.appointments.helpers import ALL_WEEK, make_service, next_open_slot
from tests.unit.requests.helpers import staff

A, B = "700000011", "700000022"
A_NAME, A_EMAIL, A_MOBILE = "ΑΝΑΣΤΑΣΙΑ ΚΛΕΙΣΙΜΟΥ", "anastasia.closing@example.gr", "+306944111222"
A_NEW_EMAIL = "anastasia.new@example.gr"  # being confirmed when she downloads or closes
INTERNAL = "Εσωτερική σημείωση: να ελεγχθεί το μητρώο"
PUBLIC_NOTE = "Το πιστοποιητικό ετοιμάζεται"
HEADERS = {"Content-Type": "application/json"}


def _request_types() -> None:
    for code, public, attributes in (
        ("pothole", True, []),
        ("birth-certificate", False, [{"code": "PERSON", "datatype": "string", "required": True}]),
    ):
        RequestType(
            code,
            name_el=code,
            name_en=code,
            group="g",
            group_el="g",
            group_en="g",
            department_id="roads" if public else "civil-registry",
            attributes=attributes,
            location="optional",
            public=public,
        ).save()


def _file(taxid: str, code: str, description: str, **kw):
    return requests.submit(
        requests.get_type(code),
        requester=requests.Requester(
            taxid=taxid, name=kw.pop("name", "ΚΑΠΟΙΟΣ"), email=kw.pop("email", None)
        ),
        actor=requests.Actor("citizen", "citizen"),
        channel="web",
        description=description,
        **kw,
    )


@pytest.fixture
def accounts(client, make_citizen):
    """Citizen A with a profile, a booked appointment to come, a completed one with its queue ticket,
    a private request with an internal and a public note, a public report, and a follow of B's
    report; citizen B with an appointment and that report."""
    make_service("svc-acc", capacity=1, max_per_day=2, hours=ALL_WEEK)
    _request_types()
    token_a = make_citizen(
        A,
        first_name="ΑΝΑΣΤΑΣΙΑ",
        last_name="ΚΛΕΙΣΙΜΟΥ",
        email=A_EMAIL,
        mobile=A_MOBILE,
        notify_email=True,
        notify_sms=True,
        topics="heatwave",
    )
    contacts.start(A, email=A_NEW_EMAIL)
    token_b = make_citizen(B, first_name="ΒΑΣΙΛΗΣ", last_name="ΜΕΝΩΝ", email="vasilis.stays@example.gr")
    start = next_open_slot(client, token_a, "svc-acc")
    booked = client.http.post(
        "/api/appointments",
        headers={**bearer(token_a), **HEADERS},
        body=json.dumps({"service_id": "svc-acc", "start": start, "subject": "Πιστοποιητικό της Αναστασίας"}),
    ).json_body
    b_start = next_open_slot(client, token_b, "svc-acc", skip=1)
    b_booked = client.http.post(
        "/api/appointments",
        headers={**bearer(token_b), **HEADERS},
        body=json.dumps({"service_id": "svc-acc", "start": b_start}),
    ).json_body
    past_at = clock.utcnow() - timedelta(days=3)
    past = Appointment(
        "acc-past-1",
        reference="ACC-PAST",
        taxid=A,
        citizen_name=A_NAME,
        service_id="svc-acc",
        department_id="kep",
        start=clock.local(past_at).strftime("%Y-%m-%dT%H:%M"),
        slot_start=past_at,
        slot_end=past_at + timedelta(minutes=15),
        subject="Βεβαίωση για την Αναστασία",
        notes="Φέρνω την ταυτότητα",
        status="completed",
        staff_comment="Εξυπηρετήθηκε η κ. Κλεισίμου",
        history=[
            {"status": "booked", "at": clock.iso(past_at), "by": "citizen"},
            {"status": "completed", "at": clock.iso(past_at), "by": "clerk.kep", "comment": "κ. Κλεισίμου"},
        ],
    )
    past.save()
    day = clock.local_day(past_at)
    QueueTicket(
        ticket_id_for("acc-past-1"),
        queue_id="kep-1-A",
        service_point_id="kep-1",
        department_id="kep",
        day=day,
        number=7,
        code="A007",
        kind="appointment",
        status="served",
        queue_day=f"kep-1-A#{day}",
        queue_day_status=f"kep-1-A#{day}#served",
        order_key="x",
        department_day=f"kep#{day}",
        issued_key="x",
        issued_at=past_at,
        appointment_id="acc-past-1",
        appointment_reference="ACC-PAST",
        mobile=A_MOBILE,
        mobile_day=day,
    ).save()
    private = _file(A, "birth-certificate", "Για τον γάμο μου", attributes={"PERSON": A_NAME}, email=A_EMAIL)
    clerk = staff("civil-registry", username="clerk.registry")
    changes.add_note(clerk, private.request_id, INTERNAL, public=False)
    changes.add_note(clerk, private.request_id, PUBLIC_NOTE, public=True)
    report = _file(A, "pothole", "Λακκούβα έξω από το σπίτι μου", lat=37.97, lon=23.73)
    b_report = _file(B, "pothole", "Λακκούβα του Βασίλη", lat=37.98, lon=23.74)
    following.follow(A, b_report.protocol)
    return {
        "a": token_a,
        "b": token_b,
        "booked": booked,
        "b_booked": b_booked,
        "private": private.request_id,
        "report": report.request_id,
        "b_report": b_report.request_id,
    }


def _every_item() -> str:
    """Every item of every table (a test may scan; the code never does)."""
    ddb = aws_client("dynamodb")
    items = {}
    for model in all_models():
        items[model.Meta.table_name] = ddb.scan(TableName=model.Meta.table_name)["Items"]
    return json.dumps(items, ensure_ascii=False)


def _audit_of(actor: str) -> list[AuditEntry]:
    return list(AuditEntry.by_actor.query(actor))


def test_a_citizen_downloads_everything_held_about_them_and_nothing_else(client, accounts):
    # WHEN citizen A asks for their data
    resp = client.http.get("/api/me/data", headers=bearer(accounts["a"]))
    # THEN it holds the profile as stored and the contact choices
    assert resp.status_code == 200, resp.body
    data = resp.json_body
    assert data["taxid"] == A and data["truncated"] == []
    assert (data["profile"]["email"], data["profile"]["mobile"], data["profile"]["last_name"]) == (
        A_EMAIL,
        A_MOBILE,
        "ΚΛΕΙΣΙΜΟΥ",
    )
    assert data["consents"] == {
        "notify_email": True,
        "notify_sms": True,
        "alert_topics": ["heatwave"],
        "language": "el",
        "verified_contacts": ["email", "sms"],
    }
    # AND the address she is confirming right now, without its code
    (pending,) = data["contacts_being_confirmed"]
    assert (pending["channel"], pending["address"], pending["attempts"]) == ("email", A_NEW_EMAIL, 0)
    assert "code_hash" not in pending
    # AND both appointments, with what she wrote, and the queue ticket of the one she checked in
    assert sorted(a["appointment_id"] for a in data["appointments"]) == sorted(
        ["acc-past-1", accounts["booked"]["appointment_id"]]
    )
    assert {a["subject"] for a in data["appointments"]} >= {"Πιστοποιητικό της Αναστασίας"}
    assert [(t["code"], t["mobile"]) for t in data["queue_tickets"]] == [("A007", A_MOBILE)]
    # AND her requests with their public timelines: the public note, never the internal one
    by_id = {r["request"]["request_id"]: r for r in data["requests"]}
    assert sorted(by_id) == sorted([accounts["private"], accounts["report"]])
    private = by_id[accounts["private"]]
    assert private["request"]["requester"]["email"] == A_EMAIL
    assert private["request"]["attributes"] == {"PERSON": A_NAME}
    notes = [e["note"] for e in private["timeline"] if e["note"]]
    assert notes == [PUBLIC_NOTE]
    # AND the report she follows, as followers see it
    assert [f["request_id"] for f in data["follows"]] == [accounts["b_report"]]
    # AND nothing internal, nothing of B's (the report she follows shows only what is public)
    text = json.dumps(data, ensure_ascii=False)
    for other in (
        INTERNAL,
        "clerk.registry",
        B,
        "ΒΑΣΙΛΗΣ",
        "vasilis.stays@example.gr",
    ):
        assert other not in text, other
    # AND the download is in the audit log as her own action, named by an HMAC, not her tax number
    (entry,) = _audit_of(f"citizen:{limits.subject_key(A)}")
    assert (entry.action, entry.role, entry.department_id) == ("citizen.export", "citizen", None)
    assert entry.after == {"appointments": 2, "queue_tickets": 1, "requests": 2, "follows": 1}
    assert A not in json.dumps(entry.attribute_values, default=str)


def test_closing_the_account_erases_the_person_and_keeps_the_archive(client, accounts):
    # GIVEN A's appointment to come holds a place in its slot
    booked = accounts["booked"]
    slot = Slot.get("svc-acc", booked["start"])
    assert int(slot.booked) == 1
    # WHEN A closes the account
    resp = client.http.post(
        "/api/me/close", headers={**bearer(accounts["a"]), **HEADERS}, body=b'{"confirm": true}'
    )
    # THEN it is done, signed out (the cookie cleared, the token refused)
    assert resp.status_code == 200, resp.body
    assert resp.json_body == {
        "closed": True,
        "appointments_cancelled": 1,
        "appointments_anonymised": 2,
        "requests_kept_without_you": 2,
        "follows_removed": 1,
    }
    assert "dimotis_session=;" in resp.headers["Set-Cookie"] and "Max-Age=0" in resp.headers["Set-Cookie"]
    assert client.http.get("/api/me", headers=bearer(accounts["a"])).status_code == 401
    # AND the appointment to come is cancelled and its place free again
    kept = Appointment.get(booked["appointment_id"])
    assert kept.status == "cancelled_by_citizen" and int(Slot.get("svc-acc", booked["start"]).booked) == 0
    # AND both appointments are kept for the calendar without the person or any free text
    for appointment_id in (booked["appointment_id"], "acc-past-1"):
        a = Appointment.get(appointment_id)
        assert a.taxid.startswith("erased:") and (a.citizen_name, a.subject, a.notes) == ("", "", "")
        assert a.staff_comment is None and all("comment" not in h and "reason" not in h for h in a.history)
    assert Appointment.get("acc-past-1").status == "completed"
    # AND the requests are kept under their protocol number, for their department, without A
    for request_id in (accounts["private"], accounts["report"]):
        req = CitizenRequest.get(request_id)
        assert (req.taxid, req.requester_name, req.contact_email, req.contact_phone) == (
            None,
            None,
            None,
            None,
        )
        assert req.protocol and requests.get_for_staff(staff("civil-registry", roles=("admin",)), request_id)
    assert CitizenRequest.get(accounts["private"]).attributes == {"PERSON": A_NAME}  # the document itself
    # AND the follow, the profile and the ticket's mobile are gone
    assert list(RequestFollower.by_citizen.query(A)) == []
    assert Citizen.count(A) == 0
    assert QueueTicket.get(ticket_id_for("acc-past-1")).mobile is None
    # AND so is the address she was confirming: its code no longer confirms anything
    assert contacts.pending(A) == []
    # AND no item of any table holds A's contacts or name, nor her tax number but in the sign-out
    # record of her session (kept until the token would have expired)
    text = _every_item()
    for secret in (A_EMAIL, A_MOBILE, "ΚΛΕΙΣΙΜΟΥ", "Αναστασίας"):
        assert secret not in text, secret
    everywhere_but_sign_out = json.loads(text)
    everywhere_but_sign_out.pop(next(k for k in everywhere_but_sign_out if k.endswith("revoked_sessions")))
    assert A not in json.dumps(everywhere_but_sign_out)
    # AND the closing is in the audit log as A's own action, with what was done
    entries = {e.action: e for e in _audit_of(f"citizen:{limits.subject_key(A)}")}
    assert entries["citizen.close"].after == resp.json_body and entries["citizen.close"].role == "citizen"


def test_b_keeps_everything_when_a_closes(client, accounts):
    # GIVEN B's data before
    before = client.http.get("/api/me/data", headers=bearer(accounts["b"])).json_body
    # WHEN A closes the account
    assert (
        client.http.post(
            "/api/me/close", headers={**bearer(accounts["a"]), **HEADERS}, body=b'{"confirm": true}'
        ).status_code
        == 200
    )
    # THEN B's data is the same (but the moment of the export), B's report still has its author
    after = client.http.get("/api/me/data", headers=bearer(accounts["b"])).json_body
    before.pop("exported_at"), after.pop("exported_at")
    assert after == before
    assert CitizenRequest.get(accounts["b_report"]).taxid == B
    assert Appointment.get(accounts["b_booked"]["appointment_id"]).status == "booked"


def test_closing_needs_the_confirmation(client, accounts):
    # WHEN A posts without confirming, or with false; THEN 400, and nothing changed
    for body in (b"{}", b'{"confirm": false}', b'{"confirm": true, "taxid": "700000022"}'):
        resp = client.http.post("/api/me/close", headers={**bearer(accounts["a"]), **HEADERS}, body=body)
        assert resp.status_code == 400, body
    assert Citizen.get(A).email == A_EMAIL


def test_a_closing_cut_short_is_finished_by_closing_again(client, accounts, monkeypatch):
    # GIVEN the requests step fails once (the appointments are done by then)
    real = requests.forget_citizen_requests
    monkeypatch.setattr(citizen_account.requests, "forget_citizen_requests", _boom)
    resp = client.http.post(
        "/api/me/close", headers={**bearer(accounts["a"]), **HEADERS}, body=b'{"confirm": true}'
    )
    assert resp.status_code == 500
    # THEN the account is still there, without contacts, and nothing more will be sent to it
    citizen = Citizen.get(A)
    assert (citizen.email, citizen.mobile, citizen.notify_email, citizen.topics) == (None, None, False, None)
    # WHEN it is closed again
    monkeypatch.setattr(citizen_account.requests, "forget_citizen_requests", real)
    resp = client.http.post(
        "/api/me/close", headers={**bearer(accounts["a"]), **HEADERS}, body=b'{"confirm": true}'
    )
    # THEN it is finished: what the first attempt did is not done twice
    assert resp.status_code == 200, resp.body
    assert (resp.json_body["appointments_cancelled"], resp.json_body["requests_kept_without_you"]) == (0, 2)
    assert Citizen.count(A) == 0


def _boom(taxid):
    raise RuntimeError("DynamoDB unavailable")


def test_the_citizen_actor_is_named_by_an_hmac():
    # GIVEN a tax number; THEN its actor is stable, not the number, and has no department
    actor = audit.citizen_actor(A)
    assert actor == audit.citizen_actor(A) and A not in actor.username
    assert (actor.roles, actor.department_id) == (("citizen",), None)


def test_the_alert_subscriptions_go_with_the_profile(client, accounts):
    # GIVEN A subscribed to an alert topic (kept by the citizens stream)
    alerts.on_citizen_record(stream_record(Citizen.get(A)))
    assert [s.taxid for s in TopicSubscription.query("heatwave")] == [A]
    # WHEN A closes the account and the citizens stream delivers the profile's changes
    before = Citizen.get(A)
    client.http.post("/api/me/close", headers={**bearer(accounts["a"]), **HEADERS}, body=b'{"confirm": true}')
    alerts.on_citizen_record(stream_record(old=before, event_name="REMOVE"))
    # THEN the subscription is gone
    assert list(TopicSubscription.query("heatwave")) == []
