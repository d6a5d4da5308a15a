"""Appointment notifications: confirmation (with the ``.ics`` attached), reschedule and
cancellation from the appointments stream, and reminders from the scheduled function.

Every message goes through the outbox (``notifications.notify_citizen``) with a source key naming
the change: ``appointments#<id>#v<version>`` for a stream change and
``appointments#<id>#reminder#<offset>#v<version>`` for a reminder, so a stream record delivered
twice, or a reminder row found by two runs, sends nothing twice (DESIGN invariant 3).

Reminders are found through ``appointment_reminders`` (hash: the due hour in UTC): each run
queries the current hour and the ``LOOKBACK_HOURS`` before it (a Query each, never a scan), sends
the rows that are due for appointments still active at the same version, and deletes them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.log import logger
from chalicelib.models.appointment_reminders import Reminder
from chalicelib.models.appointments import ACTIVE, Appointment
from chalicelib.models.base import utcnow
from chalicelib.services.appointments.documents import address, ics, pick, when_text
from chalicelib.services.platform import notifications

LOOKBACK_HOURS = 3

KINDS = {
    "booked": "appointment.booked",
    "rescheduled": "appointment.rescheduled",
    "cancelled_by_citizen": "appointment.cancelled",
    "cancelled_by_staff": "appointment.cancelled",
}


def _citizen(taxid: str) -> Any:
    from chalicelib.models.citizens import Citizen

    try:
        return Citizen.get(taxid)
    except Citizen.DoesNotExist:
        return None


def _service(service_id: str) -> Any:
    from chalicelib.errors import NotFound
    from chalicelib.services.appointments.booking import get_service

    try:
        return get_service(service_id, include_inactive=True)
    except NotFound:
        return None


def texts(kind: str, appointment: Appointment, service: Any) -> dict[str, dict[str, str]]:
    """Subject, email text and SMS text in Greek and English for ``kind``."""
    out: dict[str, dict[str, str]] = {"subject": {}, "text": {}, "sms": {}}
    for lang in ("el", "en"):
        name = pick(service, "name", lang)
        when = when_text(appointment, lang)
        where = address(service, lang)
        ref = appointment.reference
        docs = "; ".join(pick(d, "name", lang) for d in (service.documents or []))
        if lang == "el":
            head = {
                "appointment.booked": ("Επιβεβαίωση ραντεβού", "Το ραντεβού σας κλείστηκε."),
                "appointment.rescheduled": ("Αλλαγή ώρας ραντεβού", "Το ραντεβού σας μεταφέρθηκε."),
                "appointment.cancelled": ("Ακύρωση ραντεβού", "Το ραντεβού σας ακυρώθηκε."),
                "appointment.reminder": ("Υπενθύμιση ραντεβού", "Σας υπενθυμίζουμε το ραντεβού σας."),
            }[kind]
            lines = [head[1], f"Υπηρεσία: {name}", f"Πότε: {when}", f"Πού: {where}", f"Κωδικός: {ref}"]
            if docs and kind != "appointment.cancelled":
                lines.append(f"Να φέρετε: {docs}")
            if kind == "appointment.cancelled" and appointment.status == "cancelled_by_staff":
                lines.append(f"Αιτία: {appointment.cancel_reason or '-'}")
            sms = f"{head[1]} {name}, {when}. Κωδ. {ref}"
            if kind == "appointment.cancelled" and appointment.cancel_reason:
                sms += f". Αιτία: {appointment.cancel_reason}"
        else:
            head = {
                "appointment.booked": ("Appointment confirmed", "Your appointment is booked."),
                "appointment.rescheduled": ("Appointment moved", "Your appointment was moved."),
                "appointment.cancelled": ("Appointment cancelled", "Your appointment was cancelled."),
                "appointment.reminder": ("Appointment reminder", "A reminder of your appointment."),
            }[kind]
            lines = [head[1], f"Service: {name}", f"When: {when}", f"Where: {where}", f"Reference: {ref}"]
            if docs and kind != "appointment.cancelled":
                lines.append(f"Please bring: {docs}")
            if kind == "appointment.cancelled" and appointment.status == "cancelled_by_staff":
                lines.append(f"Reason: {appointment.cancel_reason or '-'}")
            sms = f"{head[1]} {name}, {when}. Ref {ref}"
            if kind == "appointment.cancelled" and appointment.cancel_reason:
                sms += f". Reason: {appointment.cancel_reason}"
        out["subject"][lang] = f"{head[0]} {ref}"
        out["text"][lang] = "\n".join(lines)
        out["sms"][lang] = sms
    return out


def _notify(appointment: Appointment, kind: str, source: str, *, attach_ics: bool) -> int:
    citizen = _citizen(appointment.taxid)
    service = _service(appointment.service_id)
    if citizen is None or service is None:
        logger().warning("appointment notice skipped", extra={"appointment_id": appointment.appointment_id})
        return 0
    language = getattr(citizen, "language", None) or "el"
    attachments = None
    if attach_ics:
        attachments = [
            {
                "filename": f"appointment-{appointment.reference}.ics",
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
    due_by = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    for hours_back in range(LOOKBACK_HOURS, -1, -1):
        bucket = (now - timedelta(hours=hours_back)).strftime("%Y-%m-%dT%H")
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
