"""Fixtures of the live queue's unit tests: a service point with two lines of one department."""

from __future__ import annotations

import pytest

from chalicelib.models.queue import Queue


@pytest.fixture
def point(aws):
    """Service point kep-1 with lines A (certificates) and B (permits) of department kep, and
    roads-1 with one line of department roads."""
    Queue(
        "kep-1-A",
        service_point_id="kep-1",
        department_id="kep",
        prefix="A",
        name_el="Πιστοποιητικά",
        name_en="Certificates",
        service_ids=["svc-cert"],
        service_point_name_el="ΚΕΠ 1",
    ).save()
    Queue(
        "kep-1-B",
        service_point_id="kep-1",
        department_id="kep",
        prefix="B",
        name_el="Άδειες",
        name_en="Permits",
        service_ids=["svc-permit"],
        service_point_name_el="ΚΕΠ 1",
    ).save()
    Queue("roads-1-A", service_point_id="roads-1", department_id="roads", prefix="A", name_el="Οδοί").save()
    return "kep-1"
