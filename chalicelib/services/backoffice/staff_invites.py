"""Inviting one staff member: their Cognito user (in the group of their role) with a temporary
password that the user pool e-mails them, and the employee row the back office works with.

Used by ``POST /api/admin/staff`` (an administrator invites a colleague), ``manage.py
create-admin`` (the first administrator of an empty deployment) and ``manage.py create-staff``.
On first sign-in the new member sets their own password (``NEW_PASSWORD_REQUIRED``) and, if their
role needs one, enrols an authenticator.

Example::

    invite_staff(admin, username="clerk.kep", email="clerk@dimos.gr", name="Δημήτρης", role="clerk",
           department_id="kep")     # {"employee_number": "clerk.kep", ..., "invitation": "email"}

Limitation: the Cognito user and the employee row are not one transaction: the employee number
and the user name are checked first, so only a failure between the two writes leaves a user
without a row (inviting again answers 409 ``username_taken``; the org import completes it).
"""

from __future__ import annotations

from typing import Any

from chalicelib.errors import Conflict, NotFound, ValidationFailed
from chalicelib.models.org import ROSTER, Department, Employee
from chalicelib.services.backoffice import staff_directory
from chalicelib.services.platform import audit


def _department(department_id: str | None, role: str) -> str | None:
    if not department_id:
        if role != "admin":
            raise ValidationFailed("A department is needed for this role.", details={"field": "department_id"})
        return None
    try:
        department = Department.get(department_id)
    except Department.DoesNotExist:
        raise NotFound(f"No department {department_id}.", code="department_not_found") from None
    if not department.active:
        raise Conflict(f"The department {department_id} is no longer active.", code="department_inactive")
    return department_id


def invite_staff(
    staff: Any,
    *,
    username: str,
    email: str,
    name: str,
    role: str,
    department_id: str | None = None,
    employee_number: str | None = None,
    temporary_password: str | None = None,
    password: str | None = None,
) -> dict[str, Any]:
    """Create the staff member (409 ``username_taken`` or ``employee_exists`` if either is taken;
    404 ``department_not_found``). Without ``password`` the pool e-mails a temporary password
    (``temporary_password`` when given, else one it makes); with it, the password is set for good
    (operators' and demo tooling)."""
    department = _department(department_id, role)
    number = employee_number or username
    try:
        Employee.get(number)
    except Employee.DoesNotExist:
        pass
    else:
        raise Conflict(f"There is already an employee {number}.", code="employee_exists")
    staff_directory.ensure_user(
        username=username,
        email=email,
        name=name,
        department_id=department,
        role=role,
        password=password,
        temporary_password=temporary_password,
        create_only=True,
    )
    Employee(
        number,
        username=username,
        full_name=name,
        email=email,
        department_id=department,
        role=role,
        active=True,
        roster=ROSTER,
    ).save(condition=Employee.employee_number.does_not_exist())
    audit.note(
        staff,
        "employee",
        number,
        action="staff.invite",
        after={"username": username, "role": role, "department_id": department},
    )
    return {
        "employee_number": number,
        "username": username,
        "role": role,
        "department_id": department,
        "invitation": "email",
    }
