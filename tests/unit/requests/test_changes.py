"""Staff work (``services/requests/changes.py``): status with notes and a timeline of who and when,
rejection reasons and transitions, stale changes, department scope, re-routing, assignment."""

from __future__ import annotations

import pytest

from chalicelib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.services.requests import changes, lists, records, views
from tests.unit.requests.helpers import file_request, staff


def test_assign_progress_resolve_with_a_timeline_of_who_when_and_notes(catalogue):
    # GIVEN a new pothole report
    req = file_request()
    clerk = staff()
    # WHEN the clerk assigns it, starts it with an internal note and resolves it with a public note
    changes.assign(clerk, req.request_id, "clerk.roads2")
    changes.change_status(clerk, req.request_id, "in_progress", note="συνεργείο Β", note_public=False)
    done = changes.change_status(clerk, req.request_id, "resolved", note="Επισκευάστηκε.", note_public=True)
    # THEN the status is resolved, the public note is the status notes, and the timeline says all
    assert done.status == "resolved" and done.status_notes == "Επισκευάστηκε."
    assert done.assigned_to == "clerk.roads2"
    full = records.timeline(req.request_id, public_only=False)
    assert [(e.action, e.status, e.actor) for e in full] == [
        ("submitted", "submitted", "citizen"),
        ("assigned", "assigned", "clerk.roads"),
        ("status", "in_progress", "clerk.roads"),
        ("status", "resolved", "clerk.roads"),
    ]
    # AND the citizen's part shows the status changes but not the internal note nor staff names
    public = [views.public_entry(e) for e in records.timeline(req.request_id, public_only=True)]
    assert [p["status"] for p in public] == ["submitted", "assigned", "in_progress", "resolved"]
    assert [p["note"] for p in public] == [None, None, None, "Επισκευάστηκε."]
    assert all("actor" not in p and "actor_name" not in p for p in public)


def test_reject_needs_a_reason_and_transitions_are_checked(catalogue):
    # GIVEN a new request
    req = file_request()
    clerk = staff()
    # WHEN rejected without a reason -> 400; closed straight from submitted -> 409
    with pytest.raises(ValidationFailed) as no_reason:
        changes.change_status(clerk, req.request_id, "rejected")
    with pytest.raises(Conflict) as jump:
        changes.change_status(clerk, req.request_id, "closed")
    # THEN nothing changed; with a reason it is rejected, and the reason is public
    assert no_reason.value.code == "reason_required" and jump.value.code == "invalid_transition"
    assert records.get_request(req.request_id).version == 1
    rejected = changes.change_status(clerk, req.request_id, "rejected", reason="Ιδιωτικός δρόμος.")
    assert rejected.status == "rejected" and rejected.status_notes == "Ιδιωτικός δρόμος."


def test_a_stale_change_is_refused_and_leaves_nothing_half_written(catalogue):
    # GIVEN a copy of a request read before a change was made to it
    req = file_request()
    stale = records.get_request(req.request_id)
    changes.change_status(staff(), req.request_id, "received")
    # WHEN a change is made from the old copy
    with pytest.raises(Conflict) as refused:
        changes._commit(
            stale, {"action": "note", "actor_kind": "staff", "note": "x", "public": False}, stale.updated_at
        )
    # THEN it is refused as changed meanwhile, and only the first change is there
    assert refused.value.code == "request_changed" and stale.version == 1
    assert [e.seq for e in records.timeline(req.request_id, public_only=False)] == [1, 2]


def test_staff_act_only_within_their_department_unless_admin(catalogue):
    # GIVEN a roads request
    req = file_request()
    other = staff("cleaning", username="clerk.cleaning")
    # WHEN a cleaning clerk opens, changes or lists a roads request -> 403
    with pytest.raises(Forbidden):
        records.get_for_staff(other, req.request_id)
    with pytest.raises(Forbidden):
        changes.change_status(other, req.request_id, "received")
    with pytest.raises(Forbidden):
        lists.inbox(other, department_id="roads")
    # THEN an admin of another department may
    admin = staff("kep", roles=("admin",), username="admin")
    assert records.get_for_staff(admin, req.request_id).request_id == req.request_id
    assert [r.request_id for r in lists.inbox(admin, department_id="roads")] == [req.request_id]


def test_reroute_moves_it_to_the_other_inbox_with_an_internal_note(catalogue):
    # GIVEN an assigned roads request
    req = file_request()
    changes.assign(staff(), req.request_id, "clerk.roads2")
    # WHEN roads re-routes it to cleaning
    moved = changes.reroute(staff(), req.request_id, "cleaning", "Είναι μπάζα, όχι λακκούβα.")
    # THEN cleaning sees it (received, unassigned) and roads does not
    assert moved.department_id == "cleaning" and moved.status == "received" and moved.assigned_to is None
    cleaning = staff("cleaning", username="clerk.cleaning")
    assert [r.request_id for r in lists.inbox(cleaning)] == [req.request_id]
    assert lists.inbox(staff()) == []
    last = records.timeline(req.request_id, public_only=False)[-1]
    assert (last.action, last.from_department_id, last.public) == ("routed", "roads", False)


def test_assign_only_to_colleagues_of_the_department_and_bulk_assign_reports_each(catalogue):
    # GIVEN two roads requests and a cleaning one
    mine = [file_request(), file_request()]
    theirs = file_request(code="overflowing-bin", attributes={"BIN": "general"})
    # WHEN a roads request is assigned to a cleaning clerk -> 404
    with pytest.raises(NotFound):
        changes.assign(staff(), mine[0].request_id, "clerk.cleaning")
    # WHEN a roads clerk bulk-assigns the two roads requests and the cleaning one
    results = changes.bulk_assign(staff(), [r.request_id for r in mine] + [theirs.request_id], "clerk.roads2")
    # THEN the two are assigned and the third is refused (other department)
    assert [r["ok"] for r in results] == [True, True, False]
    assert results[2]["code"] == "other_department"
    assert {records.get_request(r.request_id).assigned_to for r in mine} == {"clerk.roads2"}


def test_colleagues_are_the_active_employees_of_a_department_in_scope(catalogue):
    # GIVEN roads with two clerks
    clerk = staff()
    # WHEN a roads clerk lists the colleagues of roads, and of cleaning
    found = changes.colleagues(clerk)
    with pytest.raises(Forbidden) as other:
        changes.colleagues(clerk, "cleaning")
    # THEN the two roads clerks come back, and another department's list is refused
    assert sorted(c["username"] for c in found) == ["clerk.roads", "clerk.roads2"]
    assert other.value.code == "other_department"
