"""Appointments: the service catalogue, opening hours, availability, booking, changes, staff views,
the documents a citizen takes away and the notices sent about them."""
