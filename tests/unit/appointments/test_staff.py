"""The staff side over HTTP: the department's list with filters, complete, no-show, cancel with a
reason, the day list to print; staff of another department get 403."""

from __future__ import annotations

import json

from tests.conftest import bearer


def test_staff_list_complete_no_show_cancel_within_their_department(client, make_staff, citizen_booking):
    _, appointment = citizen_booking
    day = appointment["start"][:10]
    clerk = make_staff("clerk", "kep")
    outsider = make_staff("clerk", "roads")
    # WHEN a clerk of the department lists the day THEN the appointment is there with the citizen
    listing = client.http.get(f"/api/staff/appointments?from={day}&to={day}", headers=bearer(clerk))
    assert listing.status_code == 200
    assert (listing.json_body["department_id"], listing.json_body["from"], listing.json_body["to"]) == (
        "kep",
        day,
        day,
    )
    rows = listing.json_body["appointments"]
    assert [r["appointment_id"] for r in rows] == [appointment["appointment_id"]]
    assert rows[0]["taxid"] == "123456789" and "point" not in rows[0]
    # AND the filters work
    none = client.http.get(f"/api/staff/appointments?from={day}&status=completed", headers=bearer(clerk))
    assert none.json_body["appointments"] == [] and none.json_body["to"] == day
    # WHEN a clerk of another department tries THEN 403
    assert (
        client.http.get("/api/staff/appointments?department_id=kep", headers=bearer(outsider)).status_code
        == 403
    )
    path = f"/api/staff/appointments/{appointment['appointment_id']}"
    assert client.http.post(f"{path}/complete", headers=bearer(outsider)).status_code == 403
    # WHEN the clerk completes it with a comment THEN completed, comment kept, history grows
    done = client.http.post(
        f"{path}/complete",
        headers={**bearer(clerk), "Content-Type": "application/json"},
        body=json.dumps({"comment": "Εκδόθηκε το πιστοποιητικό"}),
    )
    assert done.status_code == 200, done.body
    assert done.json_body["status"] == "completed"
    assert done.json_body["staff_comment"] == "Εκδόθηκε το πιστοποιητικό"
    assert [h["status"] for h in done.json_body["history"]] == ["booked", "completed"]
    # AND it cannot then be cancelled or marked no-show
    assert client.http.post(f"{path}/no-show", headers=bearer(clerk)).status_code == 409
    # AND the day list prints it
    printed = client.http.get(f"/api/staff/appointments/day-list?date={day}", headers=bearer(clerk))
    html = printed.body.decode() if isinstance(printed.body, bytes) else printed.body
    assert printed.status_code == 200 and appointment["reference"] in html


def test_staff_cancel_needs_a_reason_and_releases_the_slot(client, make_staff, citizen_booking):
    _, appointment = citizen_booking
    clerk = make_staff("clerk", "kep")
    path = f"/api/staff/appointments/{appointment['appointment_id']}/cancel"
    headers = {**bearer(clerk), "Content-Type": "application/json"}
    assert client.http.post(path, headers=headers, body=json.dumps({})).status_code == 400
    resp = client.http.post(path, headers=headers, body=json.dumps({"reason": "Βλάβη συστήματος"}))
    assert resp.status_code == 200 and resp.json_body["status"] == "cancelled_by_staff"
    assert resp.json_body["cancel_reason"] == "Βλάβη συστήματος"
    day = appointment["start"][:10]
    avail = client.http.get(f"/api/services/svc-api/availability?from={day}&to={day}").json_body
    assert {s["start"]: s["remaining"] for s in avail["days"][0]["slots"]}[appointment["start"]] == 1
