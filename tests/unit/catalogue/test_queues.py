"""Queues of a service point in the catalogue: created by the managers of their department for its
services, taking walk-ins, appointment holders or both; the kiosk and the check-in follow what a
queue takes; deactivated rather than deleted, after which it takes no new ticket."""

from __future__ import annotations

from chalicelib.clock import utcnow
from chalicelib.models.queue import Queue
from chalicelib.services import live_queue
from chalicelib.services.live_queue.appointments import BookedAppointment
from tests.unit.appointments.helpers import make_service
from tests.unit.catalogue.support import audit_of, call, error, items

QUEUES = "/api/staff/catalogue/queues"


def _queue(prefix: str, **fields) -> dict:
    return {
        "service_point_id": "kep-dimarxeio",
        "prefix": prefix,
        "department_id": "kep",
        "name_el": f"Ουρά {prefix}",
        "name_en": f"Queue {prefix}",
        "service_ids": ["svc-q"],
        **fields,
    }


def test_a_manager_creates_queues_that_the_kiosk_offers_as_they_take_tickets(catalogue):
    client = catalogue.client
    make_service("svc-q")
    # WHEN the KEP's manager creates a walk-in queue and an appointments-only queue
    walk_in = call(client, "POST", QUEUES, catalogue.manager, _queue("A", kinds=["walk_in"]))
    booked = call(client, "POST", QUEUES, catalogue.manager, _queue("B", kinds=["appointment"]))
    assert (walk_in.status_code, booked.status_code) == (201, 201), (walk_in.json_body, booked.json_body)
    # THEN the department's list has both, with what they take, and the kiosk shows both kinds
    listed = call(client, "GET", QUEUES, catalogue.manager).json_body["queues"]
    assert [(q["queue_id"], q["kinds"]) for q in listed] == [
        ("kep-dimarxeio-A", ["walk_in"]),
        ("kep-dimarxeio-B", ["appointment"]),
    ]
    kiosk = client.http.get("/api/queue/points/kep-dimarxeio").json_body
    assert kiosk["name_el"] == "ΚΕΠ" and [q["prefix"] for q in kiosk["queues"]] == ["A", "B"]
    # AND a walk-in ticket is taken in A but refused in B
    take = "/api/queue/points/kep-dimarxeio/tickets"
    ticket = client.http.post(
        take, headers={"Content-Type": "application/json"}, body='{"queue_id": "kep-dimarxeio-A"}'
    )
    assert ticket.status_code == 200 and ticket.json_body["code"] == "A001"
    refused = client.http.post(
        take, headers={"Content-Type": "application/json"}, body='{"queue_id": "kep-dimarxeio-B"}'
    )
    assert refused.status_code == 404
    # AND an appointment holder who checks in goes to B, the queue that takes them
    now = utcnow()
    holder = BookedAppointment(
        appointment_id="a1",
        reference="REF12345",
        status="booked",
        service_id="svc-q",
        service_point_id="kep-dimarxeio",
        department_id="kep",
        slot_start=now,
    )
    ticket, _ = live_queue.check_in("kep-dimarxeio", "REF12345", now=now, lookup=lambda ref: holder)
    assert ticket.queue_id == "kep-dimarxeio-B"
    # AND the creations are in the audit log
    assert audit_of("queue", "kep-dimarxeio-A")[0].after["kinds"] == ["walk_in"]


def test_bad_queues_are_refused_naming_the_field_and_nothing_is_written(catalogue):
    client = catalogue.client
    make_service("svc-q")
    make_service("svc-roads", department_id="roads")
    assert call(client, "POST", QUEUES, catalogue.manager, _queue("A")).status_code == 201
    before = items(Queue)
    cases = [
        (_queue("A"), (409, "queue_exists", {"field": "prefix"})),
        (
            _queue("C", service_ids=["svc-roads"]),
            (409, "service_not_in_department", {"field": "service_ids"}),
        ),
        (_queue("C", service_ids=["svc-none"]), (404, "service_not_found", {"field": "service_ids"})),
        (
            _queue("C", service_point_id="nowhere"),
            (404, "service_point_not_found", {"field": "service_point_id"}),
        ),
        (_queue("C", department_id="roads"), (403, "other_department", None)),
    ]
    for body, expected in cases:
        assert error(call(client, "POST", QUEUES, catalogue.manager, body)) == expected, body
    schema = call(client, "POST", QUEUES, catalogue.manager, _queue("c"))
    assert schema.status_code == 400 and schema.json_body["error"]["details"]["field"] == "prefix"
    none_taken = call(client, "POST", QUEUES, catalogue.manager, _queue("C", kinds=[]))
    assert none_taken.status_code == 400 and none_taken.json_body["error"]["details"]["field"] == "kinds"
    # THEN nothing was written
    assert items(Queue) == before


def test_a_deactivated_queue_takes_no_new_ticket_and_can_come_back(catalogue):
    client = catalogue.client
    make_service("svc-q")
    call(client, "POST", QUEUES, catalogue.manager, _queue("A"))
    call(client, "POST", QUEUES, catalogue.manager, _queue("B"))
    # WHEN a clerk or another department's manager tries to deactivate it THEN 403
    for token in (catalogue.clerk, catalogue.other):
        assert call(client, "PUT", f"{QUEUES}/kep-dimarxeio-A", token, {"active": False}).status_code == 403
    # WHEN its manager deactivates it
    resp = call(client, "PUT", f"{QUEUES}/kep-dimarxeio-A", catalogue.manager, {"active": False})
    assert resp.status_code == 200 and resp.json_body["active"] is False
    # THEN the kiosk offers only B, and A takes no ticket
    assert [q["prefix"] for q in client.http.get("/api/queue/points/kep-dimarxeio").json_body["queues"]] == [
        "B"
    ]
    taken = client.http.post(
        "/api/queue/points/kep-dimarxeio/tickets",
        headers={"Content-Type": "application/json"},
        body='{"queue_id": "kep-dimarxeio-A"}',
    )
    assert taken.status_code == 404
    assert audit_of("queue", "kep-dimarxeio-A")[-1].action == "queue.deactivate"
    # AND it can be made active again, renamed on the way
    back = call(
        client, "PUT", f"{QUEUES}/kep-dimarxeio-A", catalogue.manager, {"active": True, "name_en": ""}
    )
    assert back.status_code == 200 and back.json_body["active"] is True
    assert Queue.get("kep-dimarxeio-A").name_en is None
