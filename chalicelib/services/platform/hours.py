"""Weekly hours as the catalogue writes them, checked once for every place that keeps them (a
service's hours and periods, a service point's opening hours).

A week maps ISO weekday (``"1"`` Monday ... ``"7"`` Sunday) to open intervals of local wall-clock
time, in order, not overlapping: ``{"1": [["08:00", "11:00"], ["11:30", "14:30"]]}``. The schemas
check the shape (``HH:MM``, at most eight intervals a day); this module checks what a schema cannot
say, and answers 409 ``invalid_hours`` naming the field, so a request the document accepts is never
a 400 (``tests/fuzz``).

Example::

    check_week({"1": [["12:00", "09:00"]]}, "hours")   # Conflict: hours.1 closes before it opens

Limitation: ``24:00`` closes a day; no interval runs past midnight.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from chalicelib.errors import Conflict

END_OF_DAY = "24:00"


def parse_hhmm(value: str) -> time:
    """``"08:30"`` as a time; ``"24:00"`` as the last minute's end (23:59:59.999999)."""
    if value == END_OF_DAY:
        return time.max
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _bad(message: str, field: str) -> Conflict:
    return Conflict(message, code="invalid_hours", details={"field": field})


def check_intervals(intervals: list[list[str]], field: str) -> None:
    """Each interval opens before it closes, and follows the one before it."""
    previous = None
    for opens, closes in intervals:
        try:
            a, b = parse_hhmm(opens), parse_hhmm(closes)
        except ValueError:
            raise _bad(f"{field}: {opens}-{closes} is not a time of day.", field) from None
        if a >= b:
            raise _bad(f"{field}: {opens}-{closes} closes before it opens.", field)
        if previous is not None and a < previous:
            raise _bad(f"{field}: intervals overlap or are out of order.", field)
        previous = b


def check_week(hours: dict[str, Any] | None, field: str) -> None:
    """Every day of ``hours`` (``field`` names it in the error: ``hours.3``)."""
    for day, intervals in (hours or {}).items():
        check_intervals(intervals or [], f"{field}.{day}")
