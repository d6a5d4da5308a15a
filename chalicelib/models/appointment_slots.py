"""Booked counts per slot (table ``appointment_slots``): hash ``service_id``, range ``start`` (the
slot's local Europe/Athens time, ``"2026-11-23T09:30"``, which sorts as text the way it sorts as
time). Availability is one Query (``service_id = X and start between from and to``).

Items are created lazily by the booking transaction (``booked`` ADD 1 on an item that may not
exist) on the condition ``booked < capacity``; cancellation releases with ADD -1 on ``booked > 0``.

``staffed``: the slot's capacity lowered by absences of the staff who serve the service, written on
every slot of a day by ``services/backoffice/staffed_capacity.py`` when that day's staff present change (removed when
everyone is back). The booking condition compares ``booked`` with it in the same item, so absences
cost booking no read and availability stays one Query.
"""

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.models.base import Model, meta


class Slot(Model):
    Meta = meta("appointment_slots")

    service_id = UnicodeAttribute(hash_key=True)
    start = UnicodeAttribute(range_key=True)
    booked = NumberAttribute(default=0)
    capacity = NumberAttribute(null=True)  # the service's capacity when last booked
    staffed = NumberAttribute(null=True)  # lower capacity for the staff present (absences)
