"""Statistics dashboards, read from the aggregates only (``services/backoffice/stats.py``), never raw tables.

``dashboard(staff, name, department_id, date_from, date_to)`` -> figures for ``appointments``,
``requests``, ``queues`` or ``visits``; ``export_dashboard_csv`` gives the same figures as CSV rows
(``section, key, measure, value``), UTF-8 with BOM. Admins choose a department or ``*`` (all);
managers get their own department.

Medians come from minute histograms (``m=<minutes>`` dimensions), so they are exact to the minute.
The open backlog is the current one (counters by submission day), whatever the period.

Example::

    dashboard(manager, "queues", None, "2026-11-01", "2026-11-30")
    # {"dashboard": "queues", "department_id": "kep", "totals": {...}, "by_day": [...], ...}

Limitation: at most ``DASHBOARD_MAX_DAYS`` days per request; the backlog looks back ``BACKLOG_DAYS`` days.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from chalicelib import clock
from chalicelib.errors import NotFound
from chalicelib.schemas.backoffice import DASHBOARD_MAX_DAYS
from chalicelib.services.backoffice import stats
from chalicelib.services.backoffice.org_chart import departments
from chalicelib.services.backoffice.reports import department_scope, period
from chalicelib.services.backoffice.stats import ALL
from chalicelib.services.platform.exports import to_csv

DEFAULT_DAYS = 30
BACKLOG_DAYS = 730
BACKLOG_BUCKETS = ((0, 7, "0-7"), (8, 30, "8-30"), (31, 90, "31-90"), (91, 10**6, "91+"))
NAMES = ("appointments", "requests", "queues", "visits")


def _by(rows, prefix: str) -> dict[str, list[float]]:
    """Sum rows whose dimension starts with ``prefix=`` by the value after it."""
    out: dict[str, list[float]] = defaultdict(lambda: [0, 0])
    for _day, dim, count, total in rows:
        if dim.startswith(prefix + "="):
            cell = out[dim.split("=", 1)[1]]
            cell[0] += count
            cell[1] += total
    return out


def _by_day(rows, dim: str = "all") -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for day, d, count, _ in rows:
        if d == dim:
            out[day] += count
    return out


def _sum(rows, dim: str = "all") -> tuple[int, float]:
    count = sum(r[2] for r in rows if r[1] == dim)
    total = sum(r[3] for r in rows if r[1] == dim)
    return count, total


def _avg(count: float, total: float, unit: float = 1) -> float | None:
    return round(total / count / unit, 2) if count else None


def median_from_histogram(rows) -> float | None:
    """The median of ``m=<minutes>`` counters (the mean of the two middle values when even)."""
    hist = sorted((int(k), v[0]) for k, v in _by(rows, "m").items() if v[0] > 0)
    n = sum(c for _, c in hist)
    if not n:
        return None

    def nth(i: int) -> int:  # 0-based
        seen = 0
        for value, count in hist:
            seen += count
            if i < seen:
                return value
        return hist[-1][0]

    return float(nth((n - 1) // 2) + nth(n // 2)) / 2


def _days_of(date_from: str | None, date_to: str | None) -> tuple[str, str, list[str]]:
    days = period(
        date_from, date_to, today=clock.today(), default_days=DEFAULT_DAYS, max_days=DASHBOARD_MAX_DAYS
    )
    return days[0], days[-1], days


def appointments(dept: str, date_from: str | None, date_to: str | None) -> dict[str, Any]:
    low, high, days = _days_of(date_from, date_to)
    data = {
        m: stats.read(f"appt.{m}", dept, low, high)
        for m in ("booked", "completed", "cancelled", "no_show", "lead")
    }
    measures = ("booked", "completed", "cancelled", "no_show")
    per_day = {m: _by_day(data[m]) for m in measures}
    per_service = {m: _by(data[m], "service") for m in measures}
    services = sorted(set().union(*[set(v) for v in per_service.values()]))
    lead_count, lead_total = _sum(data["lead"])
    lead_by_service = _by(data["lead"], "service")
    return {
        "totals": {m: _sum(data[m])[0] for m in measures},
        "avg_lead_days": _avg(lead_count, lead_total, 86400),
        "by_day": [{"day": d, **{m: per_day[m].get(d, 0) for m in measures}} for d in days],
        "by_service": [
            {
                "service_id": s,
                **{m: int(per_service[m].get(s, [0])[0]) for m in measures},
                "avg_lead_days": _avg(*lead_by_service.get(s, [0, 0]), 86400),
            }
            for s in services
        ],
    }


def requests(
    dept: str, date_from: str | None, date_to: str | None, today: date | None = None
) -> dict[str, Any]:
    low, high, days = _days_of(date_from, date_to)
    submitted = stats.read("req.submitted", dept, low, high)
    resolved = stats.read("req.resolved", dept, low, high)
    resolution = stats.read("req.resolution", dept, low, high)
    first = stats.read("req.first_response", dept, low, high)
    open_rows = stats.read("req.open", dept, low, high)
    today = today or clock.today()
    count = _sum(submitted)[0]
    late = _sum(resolved, "late")[0]
    open_overdue = sum(
        c for _, dim, c, _ in open_rows if dim.startswith("due=") and dim[4:] < today.isoformat()
    )
    backlog_rows = stats.read(
        "req.open", dept, (today - timedelta(days=BACKLOG_DAYS)).isoformat(), today.isoformat()
    )
    backlog = {label: 0 for _, _, label in BACKLOG_BUCKETS}
    for day, _dim, c, _ in backlog_rows:
        age = (today - date.fromisoformat(day)).days
        for lo, hi, label in BACKLOG_BUCKETS:
            if lo <= age <= hi:
                backlog[label] += c
    by_type = _by(submitted, "type")
    out = {
        "totals": {"submitted": count, "resolved": _sum(resolved)[0], "open": sum(r[2] for r in open_rows)},
        "median_first_response_minutes": median_from_histogram(first),
        "median_resolution_minutes": median_from_histogram(resolution),
        "overdue_share": round((late + open_overdue) / count, 4) if count else None,
        "backlog_by_age": [{"age_days": k, "open": v} for k, v in backlog.items()],
        "by_day": [{"day": d, "submitted": _by_day(submitted).get(d, 0)} for d in days],
        "by_type": [{"type": t, "submitted": int(v[0])} for t, v in sorted(by_type.items())],
    }
    if dept == ALL:
        out["by_department"] = _per_department("req.submitted", low, high)
    return out


def _per_department(metric: str, low: str, high: str) -> list[dict[str, Any]]:
    rows = []
    for dep in departments():
        n = _sum(stats.read(metric, dep["department_id"], low, high))[0]
        if n:
            rows.append({"department_id": dep["department_id"], "count": n})
    return rows


def queues(dept: str, date_from: str | None, date_to: str | None) -> dict[str, Any]:
    low, high, days = _days_of(date_from, date_to)
    tickets = stats.read("queue.tickets", dept, low, high)
    no_show = stats.read("queue.no_show", dept, low, high)
    wait = stats.read("queue.wait", dept, low, high)
    service = stats.read("queue.service", dept, low, high)

    def table(prefix: str) -> list[dict[str, Any]]:
        w, s = _by(wait, prefix), _by(service, prefix)
        t, n = _by(tickets, prefix), _by(no_show, prefix)
        keys = sorted(set(w) | set(s) | set(t))
        return [
            {
                prefix: k,
                "tickets": int(t.get(k, [0])[0]),
                "no_shows": int(n.get(k, [0])[0]),
                "called": int(w.get(k, [0])[0]),
                "avg_wait_seconds": _avg(*w.get(k, [0, 0])),
                "served": int(s.get(k, [0])[0]),
                "avg_service_seconds": _avg(*s.get(k, [0, 0])),
            }
            for k in keys
        ]

    return {
        "totals": {
            "tickets": _sum(tickets)[0],
            "no_shows": _sum(no_show)[0],
            "avg_wait_seconds": _avg(*_sum(wait)),
            "avg_service_seconds": _avg(*_sum(service)),
        },
        "by_day": [{"day": d, "tickets": _by_day(tickets).get(d, 0)} for d in days],
        "by_service": table("service"),
        "by_counter": table("counter"),
        "by_staff": table("staff"),
    }


def visits(dept: str, date_from: str | None, date_to: str | None) -> dict[str, Any]:
    low, high, days = _days_of(date_from, date_to)
    rows = stats.read("visit.count", dept, low, high)
    by_building_day: dict[tuple[str, str], int] = defaultdict(int)
    for day, dim, count, _ in rows:
        if dim.startswith("building="):
            by_building_day[(dim[9:], day)] += count
    return {
        "totals": {"visits": _sum(rows)[0]},
        "by_day": [{"day": d, "visits": _by_day(rows).get(d, 0)} for d in days],
        "by_building": [
            {"building_id": b, "visits": int(v[0])} for b, v in sorted(_by(rows, "building").items())
        ],
        "by_building_day": [
            {"building_id": b, "day": d, "visits": n} for (b, d), n in sorted(by_building_day.items())
        ],
    }


DASHBOARDS = {"appointments": appointments, "requests": requests, "queues": queues, "visits": visits}


def dashboard(
    staff: Any, name: str, department_id: str | None, date_from: str | None, date_to: str | None
) -> dict[str, Any]:
    func = DASHBOARDS.get(name)
    if func is None:
        raise NotFound(f"No dashboard {name!r}.", code="unknown_dashboard")
    dept = department_scope(staff, department_id, admin_default=ALL)
    return {"dashboard": name, "department_id": dept, **func(dept, date_from, date_to)}


def csv_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Figures flattened to (section, key, measure, value) rows."""
    rows: list[dict[str, Any]] = []
    for section, value in figures.items():
        if section in ("dashboard", "department_id"):
            continue
        if isinstance(value, dict):
            for measure, v in value.items():
                rows.append({"section": section, "key": "", "measure": measure, "value": v})
        elif isinstance(value, list):
            for item in value:
                keys = [k for k in item if isinstance(item[k], str)]
                label = " ".join(f"{k}={item[k]}" for k in keys)
                for measure, v in item.items():
                    if measure not in keys:
                        rows.append({"section": section, "key": label, "measure": measure, "value": v})
        else:
            rows.append({"section": section, "key": "", "measure": section, "value": value})
    return rows


def export_dashboard_csv(
    staff: Any, name: str, department_id: str | None, date_from: str | None, date_to: str | None
) -> str:
    figures = dashboard(staff, name, department_id, date_from, date_to)
    rows = [{"dashboard": name, "department_id": figures["department_id"], **r} for r in csv_rows(figures)]
    return to_csv(rows, ("dashboard", "department_id", "section", "key", "measure", "value"))
