"""The live queue's view of an appointment, read through the appointments' reference-code index.

``find_by_reference(reference)`` -> ``BookedAppointment`` or ``None``: one Query on
``Appointment.by_reference`` (never a scan), plus one GetItem of the citizen for the mobile and
language the "you are next" SMS uses: the mobile only when verified, and chosen for that booking
if a choice was made (``citizens.reachable``). Check-in (``checkin.py``) takes this lookup as an argument,
so it depends on this module and never the other way round.

Example::

    found = find_by_reference("KEP-7Q2X")
    found.slot_start, found.mobile

Limitation: a reference shared by two appointments (never issued so) finds the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.models.appointments import ACTIVE, Appointment
from chalicelib.models.citizens import Citizen
from chalicelib.services.platform.citizens import reachable


@dataclass(frozen=True)
class BookedAppointment:
    """What check-in needs to know of an appointment."""

    appointment_id: str
    reference: str
    status: str
    service_id: str | None
    service_point_id: str | None
    department_id: str | None
    slot_start: datetime
    slot_end: datetime | None = None
    taxid: str | None = None
    mobile: str | None = None
    language: str | None = None

    @property
    def booked(self) -> bool:
        """Still booked (not cancelled, completed or missed)."""
        return self.status in ACTIVE


def find_by_reference(reference: str) -> BookedAppointment | None:
    item = next(iter(Appointment.by_reference.query(reference, limit=1)), None)
    if item is None:
        return None
    try:
        citizen = Citizen.get(item.taxid)
    except Citizen.DoesNotExist:
        citizen = None
    chosen = ["sms"] if item.notify is None else item.notify  # the queue's SMS, unless refused at booking
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
        mobile=reachable(citizen, chosen).get("sms") if citizen else None,
        language=citizen.language if citizen else None,
    )
