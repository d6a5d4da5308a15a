"""Appointments: the service catalogue, opening hours, availability, booking, changes, staff views,
the documents a citizen takes away and the notices sent about them.

| module | what |
| --- | --- |
| ``catalogue`` | services as read: the per-container cache, the citizens' catalogue with points, staff lists |
| ``service_edits`` | create and edit a service (names, documents, point, hours, periods, limits), deactivate |
| ``opening_hours`` | a service's slots per day (hours, periods, breaks, holidays, exceptions, DST) |
| ``slots`` | availability: bookable slots and the places left |
| ``ledger`` | the items a booking writes in its transaction, and the 409 a failed one answers |
| ``booking`` | book; the citizen's own appointments |
| ``changes`` | cancel and reschedule |
| ``staff`` | calendar, day list, complete, no-show, cancel with a reason |
| ``documents`` | proof (HTML + QR), ``.ics``, the day list to print |
| ``notices`` | confirmation, change and reminder messages |
| ``citizen_records`` | a citizen's appointments for their export; anonymised when they close their account |

Callers outside the package use these exports (``appointments.book(...)``). The service cache's
lifetime is ``catalogue.SERVICE_TTL_SECONDS``, read on each call: set it on that module (the
package does not export it, so setting it there cannot miss).
"""

from chalicelib.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "catalogue": (
            "bookable_services",
            "catalogue_view",
            "department_names",
            "find_service",
            "forget_services",
            "get_service",
            "point_of",
            "service_public",
            "service_view",
            "services_public",
            "staff_service",
            "staff_services",
        ),
        "service_edits": ("create_service", "update_service"),
        "slots": ("MAX_RANGE_DAYS", "availability"),
        "ledger": ("reference_for", "set_staffed_capacity"),
        "booking": ("appointment_public", "book", "get_own", "mine"),
        "changes": ("cancel_by_citizen", "reschedule"),
        "staff": (
            "appointment_staff",
            "cancel_by_staff",
            "complete",
            "no_show",
            "staff_calendar",
            "staff_day_list",
            "staff_get",
            "staff_list",
            "staff_range",
            "staff_read",
        ),
        "documents": ("day_list_html", "ics", "language_of", "own_calendar", "own_proof", "proof_html"),
        "notices": ("send_due_reminders",),
        "citizen_records": ("citizen_appointments", "forget_citizen_appointments"),
    },
)
