"""The booking ledger: the items every booking, change and cancellation writes in one transaction,
and what a failed transaction answers.

Per appointment, inside one ``TransactWriteItems`` (DESIGN invariant 1), each operation labelled:

- ``slot`` / ``old_slot``: the slot item's ``booked`` ADD 1 on ``booked < capacity`` (and below
  the ``staffed`` capacity when absences lowered it), created by the ADD when never booked; ADD -1
  on ``booked > 0`` to release;
- ``day`` / ``old_day``: the citizen's counter for the service and day, ``count < max_per_day``;
- ``upcoming`` / ``old_upcoming``: the citizen's set of active appointment ids, at most
  ``max_upcoming_appointments`` (a setting);
- ``appointment``: the appointment itself; ``reminder`` / ``old_reminder``: its reminder rows.

``commit`` runs the transaction through ``chalicelib.ddb`` and turns the labels whose conditions
failed into a precise 409 (``slot_full``, ``daily_limit_reached``, ``upcoming_limit_reached``,
``appointment_changed``); transactions that keep meeting others on the same items answer 409
``slot_busy``.

Example::

    def build(tx):
        take_slot(tx, service, "2026-11-24T09:30")
        take_day(tx, service, taxid, "2026-11-24")
    commit(build)

Limitation: a slot item remembers only its count, not who holds it; the appointments are the
record, and ``tests/unit/appointments/test_booking_property.py`` holds the two to each other.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pynamodb.expressions.condition import size

from chalicelib import ddb
from chalicelib.clock import iso, local_day
from chalicelib.errors import Conflict
from chalicelib.models.appointment_reminders import Reminder
from chalicelib.models.appointment_slots import Slot
from chalicelib.models.appointments import ACTIVE, Appointment
from chalicelib.models.citizen_bookings import CitizenBookings
from chalicelib.models.citizen_days import CitizenDay, day_key
from chalicelib.models.service_catalog import Service
from chalicelib.services.appointments import opening_hours
from chalicelib.settings import get_settings

COUNTER_KEEP_DAYS = 30
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
REFERENCE_LENGTH = 8


# -- names ----------------------------------------------------------------------------------------
def appointment_id_for(taxid: str, idempotency_key: str | None) -> str:
    """The same (citizen, key) always gives the same id; no key gives a new one."""
    key = idempotency_key or uuid.uuid4().hex
    return "ap" + hashlib.sha256(f"appointment|{taxid}|{key}".encode()).hexdigest()[:30]


def booking_token(appointment_id: str, attempt: int = 1) -> str:
    """The ``ClientRequestToken`` of the transaction that books ``appointment_id`` (35 characters of
    ``[a-z0-9-]``): every send of the same booking carries it, the app's retries and botocore's, so
    DynamoDB runs it at most once. ``attempt`` 2 is the send after pruning the upcoming set (a
    transaction of its own, which must not meet the outcome of the first)."""
    digest = hashlib.sha256(f"token|{appointment_id}|{attempt}".encode()).hexdigest()
    return f"book-{digest[:30]}"


def reference_for(appointment_id: str) -> str:
    """A short code from the id (8 characters of an unambiguous alphabet, ~10^12 values)."""
    number = int(hashlib.sha256(f"reference|{appointment_id}".encode()).hexdigest(), 16)
    chars = []
    for _ in range(REFERENCE_LENGTH):
        number, index = divmod(number, len(REFERENCE_ALPHABET))
        chars.append(REFERENCE_ALPHABET[index])
    return "".join(chars)


def history_entry(status: str, now: datetime, by: str, **extra: Any) -> dict[str, Any]:
    """One line of an appointment's ``history`` (empty extras left out)."""
    entry = {"status": status, "at": iso(now), "by": by}
    entry.update({k: v for k, v in extra.items() if v not in (None, "")})
    return entry


# -- reminders ------------------------------------------------------------------------------------
def reminder_rows(appointment_id: str, slot_start: datetime, version: int, now: datetime) -> list[Reminder]:
    """One row per reminder offset (settings) still in the future, in its due hour's bucket."""
    out = []
    for offset in get_settings().reminder_offsets_minutes:
        due = slot_start - timedelta(minutes=offset)
        if due <= now:
            continue
        out.append(
            Reminder(
                due.astimezone(UTC).strftime("%Y-%m-%dT%H"),
                f"{iso(due)}#{appointment_id}#{offset}",
                appointment_id=appointment_id,
                offset_minutes=offset,
                version=version,
                expires_at=slot_start + timedelta(days=2),
            )
        )
    return out


def reminder_keys(rows: list[Reminder]) -> list[list[str]]:
    return [[r.bucket, r.due_key] for r in rows]


def save_reminders(tx: ddb.Tx, rows: list[Reminder]) -> None:
    for row in rows:
        tx.save("reminder", row)


def delete_reminders(tx: ddb.Tx, appointment: Appointment) -> None:
    for bucket, due_key in getattr(appointment, "reminder_keys", None) or []:
        tx.delete("old_reminder", Reminder(bucket, due_key))


# -- slots ----------------------------------------------------------------------------------------
def take_slot(tx: ddb.Tx, service: Service, key: str) -> None:
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


def release_slot(tx: ddb.Tx, service_id: str, key: str) -> None:
    tx.update("old_slot", Slot(service_id, key), actions=[Slot.booked.add(-1)], condition=Slot.booked > 0)


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
    keys = [slot.key for slot in opening_hours.day_slots(service, date.fromisoformat(day))]
    keys += sorted(set(existing) - set(keys))  # slots of hours since changed keep no stale value
    written = 0
    for key in keys:
        if existing.get(key) == wanted:
            continue
        action = Slot.staffed.remove() if wanted is None else Slot.staffed.set(wanted)
        Slot(service.service_id, key).update(actions=[action])
        written += 1
    return written


# -- the citizen's counters -----------------------------------------------------------------------
def _counter_expiry(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC) + timedelta(days=COUNTER_KEEP_DAYS)


def take_day(tx: ddb.Tx, service: Service, taxid: str, day: str) -> None:
    limit = int(service.max_per_day)
    tx.update(
        "day",
        CitizenDay(day_key(taxid, service.service_id, day)),
        actions=[CitizenDay.count.add(1), CitizenDay.expires_at.set(_counter_expiry(day))],
        condition=CitizenDay.count.does_not_exist() | (CitizenDay.count < limit),
    )


def release_day(tx: ddb.Tx, appointment: Appointment, now: datetime) -> None:
    day = appointment.start[:10]
    if day < local_day(now):
        return  # a past day's counter no longer limits anything (and may have expired)
    tx.update(
        "old_day",
        CitizenDay(day_key(appointment.taxid, appointment.service_id, day)),
        actions=[CitizenDay.count.add(-1)],
        condition=CitizenDay.count > 0,
    )


def take_upcoming(tx: ddb.Tx, taxid: str, appointment_id: str) -> None:
    limit = get_settings().max_upcoming_appointments
    tx.update(
        "upcoming",
        CitizenBookings(taxid),
        actions=[CitizenBookings.upcoming.add({appointment_id})],
        condition=CitizenBookings.upcoming.does_not_exist() | (size(CitizenBookings.upcoming) < limit),
    )


def release_upcoming(tx: ddb.Tx, appointment: Appointment) -> None:
    tx.update(
        "old_upcoming",
        CitizenBookings(appointment.taxid),
        actions=[CitizenBookings.upcoming.delete({appointment.appointment_id})],
    )


def prune_upcoming(taxid: str, now: datetime) -> bool:
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


# -- running a transaction ------------------------------------------------------------------------
def conflict_for(failed: set[str]) -> Conflict:
    """The 409 for a transaction whose conditions labelled ``failed`` did not hold."""
    if "appointment" in failed:
        return Conflict("The appointment changed meanwhile; reload it.", code="appointment_changed")
    if "slot" in failed:
        return Conflict("This slot is full.", code="slot_full")
    if "day" in failed:
        return Conflict(
            "You already have the most appointments allowed for this service on that day.",
            code="daily_limit_reached",
        )
    if "upcoming" in failed:
        limit = get_settings().max_upcoming_appointments
        return Conflict(
            f"You already hold {limit} upcoming appointments, the most allowed; cancel one first.",
            code="upcoming_limit_reached",
            details={"max_upcoming_appointments": limit},
        )
    return Conflict("The appointment's counters disagree; try again.", code="appointment_changed")


def transact(build: Callable[[ddb.Tx], None], *, token: str | None = None) -> None:
    """``ddb.transact``; raises ``ddb.TxFailed`` for the caller to read, and 409 ``slot_busy`` when
    every attempt met another transaction on the same items."""
    try:
        ddb.transact(build, token=token)
    except ddb.TxBusy:
        raise Conflict("The slot is busy; try again.", code="slot_busy") from None


def commit(build: Callable[[ddb.Tx], None], *, token: str | None = None) -> None:
    """``transact``, with a failed condition answered by its 409 (``conflict_for``)."""
    try:
        transact(build, token=token)
    except ddb.TxFailed as exc:
        raise conflict_for(exc.failed) from None
