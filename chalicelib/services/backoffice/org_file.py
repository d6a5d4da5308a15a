"""Reading and checking an org chart file from the HR system (CSV or JSON), before anything is
written.

``parse(content, fmt)`` reads the file into rows; ``validate_chart(rows)`` checks every row
(required fields, known roles, e-mail shape, unique ids, departments and parents that exist, no
parent cycles) and raises one ``InvalidOrgFile`` (409 ``invalid_org_file``: the request itself was
well formed) listing every row-level error in ``details.errors``, or returns the ``Chart``.

CSV: one row per item, header ``kind,id,name_el,name_en,parent,email,phone,department,role,username``
(``kind`` is ``directorate``, ``department`` or ``employee``; for employees ``id`` is the employee
number and ``name_el`` the full name; ``parent`` of a department is a directorate or a department).
JSON: ``{"directorates": [{"id", "name_el", "name_en"}], "departments": [{"id", "name_el",
"name_en", "parent", "email", "phone"}], "employees": [{"number", "name", "email", "department",
"role", "username"}]}``. A username defaults to the part of the e-mail before ``@``.

Example::

    chart = validate_chart(parse(text, detect_format(text, "hr.csv")))
    chart.employees["E004"]["department_id"]        # "kep"

Limitation: at most ``MAX_ROWS`` rows, and at most 500 errors reported.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.errors import ApiError
from chalicelib.services.platform.staff_auth import ROLES

MAX_ROWS = 5000
MAX_ERRORS = 500
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$")
CSV_COLUMNS = ("kind", "id", "name_el", "name_en", "parent", "email", "phone", "department", "role", "username")
KINDS = ("directorate", "department", "employee")
JSON_SECTIONS = (("directorates", "directorate"), ("departments", "department"), ("employees", "employee"))


class InvalidOrgFile(ApiError):
    """The request was well formed but the file is not a valid org chart (409, with
    ``details.errors`` = [{row, field, message}] when rows are at fault)."""

    status = 409
    code = "invalid_org_file"


@dataclass
class Chart:
    """A valid org chart: id -> fields, per kind."""

    directorates: dict[str, dict[str, Any]] = field(default_factory=dict)
    departments: dict[str, dict[str, Any]] = field(default_factory=dict)
    employees: dict[str, dict[str, Any]] = field(default_factory=dict)


# -- reading the file -----------------------------------------------------------------------------
def detect_format(content: str, filename: str | None = None) -> str:
    if filename and filename.lower().endswith(".json"):
        return "json"
    if filename and filename.lower().endswith(".csv"):
        return "csv"
    return "json" if content.lstrip().startswith(("{", "[")) else "csv"


def parse(content: str, fmt: str) -> list[dict[str, Any]]:
    """The file as rows ``{"row": n, "kind": ..., <CSV columns>}``; 409 when it cannot be read."""
    content = content.lstrip("\ufeff")
    if fmt == "json":
        return _parse_json(content)
    if fmt == "csv":
        return _parse_csv(content)
    raise InvalidOrgFile(f"Unknown format {fmt!r}; use csv or json.", code="unknown_format")


def _parse_csv(content: str) -> list[dict[str, Any]]:
    try:
        dialect = csv.Sniffer().sniff(content[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(content), dialect=dialect)
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise _unreadable(reader, exc) from None
    missing = [c for c in ("kind", "id") if c not in header]
    if missing:
        raise InvalidOrgFile(
            f"The CSV header lacks {', '.join(missing)}; expected {','.join(CSV_COLUMNS)}.",
            code="invalid_org_file",
            details={"errors": [{"row": 1, "field": c, "message": "missing column"} for c in missing]},
        )
    reader.fieldnames = header
    rows = []
    try:
        for number, raw in enumerate(reader, start=2):
            row = {k: (v or "").strip() for k, v in raw.items() if k}
            if not any(row.values()):
                continue
            row["row"] = number
            rows.append(row)
    except csv.Error as exc:
        raise _unreadable(reader, exc) from None
    return rows


def _unreadable(reader: Any, exc: csv.Error) -> InvalidOrgFile:
    """A file the csv module cannot read (e.g. a carriage return inside an unquoted field)."""
    return InvalidOrgFile(
        f"The file cannot be read as CSV (line {max(reader.line_num, 1)}): {exc}.",
        code="invalid_org_file",
        details={"errors": [{"row": max(reader.line_num, 1), "field": "content", "message": str(exc)}]},
    )


def _json_row(number: int, kind: str, item: dict[str, Any]) -> dict[str, Any]:
    def get(*names: str) -> str:
        return next((str(item[n]).strip() for n in names if item.get(n) not in (None, "")), "")

    employee = kind == "employee"
    return {
        "row": number,
        "kind": kind,
        "id": get("number", "employee_number", "id") if employee else get("id"),
        "name_el": get("name", "full_name", "name_el") if employee else get("name_el", "name"),
        "name_en": get("name_en"),
        "parent": get("parent", "parent_id", "directorate", "directorate_id"),
        "email": get("email"),
        "phone": get("phone"),
        "department": get("department", "department_id"),
        "role": get("role"),
        "username": get("username"),
    }


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
    for section, kind in JSON_SECTIONS:
        items = data.get(section) or []
        if not isinstance(items, list):
            raise InvalidOrgFile(f"{section} must be a list.", code="invalid_org_file")
        for item in items:
            number += 1
            if isinstance(item, dict):
                rows.append(_json_row(number, kind, item))
            else:
                rows.append({"row": number, "kind": kind, "_invalid": "not an object"})
    return rows


# -- validation -------------------------------------------------------------------------------------
Error = Callable[[dict[str, Any], str, str], None]


def _read_item(kind: str, row: dict[str, Any], error: Error) -> dict[str, Any]:
    """The fields of one directorate, department or employee row (its own checks only)."""
    if kind == "directorate":
        return {"name_el": row.get("name_el"), "name_en": row.get("name_en") or None, "active": True}
    if kind == "department":
        email = row.get("email") or None
        if email and not EMAIL_RE.match(email):
            error(row, "email", "not an e-mail address")
        return {
            "name_el": row.get("name_el"),
            "name_en": row.get("name_en") or None,
            "parent": row.get("parent") or "",
            "email": email,
            "phone": row.get("phone") or None,
            "active": True,
        }
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
    return {
        "username": username,
        "full_name": row.get("name_el"),
        "email": email,
        "department_id": row.get("department"),
        "role": role,
        "active": True,
    }


def _link_departments(chart: Chart, error: Error) -> None:
    """Each department's parent (a directorate, or a department whose directorate it takes); no cycles."""
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


def _check_employees(chart: Chart, error: Error) -> None:
    """Each employee's department exists; user names are unique."""
    usernames: dict[str, str] = {}
    for ident, emp in chart.employees.items():
        if emp["department_id"] and emp["department_id"] not in chart.departments:
            error(emp["_row"], "department", f"unknown department {emp['department_id']}")
        other = usernames.setdefault(emp["username"].lower(), ident)
        if other != ident:
            error(emp["_row"], "username", f"user name {emp['username']} also belongs to {other}")


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
        target[ident] = {**_read_item(kind, row, error), "_row": row}
    _link_departments(chart, error)
    _check_employees(chart, error)
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
            details={"errors": errors[:MAX_ERRORS]},
        )
    for items in (chart.directorates, chart.departments, chart.employees):
        for value in items.values():
            value.pop("_row", None)
    return chart
