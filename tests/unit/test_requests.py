"""Citizen requests: protocol numbers, routing, staff work (status, notes, assignment, re-routing,
bulk), who sees what, notifications at most once, nearby reports, photos, the HTTP API."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from tests.conftest import bearer
from tests.events import stream_event, stream_record

ATHENS = (37.97550, 23.73480)


def _staff(department="roads", roles=("clerk",), username="clerk.roads", name="Παναγιώτης"):
    from chalicelib.services.platform.staff_auth import StaffMember

    return StaffMember(username, "sub-" + username, tuple(roles), department, name=name)


@pytest.fixture
def catalogue(aws):
    """Departments roads/cleaning/kep with employees, and three types of the demo data."""
    from chalicelib.models.citizens import Citizen
    from chalicelib.models.org import Department, Employee
    from chalicelib.models.requests import RequestType
    from devstack.demo import requests as demo

    for dep in ("roads", "cleaning", "kep", "civil-registry"):
        Department(dep, name_el=f"Τμήμα {dep}", name_en=f"Department {dep}").save()
    for number, username, dep in (
        ("E1", "clerk.roads", "roads"),
        ("E2", "clerk.roads2", "roads"),
        ("E3", "clerk.cleaning", "cleaning"),
    ):
        Employee(
            number,
            username=username,
            full_name=username.title(),
            email=f"{username}@x.gr",
            department_id=dep,
            role="clerk",
        ).save()
    for row in demo.TYPES:
        if row[0] in ("pothole", "streetlight", "birth-certificate", "overflowing-bin"):
            code, group, dep, el, en, public, location, photo, days, attributes, templates = row
            RequestType(
                code,
                name_el=el,
                name_en=en,
                group=group,
                group_el=group,
                group_en=group,
                department_id=dep,
                attributes=attributes,
                location=location,
                photo=photo,
                expected_days=days,
                public=public,
                templates=templates,
            ).save()
    Citizen(
        "123456789",
        first_name="ΜΑΡΙΑ",
        last_name="ΠΑΠΑΔΟΠΟΥΛΟΥ",
        email="maria@example.gr",
        mobile="+306900000001",
        notify_sms=True,
    ).save()
    Citizen("987654321", first_name="ΓΙΑΝΝΗΣ", last_name="ΝΙΚΟΛΑΟΥ", email="giannis@example.gr").save()


def _file(taxid="123456789", code="pothole", at=ATHENS, attributes=None, **kw):
    from chalicelib.models.requests import RequestType
    from chalicelib.services.requests import workflow as svc

    lat, lon = at if at else (None, None)
    return svc.submit(
        RequestType.get(code),
        requester=svc.Requester(taxid=taxid, name="Μαρία"),
        actor=svc.Actor("citizen", "citizen"),
        channel=kw.pop("channel", "web"),
        description=kw.pop("description", "Λακκούβα"),
        attributes={"SIZE": "large"} if attributes is None and code == "pothole" else attributes,
        lat=lat,
        lon=lon,
        **kw,
    )


# -- protocol numbers ----------------------------------------------------------------------------
def test_protocol_numbers_are_per_year_consecutive_and_routed(catalogue):
    from chalicelib.models.base import utcnow
    from chalicelib.services.requests import workflow as svc

    # WHEN three requests are filed
    filed = [_file() for _ in range(3)]
    # THEN they are numbered 1, 2, 3 of this year and sit in the type's department, submitted
    year = utcnow().year
    assert [r.protocol for r in filed] == [f"{year}/00000{i}" for i in (1, 2, 3)]
    assert {r.department_id for r in filed} == {"roads"}
    entries = svc.timeline(filed[0].request_id, public_only=False)
    assert [(e.seq, e.action, e.status) for e in entries] == [(1, "submitted", "submitted")]


def test_a_lost_race_for_the_counter_retries_with_the_next_number_and_skips_none(catalogue, monkeypatch):
    from chalicelib.models.requests import ProtocolCounter
    from chalicelib.services.requests import workflow as svc

    # GIVEN one request filed (counter at 1) and a reader that sees the counter stale once
    first = _file()
    real_get = ProtocolCounter.get
    calls = {"n": 0}

    def stale_once(year, **kw):
        calls["n"] += 1
        if calls["n"] == 1:
            return ProtocolCounter(year, last_number=0)  # as if read before the first commit
        return real_get(year, **kw)

    monkeypatch.setattr(ProtocolCounter, "get", staticmethod(stale_once))
    monkeypatch.setattr(svc.time, "sleep", lambda s: None)
    # WHEN the next request is filed
    second = _file()
    # THEN its first transaction was refused (the number was taken) and it got the next one
    assert calls["n"] == 2
    assert second.number == first.number + 1
    assert int(real_get(first.year).last_number) == 2


def test_bad_input_writes_nothing(catalogue):
    from chalicelib.errors import ValidationFailed
    from chalicelib.models.requests import CitizenRequest, ProtocolCounter

    # WHEN a pothole has no size, or no location
    with pytest.raises(ValidationFailed) as missing:
        _file(attributes={})
    with pytest.raises(ValidationFailed) as nowhere:
        _file(at=None)
    with pytest.raises(ValidationFailed) as bad_value:
        _file(attributes={"SIZE": "<script>"})
    # THEN clear errors, and no number was used and no request stored
    assert missing.value.code == "attribute_required"
    assert nowhere.value.code == "location_required"
    assert bad_value.value.code == "attribute_invalid"
    assert not list(ProtocolCounter.query(2026)) and not list(ProtocolCounter.query(2027))
    assert CitizenRequest.count() == 0


# -- staff work ----------------------------------------------------------------------------------
def test_assign_progress_resolve_with_a_timeline_of_who_when_and_notes(catalogue):
    from chalicelib.services.requests import workflow as svc

    req = _file()
    clerk = _staff()
    # WHEN the clerk assigns it, starts it with an internal note and resolves it with a public note
    svc.assign(clerk, req.request_id, "clerk.roads2")
    svc.change_status(clerk, req.request_id, "in_progress", note="συνεργείο Β", note_public=False)
    done = svc.change_status(clerk, req.request_id, "resolved", note="Επισκευάστηκε.", note_public=True)
    # THEN the status is resolved, the public note is the status notes, and the timeline says all
    assert done.status == "resolved" and done.status_notes == "Επισκευάστηκε."
    assert done.assigned_to == "clerk.roads2"
    full = svc.timeline(req.request_id, public_only=False)
    assert [(e.action, e.status, e.actor) for e in full] == [
        ("submitted", "submitted", "citizen"),
        ("assigned", "assigned", "clerk.roads"),
        ("status", "in_progress", "clerk.roads"),
        ("status", "resolved", "clerk.roads"),
    ]
    # AND the citizen's part shows the status changes but not the internal note nor staff names
    public = [svc.public_entry(e) for e in svc.timeline(req.request_id, public_only=True)]
    assert [p["status"] for p in public] == ["submitted", "assigned", "in_progress", "resolved"]
    assert [p["note"] for p in public] == [None, None, None, "Επισκευάστηκε."]
    assert all("actor" not in p and "actor_name" not in p for p in public)


def test_reject_needs_a_reason_and_transitions_are_checked(catalogue):
    from chalicelib.errors import Conflict, ValidationFailed
    from chalicelib.services.requests import workflow as svc

    req = _file()
    clerk = _staff()
    # WHEN rejected without a reason -> 400; closed straight from submitted -> 409
    with pytest.raises(ValidationFailed) as no_reason:
        svc.change_status(clerk, req.request_id, "rejected")
    with pytest.raises(Conflict) as jump:
        svc.change_status(clerk, req.request_id, "closed")
    # THEN nothing changed; with a reason it is rejected, and the reason is public
    assert no_reason.value.code == "reason_required" and jump.value.code == "invalid_transition"
    assert svc.get_request(req.request_id).version == 1
    rejected = svc.change_status(clerk, req.request_id, "rejected", reason="Ιδιωτικός δρόμος.")
    assert rejected.status == "rejected" and rejected.status_notes == "Ιδιωτικός δρόμος."


def test_a_stale_change_is_refused_and_leaves_nothing_half_written(catalogue):
    from chalicelib.errors import Conflict
    from chalicelib.services.requests import workflow as svc

    req = _file()
    stale = svc.get_request(req.request_id)
    svc.change_status(_staff(), req.request_id, "received")
    # WHEN a change is made from an old copy
    with pytest.raises(Conflict):
        svc._commit(
            stale, {"action": "note", "actor_kind": "staff", "note": "x", "public": False}, stale.updated_at
        )
    # THEN only the first change is there
    assert [e.seq for e in svc.timeline(req.request_id, public_only=False)] == [1, 2]


def test_staff_act_only_within_their_department_unless_admin(catalogue):
    from chalicelib.errors import Forbidden
    from chalicelib.services.requests import workflow as svc

    req = _file()
    other = _staff("cleaning", username="clerk.cleaning")
    # WHEN a cleaning clerk opens, changes or lists a roads request -> 403
    with pytest.raises(Forbidden):
        svc.for_staff(other, req.request_id)
    with pytest.raises(Forbidden):
        svc.change_status(other, req.request_id, "received")
    with pytest.raises(Forbidden):
        svc.inbox(other, department_id="roads")
    # THEN an admin of another department may
    admin = _staff("kep", roles=("admin",), username="admin")
    assert svc.for_staff(admin, req.request_id).request_id == req.request_id
    assert [r.request_id for r in svc.inbox(admin, department_id="roads")] == [req.request_id]


def test_reroute_moves_it_to_the_other_inbox_with_an_internal_note(catalogue):
    from chalicelib.services.requests import workflow as svc

    req = _file()
    svc.assign(_staff(), req.request_id, "clerk.roads2")
    # WHEN roads re-routes it to cleaning
    moved = svc.reroute(_staff(), req.request_id, "cleaning", "Είναι μπάζα, όχι λακκούβα.")
    # THEN cleaning sees it (received, unassigned) and roads does not
    assert moved.department_id == "cleaning" and moved.status == "received" and moved.assigned_to is None
    cleaning = _staff("cleaning", username="clerk.cleaning")
    assert [r.request_id for r in svc.inbox(cleaning)] == [req.request_id]
    assert svc.inbox(_staff()) == []
    last = svc.timeline(req.request_id, public_only=False)[-1]
    assert (last.action, last.from_department_id, last.public) == ("routed", "roads", False)


def test_assign_only_to_colleagues_of_the_department_and_bulk_assign_reports_each(catalogue):
    from chalicelib.errors import NotFound
    from chalicelib.services.requests import workflow as svc

    mine = [_file(), _file()]
    theirs = _file(code="overflowing-bin", attributes={"BIN": "general"})
    with pytest.raises(NotFound):
        svc.assign(_staff(), mine[0].request_id, "clerk.cleaning")
    # WHEN a roads clerk bulk-assigns two roads requests and a cleaning one
    results = svc.bulk_assign(_staff(), [r.request_id for r in mine] + [theirs.request_id], "clerk.roads2")
    # THEN the two are assigned and the third is refused (other department)
    assert [r["ok"] for r in results] == [True, True, False]
    assert results[2]["code"] == "other_department"
    assert {svc.get_request(r.request_id).assigned_to for r in mine} == {"clerk.roads2"}


def test_inbox_filters_status_type_age_and_overdue(catalogue):
    from chalicelib.models.base import utcnow
    from chalicelib.services.requests import workflow as svc

    old = _file(now=utcnow() - timedelta(days=20))  # pothole: 10 days expected -> overdue
    new = _file()
    light = _file(code="streetlight", attributes={"LIGHT_STATE": "off"})
    svc.change_status(_staff(), light.request_id, "on_hold", note="περιμένουμε υλικό", note_public=False)
    clerk = _staff()
    ids = lambda found: [r.request_id for r in found]  # noqa: E731
    # THEN each filter narrows the Query
    assert ids(svc.inbox(clerk)) == [light.request_id, new.request_id, old.request_id]
    assert ids(svc.inbox(clerk, statuses=["on_hold"])) == [light.request_id]
    assert ids(svc.inbox(clerk, type_code="pothole")) == [new.request_id, old.request_id]
    assert ids(svc.inbox(clerk, overdue=True)) == [old.request_id]
    assert ids(svc.inbox(clerk, min_age_days=7)) == [old.request_id]
    assert ids(svc.inbox(clerk, max_age_days=7)) == [light.request_id, new.request_id]


# -- nearby reports ------------------------------------------------------------------------------
def test_nearby_finds_open_reports_of_the_same_type_within_100_m(catalogue):
    from chalicelib.services.requests import workflow as svc

    lat, lon = ATHENS
    near = _file(at=(lat + 0.0005, lon))  # ~55 m north
    _file(at=(lat + 0.003, lon))  # ~330 m north
    _file(code="streetlight", at=(lat, lon + 0.0003), attributes={"LIGHT_STATE": "off"})  # other type
    closed = _file(at=(lat, lon - 0.0004))  # ~35 m west, but resolved below
    svc.change_status(_staff(), closed.request_id, "resolved", note="ok")
    # WHEN a citizen is about to report a pothole at the point
    found = svc.nearby("pothole", lat, lon)
    # THEN only the open pothole within 100 m comes back, with its distance
    assert [(r.request_id, round(d)) for r, d in found] == [(near.request_id, 56)]


def test_geohash_neighbours_cover_a_cell_border():
    from chalicelib.services.platform import geohash

    # GIVEN two points 20 m apart on both sides of a 7-character cell border
    lat_lo, lat_hi, lon_lo, lon_hi = geohash.bounds(geohash.encode(*ATHENS, 7))
    a = (lat_hi - 0.00009, ATHENS[1])
    b = (lat_hi + 0.00009, ATHENS[1])
    cell_a = geohash.encode(*a, 7)
    # THEN b's cell is among a's neighbours, and the distance is about 20 m
    assert geohash.encode(*b, 7) in geohash.neighbours(cell_a)
    assert 19 < geohash.distance_m(*a, *b) < 21


# -- notifications -------------------------------------------------------------------------------
def _entry_records(request_id):
    from chalicelib.models.requests import TimelineEntry

    return [stream_record(e, event_name="INSERT") for e in TimelineEntry.query(request_id)]


def test_each_public_change_reaches_the_citizen_once(catalogue):
    from chalicelib.models.outbox import OutboxMessage
    from chalicelib.services.platform.stream_router import handle_batch
    from chalicelib.services.requests import workflow as svc

    req = _file()
    svc.change_status(_staff(), req.request_id, "in_progress", note="internal", note_public=False)
    svc.add_note(_staff(), req.request_id, "μόνο εσωτερικό", public=False)
    svc.change_status(_staff(), req.request_id, "resolved", note="Έγινε η επισκευή.")
    records = _entry_records(req.request_id)
    # WHEN the timeline stream is delivered twice
    for _ in range(2):
        assert handle_batch(stream_event(records)) == {"batchItemFailures": []}
    # THEN 3 public entries x (email + SMS) = 6 messages, none for the internal note
    rows = list(OutboxMessage.by_day.query(svc.utcnow().strftime("%Y-%m-%d")))
    assert len(rows) == 6
    emails = sorted(r.subject for r in rows if r.channel == "email")
    assert any(req.protocol in s and "Επιλύθηκε" in s for s in emails)
    resolved = next(r for r in rows if r.channel == "email" and "Επιλύθηκε" in r.subject)
    assert "Έγινε η επισκευή." in resolved.body and "internal" not in resolved.body


def test_followers_of_a_public_report_hear_of_its_changes(catalogue):
    from chalicelib.models.outbox import OutboxMessage
    from chalicelib.services.platform.stream_router import handle_batch
    from chalicelib.services.requests import workflow as svc

    req = _file()
    svc.follow("987654321", req.protocol)
    svc.change_status(_staff(), req.request_id, "resolved", note="ok")
    handle_batch(stream_event(_entry_records(req.request_id)[1:]))
    recipients = {r.recipient for r in OutboxMessage.by_day.query(svc.utcnow().strftime("%Y-%m-%d"))}
    assert recipients == {"maria@example.gr", "+306900000001", "giannis@example.gr"}


# -- the HTTP API --------------------------------------------------------------------------------
def test_citizen_files_over_http_and_only_they_see_it(client, catalogue, make_citizen):
    maria = make_citizen("123456789", email="maria@example.gr")
    giannis = make_citizen("987654321")
    body = {
        "type_code": "pothole",
        "description": "<img src=x onerror=alert(1)>",
        "attributes": {"SIZE": "small"},
        "lat": ATHENS[0],
        "lon": ATHENS[1],
        "address": "Σύνταγμα",
    }
    # WHEN Maria files a pothole
    resp = client.http.post(
        "/api/requests", body=json.dumps(body), headers={**bearer(maria), "Content-Type": "application/json"}
    )
    assert resp.status_code == 200, resp.body
    request = resp.json_body["request"]
    assert request["protocol"].endswith("/000001") and request["department_id"] == "roads"
    rid = request["request_id"]
    # THEN it is in her list and detail; Giannis gets 404 for it
    mine = client.http.get("/api/requests/mine", headers=bearer(maria)).json_body["requests"]
    assert [r["request_id"] for r in mine] == [rid]
    assert client.http.get(f"/api/requests/mine/{rid}", headers=bearer(maria)).status_code == 200
    other = client.http.get(f"/api/requests/mine/{rid}", headers=bearer(giannis))
    assert other.status_code == 404 and other.json_body["error"]["code"] == "request_not_found"
    # AND anyone following the public report sees no personal data
    followed = client.http.get(f"/api/requests/follow?protocol={request['protocol']}").json_body
    assert followed["request"]["status"] == "submitted"
    text = json.dumps(followed)
    assert "123456789" not in text and "ΠΑΠΑΔΟΠΟΥΛΟΥ" not in text and "photos" not in followed["request"]


def test_private_requests_cannot_be_followed_by_others(client, catalogue, make_citizen):
    maria = make_citizen("123456789")
    giannis = make_citizen("987654321")
    req = _file(code="birth-certificate", at=None, attributes={"PERSON": "ΜΑΡΙΑ"})
    assert client.http.get(f"/api/requests/follow?protocol={req.protocol}").status_code == 404
    assert (
        client.http.get(f"/api/requests/follow?protocol={req.protocol}", headers=bearer(giannis)).status_code
        == 404
    )
    assert (
        client.http.get(f"/api/requests/follow?protocol={req.protocol}", headers=bearer(maria)).status_code
        == 200
    )


def test_staff_http_inbox_detail_and_other_department(client, catalogue, make_staff):
    roads = make_staff("clerk", "roads", username="clerk.roads")
    cleaning = make_staff("clerk", "cleaning", username="clerk.cleaning")
    req = _file()
    inbox = client.http.get("/api/staff/requests", headers=bearer(roads)).json_body["requests"]
    assert [r["request_id"] for r in inbox] == [req.request_id]
    assert inbox[0]["requester_name"] == "Μαρία"
    detail = client.http.get(f"/api/staff/requests/{req.request_id}", headers=bearer(roads)).json_body
    assert detail["type"]["templates"][0]["id"] == "scheduled"
    # WHEN a clerk of another department opens it -> 403
    resp = client.http.get(f"/api/staff/requests/{req.request_id}", headers=bearer(cleaning))
    assert resp.status_code == 403 and resp.json_body["error"]["code"] == "other_department"
    # AND status changes over HTTP record the note's visibility
    resp = client.http.post(
        f"/api/staff/requests/{req.request_id}/status",
        body=json.dumps({"status": "rejected"}),
        headers={**bearer(roads), "Content-Type": "application/json"},
    )
    assert resp.status_code == 400 and resp.json_body["error"]["code"] == "reason_required"


def test_staff_take_a_request_on_a_citizens_behalf_with_the_channel(client, catalogue, make_staff):
    kep = make_staff("clerk", "kep", username="clerk.kep")
    body = {
        "type_code": "pothole",
        "channel": "phone",
        "attributes": {"SIZE": "medium"},
        "lat": ATHENS[0],
        "lon": ATHENS[1],
        "description": "Τηλεφώνησε η κα Μαρία",
        "citizen": {"taxid": "123456789", "name": "Μαρία Παπαδοπούλου", "phone": "+306900000001"},
    }
    resp = client.http.post(
        "/api/staff/requests",
        body=json.dumps(body),
        headers={**bearer(kep), "Content-Type": "application/json"},
    )
    # THEN the request is routed to roads, records the channel and who took it, and is the citizen's
    assert resp.status_code == 200, resp.body
    request = resp.json_body["request"]
    assert (request["channel"], request["created_by"], request["department_id"]) == (
        "phone",
        "clerk.kep",
        "roads",
    )
    from chalicelib.services.requests import workflow as svc

    assert [r.request_id for r in svc.of_citizen("123456789")] == [request["request_id"]]


def test_admins_manage_types_and_clerks_cannot(client, catalogue, make_staff):
    admin = make_staff("admin", "kep", username="admin")
    clerk = make_staff("clerk", "roads", username="clerk.roads")
    body = {
        "code": "graffiti",
        "name_el": "Γκράφιτι",
        "name_en": "Graffiti",
        "group": "cleaning",
        "group_el": "Καθαριότητα",
        "group_en": "Cleaning",
        "department_id": "cleaning",
        "location": "required",
        "public": True,
        "attributes": [
            {
                "code": "SURFACE",
                "datatype": "singlevaluelist",
                "required": True,
                "values": [{"key": "wall", "name_el": "Τοίχος"}],
            }
        ],
    }
    headers = {"Content-Type": "application/json"}
    denied = client.http.put(
        "/api/admin/request-types/graffiti", body=json.dumps(body), headers={**bearer(clerk), **headers}
    )
    assert denied.status_code == 403
    made = client.http.put(
        "/api/admin/request-types/graffiti", body=json.dumps(body), headers={**bearer(admin), **headers}
    )
    assert made.status_code == 200, made.body
    codes = [t["code"] for t in client.http.get("/api/request-types").json_body["types"]]
    assert "graffiti" in codes
    bad = dict(body, department_id="nowhere")  # valid, but no such department: 404
    assert (
        client.http.put(
            "/api/admin/request-types/graffiti", body=json.dumps(bad), headers={**bearer(admin), **headers}
        ).status_code
        == 404
    )
    # AND a body that breaks the schema (bad datatype) is a 400
    broken = dict(body, attributes=[{"code": "X", "datatype": "colour"}])
    assert (
        client.http.put(
            "/api/admin/request-types/graffiti", body=json.dumps(broken), headers={**bearer(admin), **headers}
        ).status_code
        == 400
    )


# -- photos --------------------------------------------------------------------------------------
def test_photo_upload_form_limits_type_and_size_and_submission_checks_the_object(
    client, catalogue, make_citizen
):
    from chalicelib.aws import client as aws_client
    from chalicelib.settings import get_settings

    s3 = aws_client("s3")
    bucket = get_settings().uploads_bucket
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": get_settings().region})
    maria = make_citizen("123456789")
    headers = {**bearer(maria), "Content-Type": "application/json"}
    # WHEN Maria asks for an upload form for a GIF -> 400; for a JPEG -> a policy
    assert (
        client.http.post(
            "/api/requests/photos", body=json.dumps({"content_type": "image/gif"}), headers=headers
        ).status_code
        == 400
    )
    form = client.http.post(
        "/api/requests/photos", body=json.dumps({"content_type": "image/jpeg"}), headers=headers
    ).json_body
    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    conditions = policy["conditions"]
    # THEN the policy pins the key, the content type and a size range
    assert ["content-length-range", 100, 5 * 1024 * 1024] in conditions
    assert {"Content-Type": "image/jpeg"} in conditions and {"key": form["key"]} in conditions
    # AND a submission with a photo that was not uploaded is refused; once uploaded it is kept
    body = {
        "type_code": "pothole",
        "attributes": {"SIZE": "small"},
        "lat": ATHENS[0],
        "lon": ATHENS[1],
        "photos": [form["key"]],
    }
    missing = client.http.post("/api/requests", body=json.dumps(body), headers=headers)
    assert missing.status_code == 404 and missing.json_body["error"]["code"] == "photo_not_found"
    s3.put_object(Bucket=bucket, Key=form["key"], Body=b"\xff\xd8" + b"0" * 500, ContentType="image/jpeg")
    ok = client.http.post("/api/requests", body=json.dumps(body), headers=headers)
    assert ok.status_code == 200 and ok.json_body["request"]["photos"] == [form["key"]]
    # AND someone else's key is refused exactly as a key never uploaded (it does not seem to exist)
    stolen = dict(body, photos=["requests/c/someoneelse/x.jpg"])
    refused = client.http.post("/api/requests", body=json.dumps(stolen), headers=headers)
    assert (refused.status_code, refused.json_body["error"]["code"]) == (404, "photo_not_found")
