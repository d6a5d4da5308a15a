"""Appointments: the service catalogue, opening hours, availability, booking, changes, staff views,
the documents a citizen takes away and the notices sent about them."""

from chalicelib.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "booking": (
            "MAX_RANGE_DAYS",
            "SERVICE_TTL_SECONDS",
            "STATUSES",
            "appointment_public",
            "appointment_staff",
            "availability",
            "book",
            "cancel_by_citizen",
            "cancel_by_staff",
            "catalogue",
            "complete",
            "department_names",
            "get_own",
            "get_service",
            "mine",
            "no_show",
            "reference_for",
            "reschedule",
            "service_public",
            "set_staffed_capacity",
            "staff_get",
            "staff_list",
            "staff_range",
            "staff_service",
            "staff_services",
            "update_service",
        ),
        "documents": ("day_list_html", "ics", "proof_html"),
        "notices": ("send_due_reminders",),
    },
)
