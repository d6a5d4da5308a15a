"""The queue's view of an appointment, read through the appointments' reference-code index.

``find_by_reference(reference)`` -> ``queue_checkin.BookedAppointment`` or ``None``: one Query on
``Appointment.by_reference`` (never a scan), plus one GetItem of the citizen for the mobile and
language the "you are next" SMS uses.
"""

from __future__ import annotations

from chalicelib.models.appointments import Appointment
from chalicelib.models.citizens import Citizen


def find_by_reference(reference: str):
    from chalicelib.services.live_queue.checkin import BookedAppointment

    item = next(iter(Appointment.by_reference.query(reference, limit=1)), None)
    if item is None:
        return None
    try:
        citizen = Citizen.get(item.taxid)
    except Citizen.DoesNotExist:
        citizen = None
    return BookedAppointment(
        appointment_id=item.appointment_id,
        reference=item.reference,
        status=item.status,
        service_id=item.service_id,
        service_point_id=item.service_point_id,
        department_id=item.department_id,
        slot_start=item.slot_start,
        slot_end=item.slot_end,
        taxid=item.taxid,
        mobile=citizen.mobile if citizen else None,
        language=citizen.language if citizen else None,
    )
