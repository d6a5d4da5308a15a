"""Appointments beyond a slot's capacity after an absence: flagged, listed with suggestions, then
moved, covered or dismissed by staff.

- ``follow_absence(number, days)``: the employee's services are recomputed on those days (from
  today on, ``staffed_capacity.recompute_days``) and ``flag_excess`` flags the appointments beyond
  the new capacity in each slot (``CapacityFlag``, the latest booked first) or clears the open flags
  of slots that fit again. Flagging notifies nobody.
- ``list_capacity_flags`` lists a department's open flags with ``suggestions`` (other slots with
  room that day and the next week, colleagues present), worked out once per service and day.
- Staff then ``move_flagged_appointment`` (the appointments' own reschedule: the citizen is told by
  the appointments stream, not before), get a colleague to cover the day (``cover_flagged_day``:
  capacity up, the flags that now fit close) or ``dismiss_capacity_flag``.

Example::

    follow_absence("E005", ["2026-11-24"])      # [{"appointment_id": ..., "status": "open"}, ...]

Limitation: a flag is one per appointment; an appointment flagged, cleared and flagged again keeps
one item (the latest).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from chalicelib import clock
from chalicelib.access import ensure_department
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.appointment_slots import Slot
from chalicelib.models.appointments import ACTIVE, Appointment
from chalicelib.models.staffing import CapacityFlag, ServiceAssignment
from chalicelib.services import appointments
from chalicelib.services.backoffice import staffed_capacity
from chalicelib.services.backoffice.org_chart import active_colleagues, get_employee
from chalicelib.services.platform import audit


def follow_absence(number: str, days: list[str]) -> list[dict[str, Any]]:
    """Recompute the employee's services on ``days`` (from today on) and flag or clear; returns the
    new flags."""
    today = staffed_capacity.today()
    flagged: list[dict[str, Any]] = []
    coming = [day for day in days if day >= today]
    for assignment in ServiceAssignment.by_employee.query(number):
        service = appointments.get_service(assignment.service_id, fresh=True, include_inactive=True)
        rows = staffed_capacity.recompute_days(service, coming)
        for day in coming:
            capacity = staffed_capacity.effective(service, rows[day])
            flagged += [public_flag(f) for f in flag_excess(service, day, capacity)]
    return flagged


def _active_in_slot(service: Any, start: str) -> list[Appointment]:
    """The slot's active appointments, the earliest booked first (one Query)."""
    rows = Appointment.by_department.query(
        service.department_id,
        Appointment.start == start,
        filter_condition=Appointment.service_id == service.service_id,
    )
    return sorted((a for a in rows if a.status in ACTIVE), key=lambda a: a.created_at)


def flag_excess(service: Any, day: str, capacity: int) -> list[CapacityFlag]:
    """Flag the appointments beyond ``capacity`` in each slot on ``day`` (latest booked first);
    clear open flags of slots that fit again. Returns the new flags."""
    new: list[CapacityFlag] = []
    day_range = (f"{day}T00:00", f"{day}T23:59")
    open_flags: dict[str, list[CapacityFlag]] = {}
    for flag in _open_flags(service.department_id, service.service_id, CapacityFlag.start.between(*day_range)):
        open_flags.setdefault(flag.start, []).append(flag)
    for slot in Slot.query(service.service_id, Slot.start.between(*day_range)):
        if int(slot.booked or 0) <= capacity:
            for flag in open_flags.get(slot.start, []):
                _resolve(flag, "cleared", None, "capacity restored")
            continue
        active = _active_in_slot(service, slot.start)
        for appointment in active[capacity:]:
            flag = CapacityFlag(
                appointment.appointment_id,
                service_id=service.service_id,
                department_id=service.department_id,
                start=slot.start,
                day=day,
                capacity=capacity,
                booked=len(active),
                status="open",
                department_status=f"{service.department_id}#open",
                created_at=clock.utcnow(),
            )
            try:
                existing = CapacityFlag.get(appointment.appointment_id)
            except CapacityFlag.DoesNotExist:
                existing = None
            if existing is None or existing.status == "cleared":
                flag.save()
                new.append(flag)
    return new


def _open_flags(department_id: str, service_id: str, start_condition: Any) -> list[CapacityFlag]:
    """The service's open flags whose slot start meets ``start_condition`` (one Query)."""
    return list(
        CapacityFlag.by_department_status.query(
            f"{department_id}#open", start_condition, filter_condition=CapacityFlag.service_id == service_id
        )
    )


def _resolve(flag: CapacityFlag, status: str, who: str | None, resolution: str) -> CapacityFlag:
    flag.update(
        actions=[
            CapacityFlag.status.set(status),
            CapacityFlag.department_status.set(f"{flag.department_id}#{status}"),
            CapacityFlag.resolution.set(resolution),
            CapacityFlag.resolved_by.set(who or "system"),
            CapacityFlag.updated_at.set(clock.utcnow()),
        ]
    )
    return flag


def public_flag(f: CapacityFlag) -> dict[str, Any]:
    return {
        "appointment_id": f.appointment_id,
        "service_id": f.service_id,
        "department_id": f.department_id,
        "start": f.start,
        "day": f.day,
        "capacity": int(f.capacity),
        "booked": int(f.booked),
        "status": f.status,
        "resolution": f.resolution,
    }


# -- listing with suggestions ------------------------------------------------------------------------
def list_capacity_flags(
    staff: Any, department_id: str | None = None, with_suggestions: bool = True
) -> list[dict[str, Any]]:
    """The department's open flags (default: the caller's), each with the suggestions of its
    service and day."""
    department_id = department_id or staff.department_id
    ensure_department(staff, department_id)
    out = []
    offered: dict[tuple[str, str], dict[str, Any]] = {}  # the same for every flag of a service and day
    for flag in CapacityFlag.by_department_status.query(f"{department_id}#open"):
        item = public_flag(flag)
        if with_suggestions:
            key = (flag.service_id, flag.day)
            if key not in offered:
                offered[key] = suggestions(flag)
            item["suggestions"] = offered[key]
        out.append(item)
    return out


def suggestions(flag: CapacityFlag, limit: int = 8) -> dict[str, Any]:
    """Other slots with room (that day and the next week) and colleagues present that day."""
    end = (date.fromisoformat(flag.day) + timedelta(days=7)).isoformat()
    try:
        result = appointments.availability(flag.service_id, flag.day, end)
    except Exception:  # noqa: BLE001 - a service gone or closed: no slot to offer
        result = {"days": []}
    slots = [s["start"] for d in result["days"] for s in d["slots"] if s["remaining"] > 0][:limit]
    serving = {a.employee_number for a in ServiceAssignment.query(flag.service_id)}
    away = staffed_capacity.absent_in_department(flag.department_id, flag.day)
    colleagues = [
        {"employee_number": e.employee_number, "full_name": e.full_name}
        for e in active_colleagues(flag.department_id)
        if e.employee_number not in serving and e.employee_number not in away
    ][:limit]
    return {"slots": slots, "colleagues": colleagues}


# -- what staff do with a flag -------------------------------------------------------------------------
def _open_flag(staff: Any, appointment_id: str) -> CapacityFlag:
    try:
        flag = CapacityFlag.get(appointment_id)
    except CapacityFlag.DoesNotExist:
        raise NotFound("No flag for this appointment.", code="flag_not_found") from None
    ensure_department(staff, flag.department_id)
    if flag.status != "open":
        raise Conflict(f"This flag is already {flag.status}.", code="flag_not_open")
    return flag


def move_flagged_appointment(
    staff: Any, appointment_id: str, start: str, now: datetime | None = None
) -> dict[str, Any]:
    """Staff confirm moving the appointment to ``start``: the appointments' own reschedule (one
    transaction); the citizen hears of it from the appointments stream, not before."""
    flag = _open_flag(staff, appointment_id)
    appointment = Appointment.get(appointment_id)
    on_behalf = SimpleNamespace(taxid=appointment.taxid, name=appointment.citizen_name)
    moved = appointments.reschedule(on_behalf, appointment_id, start, now=now)
    _resolve(flag, "moved", staff.username, f"moved to {moved.start}")
    audit.note(
        staff,
        "appointment",
        appointment_id,
        action="capacity.move",
        before={"start": flag.start},
        after={"start": moved.start},
    )
    return public_flag(flag)


def cover_flagged_day(staff: Any, appointment_id: str, employee_number: str) -> dict[str, Any]:
    """A colleague covers the service that day: capacity up, the flags that now fit are closed."""
    flag = _open_flag(staff, appointment_id)
    colleague = get_employee(employee_number)
    if colleague.department_id != flag.department_id or not colleague.active:
        raise Conflict(
            "The colleague must be active in the same department.", code="employee_not_in_department"
        )
    if staffed_capacity.absent_on(employee_number, flag.day):
        raise Conflict("The colleague is absent that day.", code="colleague_absent")
    service = appointments.get_service(flag.service_id, fresh=True, include_inactive=True)
    capacity = staffed_capacity.add_cover(service, flag.day, employee_number)
    _resolve(flag, "covered", staff.username, f"covered by {employee_number}")
    if int(flag.booked) <= capacity:
        for other in _open_flags(flag.department_id, flag.service_id, CapacityFlag.start == flag.start):
            _resolve(other, "cleared", None, "capacity restored")
    audit.note(
        staff,
        "staffing_day",
        f"{flag.service_id}#{flag.day}",
        action="capacity.cover",
        after={"employee_number": employee_number, "capacity": capacity},
    )
    return public_flag(flag)


def dismiss_capacity_flag(staff: Any, appointment_id: str) -> dict[str, Any]:
    flag = _open_flag(staff, appointment_id)
    _resolve(flag, "dismissed", staff.username, "dismissed")
    audit.note(staff, "capacity_flag", appointment_id, action="capacity.dismiss")
    return public_flag(flag)
