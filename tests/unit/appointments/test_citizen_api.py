"""The citizens' appointment routes over HTTP: book (with an Idempotency-Key), list, read,
reschedule, cancel; bad input and what cannot be booked. Real clock: slots come from availability."""

from __future__ import annotations

import json

from tests.conftest import bearer
from tests.unit.appointments.helpers import next_open_slot


def test_api_book_list_get_reschedule_cancel(client, make_citizen, api_service):
    token = make_citizen("123456789")
    start = next_open_slot(client, token, "svc-api")
    # WHEN the citizen books with an Idempotency-Key
    headers = {**bearer(token), "Content-Type": "application/json", "Idempotency-Key": "abc"}
    body = {"service_id": "svc-api", "start": start, "subject": "Βεβαίωση μόνιμης κατοικίας"}
    resp = client.http.post("/api/appointments", headers=headers, body=json.dumps(body))
    # THEN 201 with a reference; the same request again answers 200 with the same appointment
    assert resp.status_code == 201, resp.body
    booked = resp.json_body
    assert booked["status"] == "booked" and len(booked["reference"]) == 8 and booked["can_change"]
    again = client.http.post("/api/appointments", headers=headers, body=json.dumps(body))
    assert again.status_code == 200 and again.json_body["appointment_id"] == booked["appointment_id"]
    # AND the slot is gone from availability (capacity 1)
    day = start[:10]
    avail = client.http.get(f"/api/services/svc-api/availability?from={day}&to={day}").json_body
    assert {s["start"]: s["remaining"] for s in avail["days"][0]["slots"]}[start] == 0
    # WHEN another citizen books the same slot THEN 409 slot_full
    other = make_citizen("987654321")
    full = client.http.post(
        "/api/appointments",
        headers={**bearer(other), "Content-Type": "application/json"},
        body=json.dumps({"service_id": "svc-api", "start": start}),
    )
    assert full.status_code == 409 and full.json_body["error"]["code"] == "slot_full"
    # AND the other citizen cannot see it
    assert (
        client.http.get(f"/api/appointments/{booked['appointment_id']}", headers=bearer(other)).status_code
        == 404
    )
    # WHEN rescheduled THEN the list shows the new time
    new_start = next_open_slot(client, token, "svc-api")
    moved = client.http.post(
        f"/api/appointments/{booked['appointment_id']}/reschedule",
        headers={**bearer(token), "Content-Type": "application/json"},
        body=json.dumps({"start": new_start}),
    )
    assert moved.status_code == 200 and moved.json_body["status"] == "rescheduled"
    mine = client.http.get("/api/appointments", headers=bearer(token)).json_body["appointments"]
    assert [a["start"] for a in mine] == [new_start]
    # WHEN cancelled THEN status cancelled_by_citizen
    cancelled = client.http.post(
        f"/api/appointments/{booked['appointment_id']}/cancel", headers=bearer(token)
    )
    assert cancelled.status_code == 200 and cancelled.json_body["status"] == "cancelled_by_citizen"
    assert cancelled.json_body["can_change"] is False


def test_api_bad_input_and_not_bookable(client, make_citizen, api_service):
    token = make_citizen("123456789")
    headers = {**bearer(token), "Content-Type": "application/json"}
    # WHEN the body is invalid THEN 400 with the error shape
    bad = client.http.post("/api/appointments", headers=headers, body=json.dumps({"service_id": "svc-api"}))
    assert bad.status_code == 400 and bad.json_body["error"]["code"] == "validation_failed"
    # WHEN the time is not a slot THEN 409 slot_not_bookable; unknown service 404
    resp = client.http.post(
        "/api/appointments",
        headers=headers,
        body=json.dumps({"service_id": "svc-api", "start": "2020-01-01T09:00"}),
    )
    assert resp.status_code == 409 and resp.json_body["error"]["code"] == "slot_not_bookable"
    missing = client.http.post(
        "/api/appointments",
        headers=headers,
        body=json.dumps({"service_id": "nope", "start": "2030-01-01T09:00"}),
    )
    assert missing.status_code == 404
    # WHEN not signed in THEN 401
    assert client.http.get("/api/appointments").status_code == 401
    # AND availability with a bad date is 400
    assert client.http.get("/api/services/svc-api/availability?from=2026-02-31").status_code == 400
