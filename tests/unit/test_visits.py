"""The visit log: encrypted contacts, passes, kiosk check-in and out, closing time, the overlap
rule, exposure fan-out at most once per visitor, and no contact in any stored item or response."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.services.platform.staff_auth import StaffMember
from tests.conftest import bearer
from tests.events import FakeContext, sqs_event, sqs_record, stream_event, stream_record

NAME = "Ελένη Ζωγράφου-Test"
EMAIL = "eleni.visitor@example.org"
MOBILE = "+306912345678"
OTHER_EMAIL = "someone.else@example.org"
ADMIN = StaffMember(username="admin.visits", sub="s", roles=("admin",), department_id=None)
CONTACTS = (NAME, EMAIL, MOBILE, "6912345678", OTHER_EMAIL, "Άλλος Επισκέπτης")


def _yesterday(hour: int, minute: int = 0) -> datetime:
    from chalicelib.services.visits.passes import TZ

    day = datetime.now(TZ).date() - timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).astimezone(UTC)


@pytest.fixture
def visit_env(aws, monkeypatch):
    """A KMS key, the fan-out queue and a building (Δημαρχείο, closes 20:00, two entrances)."""
    from chalicelib.aws import client, reset_clients
    from chalicelib.services.visits import passes as visits
    from chalicelib.settings import reset_settings

    key_id = client("kms").create_key(Description="test")["KeyMetadata"]["KeyId"]
    url = client("sqs").create_queue(QueueName="dimotis-test-fanout")["QueueUrl"]
    client("ses").verify_email_identity(EmailAddress="no-reply@dimotis.example.gr")
    monkeypatch.setenv("DIMOTIS_KMS_KEY_ID", key_id)
    monkeypatch.setenv("DIMOTIS_FANOUT_QUEUE_URL", url)
    reset_settings()
    reset_clients()
    visits.save_building(
        ADMIN,
        "dimarxeio",
        {
            "name_el": "Δημαρχείο",
            "name_en": "Town Hall",
            "closing_time": "20:00",
            "entrances": [
                {"entrance_id": "main", "name_el": "Κεντρική"},
                {"entrance_id": "side", "name_el": "Πλαϊνή"},
            ],
        },
    )
    return {"queue_url": url, "key_id": key_id}


def _register(name=NAME, email=EMAIL, mobile=MOBILE, **kw):
    from chalicelib.services.visits import passes as visits

    return visits.register(name=name, email=email, mobile=mobile, consent=True, **kw)["pass_id"]


def _raw_items(*table_keys: str) -> str:
    """Every stored item of these tables, as DynamoDB returns them (a test may scan)."""
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    ddb = client("dynamodb")
    items = []
    for key in table_keys:
        items += ddb.scan(TableName=get_settings().table_name(key))["Items"]
    return json.dumps(items, ensure_ascii=False, default=str)


VISIT_TABLES = (
    "visitors",
    "visits",
    "visit_presence",
    "exposure_incidents",
    "exposure_recipients",
    "buildings",
)


def _drain(queue_url):
    from chalicelib.aws import client

    records = []
    while True:
        got = client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return records
        for m in got:
            records.append(sqs_record(m["Body"], queue="dimotis-test-fanout", message_id=m["MessageId"]))
            client("sqs").delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])


def _outbox(kind=None):
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    rows = client("dynamodb").scan(TableName=get_settings().table_name("outbox"))["Items"]
    return [r for r in rows if kind is None or r["kind"]["S"] == kind]


# -- storage -------------------------------------------------------------------------------------
def test_contact_is_stored_only_sealed_and_opens_only_with_its_pass_id(visit_env):
    from chalicelib.models.visits import Visitor
    from chalicelib.services.platform import crypto
    from chalicelib.services.visits import passes as visits

    # GIVEN a registered visitor
    pass_id = _register()

    # THEN no stored item of the visit log holds the name, mobile or email in clear text
    raw = _raw_items(*VISIT_TABLES)
    for secret in (NAME, EMAIL, MOBILE, "6912345678", "eleni"):
        assert secret not in raw
    # AND the blob opens with its own pass id as context, and not with another
    v = Visitor.get(pass_id)
    sealed = crypto.Sealed(v.contact_key, v.contact_nonce, v.contact_ct)
    assert json.loads(crypto.open_sealed(sealed, visits.contact_context(pass_id)))["email"] == EMAIL
    with pytest.raises(crypto.CryptoError):
        crypto.open_sealed(sealed, visits.contact_context("0" * 16))
    # AND it expires with the visit TTL (14 days by default)
    assert timedelta(days=13) < v.expires_at - v.created_at <= timedelta(days=14, seconds=5)


def test_registration_needs_consent_and_a_contact_and_writes_nothing_otherwise(visit_env, client):
    # GIVEN bodies without consent, without a contact, with a bad email
    bad = [
        {"name": "A", "email": EMAIL, "consent": False},
        {"name": "A", "consent": True},
        {"name": "A", "email": "not-an-email", "consent": True},
        {"name": " ", "email": EMAIL, "consent": True},
    ]
    for body in bad:
        # WHEN registering
        resp = client.http.post(
            "/api/visits/registrations", body=json.dumps(body), headers={"Content-Type": "application/json"}
        )
        # THEN 400 with the error shape and nothing stored
        assert resp.status_code == 400, body
        assert "error" in json.loads(resp.body)
    assert json.loads(_raw_items("visitors")) == []


def test_pass_code_normalises_what_people_type():
    from chalicelib.services.visits.passes import display_code, new_pass_id, normalise_code

    pass_id = new_pass_id()
    assert normalise_code(display_code(pass_id).lower()) == pass_id
    assert normalise_code("ABCD EFGH JKMN PQRO") == "ABCDEFGHJKMNPQR0"
    assert normalise_code("ABCDEFGHJKMNPQRI") == "ABCDEFGHJKMNPQR1"
    assert normalise_code("too-short") is None
    assert normalise_code("ABCDEFGHJKMNPQRU") is None  # U is not in the alphabet


# -- kiosk ---------------------------------------------------------------------------------------
def test_scan_checks_in_repeat_is_ignored_next_scan_checks_out(visit_env):
    from chalicelib.models.visits import Visit, VisitPresence
    from chalicelib.services.visits import passes as visits

    pass_id = _register()
    t0 = _yesterday(10)

    # WHEN the pass is scanned, then read again by the camera a second later
    first = visits.scan_pass("dimarxeio", visits.display_code(pass_id), "main", now=t0)
    again = visits.scan_pass("dimarxeio", pass_id, "main", now=t0 + timedelta(seconds=1))
    # THEN one visit is open
    assert first["action"] == "checked_in" and not first["repeated"]
    assert again["action"] == "checked_in" and again["repeated"]
    day = visits.building_day("dimarxeio", visits.local_day(t0))
    assert len(list(Visit.query(day))) == 1

    # WHEN it is scanned again later at the side door
    out = visits.scan_pass("dimarxeio", pass_id, "side", now=t0 + timedelta(minutes=30))
    # THEN the visit is closed there and the presence is gone
    assert out["action"] == "checked_out"
    (visit,) = Visit.query(day)
    assert visit.check_out == t0 + timedelta(minutes=30) and visit.entrance_out == "side"
    assert list(VisitPresence.scan()) == []

    # AND the next scan is a new visit
    assert visits.scan_pass("dimarxeio", pass_id, now=t0 + timedelta(hours=1))["action"] == "checked_in"
    assert len(list(Visit.query(day))) == 2


def test_two_kiosks_at_once_open_one_visit(visit_env, monkeypatch):
    from chalicelib.models.visits import Visit
    from chalicelib.services.visits import passes as visits

    # GIVEN a scan that read "no open visit" while another kiosk checked the same pass in
    pass_id = _register()
    t0 = _yesterday(11)
    real = visits._presence
    calls = {"n": 0}

    def stale_then_real(key):
        calls["n"] += 1
        if calls["n"] == 1:
            visits._check_in(visits.get_building("dimarxeio"), visits.get_visitor(pass_id), "side", t0)
            return None
        return real(key)

    monkeypatch.setattr(visits, "_presence", stale_then_real)
    # WHEN the first kiosk tries to check in
    result = visits.scan_pass("dimarxeio", pass_id, "main", now=t0)
    # THEN its conditional write fails, it sees the other kiosk's visit, and one visit exists
    assert result["action"] == "checked_in" and result["repeated"]
    assert len(list(Visit.query(visits.building_day("dimarxeio", visits.local_day(t0))))) == 1


def test_unknown_pass_building_and_entrance(visit_env, client):
    pass_id = _register()

    def post(path, body):
        return client.http.post(path, body=json.dumps(body), headers={"Content-Type": "application/json"})

    assert post("/api/visits/buildings/dimarxeio/scans", {"code": "0000-0000-0000-0000"}).status_code == 404
    assert post("/api/visits/buildings/nowhere/scans", {"code": pass_id}).status_code == 404
    resp = post("/api/visits/buildings/dimarxeio/scans", {"code": pass_id, "entrance_id": "back"})
    assert resp.status_code == 404 and json.loads(resp.body)["error"]["code"] == "unknown_entrance"


def test_closing_time_closes_open_visits_and_a_late_check_in_ends_with_its_day(visit_env):
    from chalicelib.models.visits import Visit, VisitPresence
    from chalicelib.services.visits import passes as visits

    # GIVEN a visit opened at 19:00 and never closed by a scan
    pass_id = _register()
    visits.scan_pass("dimarxeio", pass_id, now=_yesterday(19))
    # WHEN the schedule runs after 20:00
    closed = visits.close_due(now=_yesterday(20, 10))
    # THEN the visit ends at closing time and the pass is outside again
    assert closed == 1
    (visit,) = Visit.query(visits.building_day("dimarxeio", visits.local_day(_yesterday(19))))
    assert visit.check_out == _yesterday(20) and visit.closed_by == "schedule"
    assert list(VisitPresence.scan()) == []
    # AND running it again closes nothing
    assert visits.close_due(now=_yesterday(20, 30)) == 0
    # AND a check-in after closing time is due at the end of that local day
    assert visits.closes_at_for("20:00", _yesterday(21)) == _yesterday(0) + timedelta(days=1)


def test_a_scan_after_closing_time_closes_the_old_visit_and_opens_a_new_one(visit_env):
    from chalicelib.models.visits import Visit
    from chalicelib.services.visits import passes as visits

    pass_id = _register()
    visits.scan_pass("dimarxeio", pass_id, now=_yesterday(19))
    result = visits.scan_pass("dimarxeio", pass_id, now=_yesterday(20, 30))
    assert result["action"] == "checked_in"
    old, new = Visit.query(visits.building_day("dimarxeio", visits.local_day(_yesterday(19))))
    assert old.check_out == _yesterday(20) and old.closed_by == "next_scan" and new.check_out is None


# -- the overlap rule ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("check_in", "end", "expected"),
    [
        ((9, 0), (10, 0), False),  # ended exactly when the window began
        ((9, 0), (10, 1), True),  # ended a minute into the window
        ((12, 0), (13, 0), False),  # began exactly when the window ended
        ((11, 59), (13, 0), True),  # began a minute before it ended
        ((10, 30), (11, 0), True),  # inside
        ((8, 0), (14, 0), True),  # around
        ((7, 0), (8, 0), False),  # before
    ],
)
def test_overlap_edges(check_in, end, expected):
    from chalicelib.services.visits.exposure import overlaps

    start, stop = _yesterday(10), _yesterday(12)
    assert overlaps(_yesterday(*check_in), _yesterday(*end), start, stop) is expected


def test_window_days_cover_every_local_day_touched():
    from chalicelib.services.visits.exposure import window_days

    # 23:30 to 00:30 Athens time spans two local days (and one UTC day)
    start = _yesterday(23, 30)
    assert len(window_days(start, start + timedelta(hours=1))) == 2
    assert len(window_days(start, start + timedelta(minutes=10))) == 1


def test_matching_uses_check_out_or_closing_time_and_skips_expired_and_other_buildings(visit_env):
    from chalicelib.models.visits import Visit
    from chalicelib.services.visits import exposure
    from chalicelib.services.visits import passes as visits

    visits.save_building(
        ADMIN,
        "kep",
        {"name_el": "ΚΕΠ", "closing_time": "15:00", "entrances": [{"entrance_id": "a", "name_el": "Α"}]},
    )
    a, b, c, d, e, f = (_register(email=f"v{i}@example.org") for i in range(6))
    visits.scan_pass("dimarxeio", a, now=_yesterday(9))  # still open: ends at 20:00 -> overlaps
    visits.scan_pass("dimarxeio", b, now=_yesterday(9))
    visits.scan_pass("dimarxeio", b, now=_yesterday(10))  # left at 10:00 -> does not
    visits.scan_pass("dimarxeio", c, now=_yesterday(11, 59))  # came in before 12:00 -> overlaps
    visits.scan_pass("kep", d, now=_yesterday(11))  # other building -> does not
    visits.scan_pass("dimarxeio", e, now=_yesterday(11))  # expired item not yet deleted -> does not
    visits.scan_pass("dimarxeio", f, now=_yesterday(12))  # came in when the window ended -> not even read
    day = visits.building_day("dimarxeio", visits.local_day(_yesterday(11)))
    expired = Visit.get(day, f"{visits.iso(_yesterday(11))}#{e}")
    expired.update(actions=[Visit.expires_at.set(datetime.now(UTC) - timedelta(minutes=1))])

    stats = {}
    found = {
        v.pass_id for v in exposure.overlapping_visits("dimarxeio", _yesterday(10), _yesterday(12), stats)
    }
    assert found == {a, c}
    # AND only the day partition's visits that began before the window's end were read (a, b, c, e)
    assert stats["visits_read"] == 4


# -- exposure: fan-out and sending, at most once ---------------------------------------------------
def _declare(client, token, start=None, end=None, building="dimarxeio"):
    body = {
        "building_id": building,
        "window_start": (start or _yesterday(10)).isoformat(),
        "window_end": (end or _yesterday(12)).isoformat(),
        "message_el": "Πιθανή έκθεση σε κρούσμα. Παρακολουθήστε τα συμπτώματά σας.",
        "message_en": "Possible exposure. Watch for symptoms.",
    }
    return client.http.post(
        "/api/staff/visits/incidents",
        body=json.dumps(body),
        headers={**bearer(token), "Content-Type": "application/json"},
    )


def test_replaying_the_incident_record_and_the_messages_sends_nothing_twice(visit_env, client, make_staff):
    from chalicelib.models.visits import ExposureIncident
    from chalicelib.services.platform import notifications
    from chalicelib.services.visits import passes as visits

    # GIVEN a visitor inside during the window (email and SMS) and one who came after it
    inside = _register()
    after = _register(name="Άλλος Επισκέπτης", email=OTHER_EMAIL, mobile=None)
    visits.scan_pass("dimarxeio", inside, now=_yesterday(9, 30))
    visits.scan_pass("dimarxeio", inside, now=_yesterday(10, 30))
    visits.scan_pass("dimarxeio", after, now=_yesterday(13))
    officer = make_staff("health_officer", None)

    # WHEN a health officer declares an exposure from 10:00 to 12:00
    resp = _declare(client, officer)
    assert resp.status_code == 201
    incident_id = json.loads(resp.body)["incident_id"]
    record = stream_record(ExposureIncident.get(incident_id), event_name="INSERT")
    # AND the incident's stream record is delivered twice
    for _ in range(2):
        out = client.lambda_.invoke("table_stream", stream_event([record]))
        assert out.payload == {"batchItemFailures": []}
    messages = _drain(visit_env["queue_url"])
    # THEN one message went on the queue, naming the pass id only
    assert [json.loads(r["body"]) for r in messages] == [{"incident_id": incident_id, "pass_id": inside}]

    # WHEN the SQS messages are delivered twice, once as a duplicate inside the same batch
    for _ in range(2):
        out = client.lambda_.invoke("exposure_sender", sqs_event(messages + messages))
        assert out.payload == {"batchItemFailures": []}
    # AND the outbox rows' stream is replayed too
    for row in _outbox():
        notifications.deliver(row["message_id"]["S"])
        notifications.deliver(row["message_id"]["S"])

    # THEN the overlapping visitor got one email and one SMS, the other nothing
    rows = _outbox("visits.exposure")
    assert sorted((r["channel"]["S"], r["recipient"]["S"]) for r in rows) == [
        ("email", EMAIL),
        ("sms", MOBILE),
    ]
    assert all(r["status"]["S"] == "sent" for r in rows)
    # AND the outbox row expires with the visit log, not after the outbox's 90 days
    assert all(int(r["expires_at"]["N"]) < (datetime.now(UTC) + timedelta(days=15)).timestamp() for r in rows)
    # AND the counts say so, done
    detail = json.loads(
        client.http.get(f"/api/staff/visits/incidents/{incident_id}", headers=bearer(officer)).body
    )
    assert detail["counts"] == {"matched": 1, "queued": 1, "sent": 1, "failed": 0}
    assert detail["status"] == "done"


def test_an_erased_visitor_is_not_told_and_counts_as_failed(visit_env, client, make_staff):
    from chalicelib.models.visits import ExposureIncident
    from chalicelib.services.visits import exposure
    from chalicelib.services.visits import passes as visits

    # GIVEN an overlapping visitor who then deletes the registration
    pass_id = _register()
    visits.scan_pass("dimarxeio", pass_id, now=_yesterday(11))
    resp = client.http.delete(f"/api/visits/passes/{pass_id}")
    assert resp.status_code == 200
    assert client.http.get(f"/api/visits/passes/{pass_id}").status_code == 404
    # WHEN an exposure is declared and fanned out
    incident_id = json.loads(_declare(client, make_staff("health_officer", None)).body)["incident_id"]
    exposure.fan_out(incident_id)
    for r in _drain(visit_env["queue_url"]):
        exposure.send_one(incident_id, json.loads(r["body"])["pass_id"])
    # THEN nothing was sent, and the incident counts one failure
    assert _outbox("visits.exposure") == []
    incident = ExposureIncident.get(incident_id)
    assert (incident.matched, incident.sent, incident.failed, incident.status) == (1, 0, 1, "done")


def test_an_incident_with_no_visits_is_done_at_once(visit_env, client, make_staff):
    from chalicelib.services.visits import exposure

    incident_id = json.loads(_declare(client, make_staff("admin", None)).body)["incident_id"]
    assert exposure.fan_out(incident_id)["queued"] == 0
    assert exposure.incident_detail(incident_id)["status"] == "done"


def test_a_failed_message_is_reported_and_retried_without_a_second_send(
    visit_env, client, make_staff, monkeypatch
):
    from chalicelib.services.platform import crypto
    from chalicelib.services.visits import exposure
    from chalicelib.services.visits import passes as visits

    pass_id = _register(mobile=None)
    visits.scan_pass("dimarxeio", pass_id, now=_yesterday(11))
    incident_id = json.loads(_declare(client, make_staff("health_officer", None)).body)["incident_id"]
    exposure.fan_out(incident_id)
    messages = _drain(visit_env["queue_url"])
    real = crypto.open_sealed

    def kms_down(*a, **k):
        raise RuntimeError("KMS unavailable")

    # WHEN KMS fails on the first delivery
    monkeypatch.setattr(crypto, "open_sealed", kms_down)
    out = exposure.handle_sqs_batch(sqs_event(messages), FakeContext())
    # THEN the message is reported failed (SQS delivers it again)
    assert out == {"batchItemFailures": [{"itemIdentifier": messages[0]["messageId"]}]}
    # AND the retry sends once
    monkeypatch.setattr(crypto, "open_sealed", real)
    assert exposure.handle_sqs_batch(sqs_event(messages), FakeContext()) == {"batchItemFailures": []}
    assert exposure.handle_sqs_batch(sqs_event(messages), FakeContext()) == {"batchItemFailures": []}
    assert len(_outbox("visits.exposure")) == 1


def test_declaring_needs_health_officer_or_admin_and_a_sane_window(visit_env, client, make_staff):
    clerk = make_staff("clerk", "kep")
    officer = make_staff("health_officer", None)
    assert _declare(client, clerk).status_code == 403
    assert _declare(client, officer, start=_yesterday(12), end=_yesterday(10)).status_code == 409
    future = datetime.now(UTC) + timedelta(hours=2)
    assert _declare(client, officer, start=future, end=future + timedelta(hours=1)).status_code == 409
    assert _declare(client, officer, building="nowhere").status_code == 404
    assert _declare(client, make_staff("admin", None)).status_code == 201


# -- no contact in any response ------------------------------------------------------------------
def test_no_route_of_the_visit_log_returns_a_contact(visit_env, client, make_staff):
    from chalicelib.services.visits import exposure

    json_headers = {"Content-Type": "application/json", "Accept": "*/*"}
    admin = make_staff("admin", None)
    clerk = make_staff("clerk", "kep")
    bodies = []

    def call(method, path, body=None, token=None):
        headers = {**json_headers, **(bearer(token) if token else {})}
        resp = getattr(client.http, method)(
            path, body=json.dumps(body) if body is not None else None, headers=headers
        )
        assert resp.status_code < 300, (method, path, resp.status_code, resp.body)
        bodies.append(resp.body if isinstance(resp.body, bytes) else str(resp.body).encode())
        return (
            json.loads(resp.body)
            if resp.headers.get("Content-Type", "").startswith("application/json")
            else None
        )

    registration = {
        "name": NAME,
        "email": EMAIL,
        "mobile": MOBILE,
        "consent": True,
        "send_pass": ["email", "sms"],
    }
    mine = call("post", "/api/visits/registrations", registration)
    theirs = call(
        "post",
        "/api/staff/visits/registrations",
        {"name": "Άλλος Επισκέπτης", "email": OTHER_EMAIL, "consent": True},
        clerk,
    )
    assert mine["sent"] == ["email", "sms"] and theirs["channels"] == ["email"]
    call(
        "put",
        "/api/staff/visits/buildings/kep",
        {"name_el": "ΚΕΠ", "closing_time": "15:00", "entrances": [{"entrance_id": "a", "name_el": "Α"}]},
        admin,
    )
    call("get", "/api/visits/buildings")
    call("get", "/api/visits/buildings/dimarxeio")
    call("get", f"/api/visits/passes/{mine['pass_id']}")
    call("get", f"/api/visits/passes/{mine['pass_id']}/qr?format=svg")
    call("get", f"/api/visits/passes/{mine['pass_id']}/qr?format=png")
    call("post", "/api/visits/buildings/dimarxeio/scans", {"code": mine["code"], "entrance_id": "main"})
    call("post", "/api/visits/buildings/dimarxeio/scans", {"code": theirs["pass_id"]})
    incident = call(
        "post",
        "/api/staff/visits/incidents",
        {
            "building_id": "dimarxeio",
            "window_start": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            "window_end": datetime.now(UTC).isoformat(),
            "message_el": "Πιθανή έκθεση.",
        },
        admin,
    )
    exposure.fan_out(incident["incident_id"])
    for r in _drain(visit_env["queue_url"]):
        exposure.send_one(incident["incident_id"], json.loads(r["body"])["pass_id"])
    done = call("get", f"/api/staff/visits/incidents/{incident['incident_id']}", token=admin)
    assert done["counts"]["sent"] == 2
    call("get", "/api/staff/visits/incidents", token=admin)
    call("delete", f"/api/visits/passes/{theirs['pass_id']}")

    # THEN every route of the feature was called ...
    from chalicelib.handlers import visits_public, visits_staff

    documented = {
        (p, m) for mod in (visits_public, visits_staff) for p, ms in mod.OPENAPI.items() for m in ms
    }
    assert len(documented) == 12  # the 12 operations called above
    # ... and no body holds a name, mobile or email
    for body in bodies:
        text = body.decode("utf-8", "replace")
        for secret in CONTACTS:
            assert secret not in text
    # AND the QR holds only the pass id
    assert b"<svg" in bodies[6] and bodies[7][:8] == b"\x89PNG\r\n\x1a\n"


def test_the_closing_schedule_entry_point_closes_due_visits(visit_env, client):
    from chalicelib.models.visits import VisitPresence
    from chalicelib.services.visits import passes as visits
    from tests.events import scheduled_event

    # GIVEN a visit opened yesterday morning and never closed (its closing time has passed)
    visits.scan_pass("dimarxeio", _register(), now=_yesterday(9))
    # WHEN EventBridge fires the schedule
    out = client.lambda_.invoke("visits_close_open", scheduled_event("visits_close_open"))
    # THEN it was closed
    assert out.payload == {"closed": 1}
    assert list(VisitPresence.scan()) == []


def test_window_times_in_any_rfc3339_spelling(visit_env, client, make_staff):
    officer = make_staff("health_officer", None)
    start = _yesterday(10).strftime("%Y-%m-%dt%H:%M:%S.1234567z")
    assert _declare(client, officer, start=None).status_code == 201
    resp = client.http.post(
        "/api/staff/visits/incidents",
        body=json.dumps(
            {
                "building_id": "dimarxeio",
                "window_start": start,
                "window_end": "2026-01-01T00:00:60Z",
                "message_el": "x",
            }
        ),
        headers={**bearer(officer), "Content-Type": "application/json"},
    )
    assert resp.status_code == 409 and json.loads(resp.body)["error"]["code"] == "window_invalid"
