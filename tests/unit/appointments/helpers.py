"""What the appointments tests share (and other areas' tests that book or count requests).

Times are fixed where a property needs a particular day: ``NOW`` is Monday 23 November 2026, 08:00
in Athens (winter time, UTC+2), a week with no public holiday; the tests pass it to the domain as
``now=``, so they do not depend on the day they run. Tests over HTTP use the real clock and find
their slots through availability (``next_open_slot``) or the holidays (``next_open_weekday``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from chalicelib.clock import today
from chalicelib.models.service_catalog import Service
from chalicelib.models.service_points import ServicePoint
from chalicelib.services.appointments import catalogue
from chalicelib.services.platform import service_points
from chalicelib.services.platform.holidays import is_holiday
from tests.conftest import bearer
from tests.unit.ddb_requests import count_calls

__all__ = ["count_calls"]  # the tests of this area (and others that count requests) import it here

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # Monday 08:00 Athens
POINT = "kep-dimarxeio"
WEEKDAYS = {str(d): [["08:00", "11:00"], ["11:30", "14:00"]] for d in range(1, 6)}
ALL_WEEK = {str(d): [["08:00", "14:00"]] for d in range(1, 8)}


class Session:
    """A signed-in citizen, as ``require_citizen`` gives one."""

    def __init__(self, taxid: str, name: str = "ΜΑΡΙΑ ΠΑΠΑΔΟΠΟΥΛΟΥ"):
        self.taxid = taxid
        self.name = name


def make_point(service_point_id: str = POINT, department_id: str = "kep", **fields) -> ServicePoint:
    """A service point saved to the table (and not in the points' cache), at 37.93, 23.70."""
    values = dict(
        department_id=department_id,
        name_el="ΚΕΠ",
        name_en="KEP",
        address_el="Οδός 1",
        address_en="Street 1",
        lat=37.93,
        lng=23.70,
        phone="2100000000",
        active=True,
    )
    values.update(fields)
    point = ServicePoint(service_point_id, **values)
    point.save()
    service_points.forget_points()
    return point


def make_service(service_id="svc-test", department_id="kep", **fields) -> Service:
    """A service saved to the table (and not in the service cache), at the point ``POINT`` (made
    too when missing): two places a quarter hour, weekdays 08:00-11:00 and 11:30-14:00, one
    appointment per citizen a day."""
    if fields.get("service_point_id", POINT) == POINT and ServicePoint.count(POINT) == 0:
        make_point()
    values = dict(
        department_id=department_id,
        name_el="Βεβαίωση",
        name_en="Certificate",
        service_point_id=POINT,
        documents=[{"name_el": "Ταυτότητα", "name_en": "Identity card", "where_el": "", "where_en": ""}],
        duration_minutes=15,
        slot_minutes=15,
        capacity=2,
        min_notice_minutes=60,
        max_days_ahead=30,
        cancel_cutoff_minutes=60,
        max_per_day=1,
        hours=WEEKDAYS,
        exceptions={},
        active=True,
    )
    values.update(fields)
    service = Service(service_id, **values)
    service.save()
    catalogue.forget_services()
    return service


def next_open_weekday(isoweekday: int, after: date | None = None) -> date:
    """The first day after ``after`` (default: today in Athens) that is that weekday and no public
    holiday."""
    day = (after or today()) + timedelta(days=1)
    while day.isoweekday() != isoweekday or is_holiday(day):
        day += timedelta(days=1)
    return day


def next_open_slot(client, token, service_id, skip=0):
    """The ``skip``-th bookable slot of ``service_id`` from tomorrow (real clock), via the API."""
    start = today() + timedelta(days=1)
    resp = client.http.get(
        f"/api/services/{service_id}/availability?from={start}&to={start + timedelta(days=14)}",
        headers=bearer(token),
    )
    assert resp.status_code == 200, resp.body
    slots = [s for d in resp.json_body["days"] for s in d["slots"] if s["remaining"] > 0]
    return slots[skip]["start"]
