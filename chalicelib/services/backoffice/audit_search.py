"""Searching and exporting the audit log (the capture is ``services/platform/audit.py``).

Every search is a Query on one of ``AuditEntry``'s indexes, newest first:

- by entity (``entity_type`` + ``entity_id``): ``by_entity``;
- by staff member (``actor``): ``by_actor``, within the period;
- by department and date (every manager's search, an admin's with ``department_id``):
  ``by_department_day``, one Query per day reading that department's entries only;
- by date only: ``by_day``, one Query per day of the period.

Admins see every entry; managers only entries whose department is theirs (the department of the
staff member who acted). The CSV export takes the same filters (UTF-8 with BOM, so that Excel shows
Greek).

Limitation: at most ``AUDIT_MAX_DAYS`` days and ``MAX_ROWS`` entries per answer.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

from chalicelib.errors import Conflict, Forbidden, ValidationFailed
from chalicelib.models.audit import AuditEntry

AUDIT_MAX_DAYS = 92
MAX_ROWS = 2000
CSV_COLUMNS = (
    "at",
    "actor",
    "role",
    "department_id",
    "action",
    "entity_type",
    "entity_id",
    "status",
    "source_ip",
    "before",
    "after",
    "correlation_id",
)


def period(
    date_from: str | None, date_to: str | None, *, default_days: int = 7, max_days: int = AUDIT_MAX_DAYS
) -> list[str]:
    """The days from ``date_from`` to ``date_to`` (inclusive), newest last."""
    try:
        end = date.fromisoformat(date_to) if date_to else date.today()
        start = date.fromisoformat(date_from) if date_from else end - timedelta(days=default_days - 1)
    except ValueError:
        raise ValidationFailed("Dates are YYYY-MM-DD.", code="invalid_date") from None
    if end < start:
        raise Conflict("'to' is before 'from'.", code="invalid_period")
    count = (end - start).days + 1
    if count > max_days:
        raise Conflict(f"At most {max_days} days at a time.", code="period_too_long")
    return [(start + timedelta(days=i)).isoformat() for i in range(count)]


def search(
    staff: Any,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    department_id: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Entries matching the filters that ``staff`` may see, newest first."""
    if not staff.is_admin:
        if department_id and department_id != staff.department_id:
            raise Forbidden("This belongs to another department.", code="other_department")
        department_id = staff.department_id
        if not department_id:
            raise Forbidden("You have no department.", code="other_department")
    limit = max(1, min(int(limit), MAX_ROWS))
    days = period(date_from, date_to)
    low, high = days[0], days[-1] + "~"
    if entity_id and not entity_type:
        raise Conflict("entity_id needs entity_type.", code="entity_type_required")
    if entity_type and entity_id:
        rows = AuditEntry.by_entity.query(
            f"{entity_type}#{entity_id}", AuditEntry.at_key.between(low, high), scan_index_forward=False
        )
        queries = [rows]
    elif actor:
        queries = [
            AuditEntry.by_actor.query(actor, AuditEntry.at_key.between(low, high), scan_index_forward=False)
        ]
    elif department_id:  # a manager, or an admin choosing a department: that department's days only
        queries = [
            AuditEntry.by_department_day.query(f"{department_id}#{day}", scan_index_forward=False)
            for day in reversed(days)
        ]
    else:
        queries = [AuditEntry.by_day.query(day, scan_index_forward=False) for day in reversed(days)]
    out: list[dict[str, Any]] = []
    for rows in queries:
        for entry in rows:
            if department_id and entry.department_id != department_id:
                continue
            if entity_type and entry.entity_type != entity_type:
                continue
            if actor and entry.actor != actor:
                continue
            out.append(public(entry))
            if len(out) >= limit:
                return out
    return out


def public(entry: AuditEntry) -> dict[str, Any]:
    return {
        "entry_id": entry.entry_id,
        "at": entry.at_key.split("#", 1)[0],
        "actor": entry.actor,
        "role": entry.role,
        "department_id": entry.department_id,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "before": entry.before,
        "after": entry.after,
        "status": entry.status,
        "source_ip": entry.source_ip,
        "correlation_id": entry.correlation_id,
    }


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...] | list[str]) -> str:
    """Rows as CSV text starting with a BOM (Excel then reads it as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return "\ufeff" + buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    # a cell starting with = + - @ would run as a formula in a spreadsheet
    return "'" + text if len(text) > 1 and text[:1] in ("=", "+", "-", "@") else text


def export_audit_csv(staff: Any, **filters: Any) -> str:
    return to_csv(search(staff, **{**filters, "limit": MAX_ROWS}), CSV_COLUMNS)
