"""Who of a service's staff is present on a day, and the slot capacity that follows them.

- ``capacity_for(service, day)``: the effective capacity of a service's slots on a day:
  ``service.capacity`` unless some of the staff assigned to the service are absent that day, then
  ``min(service.capacity, present + covering colleagues)`` (one GetItem on ``StaffingDay``; only days
  that differ have an item). ``publish`` writes it on that day's slot items (``Slot.staffed``,
  through the appointments' ``set_staffed_capacity``) each time it changes, so booking (a condition
  inside the slot item) and availability (the same one Query) follow the staff present without
  reading anything more.
- ``recompute_days(service, days)``: counts the staff present on each day with the reads of one
  day, keeps a ``StaffingDay`` only where it differs, and publishes.
- ``absences_between`` / ``absent_on`` / ``absent_days`` / ``absent_in_department``: who is away,
  each one Query on an ``Absence`` index bounded by ``MAX_ABSENCE_DAYS`` (never years of history).

Example::

    recompute_days(service, ["2026-11-24", "2026-11-25"])
    capacity_for(service, "2026-11-24")        # 1 when one of two is on leave

Limitation: an absence spans at most ``MAX_ABSENCE_DAYS`` days; a service with nobody assigned keeps
its configured capacity (staffing is opt-in per service).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.models.staffing import Absence, ServiceAssignment, StaffingDay
from chalicelib.services import appointments

MAX_ABSENCE_DAYS = 366


def today() -> str:
    """Today in Athens, ``YYYY-MM-DD``."""
    return clock.today().isoformat()


def days_between(start_day: str, end_day: str) -> list[str]:
    """Every day from ``start_day`` to ``end_day`` inclusive, ``YYYY-MM-DD``."""
    start, end = date.fromisoformat(start_day), date.fromisoformat(end_day)
    return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


# -- who is away -------------------------------------------------------------------------------------
def _earliest_start(day: str) -> str:
    """The earliest start of an absence that can reach ``day`` (one lasts at most
    ``MAX_ABSENCE_DAYS``): the bound that keeps absence Queries from reading years of history."""
    return (date.fromisoformat(day) - timedelta(days=MAX_ABSENCE_DAYS)).isoformat()


def absences_between(number: str, first_day: str, last_day: str) -> list[Absence]:
    """The employee's absences touching ``first_day`` .. ``last_day``: one Query, bounded however
    long the employee's history."""
    rows = Absence.by_employee.query(number, Absence.start_day.between(_earliest_start(first_day), last_day))
    return [a for a in rows if a.end_day >= first_day]


def absent_on(number: str, day: str) -> bool:
    return bool(absences_between(number, day, day))


def absent_days(number: str, from_day: str) -> set[str]:
    """The days from ``from_day`` on when the employee is absent (one Query, past absences that
    cannot reach ``from_day`` left unread)."""
    days: set[str] = set()
    for a in Absence.by_employee.query(number, Absence.start_day >= _earliest_start(from_day)):
        if a.end_day >= from_day:
            days.update(days_between(max(a.start_day, from_day), a.end_day))
    return days


def absent_in_department(department_id: str, day: str) -> set[str]:
    """Who of the department is absent on ``day``: one Query, bounded like ``absences_between``."""
    rows = Absence.by_department.query(department_id, Absence.start_day.between(_earliest_start(day), day))
    return {a.employee_number for a in rows if a.end_day >= day}


def department_absences_from(department_id: str, from_day: str) -> list[Absence]:
    """The department's absences that end on or after ``from_day`` (one bounded Query)."""
    rows = Absence.by_department.query(department_id, Absence.start_day >= _earliest_start(from_day))
    return [a for a in rows if a.end_day >= from_day]


# -- effective capacity (the hook) ----------------------------------------------------------------------
def effective(service: Any, row: StaffingDay | None) -> int:
    """The capacity of the service's slots given the day's ``StaffingDay`` (``None``: everyone)."""
    configured = int(service.capacity)
    if row is None:
        return configured
    return max(0, min(configured, int(row.present) + len(row.covers or [])))


def _staffing_day(service: Any, day: str) -> StaffingDay | None:
    try:
        return StaffingDay.get(service.service_id, day)
    except StaffingDay.DoesNotExist:
        return None


def capacity_for(service: Any, day: str) -> int:
    """The capacity of each slot of ``service`` on ``day`` (YYYY-MM-DD) given the staff present."""
    return effective(service, _staffing_day(service, day))


def publish(service: Any, day: str) -> int:
    """Write ``day``'s capacity for the staff present on the service's slots, where booking and
    availability read it; returns it."""
    return _publish(service, day, _staffing_day(service, day))


def _publish(service: Any, day: str, row: StaffingDay | None) -> int:
    capacity = effective(service, row)
    appointments.set_staffed_capacity(service, day, capacity)
    return capacity


def recompute(service: Any, day: str) -> StaffingDay | None:
    """Count the staff of ``service`` present on ``day``; keep a ``StaffingDay`` only if it differs."""
    return recompute_days(service, [day])[day]


def recompute_days(service: Any, days: list[str]) -> dict[str, StaffingDay | None]:
    """``recompute`` for several days with the reads of one: the service's staff (1 Query), each
    one's absences over the whole range (1 Query each) and the range's ``StaffingDay`` items
    (1 Query); then per day only the writes that change something, and the publishing."""
    if not days:
        return {}
    first, last = min(days), max(days)
    staff_numbers = [a.employee_number for a in ServiceAssignment.query(service.service_id)]
    absences = {n: absences_between(n, first, last) for n in staff_numbers}
    rows = {r.day: r for r in StaffingDay.query(service.service_id, StaffingDay.day.between(first, last))}
    out: dict[str, StaffingDay | None] = {}
    for day in sorted(set(days)):
        absent = sorted(n for n in staff_numbers if any(a.start_day <= day <= a.end_day for a in absences[n]))
        row = rows.get(day)
        covers = list(row.covers or []) if row else []
        if not absent and not covers:
            if row:
                row.delete()
                _publish(service, day, None)
            out[day] = None
            continue
        row = StaffingDay(
            service.service_id,
            day,
            assigned=len(staff_numbers),
            present=len(staff_numbers) - len(absent),
            absent=absent,
            covers=covers,
            updated_at=clock.utcnow(),
        )
        row.save()
        _publish(service, day, row)
        out[day] = row
    return out


def add_cover(service: Any, day: str, employee_number: str) -> int:
    """A colleague covers ``service`` on ``day``: recorded on the day's ``StaffingDay`` (made when
    everyone was present), published; returns the new capacity."""
    row = recompute(service, day)
    if row is None:
        everyone = sum(1 for _ in ServiceAssignment.query(service.service_id))
        row = StaffingDay(service.service_id, day, assigned=everyone, present=everyone)
    if employee_number not in (row.covers or []):
        row.covers = [*(row.covers or []), employee_number]
        row.updated_at = clock.utcnow()
        row.save()
    return publish(service, day)
