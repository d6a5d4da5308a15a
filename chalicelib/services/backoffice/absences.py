"""Absences: whole days of leave or sickness, entered one by one or imported from a CSV.

Each change recomputes the staff present for the employee's services on those days and flags the
appointments beyond the new capacity (``capacity_flags.follow_absence``); removing an absence brings
the capacity back and clears the flags that fit again.

Example::

    add_absence(manager, {"employee_number": "E005", "kind": "leave",
                          "start_day": "2026-11-24", "end_day": "2026-11-24"})
    import_absences(manager, "employee_number,kind,start_day,end_day,note\\nE005,leave,...")

Limitation: an import is checked whole before the first write, but written absence by absence (not
one transaction); a failure part-way leaves the absences added so far.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.access import ensure_department
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.staffing import Absence
from chalicelib.schemas.staffing import ABSENCE_KINDS
from chalicelib.services.backoffice.capacity_flags import follow_absence
from chalicelib.services.backoffice.org_chart import get_employee
from chalicelib.services.backoffice.staffed_capacity import (
    MAX_ABSENCE_DAYS,
    days_between,
    department_absences_from,
)
from chalicelib.services.platform import audit

LIST_DAYS_BACK = 30
CSV_FIELDS = ("employee_number", "kind", "start_day", "end_day", "note")


def _day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Conflict(
            "Days are real dates YYYY-MM-DD.", code="invalid_date", details={"field": field}
        ) from None


def _validate(body: dict[str, Any]) -> tuple[str, str]:
    start, end = _day(body["start_day"], "start_day"), _day(body["end_day"], "end_day")
    if end < start:
        raise Conflict(
            "The absence ends before it starts.", code="invalid_period", details={"field": "end_day"}
        )
    if (end - start).days >= MAX_ABSENCE_DAYS:
        raise Conflict(f"At most {MAX_ABSENCE_DAYS} days.", code="invalid_period")
    return start.isoformat(), end.isoformat()


def add_absence(staff: Any, body: dict[str, Any], *, source: str = "entered") -> dict[str, Any]:
    """Record an absence; capacity of the employee's services drops on those days and the
    appointments beyond it are flagged."""
    start, end = _validate(body)
    employee = get_employee(body["employee_number"])
    if not employee.department_id:
        # an administrator invited without a department serves no service: there is no capacity
        # the absence could change, and absences are kept per department
        raise Conflict(
            "This employee belongs to no department; absences are kept for department staff.",
            code="employee_without_department",
            details={"field": "employee_number"},
        )
    ensure_department(staff, employee.department_id)
    absence = Absence(
        uuid.uuid4().hex[:16],
        employee_number=employee.employee_number,
        department_id=employee.department_id,
        kind=body["kind"],
        start_day=start,
        end_day=end,
        note=(body.get("note") or "").strip() or None,
        source=source,
        created_by=staff.username,
    )
    absence.save(condition=Absence.absence_id.does_not_exist())
    audit.note(
        staff,
        "absence",
        absence.absence_id,
        action="absence.add",
        after={
            "employee_number": employee.employee_number,
            "kind": absence.kind,
            "start_day": start,
            "end_day": end,
        },
    )
    flagged = follow_absence(employee.employee_number, days_between(start, end))
    return {"absence": public_absence(absence), "flagged": flagged}


def remove_absence(staff: Any, absence_id: str) -> dict[str, Any]:
    try:
        absence = Absence.get(absence_id)
    except Absence.DoesNotExist:
        raise NotFound("No such absence.", code="absence_not_found") from None
    ensure_department(staff, absence.department_id)
    absence.delete()
    audit.note(staff, "absence", absence_id, action="absence.remove", before=public_absence(absence))
    follow_absence(absence.employee_number, days_between(absence.start_day, absence.end_day))
    return {"removed": absence_id}


def _csv_rows(reader: Any) -> Any:
    """(row number, row) of a CSV reader; a file the csv module cannot read is a 409."""
    try:
        yield from enumerate(reader, start=2)
    except csv.Error as exc:
        raise Conflict(
            f"The absences file cannot be read as CSV (line {max(reader.line_num, 1)}): {exc}.",
            code="invalid_absences_file",
            details={"errors": [{"row": max(reader.line_num, 1), "message": str(exc)}]},
        ) from None


def import_absences(staff: Any, content: str) -> dict[str, Any]:
    """CSV ``employee_number,kind,start_day,end_day,note``: every row checked first, then added."""
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    rows, errors = [], []
    for number, raw in _csv_rows(reader):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        body = {k: row.get(k, "") for k in CSV_FIELDS}
        try:
            if body["kind"] not in ABSENCE_KINDS:
                raise Conflict(f"kind must be one of {', '.join(ABSENCE_KINDS)}")
            _validate(body)
            ensure_department(staff, get_employee(body["employee_number"]).department_id)
        except Exception as exc:  # noqa: BLE001 - every row's problem is reported
            errors.append({"row": number, "message": getattr(exc, "message", str(exc))})
            continue
        rows.append(body)
    if errors or not rows:
        raise Conflict(
            f"The absences file has {len(errors)} error(s); nothing was imported." if errors else "No rows.",
            code="invalid_absences_file",
            details={"errors": errors},
        )
    results = [add_absence(staff, body, source="imported") for body in rows]
    return {"imported": len(results), "flagged": [f for r in results for f in r["flagged"]]}


def list_absences(staff: Any, department_id: str | None, from_day: str | None) -> list[dict[str, Any]]:
    """The department's absences (default: the caller's) ending on or after ``from_day`` (default:
    ``LIST_DAYS_BACK`` days ago)."""
    department_id = department_id or staff.department_id
    ensure_department(staff, department_id)
    start = _day(from_day, "from") if from_day else clock.today() - timedelta(days=LIST_DAYS_BACK)
    return [public_absence(a) for a in department_absences_from(department_id, start.isoformat())]


def public_absence(a: Absence) -> dict[str, Any]:
    return {
        "absence_id": a.absence_id,
        "employee_number": a.employee_number,
        "department_id": a.department_id,
        "kind": a.kind,
        "start_day": a.start_day,
        "end_day": a.end_day,
        "note": a.note,
        "source": a.source,
    }
