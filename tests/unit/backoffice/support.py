"""Helpers of the back-office tests: a bookable service, citizens to book with, working days
computed from today, and a count of the DynamoDB requests a block makes.

Days are chosen relative to today (Athens) with the Greek holidays, so no test depends on the day
of the week it runs, the year, or a daylight-saving change.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from chalicelib import clock
from chalicelib.models.service_catalog import Service
from chalicelib.services.platform.holidays import is_holiday
from tests.unit.ddb_requests import count_calls as dynamodb_calls

__all__ = ["dynamodb_calls"]  # the tests of this area import it here

JSON = {"Content-Type": "application/json"}
WEEKDAYS = {str(d): [["08:00", "11:00"], ["11:30", "14:00"]] for d in range(1, 6)}


@dataclass
class Citizen:
    """What booking needs of a signed-in citizen."""

    taxid: str
    name: str = "ΜΑΡΙΑ ΠΑΠΑΔΟΠΟΥΛΟΥ"


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Greek public holiday: the days ``WEEKDAYS`` hours are open."""
    return day.isoweekday() <= 5 and not is_holiday(day)


def working_day_before_another(offset: int = 3) -> str:
    """The first working day at least ``offset`` days from today whose next day is a working day
    too (a test that looks at "the next day" needs it open, whatever today is)."""
    day = clock.today() + timedelta(days=offset)
    while not (is_working_day(day) and is_working_day(day + timedelta(days=1))):
        day += timedelta(days=1)
    return day.isoformat()


def next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def bookable_service(department_id: str = "kep", **fields) -> Service:
    """A bookable service open on weekdays, with a new id (no service cache of another test can
    answer for it)."""
    values = dict(
        department_id=department_id,
        name_el="Βεβαίωση",
        name_en="Certificate",
        service_point_id="kep-dimarxeio",
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
    service = Service(f"svc-{uuid.uuid4().hex[:8]}", **values)
    service.save()
    return service


def slots_of(result: dict, day: str) -> dict[str, tuple[int, int]]:
    """An availability answer's slots of ``day``: ``{"09:00": (capacity, remaining)}``."""
    return {
        s["start"][11:]: (s["capacity"], s["remaining"])
        for d in result["days"]
        if d["date"] == day
        for s in d["slots"]
    }


def serve(client, headers, service, numbers=("E1", "E2")):
    """``numbers`` serve the service (its capacity follows them)."""
    return client.http.put(
        f"/api/staff/staffing/services/{service.service_id}",
        headers=headers,
        body=json.dumps({"employee_numbers": list(numbers)}),
    )


def absence(client, headers, number, day, kind="leave", end_day=None):
    body = {"employee_number": number, "kind": kind, "start_day": day, "end_day": end_day or day}
    return client.http.post("/api/staff/absences", headers=headers, body=json.dumps(body))
