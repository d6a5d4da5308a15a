"""A citizen's appointments as their own data: read for the export, and anonymised when the citizen
closes their account (``platform/citizen_account.py`` calls both).

Closing an account:

- an active appointment still to come is cancelled (``changes.cancel``: the slot, the day counter,
  the upcoming set and the reminders released in one transaction), as if the citizen cancelled it;
- then every appointment is anonymised: no archive rule keeps who booked a counter visit, so the
  item keeps only what the department's calendar and the statistics need (``KEPT``: service,
  department, place, time, status, and the history of statuses with when and by whom) and loses
  the tax number (replaced by a pseudonym of its own, so nothing links the appointments to each
  other or to the person), the name and every free text (``ERASED``; ``history`` loses its
  reasons and comments). The item is rewritten whole from ``KEPT`` on the condition that it is
  still the version read, so an attribute added to ``Appointment`` later is dropped unless it is
  classified here (``tests/unit/appointments/test_citizen_records.py`` fails until it is);
- the citizen's counters (``CitizenBookings``, and the ``CitizenDay`` items of the days they
  booked, whose keys hold the tax number) are deleted.

The version is not raised by the anonymisation, so the appointments' stream consumers send no
notice and count nothing for it.

Example::

    citizen_appointments("123456789")                       # [Appointment, ...], newest first
    forget_citizen_appointments("123456789", now)           # {"cancelled": 1, "anonymised": 4}

Limitation: a booking made in the same instant as the closing, from another session, may escape
the Query that lists the appointments; it is anonymised by closing again (nothing else depends on
it).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from chalicelib import ddb
from chalicelib.models.appointments import ACTIVE, Appointment
from chalicelib.models.citizen_bookings import CitizenBookings
from chalicelib.models.citizen_days import CitizenDay, day_key
from chalicelib.services.appointments.changes import cancel

EXPORT_LIMIT = 1000
KEPT = (
    "appointment_id",
    "reference",
    "service_id",
    "department_id",
    "service_point_id",
    "start",
    "slot_start",
    "slot_end",
    "status",
    "version",
    "history",  # without reasons and comments (HISTORY_KEPT)
    "reminder_keys",
    "created_at",
    "updated_at",
)
ERASED = ("taxid", "citizen_name", "subject", "notes", "staff_comment", "cancel_reason", "notify")
HISTORY_KEPT = ("status", "at", "by", "start", "previous")


def citizen_appointments(taxid: str, limit: int | None = EXPORT_LIMIT) -> list[Appointment]:
    """The citizen's appointments, newest first (one Query on ``by_citizen``, paged; ``limit``
    None: all)."""
    return list(Appointment.by_citizen.query(taxid, scan_index_forward=False, limit=limit))


def forget_citizen_appointments(taxid: str, now: datetime) -> dict[str, int]:
    """Cancel what is still to come and anonymise every appointment of ``taxid`` (see above)."""
    cancelled = anonymised = 0
    days: set[str] = set()
    for appointment in list(Appointment.by_citizen.query(taxid)):
        days.add(day_key(taxid, appointment.service_id, appointment.start[:10]))
        if appointment.status in ACTIVE and appointment.slot_start > now:
            appointment = cancel(appointment, "cancelled_by_citizen", "citizen", None, now)
            cancelled += 1
        anonymised += _anonymise(appointment, taxid)
    with CitizenDay.batch_write() as batch:
        for key in days:
            batch.delete(CitizenDay(key))
    CitizenBookings(taxid).delete()
    return {"cancelled": cancelled, "anonymised": anonymised}


def anonymous(appointment: Appointment) -> Appointment:
    """The appointment as it is kept after its citizen closed their account."""
    values: dict[str, Any] = {name: getattr(appointment, name) for name in KEPT}
    values["history"] = [
        {k: v for k, v in entry.items() if k in HISTORY_KEPT} for entry in appointment.history or []
    ]
    return Appointment(taxid=f"erased:{uuid.uuid4().hex}", citizen_name="", subject="", notes="", **values)


def _anonymise(appointment: Appointment, taxid: str) -> int:
    """Rewrite one appointment anonymised, if it is still ``taxid``'s as read (else read it again)."""
    return int(
        ddb.rewrite(
            appointment,
            anonymous,
            condition=lambda a: (Appointment.version == a.version) & (Appointment.taxid == taxid),
            belongs=lambda a: a.taxid == taxid,
        )
    )
