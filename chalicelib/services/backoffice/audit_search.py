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

Example::

    search_audit(manager, entity_type="appointment", entity_id="a1b2", date_from="2026-11-01")

Limitation: at most ``AUDIT_MAX_DAYS`` days and ``AUDIT_MAX_ROWS`` entries per answer.
"""

from __future__ import annotations

from typing import Any

from chalicelib import clock
from chalicelib.errors import Conflict
from chalicelib.models.audit import AuditEntry
from chalicelib.schemas.backoffice import AUDIT_MAX_DAYS, AUDIT_MAX_ROWS, AUDIT_PAGE_ROWS
from chalicelib.services.backoffice.reports import department_scope, period
from chalicelib.services.platform import audit
from chalicelib.services.platform.exports import to_csv

DEFAULT_DAYS = 7
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


def audit_days(date_from: str | None, date_to: str | None) -> list[str]:
    """The days of a search: the audit log's days are UTC days (``AuditEntry.day``)."""
    return period(
        date_from, date_to, today=clock.utcnow().date(), default_days=DEFAULT_DAYS, max_days=AUDIT_MAX_DAYS
    )


def search_audit(
    staff: Any,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    department_id: str | None = None,
    limit: int = AUDIT_PAGE_ROWS,
) -> list[dict[str, Any]]:
    """Entries matching the filters that ``staff`` may see, newest first."""
    department_id = department_scope(staff, department_id, admin_default=None)
    limit = max(1, min(int(limit), AUDIT_MAX_ROWS))
    days = audit_days(date_from, date_to)
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
            out.append(public_entry(entry))
            if len(out) >= limit:
                return out
    return out


def public_entry(entry: AuditEntry) -> dict[str, Any]:
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


def export_audit_csv(staff: Any, **filters: Any) -> str:
    """The same search as CSV, up to ``AUDIT_MAX_ROWS`` entries; the export (names and addresses
    of staff) is itself noted in the audit log."""
    rows = search_audit(staff, **{**filters, "limit": AUDIT_MAX_ROWS})
    scope = filters.get("department_id") or staff.department_id or "all"
    asked = {k: v for k, v in sorted(filters.items()) if v not in (None, "")}
    audit.note_read(staff, "department", scope, what="audit.export", rows=len(rows), filters=asked or None)
    return to_csv(rows, CSV_COLUMNS)
