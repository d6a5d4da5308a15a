"""Services of the catalogue: a manager creates one with its documents, point and a named period,
citizens see and book it; edits of names, documents and periods are audited and shown at once;
deactivating hides it from booking but not from the appointments that name it; what the schema
accepts but the catalogue cannot is a 409 naming the field, with nothing written."""

from __future__ import annotations

import json
from datetime import timedelta

from chalicelib.models.service_catalog import Service
from tests.conftest import bearer
from tests.unit.appointments.helpers import make_service, next_open_weekday
from tests.unit.catalogue.support import audit_of, call, error, items

SERVICES = "/api/staff/services"


def _new(**fields) -> dict:
    body = {
        "service_id": "kep-passports",
        "department_id": "kep",
        "service_point_id": "kep-dimarxeio",
        "name_el": "Διαβατήρια",
        "name_en": "Passports",
        "description_el": "Αίτηση για διαβατήριο.",
        "description_en": "Passport applications.",
        "documents": [
            {"name_el": "Ταυτότητα", "name_en": "Identity card"},
            {
                "name_el": "Φωτογραφία",
                "name_en": "Photograph",
                "where_el": "Φωτογράφος",
                "where_en": "A photographer",
            },
        ],
        "duration_minutes": 20,
        "slot_minutes": 20,
        "capacity": 2,
        "max_per_day": 1,
        "min_notice_minutes": 0,
        "max_days_ahead": 60,
        "cancel_cutoff_minutes": 30,
        "hours": {str(d): [["08:00", "14:00"]] for d in range(1, 8)},
    }
    return {**body, **fields}


def _day(client, service_id: str, day) -> dict:
    resp = client.http.get(f"/api/services/{service_id}/availability?from={day}&to={day}")
    assert resp.status_code == 200, resp.body
    return resp.json_body["days"][0]


def test_a_manager_creates_a_service_with_documents_and_a_period_and_a_citizen_books_it(
    catalogue, make_citizen
):
    client = catalogue.client
    # GIVEN a weekday that is no holiday, which the new service's period opens only 09:00-10:00
    day = next_open_weekday(2)
    period = {
        "id": "summer",
        "name_el": "Θερινό ωράριο",
        "name_en": "Summer hours",
        "from": day.isoformat(),
        "to": (day + timedelta(days=1)).isoformat(),
        "hours": {str(day.isoweekday()): [["09:00", "10:00"]]},
    }
    # WHEN the KEP's manager creates the service
    resp = call(client, "POST", SERVICES, catalogue.manager, _new(periods=[period]))
    # THEN 201, with its point's card, documents and period
    assert resp.status_code == 201, resp.json_body
    created = resp.json_body
    assert created["point"]["name_el"] == "ΚΕΠ" and created["periods"] == [period]
    assert [d["name_en"] for d in created["documents"]] == ["Identity card", "Photograph"]
    # AND citizens see it in the catalogue, and the period's hours on that day
    listed = client.http.get("/api/services?department_id=kep").json_body["services"]
    assert [s["service_id"] for s in listed] == ["kep-passports"]
    shown = _day(client, "kep-passports", day)
    assert [s["start"][11:] for s in shown["slots"]] == ["09:00", "09:20", "09:40"]
    assert shown["period_en"] == "Summer hours"
    # AND a citizen books it
    token = make_citizen("123456789")
    booked = client.http.post(
        "/api/appointments",
        headers={**bearer(token), "Content-Type": "application/json"},
        body=json.dumps({"service_id": "kep-passports", "start": shown["slots"][0]["start"]}),
    )
    assert booked.status_code == 201, booked.json_body
    # AND the creation is in the audit log with what the service holds
    [entry] = audit_of("service", "kep-passports")
    assert entry.action == "service.create" and entry.after["periods"] == [period]


def test_names_documents_and_point_are_edited_audited_and_shown_at_once(catalogue):
    client = catalogue.client
    make_service("svc-edit")
    assert client.http.get("/api/services/svc-edit").json_body["name_en"] == "Certificate"  # now cached
    call(
        client,
        "POST",
        "/api/staff/catalogue/service-points",
        catalogue.manager,
        {"service_point_id": "kep-annex", "department_id": "kep", "name_el": "Παράρτημα", "name_en": "Annex"},
    )
    change = {
        "name_en": "Certificates",
        "description_el": "Νέα περιγραφή",
        "documents": [{"name_el": "Διαβατήριο", "name_en": "Passport"}],
        "service_point_id": "kep-annex",
    }
    # WHEN the manager edits
    resp = call(client, "PUT", f"{SERVICES}/svc-edit", catalogue.manager, change)
    assert resp.status_code == 200, resp.json_body
    # THEN citizens see the change at once (the edit forgets its cached copy), with the new point
    shown = client.http.get("/api/services/svc-edit").json_body
    assert shown["name_en"] == "Certificates" and shown["point"]["name_en"] == "Annex"
    assert shown["documents"] == change["documents"]
    # AND the audit entry holds exactly what changed, before and after
    [entry] = audit_of("service", "svc-edit")
    assert entry.action == "service.update"
    assert set(entry.before) == set(entry.after) == set(change)
    assert entry.before["name_en"] == "Certificate" and entry.after["service_point_id"] == "kep-annex"


def test_a_deactivated_service_is_not_bookable_but_its_appointments_still_show_it(catalogue, make_citizen):
    client = catalogue.client
    make_service("svc-off", hours={str(d): [["08:00", "14:00"]] for d in range(1, 8)}, min_notice_minutes=0)
    token = make_citizen("123456789")
    day = next_open_weekday(3)
    start = _day(client, "svc-off", day)["slots"][0]["start"]
    headers = {**bearer(token), "Content-Type": "application/json"}
    body = json.dumps({"service_id": "svc-off", "start": start})
    appointment = client.http.post("/api/appointments", headers=headers, body=body).json_body
    # WHEN the manager deactivates it
    assert call(client, "PUT", f"{SERVICES}/svc-off", catalogue.manager, {"active": False}).status_code == 200
    # THEN citizens cannot see or book it
    assert client.http.get("/api/services/svc-off").status_code == 404
    assert client.http.get("/api/services").json_body["services"] == []
    again = client.http.post("/api/appointments", headers=headers, body=body)
    assert again.status_code == 404
    # AND the appointment booked before still names it, and staff still list it
    mine = client.http.get(f"/api/appointments/{appointment['appointment_id']}", headers=bearer(token))
    assert mine.json_body["service_name_en"] == "Certificate" and mine.json_body["point"]["name_el"] == "ΚΕΠ"
    staff_list = call(client, "GET", SERVICES, catalogue.clerk).json_body["services"]
    assert [(s["service_id"], s["active"]) for s in staff_list] == [("svc-off", False)]
    assert audit_of("service", "svc-off")[-1].action == "service.deactivate"


def test_what_the_schema_accepts_but_a_service_cannot_be_is_409_naming_the_field(catalogue):
    client = catalogue.client
    make_service("svc-bad")
    period = {"id": "p", "name_el": "Π", "from": "2027-07-01", "to": "2027-08-31", "closed": True}
    cases = [
        ({"periods": [{**period, "to": "2027-06-30"}]}, "invalid_period", "periods[0].to"),
        ({"periods": [period, period]}, "invalid_period", "periods[1].id"),
        ({"periods": [{**period, "closed": False}]}, "invalid_period", "periods[0].hours"),
        ({"periods": [{**period, "to": "2028-08-31"}]}, "invalid_period", "periods[0].to"),
        (
            {"periods": [{**period, "closed": False, "hours": {"3": [["10:00", "09:00"]]}}]},
            "invalid_hours",
            "periods[0].hours.3",
        ),
        ({"exceptions": {"2027-13-01": []}}, "invalid_exception", "exceptions.2027-13-01"),
        ({"hours": {"1": [["08:00", "12:00"], ["11:00", "13:00"]]}}, "invalid_hours", "hours.1"),
    ]
    before = items(Service)
    for change, code, field in cases:
        resp = call(client, "PUT", f"{SERVICES}/svc-bad", catalogue.manager, change)
        assert error(resp) == (409, code, {"field": field}), (change, resp.json_body)
    # AND a point or department that does not exist is 404 naming the field
    missing_point = call(
        client, "PUT", f"{SERVICES}/svc-bad", catalogue.manager, {"service_point_id": "nowhere"}
    )
    assert error(missing_point) == (404, "service_point_not_found", {"field": "service_point_id"})
    create = call(client, "POST", SERVICES, catalogue.admin, _new(department_id="nowhere"))
    assert error(create) == (404, "unknown_department", {"field": "department_id"})
    # AND the schema's own refusals are 400 naming the field
    for change, field in (
        ({"capacity": 0}, "capacity"),
        ({"periods": [{**period, "from": "2027-02-30"}]}, "periods[0].from"),
    ):
        schema = call(client, "PUT", f"{SERVICES}/svc-bad", catalogue.manager, change)
        assert schema.status_code == 400 and schema.json_body["error"]["details"]["field"] == field
    # THEN nothing was written
    assert items(Service) == before


def test_managers_create_and_move_services_only_within_their_department(catalogue):
    client = catalogue.client
    # WHEN the manager of roads creates a service of the KEP, or a clerk of the KEP does THEN 403
    for token in (catalogue.other, catalogue.clerk):
        assert call(client, "POST", SERVICES, token, _new()).status_code == 403
    # AND without signing in, 401
    assert call(client, "POST", SERVICES, None, _new()).status_code == 401
    # AND the KEP's manager may not move a KEP service to roads
    make_service("svc-move")
    assert (
        call(client, "PUT", f"{SERVICES}/svc-move", catalogue.manager, {"department_id": "roads"}).status_code
        == 403
    )
    # WHEN the same id is created twice THEN the second is 409 naming the field
    assert call(client, "POST", SERVICES, catalogue.manager, _new()).status_code == 201
    assert error(call(client, "POST", SERVICES, catalogue.manager, _new(name_el="Άλλο"))) == (
        409,
        "service_exists",
        {"field": "service_id"},
    )
    assert Service.get("kep-passports").name_el == "Διαβατήρια"
    # AND an admin may move a service to another department
    moved = call(client, "PUT", f"{SERVICES}/svc-move", catalogue.admin, {"department_id": "roads"})
    assert moved.json_body["department_id"] == "roads"
