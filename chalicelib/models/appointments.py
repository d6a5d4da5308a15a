"""Appointments (table ``appointments``), keyed by ``appointment_id``.

``appointment_id`` is derived from (citizen tax id, ``Idempotency-Key``), so a retried booking
meets ``attribute_not_exists`` and finds the first one. ``reference`` is a short code for people
and for the QR of the proof (the live queue checks in by it). ``version`` grows by one with every
change and ``history`` keeps every status: booked, rescheduled, cancelled_by_citizen,
cancelled_by_staff (with reason), completed, no_show.

| question | key |
| --- | --- |
| a citizen's appointments by time | ``Appointment.by_citizen`` (taxid, start) |
| a department's calendar (day, week) | ``Appointment.by_department`` (department_id, start) |
| an appointment by its reference (proof QR, queue check-in) | ``Appointment.by_reference`` |

``start`` is the slot's local Europe/Athens time (``"2026-11-23T09:30"``); ``slot_start`` and
``slot_end`` are the same instants as UTC datetimes.
"""

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import CreatedAt, Model, meta

ACTIVE = ("booked", "rescheduled")  # holds a place in its slot, may still change
CANCELLED = ("cancelled_by_citizen", "cancelled_by_staff")
FINISHED = ("completed", "no_show")
STATUSES = (*ACTIVE, *CANCELLED, *FINISHED)


class AppointmentsByCitizen(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_citizen"
        projection = AllProjection()

    taxid = UnicodeAttribute(hash_key=True)
    start = UnicodeAttribute(range_key=True)


class AppointmentsByDepartment(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_department"
        projection = AllProjection()

    department_id = UnicodeAttribute(hash_key=True)
    start = UnicodeAttribute(range_key=True)


class AppointmentsByReference(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_reference"
        projection = AllProjection()

    reference = UnicodeAttribute(hash_key=True)


class Appointment(Model):
    Meta = meta("appointments")

    appointment_id = UnicodeAttribute(hash_key=True)
    reference = UnicodeAttribute()
    taxid = UnicodeAttribute()
    citizen_name = UnicodeAttribute(default="")
    service_id = UnicodeAttribute()
    department_id = UnicodeAttribute()
    service_point_id = UnicodeAttribute(null=True)
    start = UnicodeAttribute()
    slot_start = UTCDateTimeAttribute()
    slot_end = UTCDateTimeAttribute()
    subject = UnicodeAttribute(default="")
    notes = UnicodeAttribute(default="")
    status = UnicodeAttribute(default="booked")
    staff_comment = UnicodeAttribute(null=True)
    cancel_reason = UnicodeAttribute(null=True)
    # how the citizen chose to be told ("email", "sms"; [] none); absent: the profile's choices
    notify = ListAttribute(of=UnicodeAttribute, null=True)
    version = NumberAttribute(default=1)
    # [{"status", "at", "by", "start", "reason", "comment"}]
    history = JSONAttribute(default=list)
    # [[bucket, due_key]] of its pending rows in ``appointment_reminders`` (deleted on change)
    reminder_keys = JSONAttribute(default=list)
    created_at = CreatedAt()
    updated_at = UTCDateTimeAttribute(null=True)

    by_citizen = AppointmentsByCitizen()
    by_department = AppointmentsByDepartment()
    by_reference = AppointmentsByReference()
