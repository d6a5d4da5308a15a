"""Request types in the municipality's catalogue: admins, and managers for their own department,
create and edit a type (department, names, extra fields, expected days, public or private,
response templates) and deactivate it; each change audited; Open311 and citizens follow; staff
answering a request of the type are offered its templates."""

from __future__ import annotations

import json

from chalicelib.models.audit import AuditEntry
from chalicelib.models.requests import RequestType
from tests.conftest import bearer

TYPE = {
    "code": "graffiti",
    "name_el": "Γκράφιτι",
    "name_en": "Graffiti",
    "group": "cleaning",
    "group_el": "Καθαριότητα",
    "group_en": "Cleaning",
    "description_el": "Συνθήματα σε τοίχους",
    "department_id": "cleaning",
    "location": "required",
    "photo": "optional",
    "expected_days": 7,
    "public": True,
    "attributes": [
        {
            "code": "SURFACE",
            "datatype": "singlevaluelist",
            "required": True,
            "description_el": "Επιφάνεια",
            "values": [{"key": "wall", "name_el": "Τοίχος", "name_en": "Wall"}],
        }
    ],
    "templates": [
        {"id": "cleaned", "title": "Καθαρίστηκε", "text_el": "Καθαρίστηκε.", "text_en": "It was cleaned."}
    ],
}


def _put(client, token: str, body: dict, code: str | None = None):
    return client.http.put(
        f"/api/admin/request-types/{code or body['code']}",
        body=json.dumps(body),
        headers={**bearer(token), "Content-Type": "application/json"},
    )


def _file(client, token: str):
    """A citizen files a graffiti report with its extra field and a location."""
    return client.http.post(
        "/api/requests",
        body=json.dumps({"type_code": "graffiti", "attributes": {"SURFACE": "wall"}, "lat": 37.97, "lon": 23.73}),
        headers={**bearer(token), "Content-Type": "application/json"},
    )


def _audit(code: str) -> list[AuditEntry]:
    return list(AuditEntry.by_entity.query(f"request_type#{code}"))


def test_a_manager_makes_a_public_type_that_citizens_and_open311_see_and_staff_answer_with(
    client, catalogue, make_staff, make_citizen
):
    # GIVEN the manager of cleaning
    manager = make_staff("manager", "cleaning", username="manager.cleaning")
    # WHEN they create the type "graffiti" of their department
    resp = _put(client, manager, TYPE)
    assert resp.status_code == 200, resp.json_body
    assert resp.json_body["templates"] == TYPE["templates"] and resp.json_body["expected_days"] == 7
    # THEN citizens and Open311 clients see it, with its extra field
    assert "graffiti" in [t["code"] for t in client.http.get("/api/request-types").json_body["types"]]
    services = client.http.get("/open311/v2/services.json").json_body
    assert "graffiti" in [s["service_code"] for s in services]
    definition = client.http.get("/open311/v2/services/graffiti.json").json_body
    assert definition["attributes"][0]["code"] == "SURFACE"
    # AND a citizen files a request of it, and the staff detail offers its templates
    token = make_citizen("123456789")
    filed = _file(client, token)
    assert filed.status_code == 200, filed.json_body
    request_id = filed.json_body["request"]["request_id"]
    detail = client.http.get(f"/api/staff/requests/{request_id}", headers=bearer(manager)).json_body
    assert detail["request"]["department_id"] == "cleaning"
    assert [t["id"] for t in detail["type"]["templates"]] == ["cleaned"]
    # AND the creation is audited with the whole type
    [entry] = _audit("graffiti")
    assert entry.action == "request_type.create" and entry.after["public"] is True


def test_managers_act_only_on_their_own_departments_types(client, catalogue, make_staff):
    cleaning = make_staff("manager", "cleaning", username="manager.cleaning")
    roads = make_staff("manager", "roads", username="manager.roads")
    clerk = make_staff("clerk", "cleaning", username="clerk.cleaning.x")
    assert _put(client, cleaning, TYPE).status_code == 200
    # WHEN the manager of roads edits cleaning's type, or makes one for cleaning THEN 403
    assert _put(client, roads, {**TYPE, "name_el": "Άλλο"}).status_code == 403
    assert _put(client, roads, {**TYPE, "code": "posters"}).status_code == 403
    # AND cleaning's manager may not give the type away to roads, nor take roads' pothole
    assert _put(client, cleaning, {**TYPE, "department_id": "roads"}).status_code == 403
    pothole = {**TYPE, "code": "pothole", "department_id": "cleaning"}
    assert _put(client, cleaning, pothole).status_code == 403
    # AND a clerk may not edit types at all
    assert _put(client, clerk, TYPE).status_code == 403
    # THEN the types are as they were
    assert RequestType.get("graffiti").name_el == "Γκράφιτι"
    assert RequestType.get("graffiti").department_id == "cleaning"
    assert RequestType.get("pothole").department_id == "roads"


def test_a_deactivated_type_is_offered_to_no_one_and_its_requests_remain(
    client, catalogue, make_staff, make_citizen
):
    manager = make_staff("manager", "cleaning", username="manager.cleaning")
    assert _put(client, manager, TYPE).status_code == 200
    # WHEN the manager deactivates it
    resp = _put(client, manager, {**TYPE, "active": False})
    assert resp.status_code == 200 and resp.json_body["active"] is False
    # THEN citizens and Open311 no longer see it, and a new request of it is refused
    assert "graffiti" not in [t["code"] for t in client.http.get("/api/request-types").json_body["types"]]
    assert "graffiti" not in [
        s["service_code"] for s in client.http.get("/open311/v2/services.json").json_body
    ]
    token = make_citizen("123456789")
    filed = _file(client, token)
    assert filed.status_code == 404
    # AND staff still see it (inactive) in the list of types; the audit log says it was deactivated
    types = client.http.get("/api/staff/request-types", headers=bearer(manager)).json_body["types"]
    assert {t["code"]: t["active"] for t in types}["graffiti"] is False
    assert [e.action for e in _audit("graffiti")] == ["request_type.create", "request_type.deactivate"]


def test_what_the_schema_accepts_but_a_type_cannot_be_is_409_naming_the_field(client, catalogue, make_staff):
    admin = make_staff("admin", "kep", username="admin")
    twice = {**TYPE, "attributes": TYPE["attributes"] * 2}
    no_values = {**TYPE, "attributes": [{"code": "KIND", "datatype": "multivaluelist"}]}
    templates = {**TYPE, "templates": TYPE["templates"] * 2}
    cases = [
        (twice, "duplicate_attribute", "attributes[1].code"),
        (no_values, "attribute_values_missing", "attributes[0].values"),
        (templates, "duplicate_template", "templates[1].id"),
    ]
    for body, code, field in cases:
        resp = _put(client, admin, body)
        assert resp.status_code == 409 and resp.json_body["error"]["code"] == code, resp.json_body
        assert resp.json_body["error"]["details"] == {"field": field}
    missing = _put(client, admin, {**TYPE, "department_id": "nowhere"})
    assert missing.status_code == 404 and missing.json_body["error"]["details"] == {"field": "department_id"}
    # THEN nothing was written
    assert RequestType.count("graffiti") == 0
