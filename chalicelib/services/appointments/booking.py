"""Appointments: availability, booking that never overbooks, cancel and reschedule, staff actions.

Booking (DESIGN invariant 1) is one ``TransactWriteItems``:

1. the slot item: ``booked`` ADD 1 on ``booked < capacity`` (the item is created by the ADD when
   the slot has never been booked);
2. the citizen's day counter for the service: ``count`` ADD 1 on ``count < max_per_day``;
3. the citizen's upcoming appointments (``models/citizen_bookings.py``): the id ADDed to a set on
   ``size(upcoming) < max_upcoming_appointments`` (a setting), so no one can hold all the slots;
4. the appointment: put on ``attribute_not_exists(appointment_id)``;
5. its reminders (one row per reminder offset, see ``models/appointment_reminders.py``).

A cancelled transaction says which condition failed: the appointment (a retried request with the
same ``Idempotency-Key``: the first appointment is read and returned), the slot (409
``slot_full``), the day counter (409 ``daily_limit_reached``) or the upcoming set (409
``upcoming_limit_reached``, after the ids of appointments that have started are pruned and the
booking tried once more). A time that is not a slot of the service, is closed or is outside the
booking window is refused before any write (409 ``slot_not_bookable``). Cancel and reschedule are one transaction each (release + take, reminders
replaced), conditioned on the appointment's ``version`` so two changes cannot both win.

Reads: the service comes from a per-container cache (``SERVICE_TTL_SECONDS``), so a booking is one
write request and no read, availability is one Query.

Example::

    appointment, created = book(session, "kep-certificates", "2026-11-24T09:30",
                                subject="", notes="", idempotency_key="k1")
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import size

from chalicelib.access import ensure_department
from chalicelib.errors import Conflict, NotFound, ValidationFailed
from chalicelib.models.appointment_reminders import Reminder
from chalicelib.models.appointment_slots import Slot
from chalicelib.models.appointments import ACTIVE, Appointment
from chalicelib.models.base import utcnow
from chalicelib.models.citizen_bookings import CitizenBookings
from chalicelib.models.citizen_days import CitizenDay, day_key
from chalicelib.models.service_catalog import CATALOG, Service
from chalicelib.services.appointments import opening_hours as schedule
from chalicelib.services.platform import audit
from chalicelib.settings import get_settings

SERVICE_TTL_SECONDS = 30
MAX_RANGE_DAYS = 62
COUNTER_KEEP_DAYS = 30
CONFLICT_RETRIES = 6
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
REFERENCE_LENGTH = 8
CANCELLED = ("cancelled_by_citizen", "cancelled_by_staff")
FINISHED = ("completed", "no_show")
STATUSES = ("booked", "rescheduled", *CANCELLED, *FINISHED)

# -- the service cache ----------------------------------------------------------------------------
_cache: dict[str, tuple[float, Service]] = {}
_cache_lock = threading.Lock()


def get_service(service_id: str, *, fresh: bool = False, include_inactive: bool = False) -> Service:
    """The service (cached for ``SERVICE_TTL_SECONDS`` in this container); 404 when unknown."""
    now = time.monotonic()
    hit = None if fresh else _cache.get(service_id)
    if hit is None or hit[0] < now:
        try:
            service = Service.get(service_id)
        except Service.DoesNotExist:
            raise NotFound("No such service.", code="service_not_found") from None
        with _cache_lock:
            _cache[service_id] = (now + SERVICE_TTL_SECONDS, service)
        hit = _cache[service_id]
    service = hit[1]
    if not service.active and not include_inactive:
        raise NotFound("This service is not bookable.", code="service_not_found")
    return service


def forget_services() -> None:
    """Empty the service cache (tests; a staff edit forgets its own service)."""
    with _cache_lock:
        _cache.clear()


# -- small helpers --------------------------------------------------------------------------------
_local = threading.local()


def _conn():
    """One PynamoDB connection per thread for transactions (its botocore client is made once)."""
    conn = getattr(_local, "connection", None)
    if conn is None:
        from pynamodb.connection import Connection

        conn = _local.connection = Connection(region=get_settings().region)
    return conn


def _reasons(exc: TransactWriteError) -> list[str | None]:
    return [r.code if r else None for r in (exc.cancellation_reasons or [])]


def appointment_id_for(taxid: str, idempotency_key: str | None) -> str:
    """The same (citizen, key) always gives the same id; no key gives a new one."""
    key = idempotency_key or uuid.uuid4().hex
    return "ap" + hashlib.sha256(f"appointment|{taxid}|{key}".encode()).hexdigest()[:30]


def reference_for(appointment_id: str) -> str:
    """A short code from the id (8 characters of an unambiguous alphabet, ~10^12 values)."""
    number = int(hashlib.sha256(f"reference|{appointment_id}".encode()).hexdigest(), 16)
    chars = []
    for _ in range(REFERENCE_LENGTH):
        number, index = divmod(number, len(REFERENCE_ALPHABET))
        chars.append(REFERENCE_ALPHABET[index])
    return "".join(chars)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _history_entry(status: str, now: datetime, by: str, **extra: Any) -> dict[str, Any]:
    entry = {"status": status, "at": _iso(now), "by": by}
    entry.update({k: v for k, v in extra.items() if v not in (None, "")})
    return entry


def _reminders(appointment_id: str, slot_start: datetime, version: int, now: datetime) -> list[Reminder]:
    out = []
    for offset in get_settings().reminder_offsets_minutes:
        due = slot_start - timedelta(minutes=offset)
        if due <= now:
            continue
        out.append(
            Reminder(
                due.astimezone(UTC).strftime("%Y-%m-%dT%H"),
                f"{_iso(due)}#{appointment_id}#{offset}",
                appointment_id=appointment_id,
                offset_minutes=offset,
                version=version,
                expires_at=slot_start + timedelta(days=2),
            )
        )
    return out


def _reminder_keys(rows: list[Reminder]) -> list[list[str]]:
    return [[r.bucket, r.due_key] for r in rows]


def _counter_expiry(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(days=COUNTER_KEEP_DAYS)


def _take_slot(tx: Any, service: Service, key: str) -> None:
    """Take a place: fewer booked than the configured capacity and than the staffed one, if the
    slot has one (absences; see ``set_staffed_capacity``), compared inside the item."""
    capacity = int(service.capacity)
    configured = Slot.booked.does_not_exist() | (Slot.booked < capacity)
    staffed = (
        Slot.staffed.does_not_exist()
        | (Slot.booked < Slot.staffed)
        | (Slot.booked.does_not_exist() & (Slot.staffed > 0))
    )
    tx.update(
        "slot",
        Slot(service.service_id, key),
        actions=[Slot.booked.add(1), Slot.capacity.set(capacity)],
        condition=configured & staffed,
    )


def set_staffed_capacity(service: Service, day: str, capacity: int) -> int:
    """Write the capacity for the staff present on every slot of ``service`` on ``day`` (removed
    when it is the configured one again). Bookings already made stay; staffing flags those beyond it.
    One Query reads the day's slot items; only those whose value changes are written (a day that
    does not change writes nothing, and no empty item is made to remove a value it never had).
    Returns the number of items written.
    Limitation: a slot added to that day later (hours changed) has the configured capacity until
    the day's staffing is next recomputed."""
    wanted = None if capacity >= int(service.capacity) else capacity
    existing = {
        item.start: (int(item.staffed) if item.staffed is not None else None)
        for item in Slot.query(service.service_id, Slot.start.between(f"{day}T00:00", f"{day}T23:59"))
    }
    keys = [slot.key for slot in schedule.day_slots(service, date.fromisoformat(day))]
    keys += sorted(set(existing) - set(keys))  # slots of hours since changed keep no stale value
    written = 0
    for key in keys:
        if existing.get(key) == wanted:
            continue
        action = Slot.staffed.remove() if wanted is None else Slot.staffed.set(wanted)
        Slot(service.service_id, key).update(actions=[action])
        written += 1
    return written


def _release_slot(tx: Any, service_id: str, key: str) -> None:
    tx.update("old_slot", Slot(service_id, key), actions=[Slot.booked.add(-1)], condition=Slot.booked > 0)


def _take_day(tx: Any, service: Service, taxid: str, day: str) -> None:
    limit = int(service.max_per_day)
    tx.update(
        "day",
        CitizenDay(day_key(taxid, service.service_id, day)),
        actions=[CitizenDay.count.add(1), CitizenDay.expires_at.set(_counter_expiry(day))],
        condition=CitizenDay.count.does_not_exist() | (CitizenDay.count < limit),
    )


def _release_day(tx: Any, appointment: Appointment, now: datetime) -> None:
    day = appointment.start[:10]
    if day < schedule.local_day(now):
        return  # a past day's counter no longer limits anything (and may have expired)
    tx.update(
        "old_day",
        CitizenDay(day_key(appointment.taxid, appointment.service_id, day)),
        actions=[CitizenDay.count.add(-1)],
        condition=CitizenDay.count > 0,
    )


def _take_upcoming(tx: Any, taxid: str, appointment_id: str) -> None:
    limit = get_settings().max_upcoming_appointments
    tx.update(
        "upcoming",
        CitizenBookings(taxid),
        actions=[CitizenBookings.upcoming.add({appointment_id})],
        condition=CitizenBookings.upcoming.does_not_exist() | (size(CitizenBookings.upcoming) < limit),
    )


def _release_upcoming(tx: Any, appointment: Appointment) -> None:
    tx.update(
        "old_upcoming",
        CitizenBookings(appointment.taxid),
        actions=[CitizenBookings.upcoming.delete({appointment.appointment_id})],
    )


def _prune_upcoming(taxid: str, now: datetime) -> bool:
    """Drop from the citizen's upcoming set the ids of appointments that have started or are no
    longer active (left ``booked`` after their time); True when any was dropped."""
    try:
        held = set(CitizenBookings.get(taxid, consistent_read=True).upcoming or ())
    except CitizenBookings.DoesNotExist:
        return False
    current = {
        a.appointment_id
        for a in Appointment.batch_get(list(held), consistent_read=True)
        if a.status in ACTIVE and a.slot_start > now
    }
    stale = held - current
    if stale:
        CitizenBookings(taxid).update(actions=[CitizenBookings.upcoming.delete(stale)])
    return bool(stale)


def _delete_reminders(tx: Any, appointment: Appointment) -> None:
    for bucket, due_key in appointment_reminder_keys(appointment):
        tx.delete("old_reminder", Reminder(bucket, due_key))


def appointment_reminder_keys(appointment: Appointment) -> list[list[str]]:
    return [list(x) for x in (getattr(appointment, "reminder_keys", None) or [])]


class _Tx:
    """A ``TransactWrite`` whose operations carry labels, so a cancelled transaction says which
    labelled condition failed. PynamoDB sends condition checks, deletes, puts, then updates; the
    cancellation reasons come back in that order."""

    def __init__(self, tx: Any):
        self.tx = tx
        self.order: dict[str, list[str]] = {"delete": [], "put": [], "update": []}

    def update(self, label: str, item: Any, **kwargs: Any) -> None:
        self.order["update"].append(label)
        self.tx.update(item, **kwargs)

    def save(self, label: str, item: Any, **kwargs: Any) -> None:
        self.order["put"].append(label)
        self.tx.save(item, **kwargs)

    def delete(self, label: str, item: Any, **kwargs: Any) -> None:
        self.order["delete"].append(label)
        self.tx.delete(item, **kwargs)

    def labels(self) -> list[str]:
        return self.order["delete"] + self.order["put"] + self.order["update"]


class TxFailed(Exception):
    """The transaction was cancelled because the conditions labelled ``failed`` did not hold."""

    def __init__(self, failed: set[str]):
        super().__init__(", ".join(sorted(failed)))
        self.failed = failed


def _transact(build: Any) -> None:
    """Run ``build(tx)`` as one TransactWriteItems. Retries on TransactionConflict (another
    transaction on the same items at that moment); raises ``TxFailed`` naming failed conditions."""
    from pynamodb.transactions import TransactWrite

    for attempt in range(CONFLICT_RETRIES):
        labelled = None
        try:
            with TransactWrite(connection=_conn()) as tx:
                labelled = _Tx(tx)
                build(labelled)
            return
        except TransactWriteError as exc:
            reasons = _reasons(exc)
            failed = {
                label
                for label, reason in zip(labelled.labels() if labelled else [], reasons, strict=False)
                if reason == "ConditionalCheckFailed"
            }
            if failed:
                raise TxFailed(failed) from None
            if "TransactionConflict" in reasons and attempt + 1 < CONFLICT_RETRIES:
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # noqa: S311 - jitter
                continue
            if "TransactionConflict" in reasons:
                raise Conflict("The slot is busy; try again.", code="slot_busy") from None
            raise


# -- availability ---------------------------------------------------------------------------------
def _parse_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{field} must be a date YYYY-MM-DD.", details={"field": field}) from None


def _plus(day: date, days: int) -> date:
    """``day`` + ``days``, stopping at the last representable date."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max


def availability(
    service_id: str, from_day: str | None, to_day: str | None, now: datetime | None = None
) -> dict:
    """Each day's bookable slots with their remaining capacity: one Query for the booked counts."""
    now = now or utcnow()
    service = get_service(service_id)
    today = now.astimezone(schedule.TZ).date()
    start = _parse_day(from_day, "from") if from_day else today
    end = _parse_day(to_day, "to") if to_day else _plus(start, 6)
    earliest, last_day = schedule.window(service, now)
    start = max(start, today)
    end = min(end, last_day, _plus(start, MAX_RANGE_DAYS - 1))
    days: list[dict[str, Any]] = []
    if start <= end:
        booked: dict[str, int] = {}
        staffed: dict[str, int] = {}
        for s in Slot.query(
            service_id, Slot.start.between(f"{start.isoformat()}T00:00", f"{end.isoformat()}T23:59")
        ):
            booked[s.start] = int(s.booked or 0)
            if s.staffed is not None:
                staffed[s.start] = int(s.staffed)
        configured = int(service.capacity)
        day = start
        while day <= end:
            slots = []
            for slot in schedule.day_slots(service, day):
                if slot.start < earliest:
                    continue
                capacity = min(configured, staffed.get(slot.key, configured))
                slots.append(
                    {
                        "start": slot.key,
                        "starts_at": slot.start.astimezone(schedule.TZ).isoformat(),
                        "ends_at": slot.end.astimezone(schedule.TZ).isoformat(),
                        "capacity": capacity,
                        "remaining": max(0, capacity - booked.get(slot.key, 0)),
                    }
                )
            from chalicelib.services.platform.holidays import holiday_name

            days.append(
                {
                    "date": day.isoformat(),
                    "holiday_el": holiday_name(day, "el"),
                    "holiday_en": holiday_name(day, "en"),
                    "open": bool(schedule.intervals_for(service, day)),
                    "slots": slots,
                }
            )
            day += timedelta(days=1)
    return {
        "service_id": service.service_id,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "timezone": "Europe/Athens",
        "days": days,
    }


# -- booking --------------------------------------------------------------------------------------
def _bookable_slot(service: Service, start: str, now: datetime) -> schedule.SlotTime:
    key = schedule.normalise_start(start)
    slot = schedule.find_slot(service, key) if key else None
    if slot is None:
        raise Conflict("This time is not a slot of the service.", code="slot_not_bookable")
    if not schedule.bookable(service, slot, now):
        raise Conflict("This slot is outside the booking window.", code="slot_not_bookable")
    return slot


def book(
    session: Any,
    service_id: str,
    start: str,
    *,
    subject: str = "",
    notes: str = "",
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> tuple[Appointment, bool]:
    """Book ``start`` of ``service_id`` for the signed-in citizen. Returns (appointment, created);
    ``created`` is False when the same ``idempotency_key`` booked it already."""
    now = now or utcnow()
    service = get_service(service_id)
    slot = _bookable_slot(service, start, now)
    appointment_id = appointment_id_for(session.taxid, idempotency_key)
    reminders = _reminders(appointment_id, slot.start, 1, now)
    appointment = Appointment(
        appointment_id,
        reference=reference_for(appointment_id),
        taxid=session.taxid,
        citizen_name=getattr(session, "name", "") or "",
        service_id=service.service_id,
        department_id=service.department_id,
        service_point_id=service.service_point_id,
        start=slot.key,
        slot_start=slot.start,
        slot_end=slot.end,
        subject=subject or "",
        notes=notes or "",
        status="booked",
        version=1,
        history=[_history_entry("booked", now, "citizen", start=slot.key)],
        created_at=now,
        updated_at=now,
    )
    appointment.reminder_keys = _reminder_keys(reminders)

    def build(tx: Any) -> None:
        _take_slot(tx, service, slot.key)
        _take_day(tx, service, session.taxid, slot.key[:10])
        _take_upcoming(tx, session.taxid, appointment_id)
        tx.save("appointment", appointment, condition=Appointment.appointment_id.does_not_exist())
        for row in reminders:
            tx.save("reminder", row)

    try:
        _transact(build)
    except TxFailed as exc:
        if "appointment" in exc.failed:
            return Appointment.get(appointment_id, consistent_read=True), False
        if exc.failed != {"upcoming"} or not _prune_upcoming(session.taxid, now):
            _raise_for(exc)
        _commit_change(build)  # some held appointments had started and were pruned: once more
    return appointment, True


# -- the citizen's own appointments ---------------------------------------------------------------
def mine(session: Any, *, upcoming_only: bool = False, now: datetime | None = None) -> list[Appointment]:
    """The citizen's appointments, newest slot first (one Query on ``by_citizen``)."""
    now = now or utcnow()
    condition = None
    if upcoming_only:
        condition = Appointment.start >= now.astimezone(schedule.TZ).strftime(schedule.LOCAL_FORMAT)
    return list(Appointment.by_citizen.query(session.taxid, condition, scan_index_forward=False, limit=200))


def get_own(session: Any, appointment_id: str) -> Appointment:
    """The citizen's appointment; 404 when it does not exist or is someone else's (invariant 4)."""
    try:
        appointment = Appointment.get(appointment_id, consistent_read=True)
    except Appointment.DoesNotExist:
        appointment = None
    if appointment is None or appointment.taxid != session.taxid:
        raise NotFound("No such appointment.", code="appointment_not_found")
    return appointment


def _ensure_active(appointment: Appointment) -> None:
    if appointment.status not in ACTIVE:
        raise Conflict("This appointment is no longer active.", code="appointment_not_active")


def _ensure_before_cutoff(appointment: Appointment, service: Service, now: datetime) -> None:
    cutoff = appointment.slot_start - timedelta(minutes=int(service.cancel_cutoff_minutes))
    if now > cutoff:
        raise Conflict("It is too late to change this appointment.", code="cutoff_passed")


def _apply(appointment: Appointment, **values: Any) -> Appointment:
    for name, value in values.items():
        setattr(appointment, name, value)
    return appointment


def _cancel(appointment: Appointment, status: str, by: str, reason: str | None, now: datetime) -> Appointment:
    history = [*appointment.history, _history_entry(status, now, by, reason=reason)]
    version = int(appointment.version)

    def build(tx: Any) -> None:
        tx.update(
            "appointment",
            appointment,
            actions=[
                Appointment.status.set(status),
                Appointment.version.set(version + 1),
                Appointment.history.set(history),
                Appointment.cancel_reason.set(reason) if reason else Appointment.cancel_reason.remove(),
                Appointment.updated_at.set(now),
            ],
            condition=(Appointment.version == version) & Appointment.status.is_in(*ACTIVE),
        )
        _release_slot(tx, appointment.service_id, appointment.start)
        _release_day(tx, appointment, now)
        _release_upcoming(tx, appointment)
        _delete_reminders(tx, appointment)

    _commit_change(build)
    return _apply(
        appointment,
        status=status,
        version=version + 1,
        history=history,
        cancel_reason=reason,
        updated_at=now,
        reminder_keys=[],
    )


def _raise_for(exc: TxFailed) -> None:
    if "appointment" in exc.failed:
        raise Conflict("The appointment changed meanwhile; reload it.", code="appointment_changed") from None
    if "slot" in exc.failed:
        raise Conflict("This slot is full.", code="slot_full") from None
    if "day" in exc.failed:
        raise Conflict(
            "You already have the most appointments allowed for this service on that day.",
            code="daily_limit_reached",
        ) from None
    if "upcoming" in exc.failed:
        limit = get_settings().max_upcoming_appointments
        raise Conflict(
            f"You already hold {limit} upcoming appointments, the most allowed; cancel one first.",
            code="upcoming_limit_reached",
            details={"max_upcoming_appointments": limit},
        ) from None
    raise Conflict("The appointment's counters disagree; try again.", code="appointment_changed") from None


def _commit_change(build: Any) -> None:
    try:
        _transact(build)
    except TxFailed as exc:
        _raise_for(exc)


def cancel_by_citizen(session: Any, appointment_id: str, now: datetime | None = None) -> Appointment:
    now = now or utcnow()
    appointment = get_own(session, appointment_id)
    _ensure_active(appointment)
    service = get_service(appointment.service_id, include_inactive=True)
    _ensure_before_cutoff(appointment, service, now)
    return _cancel(appointment, "cancelled_by_citizen", "citizen", None, now)


def reschedule(session: Any, appointment_id: str, start: str, now: datetime | None = None) -> Appointment:
    """Move the citizen's appointment to ``start``: one transaction releases the old slot (and day)
    and takes the new one, replacing the reminders."""
    now = now or utcnow()
    appointment = get_own(session, appointment_id)
    _ensure_active(appointment)
    service = get_service(appointment.service_id)
    _ensure_before_cutoff(appointment, service, now)
    slot = _bookable_slot(service, start, now)
    if slot.key == appointment.start:
        raise Conflict("The appointment is already at this time.", code="same_slot")
    version = int(appointment.version)
    history = [
        *appointment.history,
        _history_entry("rescheduled", now, "citizen", start=slot.key, previous=appointment.start),
    ]
    reminders = _reminders(appointment.appointment_id, slot.start, version + 1, now)
    same_day = slot.key[:10] == appointment.start[:10]

    def build(tx: Any) -> None:
        tx.update(
            "appointment",
            appointment,
            actions=[
                Appointment.status.set("rescheduled"),
                Appointment.start.set(slot.key),
                Appointment.slot_start.set(slot.start),
                Appointment.slot_end.set(slot.end),
                Appointment.version.set(version + 1),
                Appointment.history.set(history),
                Appointment.updated_at.set(now),
                Appointment.reminder_keys.set(_reminder_keys(reminders)),
            ],
            condition=(Appointment.version == version) & Appointment.status.is_in(*ACTIVE),
        )
        _take_slot(tx, service, slot.key)
        if not same_day:
            _take_day(tx, service, appointment.taxid, slot.key[:10])
        _release_slot(tx, appointment.service_id, appointment.start)
        if not same_day:
            _release_day(tx, appointment, now)
        _delete_reminders(tx, appointment)
        for row in reminders:
            tx.save("reminder", row)

    _commit_change(build)
    return _apply(
        appointment,
        status="rescheduled",
        start=slot.key,
        slot_start=slot.start,
        slot_end=slot.end,
        version=version + 1,
        history=history,
        updated_at=now,
        reminder_keys=_reminder_keys(reminders),
    )


# -- staff ----------------------------------------------------------------------------------------
def staff_get(staff: Any, appointment_id: str) -> Appointment:
    try:
        appointment = Appointment.get(appointment_id, consistent_read=True)
    except Appointment.DoesNotExist:
        raise NotFound("No such appointment.", code="appointment_not_found") from None
    ensure_department(staff, appointment.department_id)
    return appointment


def staff_range(from_day: str | None, to_day: str | None, now: datetime | None = None) -> tuple[date, date]:
    """The days a staff list covers: ``from`` (default today) to ``to`` (default ``from``), cut to
    ``MAX_RANGE_DAYS`` days; the list answers with these, so a cut range is visible."""
    now = now or utcnow()
    start = _parse_day(from_day, "from") if from_day else now.astimezone(schedule.TZ).date()
    end = _parse_day(to_day, "to") if to_day else start
    return start, min(end, _plus(start, MAX_RANGE_DAYS - 1))


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


def _finish(staff: Any, appointment_id: str, status: str, comment: str | None, now: datetime) -> Appointment:
    appointment = staff_get(staff, appointment_id)
    _ensure_active(appointment)
    version = int(appointment.version)
    history = [*appointment.history, _history_entry(status, now, staff.username, comment=comment)]
    before = {"status": appointment.status}

    def build(tx: Any) -> None:
        actions = [
            Appointment.status.set(status),
            Appointment.version.set(version + 1),
            Appointment.history.set(history),
            Appointment.updated_at.set(now),
        ]
        if comment:
            actions.append(Appointment.staff_comment.set(comment))
        tx.update(
            "appointment",
            appointment,
            actions=actions,
            condition=(Appointment.version == version) & Appointment.status.is_in(*ACTIVE),
        )
        _release_upcoming(tx, appointment)
        _delete_reminders(tx, appointment)

    _commit_change(build)
    audit.note(
        staff,
        "appointment",
        appointment_id,
        action=f"appointment.{status}",
        before=before,
        after={"status": status, "comment": comment},
    )
    return _apply(
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
    _ensure_active(appointment)
    before = {"status": appointment.status}
    result = _cancel(appointment, "cancelled_by_staff", staff.username, reason, now)
    audit.note(
        staff,
        "appointment",
        appointment_id,
        action="appointment.cancelled_by_staff",
        before=before,
        after={"status": result.status, "reason": reason},
    )
    return result


# -- services (catalogue and staff edits) -----------------------------------------------------------
def catalogue(department_id: str | None = None) -> list[Service]:
    """Active services, by department then id (one Query)."""
    if department_id:
        rows = Service.by_department.query(department_id)
    else:
        rows = Service.by_catalog.query(CATALOG)
    return sorted((s for s in rows if s.active), key=lambda s: (s.department_id, s.service_id))


def department_names(ids: set[str]) -> dict[str, dict[str, str]]:
    from chalicelib.models.org import Department

    if not ids:
        return {}
    return {
        d.department_id: {"name_el": d.name_el, "name_en": d.name_en or d.name_el}
        for d in Department.batch_get(list(ids))
    }


def staff_services(staff: Any, department_id: str | None = None) -> list[Service]:
    department_id = department_id or staff.department_id
    ensure_department(staff, department_id)
    return sorted(Service.by_department.query(department_id), key=lambda s: s.service_id)


def staff_service(staff: Any, service_id: str) -> Service:
    service = get_service(service_id, fresh=True, include_inactive=True)
    ensure_department(staff, service.department_id)
    return service


EDITABLE = (
    "hours",
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


def _check_intervals(intervals: list[list[str]], where: str) -> None:
    previous = None
    for opens, closes in intervals:
        a, b = schedule.parse_hhmm(opens), schedule.parse_hhmm(closes)
        if a >= b:
            raise ValidationFailed(
                f"{where}: {opens}-{closes} closes before it opens.", details={"field": where}
            )
        if previous is not None and a < previous:
            raise ValidationFailed(
                f"{where}: intervals overlap or are out of order.", details={"field": where}
            )
        previous = b


def update_service(
    staff: Any, service_id: str, changes: dict[str, Any], now: datetime | None = None
) -> Service:
    """Edit hours, exceptions, capacity and limits (already schema-checked); 403 outside the
    staff member's department. Existing bookings are kept."""
    now = now or utcnow()
    service = staff_service(staff, service_id)
    for day, intervals in (changes.get("hours") or {}).items():
        _check_intervals(intervals, f"hours.{day}")
    for day, intervals in (changes.get("exceptions") or {}).items():
        try:
            date.fromisoformat(day)
        except ValueError:
            raise ValidationFailed(
                f"exceptions: {day} is not a date.", details={"field": "exceptions"}
            ) from None
        _check_intervals(intervals, f"exceptions.{day}")
    if changes.get("duration_minutes", service.duration_minutes) > 8 * 60:
        raise ValidationFailed("duration_minutes is too long.", details={"field": "duration_minutes"})
    before = {k: getattr(service, k) for k in EDITABLE if k in changes}
    actions = [getattr(Service, k).set(v) for k, v in changes.items() if k in EDITABLE]
    if not actions:
        return service
    actions.append(Service.updated_at.set(now))
    service.update(actions=actions)
    with _cache_lock:
        _cache.pop(service_id, None)
    audit.note(
        staff,
        "service",
        service_id,
        action="service.update",
        before=before,
        after={k: changes[k] for k in EDITABLE if k in changes},
    )
    return service


# -- shapes ---------------------------------------------------------------------------------------
def service_public(service: Service, departments: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    department = (departments or {}).get(service.department_id) or {}
    return {
        "service_id": service.service_id,
        "department_id": service.department_id,
        "department_name_el": department.get("name_el"),
        "department_name_en": department.get("name_en"),
        "name_el": service.name_el,
        "name_en": service.name_en,
        "description_el": service.description_el or "",
        "description_en": service.description_en or "",
        "documents": service.documents or [],
        "service_point_id": service.service_point_id,
        "point": service.point or {},
        "duration_minutes": int(service.duration_minutes),
        "slot_minutes": int(service.slot_minutes),
        "capacity": int(service.capacity),
        "min_notice_minutes": int(service.min_notice_minutes),
        "max_days_ahead": int(service.max_days_ahead),
        "cancel_cutoff_minutes": int(service.cancel_cutoff_minutes),
        "max_per_day": int(service.max_per_day),
        "hours": service.hours or {},
        "exceptions": service.exceptions or {},
        "active": bool(service.active),
    }


def _service_names(service_id: str) -> dict[str, Any]:
    try:
        service = get_service(service_id, include_inactive=True)
    except NotFound:
        return {"service_name_el": service_id, "service_name_en": service_id, "point": {}}
    return {
        "service_name_el": service.name_el,
        "service_name_en": service.name_en,
        "point": service.point or {},
    }


def appointment_public(appointment: Appointment, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    names = _service_names(appointment.service_id)
    can_change = False
    if appointment.status in ACTIVE:
        try:
            service = get_service(appointment.service_id, include_inactive=True)
            cutoff = appointment.slot_start - timedelta(minutes=int(service.cancel_cutoff_minutes))
            can_change = now <= cutoff
        except NotFound:
            can_change = False
    return {
        "appointment_id": appointment.appointment_id,
        "reference": appointment.reference,
        "service_id": appointment.service_id,
        **names,
        "department_id": appointment.department_id,
        "service_point_id": appointment.service_point_id,
        "start": appointment.start,
        "starts_at": appointment.slot_start.astimezone(schedule.TZ).isoformat(),
        "ends_at": appointment.slot_end.astimezone(schedule.TZ).isoformat(),
        "subject": appointment.subject or "",
        "notes": appointment.notes or "",
        "status": appointment.status,
        "staff_comment": appointment.staff_comment,
        "cancel_reason": appointment.cancel_reason,
        "version": int(appointment.version),
        "history": appointment.history or [],
        "can_change": can_change,
    }


def appointment_staff(appointment: Appointment) -> dict[str, Any]:
    out = appointment_public(appointment)
    out.pop("point", None)
    out["taxid"] = appointment.taxid
    out["citizen_name"] = appointment.citizen_name or ""
    return out
