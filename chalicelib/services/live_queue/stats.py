"""Statistics of the live queue: waiting and service time per service, counter, staff member and
hour, and no-shows, for a department and a period of days.

Read with one Query per day on ``QueueTicket.by_department_day`` (never a scan) and aggregated
here. Waiting time is from issue (or check-in) to the first call; service time from the start of
service (or the call) to its end; the hour is the local hour of issue.

Example::

    statistics(staff, "kep", "2026-11-01", "2026-11-30")["by_hour"]   # [{"key": "09", ...}, ...]
    statistics(staff)                      # the staff member's department, today

Limitation: at most ``MAX_DAYS`` days per request (409 ``period_too_long``); the back office's
dashboards (``backoffice``) read pre-aggregated figures instead, for longer periods.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from chalicelib.access import ensure_department
from chalicelib.clock import local, today
from chalicelib.errors import Conflict, ValidationFailed
from chalicelib.models.queue import NO_SHOW, SERVED, QueueTicket

MAX_DAYS = 31


class _Bucket:
    def __init__(self) -> None:
        self.tickets = 0
        self.called = 0
        self.served = 0
        self.no_shows = 0
        self.waiting: list[float] = []
        self.service: list[float] = []

    def add(self, ticket: QueueTicket) -> None:
        self.tickets += 1
        if ticket.first_called_at:
            self.called += 1
            self.waiting.append((ticket.first_called_at - ticket.issued_at).total_seconds())
        if ticket.status == SERVED:
            self.served += 1
            start = ticket.service_started_at or ticket.called_at
            if start and ticket.service_ended_at:
                self.service.append((ticket.service_ended_at - start).total_seconds())
        elif ticket.status == NO_SHOW:
            self.no_shows += 1

    def report(self) -> dict[str, Any]:
        def avg(values: list[float]) -> float | None:
            return round(sum(values) / len(values), 1) if values else None

        return {
            "tickets": self.tickets,
            "called": self.called,
            "served": self.served,
            "no_shows": self.no_shows,
            "avg_wait_seconds": avg(self.waiting),
            "max_wait_seconds": round(max(self.waiting), 1) if self.waiting else None,
            "avg_service_seconds": avg(self.service),
        }


def _days(date_from: str, date_to: str) -> list[str]:
    try:
        start, end = date.fromisoformat(date_from), date.fromisoformat(date_to)
    except ValueError:
        raise ValidationFailed("Dates are YYYY-MM-DD.", code="invalid_date") from None
    if end < start:
        raise Conflict("'to' is before 'from'.", code="invalid_period")
    count = (end - start).days + 1
    if count > MAX_DAYS:
        raise Conflict(f"At most {MAX_DAYS} days at a time.", code="period_too_long")
    return [(start + timedelta(days=i)).isoformat() for i in range(count)]


def tickets_of(department_id: str, days: list[str]) -> list[QueueTicket]:
    out: list[QueueTicket] = []
    for day in days:
        out.extend(QueueTicket.by_department_day.query(f"{department_id}#{day}"))
    return out


def statistics(
    staff: Any, department_id: str | None = None, date_from: str | None = None, date_to: str | None = None
) -> dict[str, Any]:
    """The report of ``department_id`` (default: the staff member's) from ``date_from`` (default:
    today) to ``date_to`` (default: ``date_from``), both included."""
    department_id = department_id or staff.department_id or ""
    ensure_department(staff, department_id)
    date_from = date_from or today().isoformat()
    days = _days(date_from, date_to or date_from)
    total = _Bucket()
    groups: dict[str, dict[str, _Bucket]] = {
        name: defaultdict(_Bucket) for name in ("service", "queue", "counter", "staff", "hour")
    }
    for ticket in tickets_of(department_id, days):
        total.add(ticket)
        groups["service"][ticket.service_id or ticket.queue_id].add(ticket)
        groups["queue"][ticket.queue_id].add(ticket)
        groups["hour"][f"{local(ticket.issued_at).hour:02d}"].add(ticket)
        if ticket.counter_id:
            groups["counter"][ticket.counter_id].add(ticket)
        who = ticket.finished_by or ticket.called_by
        if who:
            groups["staff"][who].add(ticket)
    return {
        "department_id": department_id,
        "from": days[0],
        "to": days[-1],
        "total": total.report(),
        **{
            f"by_{name}": [{"key": key, **bucket.report()} for key, bucket in sorted(buckets.items())]
            for name, buckets in groups.items()
        },
    }
