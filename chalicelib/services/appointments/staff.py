"""The staff side of appointments: a department's calendar and day list, and what a clerk does at
the counter (complete with a comment, mark a no-show, cancel with a reason the citizen is told).

Staff act only within their own department unless admin (``chalicelib.access.ensure_department``,
403 ``other_department``), checked on every appointment loaded from a client-supplied id. Every
action is one transaction conditioned on the appointment's version (``changes.py``) and is noted
in the audit log with the staff member who acted.

Example::

    staff_calendar(staff, from_day="2026-11-23", to_day="2026-11-29")
    complete(staff, appointment_id, "Εκδόθηκε το πιστοποιητικό")

Limitation: a range is at most ``slots.MAX_RANGE_DAYS`` days (a longer one is cut, and the answer's
``from``/``to`` say so); the list is one Query filtered by service and status, not paged.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chalicelib import ddb
from chalicelib.access import ensure_department
from chalicelib.clock import local, utcnow
from chalicelib.errors import NotFound
from chalicelib.models.appointments import Appointment
from chalicelib.services.appointments import ledger
from chalicelib.services.appointments.booking import appointment_public
from chalicelib.services.appointments.changes import apply, cancel, ensure_active, still_as_read
from chalicelib.services.appointments.slots import MAX_RANGE_DAYS, parse_day, plus_days
from chalicelib.services.platform import audit


def staff_get(staff: Any, appointment_id: str) -> Appointment:
    """The appointment, 404 when unknown, 403 outside the staff member's department."""
    try:
        appointment = Appointment.get(appointment_id, consistent_read=True)
    except Appointment.DoesNotExist:
        raise NotFound("No such appointment.", code="appointment_not_found") from None
    ensure_department(staff, appointment.department_id)
    return appointment


def staff_read(staff: Any, appointment_id: str) -> Appointment:
    """``staff_get`` for the appointment's page (the citizen's tax number): noted in the audit log."""
    appointment = staff_get(staff, appointment_id)
    audit.note_read(staff, "appointment", appointment_id, what="appointment")
    return appointment


def appointment_staff(appointment: Appointment) -> dict[str, Any]:
    """The appointment as staff see it: the citizen's view with the citizen, without the map point."""
    out = appointment_public(appointment, with_point=False)
    out.pop("point", None)
    out["taxid"] = appointment.taxid
    out["citizen_name"] = appointment.citizen_name or ""
    return out


# -- lists ----------------------------------------------------------------------------------------
def staff_range(from_day: str | None, to_day: str | None, now: datetime | None = None) -> tuple[date, date]:
    """The days a staff list covers: ``from`` (default today) to ``to`` (default ``from``), cut to
    ``MAX_RANGE_DAYS`` days; the list answers with these, so a cut range is visible."""
    now = now or utcnow()
    start = parse_day(from_day, "from") if from_day else local(now).date()
    end = parse_day(to_day, "to") if to_day else start
    return start, min(end, plus_days(start, MAX_RANGE_DAYS - 1))


def staff_list(
    staff: Any,
    *,
    department_id: str | None = None,
    service_id: str | None = None,
    status: str | None = None,
    from_day: str | None = None,
    to_day: str | None = None,
    now: datetime | None = None,
) -> list[Appointment]:
    """A department's appointments between two days (one Query on ``by_department``), filtered by
    service and status; the days are those of ``staff_range``."""
    department_id = department_id or staff.department_id
    ensure_department(staff, department_id)
    start, end = staff_range(from_day, to_day, now)
    if end < start:
        return []
    condition = None
    if service_id:
        condition = Appointment.service_id == service_id
    if status:
        wanted = Appointment.status == status
        condition = wanted if condition is None else condition & wanted
    return list(
        Appointment.by_department.query(
            department_id,
            Appointment.start.between(f"{start.isoformat()}T00:00", f"{end.isoformat()}T23:59"),
            filter_condition=condition,
        )
    )


def staff_calendar(
    staff: Any,
    *,
    department_id: str | None = None,
    from_day: str | None = None,
    to_day: str | None = None,
    now: datetime | None = None,
    **filters: Any,
) -> dict[str, Any]:
    """``staff_list`` as the calendar shows it, with the department and the days it covers."""
    rows = staff_list(
        staff, department_id=department_id, from_day=from_day, to_day=to_day, now=now, **filters
    )
    start, end = staff_range(from_day, to_day, now)
    audit.note_read(
        staff,
        "department",
        department_id or staff.department_id or "all",
        what="appointments.list",
        rows=len(rows),
        days=f"{start.isoformat()}..{end.isoformat()}",
    )
    return {
        "appointments": [appointment_staff(a) for a in rows],
        "department_id": department_id or staff.department_id or "",
        "from": start.isoformat(),
        "to": end.isoformat(),
    }


def staff_day_list(staff: Any, *, day: str | None = None, language: str | None = None, **filters: Any) -> str:
    """The day's appointments of a department as a page to print (``documents.day_list_html``)."""
    from chalicelib.services.appointments.documents import day_list_html

    rows = staff_list(staff, from_day=day, to_day=day, **filters)
    department = filters.get("department_id") or staff.department_id or "all"
    audit.note_read(staff, "department", department, what="appointments.day_list", rows=len(rows), day=day)
    return day_list_html(rows, day or "", language or "el")


# -- actions --------------------------------------------------------------------------------------
def _finish(staff: Any, appointment_id: str, status: str, comment: str | None, now: datetime) -> Appointment:
    appointment = staff_get(staff, appointment_id)
    ensure_active(appointment)
    version = int(appointment.version)
    history = [*appointment.history, ledger.history_entry(status, now, staff.username, comment=comment)]
    before = {"status": appointment.status}

    def build(tx: ddb.Tx) -> None:
        actions = [
            Appointment.status.set(status),
            Appointment.version.set(version + 1),
            Appointment.history.set(history),
            Appointment.updated_at.set(now),
            Appointment.reminder_keys.set([]),
        ]
        if comment:
            actions.append(Appointment.staff_comment.set(comment))
        tx.update("appointment", appointment, actions=actions, condition=still_as_read(version))
        ledger.release_upcoming(tx, appointment)
        ledger.delete_reminders(tx, appointment)

    ledger.commit(build)
    audit.note(
        staff,
        "appointment",
        appointment_id,
        action=f"appointment.{status}",
        before=before,
        after={"status": status, "comment": comment},
    )
    return apply(
        appointment,
        status=status,
        version=version + 1,
        history=history,
        updated_at=now,
        staff_comment=comment or appointment.staff_comment,
        reminder_keys=[],
    )


def complete(
    staff: Any, appointment_id: str, comment: str | None = None, now: datetime | None = None
) -> Appointment:
    return _finish(staff, appointment_id, "completed", comment, now or utcnow())


def no_show(
    staff: Any, appointment_id: str, comment: str | None = None, now: datetime | None = None
) -> Appointment:
    return _finish(staff, appointment_id, "no_show", comment, now or utcnow())


def cancel_by_staff(staff: Any, appointment_id: str, reason: str, now: datetime | None = None) -> Appointment:
    now = now or utcnow()
    appointment = staff_get(staff, appointment_id)
    ensure_active(appointment)
    before = {"status": appointment.status}
    result = cancel(appointment, "cancelled_by_staff", staff.username, reason, now)
    audit.note(
        staff,
        "appointment",
        appointment_id,
        action="appointment.cancelled_by_staff",
        before=before,
        after={"status": result.status, "reason": reason},
    )
    return result
