"""Audit log search (by entity, staff member, date; managers see their department), CSV export, and
that the log stays append-only: no route updates or deletes an entry."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from chalicelib.services.platform.staff_auth import StaffMember
from tests.conftest import ROOT, bearer

ADMIN = StaffMember(username="admin", sub="a", roles=("admin",), department_id="kep")
ROADS_CLERK = StaffMember(username="clerk.roads", sub="c", roles=("clerk",), department_id="roads")
PARKS_MANAGER = StaffMember(username="manager.parks", sub="m", roles=("manager",), department_id="parks")


def _seed():
    from chalicelib.services.platform import audit

    audit.write(
        ROADS_CLERK,
        action="request.assign",
        entity_type="request",
        entity_id="R1",
        before={"assignee": None},
        after={"assignee": "clerk.roads"},
    )
    audit.write(
        ROADS_CLERK,
        action="request.status",
        entity_type="request",
        entity_id="R1",
        before={"status": "open"},
        after={"status": "closed"},
    )
    audit.write(
        PARKS_MANAGER,
        action="service.hours",
        entity_type="service",
        entity_id="S9",
        after={"note": "=cmd|' /C calc'!A0"},
    )


def test_search_by_entity_actor_and_day_newest_first(client, make_staff):
    _seed()
    admin = bearer(make_staff("admin", "kep"))
    by_entity = client.http.get("/api/staff/audit?entity_type=request&entity_id=R1", headers=admin).json_body
    assert [e["action"] for e in by_entity["entries"]] == ["request.status", "request.assign"]
    by_actor = client.http.get("/api/staff/audit?actor=manager.parks", headers=admin).json_body
    assert [e["entity_id"] for e in by_actor["entries"]] == ["S9"]
    by_day = client.http.get("/api/staff/audit", headers=admin).json_body
    assert len(by_day["entries"]) == 3
    none = client.http.get("/api/staff/audit?from=2020-01-01&to=2020-01-02", headers=admin).json_body
    assert none["entries"] == []


def test_a_manager_sees_only_their_department(client, make_staff):
    _seed()
    manager = bearer(make_staff("manager", "parks"))
    entries = client.http.get("/api/staff/audit", headers=manager).json_body["entries"]
    assert [e["department_id"] for e in entries] == ["parks"]
    assert client.http.get("/api/staff/audit?department_id=roads", headers=manager).status_code == 403
    clerk = bearer(make_staff("clerk", "roads"))
    assert client.http.get("/api/staff/audit", headers=clerk).status_code == 403


def test_csv_export_has_a_bom_the_same_rows_and_no_formulas(client, make_staff):
    import csv
    import io

    _seed()
    resp = client.http.get(
        "/api/staff/audit/export?entity_type=service&entity_id=S9", headers=bearer(make_staff("admin", "kep"))
    )
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    text = resp.body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [r["action"] for r in rows] == ["service.hours"]
    assert json.loads(rows[0]["after"])["note"].startswith("=")  # inside JSON, not a cell formula


def test_a_period_too_long_or_upside_down_is_refused(client, make_staff):
    admin = bearer(make_staff("admin", "kep"))
    assert client.http.get("/api/staff/audit?from=2026-01-10&to=2026-01-01", headers=admin).status_code == 409
    assert client.http.get("/api/staff/audit?from=2020-01-01&to=2026-01-01", headers=admin).status_code == 409


# -- append-only --------------------------------------------------------------------------------------
def test_no_code_in_chalicelib_updates_or_deletes_audit_entries():
    """Static: the only writer of ``AuditEntry`` is ``services/audit.write`` (a conditional put)."""
    offenders = []
    for path in (ROOT / "chalicelib").rglob("*.py"):
        tree = ast.parse(path.read_text())
        if not any(isinstance(n, ast.Name) and n.id == "AuditEntry" for n in ast.walk(tree)):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in (
                "update",
                "delete",
                "batch_write",
                "delete_table",
                "delete_item",
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert offenders == [], "code that touches AuditEntry must not update or delete it"


def test_no_route_changes_an_existing_audit_entry(client, make_staff):
    """Dynamic: every write route of the app, called by an admin with each existing entry's id as
    every path parameter, leaves every existing entry as it was."""
    from app import app
    from chalicelib.models.audit import AuditEntry

    _seed()
    before = {e.entry_id: e.serialize() for e in AuditEntry.scan()}
    admin = {**bearer(make_staff("admin", "kep")), "Content-Type": "application/json"}
    ids = list(before)
    for path, methods in app.routes.items():
        for method in methods:
            if method in ("GET", "HEAD", "OPTIONS"):
                continue
            for entry_id in ids:
                concrete = path
                for name in [p[1:-1] for p in path.split("/") if p.startswith("{")]:
                    concrete = concrete.replace("{" + name + "}", entry_id)
                client.http.request(method, concrete, headers=admin, body=b"{}")
    after = {e.entry_id: e.serialize() for e in AuditEntry.scan()}
    assert {k: after.get(k) for k in before} == before


def test_infra_denies_updates_and_deletes_on_the_audit_table():
    from chalicelib.models.audit import AuditEntry

    assert AuditEntry.Meta.append_only is True
    stack = Path(ROOT / "infra" / "dimotis_infra" / "stack.py").read_text()
    assert "UpdateItem" in stack and "DeleteItem" in stack


def test_a_managers_search_reads_only_their_departments_entries(aws):
    """One Query per day on the department-and-day index: other departments' entries are not read
    (before, every department's entries of each day were read and dropped)."""
    from chalicelib.services.backoffice import audit_search
    from chalicelib.services.platform import audit
    from tests.unit.appointments.helpers import count_calls

    for n in range(20):
        audit.write(ROADS_CLERK, action="request.note", entity_type="request", entity_id=f"R{n}")
    audit.write(PARKS_MANAGER, action="service.hours", entity_type="service", entity_id="S9")
    from chalicelib.models.audit import AuditEntry

    read: list[int] = []

    def items(parsed, **_):
        read.append(parsed.get("ScannedCount", parsed.get("Count", 0)))

    events = AuditEntry._get_connection().connection.client.meta.events
    events.register("after-call.dynamodb.Query", items)
    try:
        with count_calls() as calls:
            rows = audit_search.search(PARKS_MANAGER, date_from=None, date_to=None)
    finally:
        events.unregister("after-call.dynamodb.Query", items)
    assert [r["entity_id"] for r in rows] == ["S9"]
    assert calls == ["Query"] * 7  # one per day of the default week
    assert sum(read) == 1  # parks' one entry: the twenty roads entries of the day were not read
    # AND an admin choosing roads gets only roads, newest first
    admin_rows = audit_search.search(ADMIN, department_id="roads")
    assert len(admin_rows) == 20 and {r["department_id"] for r in admin_rows} == {"roads"}
