"""Per citizen: the appointments they hold (table ``appointment_citizen_bookings``).

Hash ``taxid``; ``upcoming`` is the set of the citizen's active appointment ids. The booking
transaction ADDs the new id on the condition ``size(upcoming) < max_upcoming_appointments``;
cancelling, completing or marking a no-show DELETEs it. An id whose appointment has started is
stale: it is pruned (after reading the appointments) only when a booking hits the limit, so the set
never holds more than the limit.
"""

from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute

from chalicelib.models.base import Model, meta


class CitizenBookings(Model):
    Meta = meta("appointment_citizen_bookings")

    taxid = UnicodeAttribute(hash_key=True)
    upcoming = UnicodeSetAttribute(null=True)
