"""Opening hours: a service's slots per day from its weekly hours, breaks, named periods (summer
hours, the feast day, closures), public holidays and date exceptions, correct across daylight
saving. Fixed dates, each chosen for what it shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.services.appointments import opening_hours, slots
from chalicelib.services.platform.holidays import holiday_name, is_holiday, orthodox_easter
from tests.unit.appointments.helpers import ALL_WEEK, NOW, make_service

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


# -- named periods: summer hours, the feast day, closures ------------------------------------------
SUMMER = {
    "id": "summer",
    "name_el": "Θερινό ωράριο",
    "name_en": "Summer hours",
    "from": "2026-07-01",
    "to": "2026-08-31",
    "hours": {str(d): [["08:00", "13:00"]] for d in range(1, 6)},
}
FEAST = {
    "id": "feast",
    "name_el": "Πανήγυρις του πολιούχου",
    "name_en": "The town's feast day",
    "from": "2026-08-06",
    "to": "2026-08-06",
    "closed": True,
}


def test_a_period_has_its_own_weekly_hours_from_its_first_to_its_last_day(aws):
    # GIVEN a service open on weekdays 08:00-11:00 and 11:30-14:00, with summer hours 1/7-31/8
    service = make_service(periods=[SUMMER])
    # WHEN the days around the period are listed
    # THEN the day before and the day after have the weekly hours
    for day in (date(2026, 6, 30), date(2026, 9, 1)):  # a Tuesday each
        assert keys(service, day)[-1] == f"{day}T13:45" and f"{day}T11:00" not in keys(service, day)
    # AND its first and last days (a Wednesday, a Monday) run 08:00-13:00 with no break
    for day in (date(2026, 7, 1), date(2026, 8, 31)):
        assert keys(service, day) == [f"{day}T{h:02d}:{m:02d}" for h in range(8, 13) for m in (0, 15, 30, 45)]
        assert opening_hours.named_period(service, day)["id"] == "summer"
    # AND a Saturday of the period, which it does not list, is closed
    assert keys(service, date(2026, 7, 4)) == []
    assert opening_hours.named_period(service, date(2026, 6, 30)) is None


def test_a_public_holiday_stays_closed_inside_a_period(aws):
    # GIVEN June hours on every day of June 2026, which holds Holy Spirit Monday (1 June)
    june = {**SUMMER, "id": "june", "from": "2026-06-01", "to": "2026-06-30", "hours": ALL_WEEK}
    service = make_service(periods=[june])
    # THEN the holiday has no slot, while the next Monday has June's hours
    assert is_holiday(date(2026, 6, 1)) and keys(service, date(2026, 6, 1)) == []
    assert keys(service, date(2026, 6, 8))[-1] == "2026-06-08T13:45"


def test_the_shortest_period_decides_and_a_closed_one_closes_the_day(aws):
    # GIVEN summer hours and, inside them, the town's feast day (a Thursday), listed in either order
    for periods in ([SUMMER, FEAST], [FEAST, SUMMER]):
        service = make_service(periods=periods)
        # THEN the feast day is closed, the days around it have summer hours
        assert keys(service, date(2026, 8, 6)) == []
        assert opening_hours.named_period(service, date(2026, 8, 6))["id"] == "feast"
        assert [keys(service, date(2026, 8, d))[-1] for d in (5, 7)] == ["2026-08-05T12:45", "2026-08-07T12:45"]
    # AND of two periods of the same length, the one listed later decides
    early = {**FEAST, "id": "closed-too", "closed": True}
    late = {**FEAST, "id": "open-late", "closed": False, "hours": {"4": [["10:00", "11:00"]]}}
    service = make_service(periods=[early, late])
    assert keys(service, date(2026, 8, 6)) == [f"2026-08-06T10:{m:02d}" for m in (0, 15, 30, 45)]


def test_a_single_date_exception_still_decides_its_day_over_any_period(aws):
    # GIVEN the feast day closed by a period, and an exception opening that date 09:00-10:00
    service = make_service(periods=[SUMMER, FEAST], exceptions={"2026-08-06": [["09:00", "10:00"]]})
    # THEN the exception's slots, and no period named for the day
    assert keys(service, date(2026, 8, 6)) == [f"2026-08-06T09:{m:02d}" for m in (0, 15, 30, 45)]
    assert opening_hours.named_period(service, date(2026, 8, 6)) is None


def test_availability_names_the_period_of_each_day(aws):
    # GIVEN a closure of two days in the booking window of NOW (Monday 23 November 2026)
    closure = {**FEAST, "id": "move", "name_en": "Moving offices", "from": "2026-12-07", "to": "2026-12-08"}
    make_service("svc-period", periods=[closure])
    # WHEN the week is asked for
    days = {d["date"]: d for d in slots.availability("svc-period", "2026-12-07", "2026-12-09", now=NOW)["days"]}
    # THEN the two days are closed and say why; the next is open and names no period
    assert [days[d]["open"] for d in sorted(days)] == [False, False, True]
    assert days["2026-12-07"]["period_en"] == "Moving offices" and days["2026-12-08"]["period_el"] == FEAST["name_el"]
    assert days["2026-12-09"]["period_en"] is None and days["2026-12-09"]["slots"]


def test_hours_may_close_at_midnight(aws):
    # GIVEN a service open 22:00-24:00 on Fridays, one-hour slots
    service = make_service(hours={"5": [["22:00", "24:00"]]}, slot_minutes=60, duration_minutes=60)
    # THEN its Friday has the slots of 22:00 and 23:00, and nothing spills into Saturday
    assert keys(service, date(2026, 11, 27)) == ["2026-11-27T22:00", "2026-11-27T23:00"]
    assert keys(service, date(2026, 11, 28)) == []
