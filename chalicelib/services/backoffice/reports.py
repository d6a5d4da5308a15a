"""What the audit search and the statistics dashboards share: the period asked for and the
department a caller may see (their CSV is the platform's ``exports.to_csv``).

- ``period(date_from, date_to, today=..., default_days=..., max_days=...)``: the days asked for
  (409 ``invalid_period`` upside down, 409 ``period_too_long`` past ``max_days``).
- ``department_scope(staff, department_id, admin_default=...)``: admins see any department (or
  ``admin_default`` when they name none); everyone else their own (403 ``other_department`` for
  another one, or when they have none).

Example::

    days = period("2026-11-01", None, today=clock.today(), default_days=30, max_days=366)
    department_scope(staff, None, admin_default=None)   # the caller's own department

Limitation: a period is whole days in the municipality's time zone.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chalicelib.access import ensure_department, is_admin
from chalicelib.errors import Conflict, Forbidden, ValidationFailed


def period(
    date_from: str | None, date_to: str | None, *, today: date, default_days: int, max_days: int
) -> list[str]:
    """The days from ``date_from`` (default: ``default_days`` before the end) to ``date_to``
    (default: ``today``), inclusive, newest last."""
    try:
        end = date.fromisoformat(date_to) if date_to else today
        start = date.fromisoformat(date_from) if date_from else end - timedelta(days=default_days - 1)
    except ValueError:
        raise ValidationFailed("Dates are YYYY-MM-DD.", code="invalid_date") from None
    if end < start:
        raise Conflict("'to' is before 'from'.", code="invalid_period")
    count = (end - start).days + 1
    if count > max_days:
        raise Conflict(f"At most {max_days} days at a time.", code="period_too_long")
    return [(start + timedelta(days=i)).isoformat() for i in range(count)]


def department_scope(staff: Any, department_id: str | None, *, admin_default: str | None) -> str | None:
    """The department whose figures or entries ``staff`` gets."""
    if is_admin(staff):
        return department_id or admin_default
    if department_id:
        ensure_department(staff, department_id)
    if not staff.department_id:
        raise Forbidden("You have no department.", code="other_department")
    return staff.department_id
