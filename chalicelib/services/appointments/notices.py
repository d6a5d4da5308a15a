"""Appointment notifications: confirmation (with the ``.ics`` attached), reschedule and
cancellation from the appointments stream, and reminders from the scheduled function.

Every message goes through the outbox (``notifications.notify_citizen``) with a source key naming
the change: ``appointments#<id>#v<version>`` for a stream change and
``appointments#<id>#reminder#<offset>#v<version>`` for a reminder, so a stream record delivered
twice, or a reminder row found by two runs, sends nothing twice (DESIGN invariant 3).

Reminders are found through ``appointment_reminders`` (hash: the due hour in UTC): each run
queries the current hour and the ``LOOKBACK_HOURS`` before it (a Query each, never a scan), sends
the rows that are due for appointments still active at the same version, and deletes them. A run
that did not fire (or failed) is made up by the next: its rows are still there, in a bucket the
next run reads.

Example::

    send_due_reminders()                     # {"sent": 2, "skipped": 0}, every 15 minutes
    on_appointment_record(stream_record)     # the stream router calls it per record

Limitation: a reminder more than ``LOOKBACK_HOURS`` overdue (the schedule stopped for longer) is
not sent; its row expires with the appointment (TTL).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.clock import iso, utcnow
from chalicelib.log import logger
from chalicelib.models.appointment_reminders import Reminder
from chalicelib.models.appointments import ACTIVE, Appointment
from chalicelib.services.appointments.catalogue import find_service
from chalicelib.services.appointments.documents import address, ics, ics_filename, pick, when_text
from chalicelib.services.platform import gsm7, notifications

LOOKBACK_HOURS = 3

KINDS = {
    "booked": "appointment.booked",
    "rescheduled": "appointment.rescheduled",
    "cancelled_by_citizen": "appointment.cancelled",
    "cancelled_by_staff": "appointment.cancelled",
}
# per language: kind -> (subject, first line); then the labels of the lines that follow
HEADS = {
    "el": {
        "appointment.booked": ("Επιβεβαίωση ραντεβού", "Το ραντεβού σας κλείστηκε."),
        "appointment.rescheduled": ("Αλλαγή ώρας ραντεβού", "Το ραντεβού σας μεταφέρθηκε."),
        "appointment.cancelled": ("Ακύρωση ραντεβού", "Το ραντεβού σας ακυρώθηκε."),
        "appointment.reminder": ("Υπενθύμιση ραντεβού", "Σας υπενθυμίζουμε το ραντεβού σας."),
    },
    "en": {
        "appointment.booked": ("Appointment confirmed", "Your appointment is booked."),
        "appointment.rescheduled": ("Appointment moved", "Your appointment was moved."),
        "appointment.cancelled": ("Appointment cancelled", "Your appointment was cancelled."),
        "appointment.reminder": ("Appointment reminder", "A reminder of your appointment."),
    },
}
# one GSM-7 part whatever the data: the reason, then the service's name shortened to fit
SMS_TEMPLATE = "{opening} {name}, {when}. {label} {ref}.{reason}"
LABELS = {
    "el": {
        "service": "Υπηρεσία",
        "when": "Πότε",
        "where": "Πού",
        "reference": "Κωδικός",
        "bring": "Να φέρετε",
        "reason": "Αιτία",
        "sms_reference": "Κωδ.",
    },
    "en": {
        "service": "Service",
        "when": "When",
        "where": "Where",
        "reference": "Reference",
        "bring": "Please bring",
        "reason": "Reason",
        "sms_reference": "Ref",
    },
}


def _citizen(taxid: str) -> Any:
    from chalicelib.models.citizens import Citizen

    try:
        return Citizen.get(taxid)
    except Citizen.DoesNotExist:
        return None


def texts(kind: str, appointment: Appointment, service: Any) -> dict[str, dict[str, str]]:
    """Subject, email text and SMS text in Greek and English for ``kind``."""
    out: dict[str, dict[str, str]] = {"subject": {}, "text": {}, "sms": {}}
    cancelled = kind == "appointment.cancelled"
    for lang in ("el", "en"):
        subject, opening = HEADS[lang][kind]
        label = LABELS[lang]
        name = pick(service, "name", lang)
        when = when_text(appointment, lang)
        ref = appointment.reference
        docs = "; ".join(pick(d, "name", lang) for d in (service.documents or []))
        lines = [
            opening,
            f"{label['service']}: {name}",
            f"{label['when']}: {when}",
            f"{label['where']}: {address(service, lang)}",
            f"{label['reference']}: {ref}",
        ]
        if docs and not cancelled:
            lines.append(f"{label['bring']}: {docs}")
        if cancelled and appointment.status == "cancelled_by_staff":
            lines.append(f"{label['reason']}: {appointment.cancel_reason or '-'}")
        reason = f" {label['reason']}: {appointment.cancel_reason}" if cancelled and appointment.cancel_reason else ""
        out["subject"][lang] = f"{subject} {ref}"
        out["text"][lang] = "\n".join(lines)
        out["sms"][lang] = gsm7.fit(
            SMS_TEMPLATE,
            {"opening": opening, "name": name, "when": when, "label": label["sms_reference"], "ref": ref,
             "reason": reason},
            shrink=("reason", "name"),
        )
    return out


def _notify(appointment: Appointment, kind: str, source: str, *, attach_ics: bool) -> int:
    citizen = _citizen(appointment.taxid)
    service = find_service(appointment.service_id)
    if citizen is None or service is None:
        logger().warning("appointment notice skipped", extra={"appointment_id": appointment.appointment_id})
        return 0
    language = getattr(citizen, "language", None) or "el"
    attachments = None
    if attach_ics:
        attachments = [
            {
                "filename": ics_filename(appointment),
                "content_type": "text/calendar",
                "content": ics(appointment, service, language),
            }
        ]
    parts = texts(kind, appointment, service)
    return notifications.notify_citizen(
        citizen,
        source=source,
        kind=kind,
        subject=parts["subject"],
        text=parts["text"],
        sms=parts["sms"],
        attachments=attachments,
        force_channels=appointment.notify,  # chosen at booking (None: the profile's choices)
    )


def on_appointment_record(record: dict[str, Any]) -> int:
    """Stream consumer for ``appointments``: one notice per version that changed the status."""
    if record.get("eventName") not in ("INSERT", "MODIFY"):
        return 0
    ddb = record.get("dynamodb") or {}
    new = Appointment.from_raw_data(ddb["NewImage"])
    old_version = int((ddb.get("OldImage") or {}).get("version", {}).get("N", 0))
    if int(new.version) == old_version or not new.history:
        return 0
    last = new.history[-1]
    kind = KINDS.get(last.get("status"))
    if kind is None:
        return 0
    source = f"appointments#{new.appointment_id}#v{int(new.version)}"
    return _notify(new, kind, source, attach_ics=kind != "appointment.cancelled")


def send_due_reminders(now: datetime | None = None) -> dict[str, int]:
    """Send every reminder due by ``now`` (at most once each) and delete its row."""
    now = now or utcnow()
    sent = skipped = 0
    due_by = iso(now)
    for hours_back in range(LOOKBACK_HOURS, -1, -1):
        bucket = (now - timedelta(hours=hours_back)).astimezone(UTC).strftime("%Y-%m-%dT%H")
        for row in Reminder.query(bucket, Reminder.due_key <= f"{due_by}~"):
            if row.due_key.split("#", 1)[0] > due_by:
                continue
            try:
                appointment = Appointment.get(row.appointment_id)
            except Appointment.DoesNotExist:
                appointment = None
            if (
                appointment is None
                or appointment.status not in ACTIVE
                or int(appointment.version) != row.version
            ):
                skipped += 1
            else:
                source = (
                    f"appointments#{appointment.appointment_id}#reminder#{row.offset_minutes}#v{row.version}"
                )
                sent += _notify(appointment, "appointment.reminder", source, attach_ics=False) > 0
            row.delete()
    return {"sent": sent, "skipped": skipped}
