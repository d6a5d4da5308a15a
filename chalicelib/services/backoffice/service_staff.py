"""The staff who serve each bookable service (``ServiceAssignment``), and the availability staff see
with each day's capacity following them.

Setting a service's staff recomputes the days from today on when any of them, before or after the
change, is absent (``staffed_capacity.recompute_days``), so the slots' capacity follows at once.

Example::

    set_service_staff(manager, "kep-certificates", ["E004", "E005"])   # then list_service_staff(...)
    staffed_availability(clerk, "kep-certificates", "2026-11-24", "2026-11-30")

Limitation: only active employees of the service's own department can serve it; a service with
nobody assigned keeps its configured capacity.
"""

from __future__ import annotations

from typing import Any

from chalicelib.access import ensure_department
from chalicelib.errors import Conflict
from chalicelib.models.staffing import ServiceAssignment
from chalicelib.services import appointments
from chalicelib.services.backoffice import staffed_capacity
from chalicelib.services.backoffice.org_chart import get_employee
from chalicelib.services.platform import audit


def service_in_my_department(staff: Any, service_id: str) -> Any:
    """The service (read fresh, inactive ones too) when ``staff`` may act in its department: 404
    for an unknown service, 403 ``other_department``."""
    service = appointments.get_service(service_id, fresh=True, include_inactive=True)
    ensure_department(staff, service.department_id)
    return service


def list_service_staff(staff: Any, service_id: str) -> list[dict[str, Any]]:
    """The employee numbers assigned to the service."""
    service_in_my_department(staff, service_id)
    return [{"employee_number": a.employee_number} for a in ServiceAssignment.query(service_id)]


def set_service_staff(staff: Any, service_id: str, numbers: list[str]) -> list[dict[str, Any]]:
    """Make exactly ``numbers`` the staff of the service; recompute days with absences."""
    service = service_in_my_department(staff, service_id)
    employees = {n: get_employee(n) for n in numbers}
    wrong = [n for n, e in employees.items() if e.department_id != service.department_id or not e.active]
    if wrong:
        raise Conflict(
            "Only active employees of the service's department can serve it.",
            code="employee_not_in_department",
            details={"employee_numbers": wrong},
        )
    current = {a.employee_number for a in ServiceAssignment.query(service_id)}
    for n in current - set(numbers):
        ServiceAssignment(service_id, n).delete()
    for n in set(numbers) - current:
        ServiceAssignment(service_id, n, department_id=service.department_id).save()
    audit.note(
        staff,
        "service_staff", service_id, action="service.staff", before=sorted(current), after=sorted(numbers)
    )
    today = staffed_capacity.today()
    days: set[str] = set()
    for n in current | set(numbers):
        days |= staffed_capacity.absent_days(n, today)
    staffed_capacity.recompute_days(service, sorted(days))
    return list_service_staff(staff, service_id)


def staffed_availability(
    staff: Any, service_id: str, from_day: str | None, to_day: str | None
) -> dict[str, Any]:
    """The citizens' availability of a service in the caller's department: each slot's capacity
    already follows the staff present."""
    service_in_my_department(staff, service_id)
    return appointments.availability(service_id, from_day, to_day)
