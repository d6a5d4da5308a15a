"""Exposure notices under two keys: an incident one officer declares is sent only after a second
health officer or an admin (never the declarer) approves it; a refusal sends nothing and frees the
window; at most one live incident per building and overlapping window, even when two officers
declare at once; every declaration, approval and refusal is in the audit log."""

from __future__ import annotations

import json

from chalicelib.models.audit import AuditEntry
from chalicelib.models.visits import ExposureIncident, ExposureWindows
from chalicelib.services.visits import incidents
from chalicelib.services.visits.buildings import save_building
from chalicelib.services.visits.scans import scan_pass
from tests.events import stream_event, stream_record
from tests.unit.visits.support import (
    ADMIN,
    KEP,
    approval_record,
    decide,
    declare,
    drain,
    register,
    yesterday,
)


def _declared(client, officer, **kw) -> str:
    resp = declare(client, officer, **kw)
    assert resp.status_code == 201, resp.body
    return json.loads(resp.body)["incident_id"]


def _error(resp) -> str:
    return json.loads(resp.body)["error"]["code"]


def _audit(incident_id: str) -> list[tuple[str, str, dict | None]]:
    entries = AuditEntry.by_entity.query(f"exposure_incident#{incident_id}")
    return [(e.action, e.actor, e.after) for e in entries]


def test_a_declared_incident_is_sent_only_once_a_second_officer_approves_it(visit_env, client, make_staff):
    # GIVEN a visitor inside the Δημαρχείο during the window, and two health officers and a clerk
    scan_pass("dimarxeio", register(), now=yesterday(11))
    first = make_staff("health_officer", None, username="officer.one")
    second = make_staff("health_officer", None, username="officer.two")
    clerk = make_staff("clerk", "kep")
    # WHEN the first declares an exposure, and its stream record is delivered
    incident_id = _declared(client, first)
    insert = stream_record(ExposureIncident.get(incident_id), event_name="INSERT")
    assert client.lambda_.invoke("table_stream", stream_event([insert])).payload == {"batchItemFailures": []}
    # THEN it waits for the second key: pending, nothing on the queue
    assert ExposureIncident.get(incident_id).status == "pending"
    assert drain(visit_env["queue_url"]) == []
    # WHEN the declarer approves it, or a clerk does; THEN 403, still pending
    own = decide(client, first, incident_id)
    assert (own.status_code, _error(own)) == (403, "second_key_required")
    assert decide(client, clerk, incident_id).status_code == 403
    assert ExposureIncident.get(incident_id).status == "pending"
    # WHEN the second officer approves it
    resp = decide(client, second, incident_id)
    # THEN it is approved by them, and the approval's stream record queues the visitor, once
    assert resp.status_code == 200, resp.body
    view = json.loads(resp.body)
    assert (view["status"], view["declared_by"], view["decided_by"]) == (
        "approved",
        "officer.one",
        "officer.two",
    )
    record = approval_record(incident_id)
    for _ in range(2):  # delivered twice
        assert client.lambda_.invoke("table_stream", stream_event([record])).payload == {
            "batchItemFailures": []
        }
    assert len(drain(visit_env["queue_url"])) == 1
    # AND the fan-out's own progress records start nothing again
    progress = stream_record(ExposureIncident.get(incident_id), ExposureIncident.get(incident_id))
    client.lambda_.invoke("table_stream", stream_event([progress]))
    assert drain(visit_env["queue_url"]) == []
    # AND approving again is a conflict
    again = decide(client, make_staff("admin", None), incident_id)
    assert (again.status_code, _error(again)) == (409, "incident_not_pending")
    # AND the audit log holds the declaration and the approval, each by its officer
    logged = {action: (actor, after) for action, actor, after in _audit(incident_id)}
    assert sorted(logged) == ["approve_exposure", "declare_exposure"]
    assert logged["approve_exposure"] == ("officer.two", {"status": "approved", "approved_by": "officer.two"})
    declared_by, declared = logged["declare_exposure"]
    assert (declared_by, declared["status"], declared["building_id"]) == (
        "officer.one",
        "pending",
        "dimarxeio",
    )


def test_an_admin_may_be_the_second_key_and_an_admin_s_declaration_needs_one_too(
    visit_env, client, make_staff
):
    # GIVEN an incident an admin declares
    admin = make_staff("admin", None, username="admin.one")
    incident_id = _declared(client, admin)
    # WHEN the same admin approves it; THEN refused; WHEN another admin does; THEN approved
    assert decide(client, admin, incident_id).status_code == 403
    assert decide(client, make_staff("admin", None, username="admin.two"), incident_id).status_code == 200
    assert ExposureIncident.get(incident_id).decided_by == "admin.two"


def test_a_refusal_sends_nothing_is_audited_and_frees_the_window(visit_env, client, make_staff):
    # GIVEN a visitor inside during the window, and an incident declared by one officer
    scan_pass("dimarxeio", register(), now=yesterday(11))
    first = make_staff("health_officer", None, username="officer.one")
    second = make_staff("health_officer", None, username="officer.two")
    incident_id = _declared(client, first)
    # WHEN a second officer rejects it with a reason
    resp = decide(client, second, incident_id, "reject", "Το κρούσμα δεν επιβεβαιώθηκε")
    # THEN it is rejected, with who and why
    assert resp.status_code == 200, resp.body
    view = json.loads(resp.body)
    assert (view["status"], view["decided_by"], view["decision_note"]) == (
        "rejected",
        "officer.two",
        "Το κρούσμα δεν επιβεβαιώθηκε",
    )
    # AND no record of it sends anything, and it can no longer be approved
    changed = stream_record(ExposureIncident.get(incident_id), ExposureIncident.get(incident_id))
    client.lambda_.invoke("table_stream", stream_event([changed]))
    assert drain(visit_env["queue_url"]) == []
    assert _error(decide(client, make_staff("admin", None), incident_id)) == "incident_not_pending"
    # AND the refusal is in the audit log with its reason
    assert ("reject_exposure", "officer.two") in [(a, actor) for a, actor, _ in _audit(incident_id)]
    rejected = [after for action, _, after in _audit(incident_id) if action == "reject_exposure"]
    assert rejected == [
        {"status": "rejected", "rejected_by": "officer.two", "reason": "Το κρούσμα δεν επιβεβαιώθηκε"}
    ]
    # AND the same window can be declared again (the refused one no longer holds it)
    assert declare(client, first).status_code == 201


def test_the_declarer_may_withdraw_a_pending_incident(visit_env, client, make_staff):
    # GIVEN an officer's pending incident; WHEN they reject it themselves (no body); THEN withdrawn
    officer = make_staff("health_officer", None)
    incident_id = _declared(client, officer)
    resp = client.http.post(
        f"/api/staff/visits/incidents/{incident_id}/reject",
        headers={"Authorization": f"Bearer {officer}"},
    )
    assert resp.status_code == 200 and json.loads(resp.body)["status"] == "rejected"


def test_one_incident_per_building_and_overlapping_window(visit_env, client, make_staff):
    # GIVEN an incident at the Δημαρχείο from 10:00 to 12:00 yesterday, and the ΚΕΠ building
    save_building(ADMIN, "kep", KEP)
    officer = make_staff("health_officer", None)
    first = _declared(client, officer)
    # WHEN another one overlaps it there (11:00 to 13:00), by anyone
    overlap = declare(client, make_staff("admin", None), start=yesterday(11), end=yesterday(13))
    # THEN 409 naming the incident that holds the window
    assert overlap.status_code == 409
    error = json.loads(overlap.body)["error"]
    assert (error["code"], error["details"]) == ("incident_overlaps", {"incident_id": first})
    # AND a window that only touches it (12:00 to 13:00), and the same window elsewhere, are fine
    assert declare(client, officer, start=yesterday(12), end=yesterday(13)).status_code == 201
    assert declare(client, officer, building="kep").status_code == 201
    # AND an approved incident keeps its window too
    assert decide(client, make_staff("admin", None), first).status_code == 200
    assert declare(client, officer, start=yesterday(9), end=yesterday(10, 30)).status_code == 409


def test_two_officers_declaring_at_once_cannot_both_win(visit_env, client, make_staff, monkeypatch):
    # GIVEN an incident declared at 10:00 to 12:00 while a second officer's page had read the
    # building's windows before it was written (their read is stale by one declaration)
    officer = make_staff("health_officer", None)
    first = _declared(client, officer)
    real = incidents._windows_of
    reads = []

    def stale_first(building_id):
        reads.append(building_id)
        return (None, 0) if len(reads) == 1 else real(building_id)

    monkeypatch.setattr(incidents, "_windows_of", stale_first)
    # WHEN the second declares an overlapping window
    resp = declare(client, make_staff("health_officer", None), start=yesterday(11), end=yesterday(12, 30))
    # THEN its write failed on the condition, it read again, and it was refused: one incident stands
    assert (resp.status_code, _error(resp)) == (409, "incident_overlaps")
    assert len(reads) == 2
    windows = ExposureWindows.get("dimarxeio").windows
    assert [w["incident_id"] for w in windows] == [first]
