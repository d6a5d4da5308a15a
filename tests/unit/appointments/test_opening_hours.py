"""Opening hours: a service's slots per day from its weekly hours, breaks, public holidays and
date exceptions, correct across daylight saving. Fixed dates, each chosen for what it shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.services.appointments import opening_hours
from chalicelib.services.platform.holidays import holiday_name, is_holiday, orthodox_easter
from tests.unit.appointments.helpers import ALL_WEEK, make_service

WEEK = [date(2026, 11, 23) + timedelta(days=n) for n in range(7)]  # Monday to Sunday, no holiday
HOLIDAY = date(2026, 10, 28)  # Ohi day, a Wednesday


def keys(service, day: date) -> list[str]:
    return [s.key for s in opening_hours.day_slots(service, day)]


def test_orthodox_easter_and_movable_holidays_are_computed():
    # GIVEN known Orthodox Easter dates  WHEN computed  THEN they match
    assert orthodox_easter(2024) == date(2024, 5, 5)
    assert orthodox_easter(2025) == date(2025, 4, 20)
    assert orthodox_easter(2026) == date(2026, 4, 12)
    assert orthodox_easter(2027) == date(2027, 5, 2)
    # AND the movable holidays follow it
    assert holiday_name(date(2026, 2, 23), "en") == "Clean Monday"
    assert holiday_name(date(2026, 4, 10), "en") == "Good Friday"
    assert holiday_name(date(2026, 4, 13), "en") == "Easter Monday"
    assert holiday_name(date(2026, 6, 1), "en") == "Holy Spirit Monday"
    assert is_holiday(date(2026, 10, 28)) and is_holiday(date(2026, 3, 25))
    assert not is_holiday(date(2026, 11, 24))


def test_slots_follow_hours_and_breaks_holidays_and_weekends_are_closed(svc):
    # WHEN the slots of a Tuesday are listed
    tuesday = keys(svc, date(2026, 11, 24))
    # THEN they run 08:00-10:45 and 11:30-13:45, nothing in the break
    assert tuesday[0] == "2026-11-24T08:00" and tuesday[-1] == "2026-11-24T13:45"
    assert "2026-11-24T11:00" not in tuesday and "2026-11-24T11:15" not in tuesday
    assert len(tuesday) == 12 + 10
    # AND Clean Monday (a holiday) and a Saturday (no weekly hours) have none
    assert keys(svc, date(2026, 2, 23)) == []
    assert keys(svc, date(2026, 11, 28)) == []


@pytest.mark.parametrize("day", [*WEEK, HOLIDAY], ids=lambda d: f"{d:%a}-{d}")
def test_an_exception_replaces_the_day_whatever_the_day(aws, day):
    # GIVEN a service open every day of the week, 08:00-14:00
    service = make_service(hours=ALL_WEEK)
    # AND without an exception the day has its weekly slots (a holiday has none)
    assert keys(service, day) == (
        [] if is_holiday(day) else [f"{day}T{h:02d}:{m:02d}" for h in range(8, 14) for m in (0, 15, 30, 45)]
    )
    # WHEN an exception closes that day THEN it has no slot
    service.exceptions = {day.isoformat(): []}
    assert keys(service, day) == []
    assert opening_hours.intervals_for(service, day) == []
    # WHEN an exception opens it 09:00-10:00 instead THEN exactly those slots
    service.exceptions = {day.isoformat(): [["09:00", "10:00"]]}
    assert keys(service, day) == [f"{day}T09:00", f"{day}T09:15", f"{day}T09:30", f"{day}T09:45"]
    # AND the exception changes no other day
    other = day + timedelta(days=7)
    assert keys(service, other) == ([] if is_holiday(other) else keys(make_service(hours=ALL_WEEK), other))


def test_slots_are_correct_across_daylight_saving(svc):
    # GIVEN a service open around the clock on Sundays (DST changes happen on Sunday at 03:00/04:00)
    svc.hours = {"7": [["00:00", "06:00"]]}
    svc.slot_minutes = svc.duration_minutes = 60
    # WHEN the spring-forward day is listed THEN 03:00 does not exist and 04:00 is 01:00 UTC
    spring = {s.key: s.start for s in opening_hours.day_slots(svc, date(2026, 3, 29))}
    assert "2026-03-29T03:00" not in spring
    assert spring["2026-03-29T02:00"] == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert spring["2026-03-29T04:00"] == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    # AND on the fall-back day 03:00 appears once
    autumn = keys(svc, date(2026, 10, 25))
    assert autumn.count("2026-10-25T03:00") == 1
    # AND a winter slot is UTC+2, a summer one UTC+3
    winter = opening_hours.find_slot(make_service(), "2026-11-24T09:00")
    summer = opening_hours.find_slot(make_service(), "2026-07-14T09:00")
    assert winter.start.hour == 7 and summer.start.hour == 6
