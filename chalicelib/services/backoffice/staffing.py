"""Absences, staff assigned to services, and the slot capacity that follows the staff present.

- ``capacity_for(service, day)``: the effective capacity of a service's slots on a day:
  ``service.capacity`` unless some of the staff assigned to the service are absent that day, then
  ``min(service.capacity, present + covering colleagues)`` (one GetItem on ``StaffingDay``; only days
  that differ have an item). ``publish`` writes it on that day's slot items (``Slot.staffed``) each
  time it changes, so booking (a condition inside the slot item) and availability (the same one
  Query) follow the staff present without reading anything more.
- ``add_absence`` / ``remove_absence`` / ``import_absences``: whole days of leave or sickness; each
  recomputes ``StaffingDay`` for the employee's services on those days and flags appointments
  beyond the new capacity (``CapacityFlag``, the latest booked first). Flagging notifies nobody.
- ``flags`` lists them with suggestions (other slots with room, colleagues present); staff then
  ``move`` one (the appointments' own reschedule: the citizen is told by the appointments stream),
  get a colleague to ``cover`` (capacity up for that day) or ``dismiss`` the flag.

Limitation: an absence spans at most ``MAX_ABSENCE_DAYS`` days; a service with nobody assigned keeps
its configured capacity (staffing is opt-in per service).
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from chalicelib.access import ensure_department
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.base import utcnow
from chalicelib.models.org import Employee
from chalicelib.models.staffing import Absence, CapacityFlag, ServiceAssignment, StaffingDay
from chalicelib.services.backoffice.stats import TZ
from chalicelib.services.platform import audit

MAX_ABSENCE_DAYS = 366
KINDS = ("leave", "sickness", "other")
ACTIVE = ("booked", "rescheduled")

ABSENCE = {
    "type": "object",
    "required": ["employee_number", "kind", "start_day", "end_day"],
    "additionalProperties": False,
    "properties": {
        "employee_number": {"type": "string", "minLength": 1, "maxLength": 80},
        "kind": {"enum": list(KINDS)},
        "start_day": {"type": "string", "format": "date"},
        "end_day": {"type": "string", "format": "date"},
        "note": {"type": "string", "maxLength": 300},
    },
}
ABSENCE_IMPORT = {
    "type": "object",
    "required": ["content"],
    "additionalProperties": False,
    "properties": {"content": {"type": "string", "minLength": 1, "maxLength": 200_000}},
}
ASSIGNMENT = {
    "type": "object",
    "required": ["employee_numbers"],
    "additionalProperties": False,
    "properties": {
        "employee_numbers": {
            "type": "array",
            "maxItems": 100,
            "uniqueItems": True,
            "items": {"type": "string", "minLength": 1, "maxLength": 80},
        }
    },
}
MOVE = {
    "type": "object",
    "required": ["start"],
    "additionalProperties": False,
    "properties": {"start": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"}},
}
COVER = {
    "type": "object",
    "required": ["employee_number"],
    "additionalProperties": False,
    "properties": {"employee_number": {"type": "string", "minLength": 1, "maxLength": 80}},
}


def _today() -> str:
    return datetime.now(TZ).date().isoformat()


def _days(start_day: str, end_day: str) -> list[str]:
    start, end = date.fromisoformat(start_day), date.fromisoformat(end_day)
    return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


# -- effective capacity (the hook) ----------------------------------------------------------------------
def _effective(service: Any, row: StaffingDay | None) -> int:
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
    return _effective(service, _staffing_day(service, day))


def publish(service: Any, day: str) -> int:
    """Write ``day``'s capacity for the staff present on the service's slots, where booking and
    availability read it; returns it."""
    return _publish(service, day, _staffing_day(service, day))


def _publish(service: Any, day: str, row: StaffingDay | None) -> int:
    from chalicelib.services import appointments

    capacity = _effective(service, row)
    appointments.set_staffed_capacity(service, day, capacity)
    return capacity


def _service(staff: Any, service_id: str) -> Any:
    from chalicelib.services import appointments

    service = appointments.get_service(service_id, fresh=True, include_inactive=True)
    ensure_department(staff, service.department_id)
    return service


def assigned(staff: Any, service_id: str) -> list[dict[str, Any]]:
    _service(staff, service_id)
    return [{"employee_number": a.employee_number} for a in ServiceAssignment.query(service_id)]


def set_assignments(staff: Any, service_id: str, numbers: list[str]) -> list[dict[str, Any]]:
    """Make exactly ``numbers`` the staff of the service; recompute days with absences."""
    service = _service(staff, service_id)
    employees = {n: _employee(n) for n in numbers}
    wrong = [n for n, e in employees.items() if e.department_id != service.department_id or not e.active]
    if wrong:
        raise Conflict(
            "Only active employees of the service's department can serve it.",
            code="employee_not_in_department",
            details={"employee_numbers": wrong},
        )
    current = {a.employee_number for a in ServiceAssignment.query(service_id)}
    for n in current - set(numbers):
        ServiceAssignment(service_id, n).delete()
    for n in set(numbers) - current:
        ServiceAssignment(service_id, n, department_id=service.department_id).save()
    audit.note(
        staff,
        "service_staff", service_id, action="service.staff", before=sorted(current), after=sorted(numbers)
    )
    days: set[str] = set()
    for n in current | set(numbers):
        days |= _absent_days(n, _today())
    recompute_days(service, sorted(days))
    return assigned(staff, service_id)


# -- absences ------------------------------------------------------------------------------------------
def _employee(number: str) -> Employee:
    try:
        return Employee.get(number)
    except Employee.DoesNotExist:
        raise NotFound(f"No employee {number}.", code="employee_not_found") from None


def _earliest_start(day: str) -> str:
    """The earliest start of an absence that can reach ``day`` (one lasts at most
    ``MAX_ABSENCE_DAYS``): the bound that keeps absence Queries from reading years of history."""
    return (date.fromisoformat(day) - timedelta(days=MAX_ABSENCE_DAYS)).isoformat()


def _absences_between(number: str, first_day: str, last_day: str) -> list[Absence]:
    """The employee's absences touching ``first_day`` .. ``last_day``: one Query, bounded however
    long the employee's history."""
    rows = Absence.by_employee.query(number, Absence.start_day.between(_earliest_start(first_day), last_day))
    return [a for a in rows if a.end_day >= first_day]


def _absent_on(number: str, day: str) -> bool:
    return bool(_absences_between(number, day, day))


def _absent_days(number: str, from_day: str) -> set[str]:
    """The days from ``from_day`` on when the employee is absent (one Query, past absences that
    cannot reach ``from_day`` left unread)."""
    days: set[str] = set()
    for a in Absence.by_employee.query(number, Absence.start_day >= _earliest_start(from_day)):
        if a.end_day >= from_day:
            days.update(_days(max(a.start_day, from_day), a.end_day))
    return days


def _absent_in_department(department_id: str, day: str) -> set[str]:
    """Who of the department is absent on ``day``: one Query, bounded like ``_absences_between``."""
    rows = Absence.by_department.query(department_id, Absence.start_day.between(_earliest_start(day), day))
    return {a.employee_number for a in rows if a.end_day >= day}


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
    absences = {n: _absences_between(n, first, last) for n in staff_numbers}
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
            updated_at=utcnow(),
        )
        row.save()
        _publish(service, day, row)
        out[day] = row
    return out


def _day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Conflict(
            "Days are real dates YYYY-MM-DD.", code="invalid_date", details={"field": field}
        ) from None


def _validate_absence(body: dict[str, Any]) -> tuple[str, str]:
    start, end = _day(body["start_day"], "start_day"), _day(body["end_day"], "end_day")
    if end < start:
        raise Conflict(
            "The absence ends before it starts.", code="invalid_period", details={"field": "end_day"}
        )
    if (end - start).days >= MAX_ABSENCE_DAYS:
        raise Conflict(f"At most {MAX_ABSENCE_DAYS} days.", code="invalid_period")
    return start.isoformat(), end.isoformat()


def add_absence(staff: Any, body: dict[str, Any], *, source: str = "entered") -> dict[str, Any]:
    """Record an absence; capacity of the employee's services drops on those days and the
    appointments beyond it are flagged."""
    start, end = _validate_absence(body)
    employee = _employee(body["employee_number"])
    ensure_department(staff, employee.department_id)
    absence = Absence(
        uuid.uuid4().hex[:16],
        employee_number=employee.employee_number,
        department_id=employee.department_id,
        kind=body["kind"],
        start_day=start,
        end_day=end,
        note=(body.get("note") or "").strip() or None,
        source=source,
        created_by=staff.username,
    )
    absence.save(condition=Absence.absence_id.does_not_exist())
    audit.note(
        staff,
        "absence",
        absence.absence_id,
        action="absence.add",
        after={
            "employee_number": employee.employee_number,
            "kind": absence.kind,
            "start_day": start,
            "end_day": end,
        },
    )
    flagged = _follow(employee.employee_number, _days(start, end))
    return {"absence": public_absence(absence), "flagged": flagged}


def remove_absence(staff: Any, absence_id: str) -> dict[str, Any]:
    try:
        absence = Absence.get(absence_id)
    except Absence.DoesNotExist:
        raise NotFound("No such absence.", code="absence_not_found") from None
    ensure_department(staff, absence.department_id)
    absence.delete()
    audit.note(staff, "absence", absence_id, action="absence.remove", before=public_absence(absence))
    _follow(absence.employee_number, _days(absence.start_day, absence.end_day))
    return {"removed": absence_id}


def _follow(number: str, days: list[str]) -> list[dict[str, Any]]:
    """Recompute the employee's services on ``days`` (from today on) and flag or clear."""
    from chalicelib.services import appointments

    today = _today()
    flagged: list[dict[str, Any]] = []
    coming = [day for day in days if day >= today]
    for assignment in ServiceAssignment.by_employee.query(number):
        service = appointments.get_service(assignment.service_id, fresh=True, include_inactive=True)
        rows = recompute_days(service, coming)
        for day in coming:
            capacity = _effective(service, rows[day])
            flagged += [public_flag(f) for f in flag_excess(service, day, capacity)]
    return flagged


def flag_excess(service: Any, day: str, capacity: int) -> list[CapacityFlag]:
    """Flag the appointments beyond ``capacity`` in each slot on ``day`` (latest booked first);
    clear open flags of slots that fit again. Returns the new flags."""
    from chalicelib.models.appointment_slots import Slot
    from chalicelib.models.appointments import Appointment

    new: list[CapacityFlag] = []
    day_range = (f"{day}T00:00", f"{day}T23:59")
    open_flags: dict[str, list[CapacityFlag]] = {}
    for flag in _open_flags(
        service.department_id, service.service_id, CapacityFlag.start.between(*day_range)
    ):
        open_flags.setdefault(flag.start, []).append(flag)
    for slot in Slot.query(service.service_id, Slot.start.between(*day_range)):
        if int(slot.booked or 0) <= capacity:
            for flag in open_flags.get(slot.start, []):
                _resolve(flag, "cleared", None, "capacity restored")
            continue
        active = [
            a
            for a in Appointment.by_department.query(
                service.department_id,
                Appointment.start == slot.start,
                filter_condition=Appointment.service_id == service.service_id,
            )
            if a.status in ACTIVE
        ]
        active.sort(key=lambda a: a.created_at)
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
                created_at=utcnow(),
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


def _clear(department_id: str, service_id: str, start: str) -> None:
    for flag in _open_flags(department_id, service_id, CapacityFlag.start == start):
        _resolve(flag, "cleared", None, "capacity restored")


def _resolve(flag: CapacityFlag, status: str, who: str | None, resolution: str) -> CapacityFlag:
    flag.update(
        actions=[
            CapacityFlag.status.set(status),
            CapacityFlag.department_status.set(f"{flag.department_id}#{status}"),
            CapacityFlag.resolution.set(resolution),
            CapacityFlag.resolved_by.set(who or "system"),
            CapacityFlag.updated_at.set(utcnow()),
        ]
    )
    return flag


def import_absences(staff: Any, content: str) -> dict[str, Any]:
    """CSV ``employee_number,kind,start_day,end_day,note``: every row checked first, then added."""
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    rows, errors = [], []
    for number, raw in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        body = {k: row.get(k, "") for k in ("employee_number", "kind", "start_day", "end_day", "note")}
        try:
            if body["kind"] not in KINDS:
                raise Conflict(f"kind must be one of {', '.join(KINDS)}")
            _validate_absence(body)
            employee = _employee(body["employee_number"])
            ensure_department(staff, employee.department_id)
        except Exception as exc:  # noqa: BLE001 - every row's problem is reported
            errors.append({"row": number, "message": getattr(exc, "message", str(exc))})
            continue
        rows.append(body)
    if errors or not rows:
        raise Conflict(
            f"The absences file has {len(errors)} error(s); nothing was imported." if errors else "No rows.",
            code="invalid_absences_file",
            details={"errors": errors},
        )
    results = [add_absence(staff, body, source="imported") for body in rows]
    return {"imported": len(results), "flagged": [f for r in results for f in r["flagged"]]}


def absences(staff: Any, department_id: str | None, from_day: str | None) -> list[dict[str, Any]]:
    department_id = department_id or staff.department_id
    ensure_department(staff, department_id)
    start = (_day(from_day, "from") if from_day else datetime.now(TZ).date() - timedelta(days=30)).isoformat()
    rows = Absence.by_department.query(department_id, Absence.start_day >= _earliest_start(start))
    return [public_absence(a) for a in rows if a.end_day >= start]


def public_absence(a: Absence) -> dict[str, Any]:
    return {
        "absence_id": a.absence_id,
        "employee_number": a.employee_number,
        "department_id": a.department_id,
        "kind": a.kind,
        "start_day": a.start_day,
        "end_day": a.end_day,
        "note": a.note,
        "source": a.source,
    }


# -- flags ---------------------------------------------------------------------------------------------
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


def flags(
    staff: Any, department_id: str | None = None, with_suggestions: bool = True
) -> list[dict[str, Any]]:
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
    from chalicelib.models.org import Employee as Emp
    from chalicelib.services import appointments

    end = (date.fromisoformat(flag.day) + timedelta(days=7)).isoformat()
    try:
        result = appointments.availability(flag.service_id, flag.day, end)
    except Exception:  # noqa: BLE001 - a service gone or closed: no slot to offer
        result = {"days": []}
    slots = [s["start"] for d in result["days"] for s in d["slots"] if s["remaining"] > 0][:limit]
    serving = {a.employee_number for a in ServiceAssignment.query(flag.service_id)}
    away = _absent_in_department(flag.department_id, flag.day)
    colleagues = [
        {"employee_number": e.employee_number, "full_name": e.full_name}
        for e in Emp.by_department.query(flag.department_id)
        if e.active and e.employee_number not in serving and e.employee_number not in away
    ][:limit]
    return {"slots": slots, "colleagues": colleagues}


def _open_flag(staff: Any, appointment_id: str) -> CapacityFlag:
    try:
        flag = CapacityFlag.get(appointment_id)
    except CapacityFlag.DoesNotExist:
        raise NotFound("No flag for this appointment.", code="flag_not_found") from None
    ensure_department(staff, flag.department_id)
    if flag.status != "open":
        raise Conflict(f"This flag is already {flag.status}.", code="flag_not_open")
    return flag


def move(staff: Any, appointment_id: str, start: str, now: datetime | None = None) -> dict[str, Any]:
    """Staff confirm moving the appointment to ``start``: the appointments' own reschedule (one
    transaction); the citizen hears of it from the appointments stream, not before."""
    from chalicelib.models.appointments import Appointment
    from chalicelib.services import appointments

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


def cover(staff: Any, appointment_id: str, employee_number: str) -> dict[str, Any]:
    """A colleague covers the service that day: capacity up, the flags that now fit are closed."""
    from chalicelib.services import appointments

    flag = _open_flag(staff, appointment_id)
    colleague = _employee(employee_number)
    if colleague.department_id != flag.department_id or not colleague.active:
        raise Conflict(
            "The colleague must be active in the same department.", code="employee_not_in_department"
        )
    if _absent_on(employee_number, flag.day):
        raise Conflict("The colleague is absent that day.", code="colleague_absent")
    service = appointments.get_service(flag.service_id, fresh=True, include_inactive=True)
    row = recompute(service, flag.day)
    if row is None:
        everyone = sum(1 for _ in ServiceAssignment.query(flag.service_id))
        row = StaffingDay(flag.service_id, flag.day, assigned=everyone, present=everyone)
    if employee_number not in (row.covers or []):
        row.covers = [*(row.covers or []), employee_number]
        row.updated_at = utcnow()
        row.save()
    capacity = publish(service, flag.day)
    fits = int(flag.booked) <= capacity
    _resolve(flag, "covered", staff.username, f"covered by {employee_number}")
    if fits:
        _clear(flag.department_id, flag.service_id, flag.start)
    audit.note(
        staff,
        "staffing_day",
        f"{flag.service_id}#{flag.day}",
        action="capacity.cover",
        after={"employee_number": employee_number, "capacity": capacity},
    )
    return public_flag(flag)


def dismiss(staff: Any, appointment_id: str) -> dict[str, Any]:
    flag = _open_flag(staff, appointment_id)
    _resolve(flag, "dismissed", staff.username, "dismissed")
    audit.note(staff, "capacity_flag", appointment_id, action="capacity.dismiss")
    return public_flag(flag)
