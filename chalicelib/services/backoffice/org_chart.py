"""Reading the org chart: departments and employees, as a staff member may see them.

Admins see the whole chart (the ``roster`` indexes); everyone else their own department
(``Employee.by_department``). Never a scan.

Example::

    employees(staff)                      # the caller's department, active employees only
    get_employee("E004")                  # the Employee, or 404 employee_not_found

Limitation: the chart is read whole (hundreds of rows); no paging.
"""

from __future__ import annotations

from typing import Any

from chalicelib.access import ensure_department
from chalicelib.errors import NotFound
from chalicelib.models.org import ROSTER, Department, Directorate, Employee


def departments() -> list[dict[str, Any]]:
    return [
        {
            "department_id": d.department_id,
            "directorate_id": d.directorate_id,
            "parent_id": d.parent_id,
            "name_el": d.name_el,
            "name_en": d.name_en,
            "active": bool(d.active),
        }
        for d in Department.by_roster.query(ROSTER)
    ]


def directorates() -> list[dict[str, Any]]:
    return [
        {
            "directorate_id": d.directorate_id,
            "name_el": d.name_el,
            "name_en": d.name_en,
            "active": bool(d.active),
        }
        for d in Directorate.by_roster.query(ROSTER)
    ]


def public_employee(e: Employee) -> dict[str, Any]:
    return {
        "employee_number": e.employee_number,
        "username": e.username,
        "full_name": e.full_name,
        "email": e.email,
        "department_id": e.department_id,
        "role": e.role,
        "active": bool(e.active),
    }


def employees(
    staff: Any, department_id: str | None = None, include_inactive: bool = False
) -> list[dict[str, Any]]:
    """Employees of ``department_id`` (default: the caller's; admins without one: everyone; anyone
    else without a department: 403, never everyone)."""
    if department_id is None and not staff.is_admin:
        department_id = staff.department_id
        ensure_department(staff, department_id)  # a manager whose account names no department
    if department_id is None:
        rows = Employee.by_roster.query(ROSTER)
    else:
        ensure_department(staff, department_id)
        rows = Employee.by_department.query(department_id)
    return [public_employee(e) for e in rows if include_inactive or e.active]


def get_employee(number: str) -> Employee:
    """The employee numbered ``number``; 404 ``employee_not_found``."""
    try:
        return Employee.get(number)
    except Employee.DoesNotExist:
        raise NotFound(f"No employee {number}.", code="employee_not_found") from None


def active_colleagues(department_id: str) -> list[Employee]:
    """The department's active employees (one Query on ``Employee.by_department``)."""
    return [e for e in Employee.by_department.query(department_id) if e.active]
