"""Availability: the bookable slots of a service and the places each has left, in one Query."""

from __future__ import annotations

from chalicelib.services.appointments import booking, slots
from tests.unit.appointments.helpers import NOW, Session, count_calls


def test_availability_honours_notice_window_and_booked_counts(svc):
    # GIVEN one booking at 09:00 tomorrow
    booking.book(Session("111111111"), svc.service_id, "2026-11-24T09:00", now=NOW)
    # WHEN availability is asked for today and tomorrow
    result = slots.availability(svc.service_id, "2026-11-23", "2026-11-24", now=NOW)
    today, tomorrow = result["days"]
    # THEN today's slots start after the minimum notice (08:00 + 60 min)
    assert today["slots"][0]["start"] == "2026-11-23T09:00"
    # AND the booked slot has one place left of two
    by_start = {s["start"]: s for s in tomorrow["slots"]}
    assert by_start["2026-11-24T09:00"]["remaining"] == 1
    assert by_start["2026-11-24T09:15"]["remaining"] == 2
    assert by_start["2026-11-24T09:00"]["starts_at"] == "2026-11-24T09:00:00+02:00"
    assert result["timezone"] == "Europe/Athens"
    # AND days beyond the window are cut off, the past is never shown
    far = slots.availability(svc.service_id, "2026-11-01", "2027-03-01", now=NOW)
    assert far["from"] == "2026-11-23" and far["to"] == "2026-12-23"


def test_availability_is_one_query(svc):
    # GIVEN the service is cached
    slots.availability(svc.service_id, "2026-11-24", "2026-11-24", now=NOW)
    # WHEN availability is asked again, counting DynamoDB calls
    with count_calls() as calls:
        slots.availability(svc.service_id, "2026-11-24", "2026-11-30", now=NOW)
    # THEN it made exactly one Query
    assert calls == ["Query"]
