"""The staff work on a request: status changes with a note, notes, assignment (one or many) to a
colleague of its department, re-routing to another department.

Every change is one transaction (``ddb.transact``): the request is put with the condition
``version == <read version>`` and version + 1, and the timeline entry ``(request_id, version + 1)``
is put with ``attribute_not_exists``. A concurrent change makes one of them fail with 409
``request_changed`` (reload and retry); nothing is half-written. The timeline table's stream tells
the citizen of each public entry (``notices.on_timeline_record``). Each change is noted in the
audit log with the staff member who made it.

Example::

    change_status(staff, "2026-000123", "resolved", note="Repaired.", note_public=True)
    assign(staff, "2026-000123", "clerk.roads2")     # 404 unknown_assignee outside the department

Limitation: a change reads the request, then writes it on its version; two clerks on one request
at the same moment get one 409 between them, not a merge.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import clock, ddb
from chalicelib.access import ensure_department
from chalicelib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.models.org import Department, Employee
from chalicelib.models.requests import OPEN, STATUSES, TRANSITIONS, CitizenRequest, TimelineEntry
from chalicelib.services.platform import audit
from chalicelib.services.requests.records import get_for_staff, set_index_keys

MAX_NOTE = 2000


def _commit(req: CitizenRequest, entry_fields: dict[str, Any], now: datetime) -> TimelineEntry:
    """Put the changed request (version + 1, on the version read) and its timeline entry."""
    read_version = int(req.version)
    req.version = read_version + 1
    req.updated_at = now
    set_index_keys(req)
    entry = TimelineEntry(req.request_id, req.version, at=now, **entry_fields)

    def build(tx: ddb.Tx) -> None:
        tx.save("request", req, condition=CitizenRequest.version == read_version)
        tx.save("entry", entry, condition=TimelineEntry.seq.does_not_exist())

    try:
        ddb.transact(build)
    except (ddb.TxFailed, ddb.TxBusy):
        req.version = read_version
        raise Conflict("The request changed meanwhile; reload it.", code="request_changed") from None
    return entry


def _record(
    staff: Any,
    req: CitizenRequest,
    action: str,
    now: datetime,
    *,
    audit_action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any],
    **entry: Any,
) -> None:
    """Commit a staff member's change of ``req`` (the request as it is after the change) with its
    timeline entry, then note it in the audit log."""
    fields = {
        "action": action,
        "actor_kind": "staff",
        "actor": staff.username,
        "actor_name": staff.name or staff.username,
        "status": req.status,
        "department_id": req.department_id,
        **entry,
    }
    _commit(req, fields, now)
    audit.note(staff, "citizen_request", req.request_id, action=audit_action, before=before, after=after)


def _note(text: str | None) -> str | None:
    text = (text or "").strip()
    if len(text) > MAX_NOTE:
        raise ValidationFailed("The note is too long.", details={"field": "note"})
    return text or None


def change_status(
    staff: Any,
    request_id: str,
    status: str,
    *,
    note: str | None = None,
    note_public: bool = True,
    reason: str | None = None,
) -> CitizenRequest:
    """Move a request to ``status``; ``rejected`` needs a reason (a public note)."""
    req = get_for_staff(staff, request_id)
    if status not in STATUSES:
        raise ValidationFailed("Unknown status.", code="invalid_status", details={"field": "status"})
    if status not in TRANSITIONS[req.status]:
        raise Conflict(f"A request that is {req.status} cannot become {status}.", code="invalid_transition")
    note = _note(note)
    if status == "rejected":
        reason = _note(reason) or (note if note_public else None)
        if not reason:
            raise ValidationFailed(
                "Say why the request is rejected.", code="reason_required", details={"field": "reason"}
            )
        note, note_public = reason, True
    now = clock.utcnow()
    before = req.status
    req.status = status
    if status == "resolved":
        req.resolved_at = now
    if note and note_public:
        req.status_notes = note
    _record(
        staff,
        req,
        "status",
        now,
        audit_action="request.status",
        before={"status": before},
        after={"status": status, "note_public": bool(note_public)},
        from_status=before,
        note=note,
        note_public=bool(note and note_public),
        public=True,
    )
    return req


def add_note(staff: Any, request_id: str, note: str, *, public: bool) -> CitizenRequest:
    """A public note (the citizen sees it and is told) or an internal one."""
    req = get_for_staff(staff, request_id)
    text = _note(note)
    if not text:
        raise ValidationFailed("Write a note.", code="note_required", details={"field": "note"})
    now = clock.utcnow()
    if public:
        req.status_notes = text
    _record(
        staff,
        req,
        "note",
        now,
        audit_action="request.note",
        after={"public": public},
        note=text,
        note_public=public,
        public=public,
    )
    return req


# -- assignment ----------------------------------------------------------------------------------
def _active_employees(department_id: str) -> list[Employee]:
    return [e for e in Employee.by_department.query(department_id) if e.active]


def colleagues(staff: Any, department_id: str | None = None) -> list[dict[str, Any]]:
    """The active employees of a department (default: the staff member's own), to assign to."""
    department = department_id or staff.department_id or ""
    ensure_department(staff, department)
    return [
        {"username": e.username, "name": e.full_name, "role": e.role} for e in _active_employees(department)
    ]


def _employee(username: str, department_id: str) -> Employee:
    for employee in _active_employees(department_id):
        if employee.username == username:
            return employee
    raise NotFound("No such colleague in the request's department.", code="unknown_assignee")


def assign(
    staff: Any, request_id: str, username: str, *, note: str | None = None, req: CitizenRequest | None = None
) -> CitizenRequest:
    """Give the request to a colleague of its department; a new request becomes ``assigned``."""
    req = req or get_for_staff(staff, request_id)
    if req.status not in OPEN:
        raise Conflict("A finished request cannot be assigned.", code="request_finished")
    employee = _employee(username, req.department_id)
    note = _note(note)
    now = clock.utcnow()
    before = {"assigned_to": req.assigned_to, "status": req.status}
    req.assigned_to = employee.username
    req.assigned_name = employee.full_name
    status_changes = req.status in ("submitted", "received")
    from_status = req.status
    if status_changes:
        req.status = "assigned"
    _record(
        staff,
        req,
        "assigned",
        now,
        audit_action="request.assign",
        before=before,
        after={"assigned_to": req.assigned_to, "status": req.status},
        from_status=from_status,
        assigned_to=employee.username,
        note=note,
        note_public=False,
        public=status_changes,
    )
    return req


def bulk_assign(
    staff: Any, request_ids: list[str], username: str, note: str | None = None
) -> list[dict[str, Any]]:
    """Assign several requests; each succeeds or fails on its own (result per request)."""
    results = []
    for request_id in request_ids:
        try:
            req = assign(staff, request_id, username, note=note)
            results.append({"request_id": req.request_id, "ok": True, "status": req.status})
        except (NotFound, Forbidden, Conflict, ValidationFailed) as exc:
            results.append({"request_id": request_id, "ok": False, "code": exc.code, "message": exc.message})
    if not any(r["ok"] for r in results):
        audit.unchanged()  # a 200 that changed nothing is no write for the audit log
    return results


def reroute(staff: Any, request_id: str, department_id: str, note: str) -> CitizenRequest:
    """Send a request to another department (with a note saying why); its assignment is dropped."""
    req = get_for_staff(staff, request_id)
    if req.status not in OPEN:
        raise Conflict("A finished request cannot be re-routed.", code="request_finished")
    text = _note(note)
    if not text:
        raise ValidationFailed("Say why it goes elsewhere.", code="note_required", details={"field": "note"})
    if department_id == req.department_id:
        raise Conflict("The request is already there.", code="same_department")
    try:
        Department.get(department_id)
    except Department.DoesNotExist:
        raise NotFound("No such department.", code="unknown_department") from None
    now = clock.utcnow()
    before = {"department_id": req.department_id, "status": req.status}
    from_department, from_status = req.department_id, req.status
    req.department_id = department_id
    req.assigned_to = req.assigned_name = None
    if req.status == "assigned":
        req.status = "received"
    _record(
        staff,
        req,
        "routed",
        now,
        audit_action="request.reroute",
        before=before,
        after={"department_id": department_id, "status": req.status},
        from_status=from_status,
        from_department_id=from_department,
        note=text,
        note_public=False,
        public=False,
    )
    return req
