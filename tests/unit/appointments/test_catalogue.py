"""The service catalogue: the citizens' list with department names and each service's point, the
demo services, and a manager's edits of hours, exceptions, capacity and limits (own department
only)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from chalicelib.models.org import Department
from chalicelib.services.appointments import catalogue, opening_hours
from devstack.demo import appointments as demo
from devstack.demo import catalogue as demo_catalogue
from devstack.demo import org, queue
from tests.conftest import bearer
from tests.unit.appointments.helpers import ALL_WEEK, make_service, next_open_weekday


def test_api_catalogue_lists_services_by_department(client, api_service):
    Department("kep", name_el="ΚΕΠ", name_en="KEP").save()
    # WHEN the catalogue is asked THEN the service is there with its department's names
    services = client.http.get("/api/services").json_body["services"]
    assert [s["service_id"] for s in services] == ["svc-api"]
    assert services[0]["department_name_en"] == "KEP" and services[0]["documents"]
    assert client.http.get("/api/services?department_id=roads").json_body["services"] == []
    assert client.http.get("/api/services/svc-api").json_body["point"]["lat"] == 37.93


def test_demo_services_are_bookable_with_points_and_documents(aws):
    # WHEN the demo data is seeded twice
    demo_catalogue.seed()
    demo.seed()
    report = demo.seed()
    # THEN at least 8 services, across several departments of the demo org chart
    services = catalogue.bookable_services()
    assert report["services"] == len(services) >= 8
    departments = {d[0] for d in org.DEPARTMENTS}
    assert {s.department_id for s in services} <= departments
    assert len({s.department_id for s in services}) >= 5
    # AND the queue's demo services and points exist here
    queue_services = {sid for *_, ids in queue.QUEUES for sid in ids}
    assert queue_services <= {s.service_id for s in services}
    for service in services:
        # each has a point in the Athens area, documents in both languages, slots on a Tuesday
        point = catalogue.point_of(service)
        assert 37.8 < point["lat"] < 38.1 and 23.6 < point["lng"] < 23.9 and point["address_el"]
        assert all(d["name_el"] and d["name_en"] for d in service.documents)
        assert opening_hours.day_slots(service, date(2026, 11, 24)), service.service_id


def _day(client, service_id: str, day: date) -> dict:
    avail = client.http.get(f"/api/services/{service_id}/availability?from={day}&to={day}").json_body
    assert avail["from"] == avail["to"] == day.isoformat(), avail
    return avail["days"][0]


def test_manager_edits_hours_exceptions_capacity_and_limits(client, make_staff, aws):
    make_service("svc-api", capacity=1, hours=ALL_WEEK)
    manager = make_staff("manager", "kep")
    clerk = make_staff("clerk", "kep")
    other = make_staff("manager", "roads")
    headers = {**bearer(manager), "Content-Type": "application/json"}
    # GIVEN two Mondays that are no holiday: the first is given an exception that closes it
    closed = next_open_weekday(1)
    open_monday = next_open_weekday(1, after=closed)
    change = {
        "capacity": 3,
        "max_per_day": 2,
        "hours": {"1": [["09:00", "12:00"]]},
        "exceptions": {closed.isoformat(): []},
    }
    # WHEN a manager of the department edits THEN the service changes and availability follows
    resp = client.http.put("/api/staff/services/svc-api", headers=headers, body=json.dumps(change))
    assert resp.status_code == 200, resp.body
    assert resp.json_body["capacity"] == 3 and resp.json_body["exceptions"] == {closed.isoformat(): []}
    # THEN the Monday of the exception is closed, while the other Monday has the new hours
    assert _day(client, "svc-api", closed)["slots"] == [] and _day(client, "svc-api", closed)["open"] is False
    other_slots = _day(client, "svc-api", open_monday)["slots"]
    assert [s["start"][11:] for s in other_slots[:1] + other_slots[-1:]] == ["09:00", "11:45"]
    assert {s["capacity"] for s in other_slots} == {3}
    # AND the day after a Monday has no hours any more
    assert _day(client, "svc-api", open_monday + timedelta(days=1))["open"] is False
    # AND a clerk may not, another department's manager gets 403, hours closing before they open are
    # 409 naming the field (the document accepts them: never a 400 for what it accepts)
    for token in (clerk, other):
        denied = client.http.put(
            "/api/staff/services/svc-api",
            headers={**bearer(token), "Content-Type": "application/json"},
            body=json.dumps({"capacity": 2}),
        )
        assert denied.status_code == 403
    bad = client.http.put(
        "/api/staff/services/svc-api",
        headers=headers,
        body=json.dumps({"hours": {"1": [["12:00", "09:00"]]}}),
    )
    assert bad.status_code == 409, bad.json_body
    assert bad.json_body["error"]["code"] == "invalid_hours"
    assert bad.json_body["error"]["details"] == {"field": "hours.1"}
    assert (
        client.http.get("/api/staff/services", headers=bearer(clerk)).json_body["services"][0]["capacity"]
        == 3
    )
