"""Service points as their own items: created and edited by admins and the managers of their
department, every change in the audit log; bad input refused naming the field with nothing
written; a rename reaches the queues' copies in the same transaction; deactivated only when nothing
active is at them; shown with each service through one cached read."""

from __future__ import annotations

from chalicelib.models.queue import Queue
from chalicelib.models.service_catalog import Service
from chalicelib.models.service_points import ServicePoint
from chalicelib.services import appointments
from chalicelib.services.platform import service_points
from tests.unit.appointments.helpers import count_calls, make_service
from tests.unit.catalogue.support import audit_of, call, error, items

POINTS = "/api/staff/catalogue/service-points"
NEW = {
    "service_point_id": "kep-nea-smyrni",
    "department_id": "kep",
    "name_el": "ΚΕΠ Νέας Σμύρνης",
    "name_en": "KEP Nea Smyrni",
    "address_el": "Ελευθερίου Βενιζέλου 120",
    "address_en": "120 Eleftheriou Venizelou St",
    "lat": 37.94488,
    "lng": 23.71447,
    "phone": "2109999300",
    "email": "kep.smyrni@example.gr",
    "hours_el": "Δευτέρα–Παρασκευή 08:00–15:00",
    "hours_en": "Monday–Friday 08:00–15:00",
    "hours": {d: [["08:00", "15:00"]] for d in "12345"},
}


def test_a_manager_creates_a_point_of_the_department_and_it_is_audited(catalogue):
    client = catalogue.client
    # WHEN the KEP's manager creates a point
    resp = call(client, "POST", POINTS, catalogue.manager, NEW)
    # THEN 201 with the point, listed and readable, active, in the audit log with what it holds
    assert resp.status_code == 201, resp.json_body
    assert resp.json_body["active"] is True and resp.json_body["lat"] == 37.94488
    listed = call(client, "GET", POINTS, catalogue.manager).json_body["service_points"]
    assert "kep-nea-smyrni" in [p["service_point_id"] for p in listed]
    assert (
        call(client, "GET", f"{POINTS}/kep-nea-smyrni", catalogue.manager).json_body["phone"] == "2109999300"
    )
    [entry] = audit_of("service_point", "kep-nea-smyrni")
    assert (entry.action, entry.actor) == ("service_point.create", "cat.manager")
    assert entry.before is None and entry.after["address_el"] == NEW["address_el"]
    # AND the same id again is 409 naming the field, and changes nothing
    again = call(client, "POST", POINTS, catalogue.manager, {**NEW, "name_el": "Άλλο"})
    assert error(again) == (409, "service_point_exists", {"field": "service_point_id"})
    assert ServicePoint.get("kep-nea-smyrni").name_el == NEW["name_el"]


def test_bad_points_are_refused_naming_the_field_and_nothing_is_written(catalogue):
    client = catalogue.client
    before = items(ServicePoint)
    cases = [
        ({**NEW, "lng": None}, (409, "position_incomplete", {"field": "lng"})),
        ({**NEW, "hours": {"2": [["15:00", "08:00"]]}}, (409, "invalid_hours", {"field": "hours.2"})),
        ({**NEW, "department_id": "nowhere"}, (403, "other_department", None)),
    ]
    for body, expected in cases:
        assert error(call(client, "POST", POINTS, catalogue.manager, body)) == expected
    # AN admin naming a department that does not exist gets 404 naming it
    assert error(call(client, "POST", POINTS, catalogue.admin, {**NEW, "department_id": "nowhere"})) == (
        404,
        "unknown_department",
        {"field": "department_id"},
    )
    # AND what the schema refuses is a 400 naming the field
    blank = call(client, "POST", POINTS, catalogue.manager, {**NEW, "name_el": "   "})
    assert blank.status_code == 400 and blank.json_body["error"]["details"]["field"] == "name_el"
    bad_id = call(client, "POST", POINTS, catalogue.manager, {**NEW, "service_point_id": "Κ Ε Π"})
    assert bad_id.status_code == 400 and bad_id.json_body["error"]["details"]["field"] == "service_point_id"
    # THEN nothing was written
    assert items(ServicePoint) == before


def test_only_admins_and_the_points_own_managers_edit_it(catalogue):
    client = catalogue.client
    path = f"{POINTS}/kep-dimarxeio"
    # WHEN a clerk of the KEP and the manager of roads try to edit the KEP's point THEN 403
    for token in (catalogue.clerk, catalogue.other):
        assert call(client, "PUT", path, token, {"phone": "2100000001"}).status_code == 403
    # AND the manager of roads may not take it to roads, nor the KEP's manager give it away
    assert call(client, "PUT", path, catalogue.manager, {"department_id": "roads"}).status_code == 403
    # AND without signing in, 401
    assert call(client, "PUT", path, None, {"phone": "2100000001"}).status_code == 401
    assert ServicePoint.get("kep-dimarxeio").phone == "2100000000"
    # WHEN its manager edits THEN it changes, with before and after in the audit log
    resp = call(client, "PUT", path, catalogue.manager, {"phone": "2100000001", "hours_en": "Weekdays"})
    assert resp.status_code == 200 and resp.json_body["phone"] == "2100000001"
    [entry] = audit_of("service_point", "kep-dimarxeio")
    assert entry.before == {"phone": "2100000000", "hours_en": ""}
    assert entry.after == {"phone": "2100000001", "hours_en": "Weekdays"}
    # AND an admin may move it to another department
    assert (
        call(client, "PUT", path, catalogue.admin, {"department_id": "roads"}).json_body["department_id"]
        == "roads"
    )


def test_a_rename_reaches_the_kiosk_through_the_queues_copies(catalogue):
    client = catalogue.client
    make_service("svc-q")
    resp = call(
        client,
        "POST",
        "/api/staff/catalogue/queues",
        catalogue.manager,
        {
            "service_point_id": "kep-dimarxeio",
            "prefix": "A",
            "department_id": "kep",
            "name_el": "Α",
            "service_ids": ["svc-q"],
        },
    )
    assert resp.status_code == 201, resp.json_body
    # WHEN the point is renamed
    renamed = {"name_el": "ΚΕΠ Δημαρχείου (ισόγειο)", "name_en": "KEP, ground floor"}
    assert call(client, "PUT", f"{POINTS}/kep-dimarxeio", catalogue.manager, renamed).status_code == 200
    # THEN the queue's copies and the kiosk say the new name
    assert Queue.get("kep-dimarxeio-A").service_point_name_en == "KEP, ground floor"
    kiosk = client.http.get("/api/queue/points/kep-dimarxeio").json_body
    assert (kiosk["name_el"], kiosk["name_en"]) == (renamed["name_el"], renamed["name_en"])


def test_a_point_is_deactivated_only_when_nothing_active_is_at_it(catalogue):
    client = catalogue.client
    path = f"{POINTS}/kep-dimarxeio"
    make_service("svc-here")
    # WHEN the point of an active service is deactivated THEN 409 naming what is still there
    status, code, details = error(call(client, "PUT", path, catalogue.manager, {"active": False}))
    assert (status, code) == (409, "service_point_in_use")
    assert details == {"field": "active", "services": ["svc-here"], "queues": []}
    # WHEN the service is deactivated first THEN the point may be
    assert (
        call(client, "PUT", "/api/staff/services/svc-here", catalogue.manager, {"active": False}).status_code
        == 200
    )
    resp = call(client, "PUT", path, catalogue.manager, {"active": False})
    assert resp.status_code == 200 and resp.json_body["active"] is False
    assert audit_of("service_point", "kep-dimarxeio")[-1].action == "service_point.deactivate"
    # AND no service can be put at it, nor the old one made active again there
    new = {
        "service_id": "svc-new",
        "department_id": "kep",
        "service_point_id": "kep-dimarxeio",
        "name_el": "Ν",
        "name_en": "N",
    }
    assert error(call(client, "POST", "/api/staff/services", catalogue.manager, new)) == (
        409,
        "service_point_inactive",
        {"field": "service_point_id"},
    )
    back = call(client, "PUT", "/api/staff/services/svc-here", catalogue.manager, {"active": True})
    assert back.json_body["error"]["code"] == "service_point_inactive"
    assert not Service.get("svc-here").active and Service.count("svc-new") == 0


def test_a_point_deactivated_after_the_check_still_refuses_the_service(catalogue, monkeypatch):
    """The point's ``attach`` is a condition of the service's own transaction."""
    # GIVEN a point found usable, then deactivated before the service is written
    point = service_points.get_point("kep-dimarxeio")
    monkeypatch.setattr(service_points, "usable", lambda *a, **k: point)
    ServicePoint("kep-dimarxeio").update(actions=[ServicePoint.active.set(False)])
    body = {
        "service_id": "svc-race",
        "department_id": "kep",
        "service_point_id": "kep-dimarxeio",
        "name_el": "Ν",
        "name_en": "N",
    }
    # WHEN the service is created THEN 409 and no service was written
    resp = call(catalogue.client, "POST", "/api/staff/services", catalogue.manager, body)
    assert error(resp)[:2] == (409, "service_point_inactive")
    assert Service.count("svc-race") == 0


def test_citizens_see_each_services_point_read_once_for_a_whole_list(catalogue):
    client = catalogue.client
    for n in range(4):
        make_service(f"svc-{n}")
    # WHEN the catalogue is asked for with a cold cache
    with count_calls() as calls:
        services = client.http.get("/api/services").json_body["services"]
    # THEN each service has its point's card, read with one BatchGetItem for all (and one for
    # the departments)
    assert {s["point"]["address_el"] for s in services} == {"Οδός 1"}
    assert calls.count("BatchGetItem") == 2 and "GetItem" not in calls
    # AND warm, the points are not read again
    with count_calls() as warm:
        client.http.get("/api/services")
    assert warm.count("BatchGetItem") == 1
    # WHEN the point is edited in this container THEN the next view shows the change
    call(client, "PUT", f"{POINTS}/kep-dimarxeio", catalogue.manager, {"address_el": "Οδός 2"})
    assert client.http.get("/api/services/svc-0").json_body["point"]["address_el"] == "Οδός 2"
    assert appointments.point_of(appointments.get_service("svc-1"))["address_el"] == "Οδός 2"
