"""The requests routes over HTTP (``handlers/requests_citizen.py``, ``handlers/requests_staff.py``):
a citizen files and only they see it, private requests cannot be followed, the staff inbox and
detail within the department, requests taken on a citizen's behalf, request types managed by admins,
photo upload forms and the check of the uploaded object."""

from __future__ import annotations

import base64
import json

from chalicelib.aws import client as aws_client
from chalicelib.services.requests import lists
from chalicelib.settings import get_settings
from tests.conftest import bearer
from tests.unit.requests.helpers import ATHENS, file_request


# -- citizens ------------------------------------------------------------------------------------
def test_citizen_files_over_http_and_only_they_see_it(client, catalogue, make_citizen):
    # GIVEN Maria and Giannis signed in, and a pothole report whose text is markup
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
    # GIVEN Maria's private request (a birth certificate)
    maria = make_citizen("123456789")
    giannis = make_citizen("987654321")
    req = file_request(code="birth-certificate", at=None, attributes={"PERSON": "ΜΑΡΙΑ"})
    # WHEN it is looked up by protocol number: signed out, by Giannis, by Maria
    # THEN only Maria finds it
    assert client.http.get(f"/api/requests/follow?protocol={req.protocol}").status_code == 404
    assert (
        client.http.get(f"/api/requests/follow?protocol={req.protocol}", headers=bearer(giannis)).status_code
        == 404
    )
    assert (
        client.http.get(f"/api/requests/follow?protocol={req.protocol}", headers=bearer(maria)).status_code
        == 200
    )


# -- staff ---------------------------------------------------------------------------------------
def test_staff_http_inbox_detail_and_other_department(client, catalogue, make_staff):
    # GIVEN a roads request, a roads clerk and a cleaning clerk
    roads = make_staff("clerk", "roads", username="clerk.roads")
    cleaning = make_staff("clerk", "cleaning", username="clerk.cleaning")
    req = file_request()
    # WHEN the roads clerk reads the inbox and the request
    # THEN it is there with the requester's name, and the detail has the type's templates
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
    # GIVEN a KEP clerk taking a pothole report by phone
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
    # WHEN the clerk files it
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
    assert [r.request_id for r in lists.filed_by("123456789")] == [request["request_id"]]


def test_admins_manage_types_and_clerks_cannot(client, catalogue, make_staff):
    # GIVEN an admin, a clerk and a new type "graffiti"
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
    # WHEN the clerk puts it -> 403; the admin -> 200, and citizens see it in the catalogue
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
    # AND a department that does not exist is a 404 (valid, but not possible)
    bad = dict(body, department_id="nowhere")
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


def test_a_type_put_under_another_code_is_refused(client, catalogue, make_staff):
    # GIVEN an admin and the pothole type as citizens see it
    admin = make_staff("admin", "kep", username="admin")
    body = {**client.http.get("/api/request-types/pothole").json_body, "code": "pothole"}
    body.pop("active", None)
    headers = {**bearer(admin), "Content-Type": "application/json"}
    # WHEN it is put under the path of another code
    resp = client.http.put("/api/admin/request-types/streetlight", body=json.dumps(body), headers=headers)
    # THEN 409 code_mismatch, and the other type is unchanged
    assert resp.status_code == 409 and resp.json_body["error"]["code"] == "code_mismatch"
    assert client.http.get("/api/request-types/streetlight").json_body["name_el"] != body["name_el"]


def test_colleagues_and_nearby_over_http(client, catalogue, make_staff):
    # GIVEN a roads clerk and an open pothole at Syntagma
    roads = make_staff("clerk", "roads", username="clerk.roads")
    near = file_request()
    # WHEN the clerk lists colleagues of roads and of cleaning
    mine = client.http.get("/api/staff/request-colleagues", headers=bearer(roads))
    theirs = client.http.get("/api/staff/request-colleagues?department_id=cleaning", headers=bearer(roads))
    # THEN roads' active clerks come back, and cleaning's list is another department's (403)
    assert sorted(c["username"] for c in mine.json_body["colleagues"]) == ["clerk.roads", "clerk.roads2"]
    assert theirs.status_code == 403 and theirs.json_body["error"]["code"] == "other_department"
    # WHEN anyone asks for potholes near the point, and for an unknown type
    found = client.http.get(f"/api/requests/nearby?type_code=pothole&lat={ATHENS[0]}&lon={ATHENS[1]}")
    unknown = client.http.get(f"/api/requests/nearby?type_code=nothing&lat={ATHENS[0]}&lon={ATHENS[1]}")
    # THEN the pothole is there at 0 m with no personal data; the unknown type is a 404
    reports = found.json_body["reports"]
    assert [(r["request_id"], r["distance_m"]) for r in reports] == [(near.request_id, 0.0)]
    assert "taxid" not in reports[0] and "requester_name" not in reports[0]
    assert unknown.status_code == 404


# -- photos --------------------------------------------------------------------------------------
def test_photo_upload_form_limits_type_and_size_and_submission_checks_the_object(
    client, catalogue, make_citizen
):
    # GIVEN the uploads bucket and Maria signed in
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
    # AND the upload goes under incoming/, where unattached uploads expire
    assert form["key"].startswith("incoming/requests/c/")
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
    assert ok.status_code == 200 and ok.json_body["request"]["photos"] == [form["key"].removeprefix("incoming/")]
    # AND someone else's key is refused exactly as a key never uploaded (it does not seem to exist)
    stolen = dict(body, photos=["incoming/requests/c/someoneelse/x.jpg"])
    refused = client.http.post("/api/requests", body=json.dumps(stolen), headers=headers)
    assert (refused.status_code, refused.json_body["error"]["code"]) == (404, "photo_not_found")
