"""Fixtures of the appointments tests: a service, a booking with a citizen who wants email and
SMS, and a booking made over HTTP. The service cache is emptied around every test, so no test
sees a service another test saved."""

from __future__ import annotations

import json

import pytest

from chalicelib.models.citizens import Citizen
from chalicelib.services.appointments import booking, catalogue
from tests.conftest import bearer
from tests.unit.appointments.helpers import ALL_WEEK, NOW, Session, make_service, next_open_slot


@pytest.fixture(autouse=True)
def _fresh_service_cache():
    catalogue.forget_services()
    yield
    catalogue.forget_services()


@pytest.fixture
def svc(aws):
    return make_service()


@pytest.fixture
def api_service(aws):
    return make_service("svc-api", capacity=1, max_per_day=2, hours=ALL_WEEK)


@pytest.fixture
def booked(aws):
    """Maria (email and SMS, English) booked 25/11/2026 09:00 Athens (07:00 UTC) at ``NOW``."""
    make_service()
    Citizen(
        "111111111",
        first_name="ΜΑΡΙΑ",
        last_name="ΠΑΠΑΔΟΠΟΥΛΟΥ",
        email="maria@example.gr",
        mobile="+306900000001",
        notify_email=True,
        notify_sms=True,
        language="en",
    ).save()
    appointment, _ = booking.book(Session("111111111"), "svc-test", "2026-11-25T09:00", now=NOW)
    return appointment


@pytest.fixture
def citizen_booking(client, make_citizen):
    """A citizen's token and the appointment she booked over HTTP (capacity 1, real clock)."""
    make_service("svc-api", capacity=1, max_per_day=2, hours=ALL_WEEK)
    token = make_citizen("123456789")
    start = next_open_slot(client, token, "svc-api")
    resp = client.http.post(
        "/api/appointments",
        headers={**bearer(token), "Content-Type": "application/json"},
        body=json.dumps({"service_id": "svc-api", "start": start}),
    )
    assert resp.status_code == 201
    return token, resp.json_body
