"""The live queue over HTTP: kiosk, ticket page, board and counter; errors and refusals."""

from __future__ import annotations

from tests.conftest import bearer


def test_kiosk_ticket_page_board_and_counter_over_http(point, client, make_staff):
    # GIVEN a clerk of kep
    token = make_staff("clerk", "kep")
    # WHEN a walk-in takes a ticket at the kiosk
    kiosk = client.http.get("/api/queue/points/kep-1").json_body
    assert [x["prefix"] for x in kiosk["queues"]] == ["A", "B"]
    resp = client.http.post(
        "/api/queue/points/kep-1/tickets",
        body='{"queue_id": "kep-1-A", "mobile": "6912345678"}',
        headers={"Content-Type": "application/json"},
    )
    assert resp.status_code == 200, resp.json_body
    ticket = resp.json_body
    assert ticket["code"] == "A001" and ticket["url"].endswith(f"/ticket/{ticket['ticket_id']}")
    page = client.http.get(f"/api/queue/tickets/{ticket['ticket_id']}").json_body
    assert (page["status"], page["position"]) == ("waiting", 1)
    # AND the clerk opens counter 3 and calls next
    headers = {**bearer(token), "Content-Type": "application/json"}
    opened = client.http.post(
        "/api/staff/queue/points/kep-1/counters",
        headers=headers,
        body='{"label": "3", "queue_ids": ["kep-1-A"]}',
    )
    assert opened.status_code == 200, opened.json_body
    counter_id = opened.json_body["counter_id"]
    called = client.http.post(f"/api/staff/queue/counters/{counter_id}/next", headers=headers)
    assert called.json_body["ticket"]["code"] == "A001"
    # THEN the board and the ticket page show the call
    board = client.http.get("/api/queue/points/kep-1/board").json_body
    assert board["calls"][0]["counter"] == "3" and board["calls"][0]["code"] == "A001"
    assert board["recent"][0]["code"] == "A001"
    page = client.http.get(f"/api/queue/tickets/{ticket['ticket_id']}").json_body
    assert (page["status"], page["counter"]) == ("called", "3")
    # AND nobody else is waiting
    empty = client.http.post(f"/api/staff/queue/counters/{counter_id}/next", headers=headers)
    assert empty.status_code == 200 and empty.json_body == {"ticket": None}
    day = ticket["day"]
    stats = client.http.get(f"/api/staff/queue/stats?from={day}&to={day}", headers=headers)
    assert stats.status_code == 200 and stats.json_body["total"]["tickets"] == 1


def test_http_errors(point, client, make_staff):
    # GIVEN the kiosk and the counter routes
    json_headers = {"Content-Type": "application/json"}
    # WHEN a walk-in gives a bad mobile THEN 400
    bad = client.http.post(
        "/api/queue/points/kep-1/tickets", body='{"queue_id": "kep-1-A", "mobile": "x"}', headers=json_headers
    )
    assert bad.status_code == 400 and bad.json_body["error"]["code"] == "validation_failed"
    # WHEN a line, a ticket or a service point does not exist THEN 404
    missing = client.http.post(
        "/api/queue/points/kep-1/tickets", body='{"queue_id": "zzz"}', headers=json_headers
    )
    assert missing.status_code == 404
    assert client.http.get("/api/queue/tickets/nope").status_code == 404
    assert client.http.get("/api/queue/points/nowhere/board").status_code == 404
    # WHEN nobody is signed in at a counter THEN 401
    assert client.http.post("/api/staff/queue/counters/kep-1-c1/next").status_code == 401
    # WHEN a clerk of roads opens a counter for kep's line THEN 403 other_department
    roads = make_staff("clerk", "roads")
    resp = client.http.post(
        "/api/staff/queue/points/kep-1/counters",
        headers={**bearer(roads), **json_headers},
        body='{"label": "1", "queue_ids": ["kep-1-A"]}',
    )
    assert resp.status_code == 403 and resp.json_body["error"]["code"] == "other_department"
