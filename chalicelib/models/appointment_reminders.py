"""Reminders due (table ``appointment_reminders``), written and deleted in the same transactions
as the appointment they belong to, so they always match its current time and status.

Hash ``bucket`` = the due hour in UTC (``"2026-11-23T10"``), range ``due_key`` =
``"<due ISO UTC>#<appointment_id>#<offset minutes>"``. The scheduled reminder function queries the
current and the previous few hours' buckets (a Query each, never a scan) and deletes each row once
its reminder is in the outbox.
"""

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute

from chalicelib.models.base import Model, meta


class Reminder(Model):
    Meta = meta("appointment_reminders")

    bucket = UnicodeAttribute(hash_key=True)
    due_key = UnicodeAttribute(range_key=True)
    appointment_id = UnicodeAttribute()
    offset_minutes = NumberAttribute()
    version = NumberAttribute()  # the appointment's version when the reminder was set
    expires_at = TTLAttribute(null=True)
