"""Access rules of the staff side (DESIGN invariant 4), apart from the HTTP layer.

A staff member acts only within their department unless they are an admin. Services call
``ensure_department`` on every object they load from a client-supplied id; this module imports no
service and no HTTP code, so the domain can depend on it without depending on ``chalicelib.auth``.

Example::

    from chalicelib.access import ensure_department
    ensure_department(staff, appointment.department_id)   # 403 other_department

Limitation: the rule is department-wide; a finer scope (one counter, one service) is the
capability's own check.
"""

from __future__ import annotations

from typing import Any, Protocol

from chalicelib.errors import Forbidden


class Actor(Protocol):
    """What the rules need of a staff member (``platform.staff_auth.StaffMember`` is one)."""

    username: str
    roles: tuple[str, ...]
    department_id: str | None


def is_admin(staff: Actor) -> bool:
    return "admin" in staff.roles


def can_act_in(staff: Actor, department_id: str | None) -> bool:
    """True when ``staff`` may act in ``department_id``: admins anywhere, others in their own
    department only (an object without a department belongs to admins alone)."""
    return is_admin(staff) or (department_id is not None and department_id == staff.department_id)


def ensure_department(staff: Any, department_id: str | None) -> None:
    """403 ``other_department`` unless ``staff`` may act in ``department_id``."""
    if not can_act_in(staff, department_id):
        raise Forbidden("This belongs to another department.", code="other_department")
