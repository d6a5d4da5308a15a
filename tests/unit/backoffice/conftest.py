"""Fixtures of the back-office tests."""

from __future__ import annotations

import pytest

from chalicelib.models.org import Employee
from chalicelib.services import appointments
from tests.unit.backoffice.support import Citizen, bookable_service, working_day_before_another


@pytest.fixture
def kep(aws):
    """Three KEP clerks (E1, E2, E3), a service of capacity 2 and, on a working day followed by
    another, 09:00 full (two bookings) and 10:00 half full: ``(service, day, [three bookings])``."""
    for number, name in (("E1", "Άννα"), ("E2", "Βασίλης"), ("E3", "Γιάννης")):
        Employee(
            number, username=name, full_name=name, email=f"{number}@t.gr", department_id="kep", role="clerk"
        ).save()
    service = bookable_service(capacity=2)
    day = working_day_before_another()
    booked = [
        appointments.book(Citizen("100000001"), service.service_id, f"{day}T09:00")[0],
        appointments.book(Citizen("100000002"), service.service_id, f"{day}T09:00")[0],
        appointments.book(Citizen("100000003"), service.service_id, f"{day}T10:00")[0],
    ]
    return service, day, booked
