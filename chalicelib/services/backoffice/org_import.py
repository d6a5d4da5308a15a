"""Org chart import from the HR system's export (CSV or JSON): directorates, departments, employees.

1. ``parse(content, fmt)`` reads the file into rows; ``validate_chart(rows)`` checks every row
   (required fields, known roles, e-mail shape, unique ids, departments and parents that exist, no
   parent cycles) and raises one ``InvalidOrgFile`` (409) listing every row-level error. Nothing is
   written before the whole file is valid. A bad file is a 409 ``invalid_org_file`` (the request
   itself was well formed) with the errors in ``details.errors``.
2. ``plan(chart)`` compares the file with the current chart (Queries on the ``roster`` indexes,
   never a scan): what is added, changed (which fields), reactivated and deactivated.
3. ``apply(plan)`` writes it: rows saved, employees no longer in the file deactivated (never
   deleted) and their Cognito users disabled; new, changed or reactivated employees get
   ``staff_directory.ensure_user``. A second import of the same file changes nothing.

CSV: one row per item, header ``kind,id,name_el,name_en,parent,email,phone,department,role,username``
(``kind`` is ``directorate``, ``department`` or ``employee``; for employees ``id`` is the employee
number and ``name_el`` the full name; ``parent`` of a department is a directorate or a department).
JSON: ``{"directorates": [{"id", "name_el", "name_en"}], "departments": [{"id", "name_el",
"name_en", "parent", "email", "phone"}], "employees": [{"number", "name", "email", "department",
"role", "username"}]}``. A username defaults to the part of the e-mail before ``@``.

Limitation: the writes are many items, not one transaction; a failure part-way (e.g. Cognito
unreachable) leaves a partly applied import that the next run of the same file completes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import ApiError
from chalicelib.models.base import utcnow
from chalicelib.models.org import ROSTER, Department, Directorate, Employee
from chalicelib.services.platform.staff_auth import ROLES

MAX_ROWS = 5000


class InvalidOrgFile(ApiError):
    """The request was well formed but the file is not a valid org chart (409, with
    ``details.errors`` = [{row, field, message}] when rows are at fault)."""

    status = 409
    code = "invalid_org_file"


ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$")
CSV_COLUMNS = (
    "kind",
    "id",
    "name_el",
    "name_en",
    "parent",
    "email",
    "phone",
    "department",
    "role",
    "username",
)
KINDS = ("directorate", "department", "employee")

# the fields compared between the file and the table, per kind
DIRECTORATE_FIELDS = ("name_el", "name_en", "active")
DEPARTMENT_FIELDS = ("name_el", "name_en", "directorate_id", "parent_id", "email", "phone", "active")
EMPLOYEE_FIELDS = ("username", "full_name", "email", "department_id", "role", "active")


@dataclass
class Chart:
    """A valid org chart: id -> fields, per kind."""

    directorates: dict[str, dict[str, Any]] = field(default_factory=dict)
    departments: dict[str, dict[str, Any]] = field(default_factory=dict)
    employees: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Plan:
    chart: Chart
    added: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    changed: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {k: [] for k in KINDS})
    deactivated: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    unchanged: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})
    current: dict[str, dict[str, Any]] = field(default_factory=dict)

    def report(self, *, dry_run: bool, cognito: dict[str, int] | None = None) -> dict[str, Any]:
        return {
            "dry_run": dry_run,
            "added": {f"{k}s": v for k, v in self.added.items()},
            "changed": {f"{k}s": v for k, v in self.changed.items()},
            "deactivated": {f"{k}s": v for k, v in self.deactivated.items()},
            "unchanged": {f"{k}s": v for k, v in self.unchanged.items()},
            "cognito": cognito or {"created": 0, "updated": 0, "disabled": 0},
            "changes": sum(len(v) for v in self.added.values())
            + sum(len(v) for v in self.changed.values())
            + sum(len(v) for v in self.deactivated.values()),
        }


# -- reading the file -----------------------------------------------------------------------------
def detect_format(content: str, filename: str | None = None) -> str:
    if filename and filename.lower().endswith(".json"):
        return "json"
    if filename and filename.lower().endswith(".csv"):
        return "csv"
    return "json" if content.lstrip().startswith(("{", "[")) else "csv"


def parse(content: str, fmt: str) -> list[dict[str, Any]]:
    """The file as rows ``{"row": n, "kind": ..., <CSV columns>}``; 400 when it cannot be read."""
    content = content.lstrip("\ufeff")
    if fmt == "json":
        return _parse_json(content)
    if fmt == "csv":
        return _parse_csv(content)
    raise InvalidOrgFile(f"Unknown format {fmt!r}; use csv or json.", code="unknown_format")


def _parse_csv(content: str) -> list[dict[str, Any]]:
    sample = content[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(content), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("kind", "id") if c not in header]
    if missing:
        raise InvalidOrgFile(
            f"The CSV header lacks {', '.join(missing)}; expected {','.join(CSV_COLUMNS)}.",
            code="invalid_org_file",
            details={"errors": [{"row": 1, "field": c, "message": "missing column"} for c in missing]},
        )
    reader.fieldnames = header
    rows = []
    for number, raw in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        row["row"] = number
        rows.append(row)
    return rows


def _parse_json(content: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(content)
    except ValueError as exc:
        raise InvalidOrgFile(f"The file is not valid JSON: {exc}.", code="invalid_org_file") from None
    if not isinstance(data, dict):
        raise InvalidOrgFile(
            "The JSON file must be an object with directorates, departments and employees.",
            code="invalid_org_file",
        )
    rows: list[dict[str, Any]] = []
    number = 0
    for section, kind in (
        ("directorates", "directorate"),
        ("departments", "department"),
        ("employees", "employee"),
    ):
        items = data.get(section) or []
        if not isinstance(items, list):
            raise InvalidOrgFile(f"{section} must be a list.", code="invalid_org_file")
        for item in items:
            number += 1
            if not isinstance(item, dict):
                rows.append({"row": number, "kind": kind, "_invalid": "not an object"})
                continue
            get = lambda *names, item=item: next(  # noqa: E731
                (str(item[n]).strip() for n in names if item.get(n) not in (None, "")), ""
            )
            rows.append(
                {
                    "row": number,
                    "kind": kind,
                    "id": get("number", "employee_number", "id") if kind == "employee" else get("id"),
                    "name_el": get("name", "full_name", "name_el")
                    if kind == "employee"
                    else get("name_el", "name"),
                    "name_en": get("name_en"),
                    "parent": get("parent", "parent_id", "directorate", "directorate_id"),
                    "email": get("email"),
                    "phone": get("phone"),
                    "department": get("department", "department_id"),
                    "role": get("role"),
                    "username": get("username"),
                }
            )
    return rows


# -- validation -------------------------------------------------------------------------------------
def validate_chart(rows: list[dict[str, Any]]) -> Chart:
    """Every row checked; one ``InvalidOrgFile`` with ``details.errors`` = [{row, field, message}]."""
    errors: list[dict[str, Any]] = []

    def error(row: dict[str, Any], name: str, message: str) -> None:
        errors.append({"row": row["row"], "field": name, "message": message})

    if len(rows) > MAX_ROWS:
        raise InvalidOrgFile(f"At most {MAX_ROWS} rows.", code="invalid_org_file")
    chart = Chart()
    for row in rows:
        if row.get("_invalid"):
            error(row, "-", row["_invalid"])
            continue
        kind = (row.get("kind") or "").lower()
        ident = row.get("id") or ""
        if kind not in KINDS:
            error(row, "kind", f"must be one of {', '.join(KINDS)}")
            continue
        if not ID_RE.match(ident):
            error(row, "id", "missing or not a valid id (letters, digits, . _ -)")
            continue
        target = getattr(chart, f"{kind}s")
        if ident in target:
            error(row, "id", f"duplicate {kind} {ident}")
            continue
        if not row.get("name_el"):
            error(row, "name_el", "a name is required")
        if kind == "directorate":
            target[ident] = {
                "name_el": row.get("name_el"),
                "name_en": row.get("name_en") or None,
                "active": True,
                "_row": row,
            }
        elif kind == "department":
            email = row.get("email") or None
            if email and not EMAIL_RE.match(email):
                error(row, "email", "not an e-mail address")
            target[ident] = {
                "name_el": row.get("name_el"),
                "name_en": row.get("name_en") or None,
                "parent": row.get("parent") or "",
                "email": email,
                "phone": row.get("phone") or None,
                "active": True,
                "_row": row,
            }
        else:
            email = (row.get("email") or "").lower()
            if not EMAIL_RE.match(email):
                error(row, "email", "a valid e-mail address is required")
            role = (row.get("role") or "").lower()
            if role not in ROLES:
                error(row, "role", f"must be one of {', '.join(ROLES)}")
            username = row.get("username") or email.split("@", 1)[0]
            if not USERNAME_RE.match(username or ""):
                error(row, "username", "not a valid user name")
            if not row.get("department"):
                error(row, "department", "a department is required")
            target[ident] = {
                "username": username,
                "full_name": row.get("name_el"),
                "email": email,
                "department_id": row.get("department"),
                "role": role,
                "active": True,
                "_row": row,
            }
    # references: a department's parent, an employee's department, unique user names
    for ident, dep in chart.departments.items():
        parent = dep.pop("parent")
        if not parent:
            error(dep["_row"], "parent", "a parent directorate or department is required")
            dep.update(directorate_id=None, parent_id=None)
        elif parent in chart.directorates:
            dep.update(directorate_id=parent, parent_id=None)
        elif parent in chart.departments and parent != ident:
            dep.update(directorate_id=None, parent_id=parent)
        else:
            error(dep["_row"], "parent", f"unknown directorate or department {parent}")
            dep.update(directorate_id=None, parent_id=None)
    for ident, dep in chart.departments.items():
        seen = {ident}
        cursor = dep
        while cursor.get("parent_id"):
            if cursor["parent_id"] in seen:
                error(dep["_row"], "parent", "departments' parents form a cycle")
                break
            seen.add(cursor["parent_id"])
            cursor = chart.departments[cursor["parent_id"]]
        else:
            dep["directorate_id"] = cursor.get("directorate_id")
    usernames: dict[str, str] = {}
    for ident, emp in chart.employees.items():
        if emp["department_id"] and emp["department_id"] not in chart.departments:
            error(emp["_row"], "department", f"unknown department {emp['department_id']}")
        other = usernames.setdefault(emp["username"].lower(), ident)
        if other != ident:
            error(emp["_row"], "username", f"user name {emp['username']} also belongs to {other}")
    if not errors and not chart.employees:
        raise InvalidOrgFile(
            "The file has no employees; refusing to deactivate everyone.",
            code="invalid_org_file",
            details={"errors": [{"row": 0, "field": "-", "message": "no employees"}]},
        )
    if errors:
        errors.sort(key=lambda e: e["row"])
        raise InvalidOrgFile(
            f"The org chart file has {len(errors)} error(s); nothing was imported.",
            code="invalid_org_file",
            details={"errors": errors[:500]},
        )
    for items in (chart.directorates, chart.departments, chart.employees):
        for value in items.values():
            value.pop("_row", None)
    return chart


# -- plan and apply ----------------------------------------------------------------------------------
def _current() -> dict[str, dict[str, Any]]:
    return {
        "directorate": {d.directorate_id: d for d in Directorate.by_roster.query(ROSTER)},
        "department": {d.department_id: d for d in Department.by_roster.query(ROSTER)},
        "employee": {e.employee_number: e for e in Employee.by_roster.query(ROSTER)},
    }


def plan(chart: Chart) -> Plan:
    result = Plan(chart=chart, current=_current())
    for kind, fields in (
        ("directorate", DIRECTORATE_FIELDS),
        ("department", DEPARTMENT_FIELDS),
        ("employee", EMPLOYEE_FIELDS),
    ):
        wanted = getattr(chart, f"{kind}s")
        existing = result.current[kind]
        for ident, values in wanted.items():
            item = existing.get(ident)
            if item is None:
                result.added[kind].append(ident)
                continue
            diff = [f for f in fields if getattr(item, f, None) != values.get(f)]
            if diff:
                result.changed[kind].append({"id": ident, "fields": diff})
            else:
                result.unchanged[kind] += 1
        for ident, item in existing.items():
            if ident not in wanted and item.active:
                result.deactivated[kind].append(ident)
    return result


def apply(result: Plan, *, staff: Any, password: str | None = None) -> dict[str, int]:
    """Write the plan as ``staff`` (for the audit log); returns what happened in Cognito."""
    from chalicelib.services.backoffice import staff_directory
    from chalicelib.services.platform import audit

    now = utcnow()
    chart, current = result.chart, result.current
    cognito = {"created": 0, "updated": 0, "disabled": 0}
    changed_ids = {k: {c["id"] for c in v} for k, v in result.changed.items()}
    for kind, model in (("directorate", Directorate), ("department", Department)):
        for ident in result.added[kind] + sorted(changed_ids[kind]):
            values = getattr(chart, f"{kind}s")[ident]
            item = current[kind].get(ident) or model(ident)
            for name, value in values.items():
                setattr(item, name, value)
            item.roster = ROSTER
            item.updated_at = now
            item.save()
        for ident in result.deactivated[kind]:
            item = current[kind][ident]
            item.active = False
            item.updated_at = now
            item.save()
    for ident in result.added["employee"] + sorted(changed_ids["employee"]):
        values = chart.employees[ident]
        created = staff_directory.ensure_user(
            username=values["username"],
            email=values["email"],
            name=values["full_name"],
            department_id=values["department_id"],
            role=values["role"],
            password=password,
        )
        cognito["created" if created else "updated"] += 1
        item = current["employee"].get(ident) or Employee(ident)
        old_username = getattr(item, "username", None)
        for name, value in values.items():
            setattr(item, name, value)
        item.roster = ROSTER
        item.deactivated_at = None
        item.updated_at = now
        item.save()
        if old_username and old_username != values["username"]:
            cognito["disabled"] += staff_directory.disable_user(old_username)
    for ident in result.deactivated["employee"]:
        item = current["employee"][ident]
        if staff_directory.disable_user(item.username):
            cognito["disabled"] += 1
        item.active = False
        item.deactivated_at = now
        item.updated_at = now
        item.save()
    audit.note(
        staff,
        "org_chart",
        "import",
        action="org.import",
        after={"added": result.added, "changed": result.changed, "deactivated": result.deactivated},
    )
    return cognito


def import_org(
    content: str,
    *,
    fmt: str | None = None,
    filename: str | None = None,
    staff: Any,
    dry_run: bool = False,
    password: str | None = None,
) -> dict[str, Any]:
    """Read, validate, compare and (unless ``dry_run``) write an org chart; returns the report."""
    rows = parse(content, fmt or detect_format(content, filename))
    chart = validate_chart(rows)
    result = plan(chart)
    cognito = None if dry_run else apply(result, staff=staff, password=password)
    return result.report(dry_run=dry_run, cognito=cognito)
