"""The live queue: tickets, the order rule, estimates, counters and their calls, the board,
appointment check-in, the notices to those next in line, statistics.

A module's name is never one of the names exported here (``points`` holds ``board``): importing a
module sets it as an attribute of the package, which would hide the export of the same name.

| module | what |
| --- | --- |
| ``lines`` | the lines (``Queue`` items) of a service point and its counters, read by key; the catalogue's create, edit, deactivate |
| ``tickets`` | walk-in and appointment tickets, numbering, the ticket views |
| ``order`` | the order rule (appointments within their slot first, walk-ins fill the gaps) |
| ``counts`` | each line's day counts (waiting, walk-ins), kept with the tickets' own writes |
| ``estimates`` | people ahead times the learned mean service time, over the open counters |
| ``counters`` | open and close a counter; who may operate it (whoever opened it, a manager) |
| ``calls`` | call next, recall, start, served, no-show, transfer |
| ``points`` | views of a service point: the kiosk's lines, the display board, the staff page |
| ``appointments``, ``checkin`` | an appointment holder's check-in by reference |
| ``events`` | the tickets' stream consumer: "you are next" SMS, learning service times |
| ``erasure`` | a ticket's mobile erased at the end of its day (schedule); a citizen's tickets |
| ``stats`` | waiting and service times per service, counter, staff member and hour |
"""

from chalicelib.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "calls": ("call_next", "finish", "recall", "start_service", "transfer"),
        "checkin": ("check_in",),
        "counters": ("close_counter", "open_counter", "public_counter"),
        "erasure": ("erase_day_mobiles", "erase_ticket_mobiles", "tickets_of_appointments"),
        "lines": ("admin_line", "create_line", "staff_lines", "update_line"),
        "points": ("board", "point_view", "service_points_for", "staff_point"),
        "stats": ("MAX_DAYS", "statistics"),
        "tickets": ("issue_walk_in", "public_ticket", "staff_ticket", "ticket_view"),
    },
)
