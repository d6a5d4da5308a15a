"""The requests tests' world: departments, employees, four request types of the demo data and two
citizens, in moto."""

from __future__ import annotations

import pytest

from chalicelib.models.citizens import Citizen
from chalicelib.models.org import Department, Employee
from chalicelib.models.requests import RequestType
from devstack.demo import requests as demo


@pytest.fixture
def catalogue(aws):
    """Departments roads/cleaning/kep with employees, and four types of the demo data."""
    for dep in ("roads", "cleaning", "kep", "civil-registry"):
        Department(dep, name_el=f"Τμήμα {dep}", name_en=f"Department {dep}").save()
    for number, username, dep in (
        ("E1", "clerk.roads", "roads"),
        ("E2", "clerk.roads2", "roads"),
        ("E3", "clerk.cleaning", "cleaning"),
    ):
        Employee(
            number,
            username=username,
            full_name=username.title(),
            email=f"{username}@x.gr",
            department_id=dep,
            role="clerk",
        ).save()
    for row in demo.TYPES:
        if row[0] in ("pothole", "streetlight", "birth-certificate", "overflowing-bin"):
            code, group, dep, el, en, public, location, photo, days, attributes, templates = row
            RequestType(
                code,
                name_el=el,
                name_en=en,
                group=group,
                group_el=group,
                group_en=group,
                department_id=dep,
                attributes=attributes,
                location=location,
                photo=photo,
                expected_days=days,
                public=public,
                templates=templates,
            ).save()
    Citizen(
        "123456789",
        first_name="ΜΑΡΙΑ",
        last_name="ΠΑΠΑΔΟΠΟΥΛΟΥ",
        email="maria@example.gr",
        mobile="+306900000001",
        notify_sms=True,
    ).save()
    Citizen("987654321", first_name="ΓΙΑΝΝΗΣ", last_name="ΝΙΚΟΛΑΟΥ", email="giannis@example.gr").save()
