"""The catalogue tests' world: departments kep, roads and cleaning, staff of each role, a service
point of the KEP, and the test client."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from chalicelib.models.org import Department
from tests.unit.appointments.helpers import make_point

DEPARTMENTS = ("kep", "roads", "cleaning")


@pytest.fixture
def catalogue(client, make_staff):
    """Departments, a point ``kep-dimarxeio`` of the KEP, and staff tokens: ``admin`` (of the KEP),
    ``manager`` and ``clerk`` of the KEP, ``other`` (the manager of roads)."""
    for department_id in DEPARTMENTS:
        Department(
            department_id, name_el=f"Τμήμα {department_id}", name_en=f"Department {department_id}"
        ).save()
    make_point()
    return SimpleNamespace(
        client=client,
        admin=make_staff("admin", "kep", username="cat.admin"),
        manager=make_staff("manager", "kep", username="cat.manager"),
        clerk=make_staff("clerk", "kep", username="cat.clerk"),
        other=make_staff("manager", "roads", username="cat.other"),
    )
