"""The live queue: tickets, the order rule, estimates, counters, the board, appointment check-in,
the notices to those next in line, statistics."""

from chalicelib.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "checkin": ("check_in",),
        "stats": ("MAX_DAYS", "statistics"),
        "tickets": (
            "board",
            "call_next",
            "close_counter",
            "finish",
            "issue_walk_in",
            "open_counter",
            "point_view",
            "public_counter",
            "public_ticket",
            "recall",
            "service_points_for",
            "staff_point",
            "staff_ticket",
            "start_service",
            "ticket_view",
            "today",
            "transfer",
        ),
    },
)
