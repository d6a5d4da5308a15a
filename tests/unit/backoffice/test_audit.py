"""Every successful staff write is in the append-only audit log; unnoted reads and failed writes are not."""

from __future__ import annotations

import pytest
from chalice import Blueprint, Chalice
from chalice.test import Client
from pynamodb.exceptions import PutError

from chalicelib import clock, middleware
from chalicelib.auth import require_staff
from chalicelib.errors import ValidationFailed
from chalicelib.models.audit import AuditEntry
from chalicelib.services.platform import audit
from chalicelib.services.platform.staff_auth import StaffMember
from tests.conftest import bearer


@pytest.fixture
def audited_client(cognito):
    app = Chalice(app_name="audit-test")
    app.register_middleware(middleware.http, "http")
    bp = Blueprint(__name__)

    @bp.route("/api/things/{thing_id}", methods=["PUT"])
    def put_thing(thing_id):
        staff = require_staff(bp.current_request, "clerk")
        audit.note(staff, "thing", thing_id, action="thing.rename", before={"name": "old"}, after={"name": "new"})
        return {"ok": True}

    @bp.route("/api/things/{thing_id}/touch", methods=["POST"])
    def touch(thing_id):
        require_staff(bp.current_request, "clerk")
        return {"ok": True}

    @bp.route("/api/things/{thing_id}/fail", methods=["POST"])
    def fail(thing_id):
        require_staff(bp.current_request, "clerk")
        raise ValidationFailed("no")

    @bp.route("/api/things/{thing_id}", methods=["GET"])
    def get_thing(thing_id):
        require_staff(bp.current_request, "clerk")
        return {"ok": True}

    app.register_blueprint(bp)
    with Client(app) as c:
        yield c


def _entries():
    """Today's entries (the audit log's days are UTC days)."""
    return list(AuditEntry.by_day.query(clock.utcnow().strftime("%Y-%m-%d")))


def test_a_noted_write_records_who_what_before_and_after(audited_client, make_staff):
    # GIVEN a clerk of roads
    token = make_staff("clerk", "roads", username="clerk.r")
    # WHEN a route that notes its change is called
    resp = audited_client.http.put("/api/things/t1", headers=bearer(token))
    # THEN one entry names the clerk, the change, before and after, and the status
    assert resp.status_code == 200
    [entry] = _entries()
    assert (entry.actor, entry.role, entry.department_id) == ("clerk.r", "clerk", "roads")
    assert (entry.action, entry.entity_type, entry.entity_id) == ("thing.rename", "thing", "t1")
    assert entry.before == {"name": "old"} and entry.after == {"name": "new"}
    assert entry.status == "200"


def test_an_unnoted_write_to_a_staff_route_still_gets_a_generic_entry(audited_client, make_staff, monkeypatch):
    # GIVEN the route is documented for staff (the test app's routes are not in the document)
    monkeypatch.setattr(middleware, "audience_of", lambda route, method: "staff")
    # WHEN a staff member writes through it and no service notes anything
    audited_client.http.post("/api/things/t2/touch", headers=bearer(make_staff(username="clerk.g")))
    # THEN one generic entry names the route and the caller its token names
    [entry] = _entries()
    assert entry.action == "POST /api/things/{thing_id}/touch"
    assert entry.entity_id == "thing_id=t2"
    assert entry.actor == "clerk.g"


def test_a_staff_token_on_a_route_not_for_staff_makes_no_entry(audited_client, make_staff, monkeypatch):
    # GIVEN a route documented as public or for citizens, and a browser that also holds a staff token
    monkeypatch.setattr(middleware, "audience_of", lambda route, method: "citizen")
    # WHEN it writes and no service notes anything
    resp = audited_client.http.post("/api/things/t4/touch", headers=bearer(make_staff()))
    # THEN the write went through and nobody is named as its actor
    assert resp.status_code == 200
    assert _entries() == []


def test_a_note_outside_a_request_fails_loudly(aws):
    # GIVEN no request collecting notes (a stream consumer, a script)
    token = audit._current.set(None)
    try:
        # WHEN a service notes a change THEN it raises instead of losing the entry
        with pytest.raises(audit.NotRecording):
            audit.note(audit.Operator("x"), "thing", "t5", action="thing.touch")
    finally:
        audit._current.reset(token)


def test_a_note_without_an_actor_is_refused(aws):
    # WHEN a note names no actor THEN it is refused
    with pytest.raises(ValueError):
        audit.note(None, "thing", "t6", action="thing.touch")


def test_recording_writes_an_operators_notes_when_the_block_ends(aws):
    # GIVEN work done by an operator's command, outside HTTP
    token = audit._current.set(None)
    try:
        with audit.recording(source="manage.py test"):
            audit.note(audit.Operator("manage.py"), "thing", "t7", action="thing.import", after={"n": 1})
            # THEN nothing is written before the block ends
            assert _entries() == []
    finally:
        audit._current.reset(token)
    # THEN the entry names the operator and the command
    [entry] = _entries()
    assert (entry.actor, entry.role, entry.action, entry.correlation_id) == (
        "manage.py", "operator", "thing.import", "manage.py test"
    )


def test_recording_writes_nothing_when_the_work_fails(aws):
    # GIVEN an operator's command that notes a change, then fails
    token = audit._current.set(None)
    try:
        with pytest.raises(RuntimeError), audit.recording(source="manage.py test"):
            audit.note(audit.Operator("manage.py"), "thing", "t8", action="thing.import")
            raise RuntimeError("import failed")
    finally:
        audit._current.reset(token)
    # THEN nothing is written
    assert _entries() == []


def test_reads_and_failed_writes_are_not_audited(audited_client, make_staff):
    token = make_staff()
    # WHEN a staff member reads, and a write fails
    assert audited_client.http.get("/api/things/t3", headers=bearer(token)).status_code == 200
    assert audited_client.http.post("/api/things/t3/fail", headers=bearer(token)).status_code == 400
    # THEN neither is in the log
    assert _entries() == []


def test_an_entry_is_never_overwritten(aws, monkeypatch):
    # GIVEN two writes that would get the same entry id
    class SameId:
        hex = "same-id"

    monkeypatch.setattr(audit.uuid, "uuid4", lambda: SameId())
    staff = StaffMember(username="u", sub="s", roles=("admin",), department_id=None)
    audit.write(staff, action="first", entity_type="e", entity_id="1")
    # WHEN the second is written THEN it is refused and the first stays as it was
    with pytest.raises(PutError):
        audit.write(staff, action="second", entity_type="e", entity_id="1")
    assert AuditEntry.get("same-id").action == "first"
