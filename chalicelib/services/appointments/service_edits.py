"""Creating and editing bookable services: names and descriptions in both languages, documents to
bring, department, service point, duration, capacity, weekly hours, named periods (summer hours,
the feast day, closures), single-date exceptions, limits; deactivating (never deleting: old
appointments name the service).

Admins act anywhere, managers in their own department (a service moved to another department must
land in one they may act in). Each change is one write (a transaction with the service point's
``attach`` when the service comes to a point or becomes active again, so it never lands at a point
deactivated meanwhile) and one audit entry with what changed before and after. What the schema
cannot say is answered 409 naming the field (``invalid_hours``, ``invalid_period``,
``invalid_exception``); existing bookings are kept whatever the edit.

Example::

    create_service(manager, {"service_id": "kep-passports", "department_id": "kep", ...})
    update_service(manager, "kep-passports", {"periods": [SUMMER, FEAST_DAY]})

Limitation: a service moved to another department keeps its staff assignments until they are set
again (``backoffice.set_service_staff`` accepts only the new department's employees).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chalicelib import ddb
from chalicelib.clock import utcnow
from chalicelib.errors import Conflict
from chalicelib.models.service_catalog import Service
from chalicelib.services.appointments.catalogue import forget_services, staff_service
from chalicelib.services.platform import audit, hours, municipality, service_points

MAX_PERIOD_DAYS = 366
EDITABLE = (
    "name_el",
    "name_en",
    "description_el",
    "description_en",
    "documents",
    "department_id",
    "service_point_id",
    "hours",
    "periods",
    "exceptions",
    "capacity",
    "max_per_day",
    "slot_minutes",
    "duration_minutes",
    "min_notice_minutes",
    "max_days_ahead",
    "cancel_cutoff_minutes",
    "active",
)


def _invalid(code: str, message: str, field: str) -> Conflict:
    return Conflict(message, code=code, details={"field": field})


def _day(value: str, code: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _invalid(code, f"{field}: {value} is not a date.", field) from None


def check_periods(periods: list[dict[str, Any]]) -> None:
    """Each period: real dates, ``from`` <= ``to`` within ``MAX_PERIOD_DAYS``, a unique id, and
    hours unless it closes."""
    seen: set[str] = set()
    for n, period in enumerate(periods):
        field = f"periods[{n}]"
        start = _day(period["from"], "invalid_period", f"{field}.from")
        end = _day(period["to"], "invalid_period", f"{field}.to")
        if end < start:
            raise _invalid("invalid_period", f"{field}: it ends before it starts.", f"{field}.to")
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise _invalid("invalid_period", f"{field}: at most {MAX_PERIOD_DAYS} days.", f"{field}.to")
        if period["id"] in seen:
            raise _invalid("invalid_period", f"{field}: the id {period['id']} is used twice.", f"{field}.id")
        seen.add(period["id"])
        if not period.get("closed") and not any((period.get("hours") or {}).values()):
            raise _invalid("invalid_period", f"{field}: give its hours, or mark it closed.", f"{field}.hours")
        hours.check_week(period.get("hours"), f"{field}.hours")


def check_service(values: dict[str, Any]) -> None:
    """What the schema cannot check of a service's fields (409 naming the field)."""
    hours.check_week(values.get("hours"), "hours")
    check_periods(values.get("periods") or [])
    for day, intervals in (values.get("exceptions") or {}).items():
        _day(day, "invalid_exception", f"exceptions.{day}")
        hours.check_intervals(intervals or [], f"exceptions.{day}")


def _service_failed(exc: ddb.TxFailed, label_code: str, message: str) -> Conflict:
    return service_points.attach_failed(exc) or Conflict(message, code=label_code)


def create_service(staff: Any, body: dict[str, Any], now: datetime | None = None) -> Service:
    """A new service (``body``: ``schemas.appointments.SERVICE_NEW``); 409 ``service_exists``."""
    now = now or utcnow()
    municipality.department_for(staff, body["department_id"])
    service_points.usable(body["service_point_id"])
    check_service(body)
    fields = {k: body[k] for k in EDITABLE if k in body}
    service = Service(body["service_id"], **fields, created_at=now, updated_at=now)

    def build(tx: ddb.Tx) -> None:
        tx.save("service", service, condition=Service.service_id.does_not_exist())
        if service.active:
            service_points.attach(tx, service.service_point_id)

    try:
        ddb.transact(build)
    except ddb.TxFailed as exc:
        conflict = _service_failed(exc, "service_exists", "A service with this id exists.")
        conflict.details = conflict.details or {"field": "service_id"}
        raise conflict from None
    forget_services(service.service_id)
    audit.note(staff, "service", service.service_id, action="service.create", after=_snapshot(service))
    return service


def _snapshot(service: Service) -> dict[str, Any]:
    return {k: getattr(service, k) for k in EDITABLE}


def update_service(
    staff: Any, service_id: str, changes: dict[str, Any], now: datetime | None = None
) -> Service:
    """Edit what ``changes`` gives (already schema-checked: ``schemas.appointments.SERVICE_EDIT``);
    403 outside the staff member's department (the service's, and a new one's). Existing bookings
    are kept."""
    now = now or utcnow()
    service = staff_service(staff, service_id)
    before = _snapshot(service)
    changed = {k: v for k, v in changes.items() if k in EDITABLE and v != before[k]}
    if not changed:
        return service
    if "department_id" in changed:
        municipality.department_for(staff, changed["department_id"])
    after = {**before, **changed}
    arriving = after["active"] and ("service_point_id" in changed or "active" in changed)
    if arriving:
        service_points.usable(after["service_point_id"])
    check_service(changed)
    actions = [getattr(Service, k).set(v) for k, v in changed.items()]
    actions.append(Service.updated_at.set(now))

    def build(tx: ddb.Tx) -> None:
        tx.update("service", Service(service_id), actions=actions, condition=Service.service_id.exists())
        if arriving:
            service_points.attach(tx, after["service_point_id"])

    try:
        ddb.transact(build)
    except ddb.TxFailed as exc:
        raise _service_failed(
            exc, "service_changed", "The service changed meanwhile; load it again."
        ) from None
    forget_services(service_id)
    deactivated = before["active"] and changed.get("active") is False
    audit.note(
        staff,
        "service",
        service_id,
        action="service.deactivate" if deactivated else "service.update",
        before={k: before[k] for k in changed},
        after=changed,
    )
    for name, value in {**changed, "updated_at": now}.items():
        setattr(service, name, value)  # as written: no second read
    return service
