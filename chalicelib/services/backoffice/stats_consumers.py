"""Stream consumers that keep the statistics aggregates (``services/backoffice/stats.py``) up to date.

Each item's *contributions* are computed from its image (e.g. an appointment counts one ``booked``
on its day and service, one ``completed`` once it is completed, its lead time...). A record adds
``contributions(new) - contributions(old)``, so a reschedule moves the appointment from one day to
another, a re-opened request goes back into the backlog, and nothing needs a special case. The
difference is applied with ``stats.apply_once`` keyed on the record's ``eventID``: a record
delivered twice is counted once.

Metrics (all per department and per day; ``dimension`` in brackets):

- appointments (day of the appointment): ``appt.booked`` / ``appt.completed`` / ``appt.cancelled``
  / ``appt.no_show`` [all, service=<id>], ``appt.lead`` (count, total seconds from booking to slot)
  [all, service=<id>];
- requests (day of submission): ``req.submitted`` [all, type=<code>], ``req.open`` [due=<day>]
  (the open backlog by submission and due day), ``req.resolved`` [all, late],
  ``req.resolution`` / ``req.first_response`` [all (total seconds), m=<minutes> (histogram for
  medians)]; a request is closed once resolved, rejected or closed (at ``resolved_at``, else at
  its last update);
- queue tickets (day of the ticket): ``queue.tickets`` / ``queue.no_show`` [all, service=<id>],
  ``queue.wait`` / ``queue.service`` (count, total seconds) [all, service=, counter=, staff=];
- visits (day of the visit): ``visit.count`` [all, building=<id>].

Example::

    on_appointment_record(record)   # [Increment("appt.booked", "kep", "2026-11-24", "all", 1, 0), ...]

Limitation: an item removed from its table (TTL, tidying) counts on: a REMOVE record changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chalicelib.models.appointments import CANCELLED
from chalicelib.models.requests import CLOSED as CLOSED_REQUEST
from chalicelib.services.backoffice import stats
from chalicelib.services.backoffice.stats import Increment, day_of, image, when

Contrib = dict[tuple[str, str | None, str, str], list[float]]

APPOINTMENT_OUTCOMES = {"completed": "appt.completed", "no_show": "appt.no_show"}


def _add(
    out: Contrib, metric: str, dept: str | None, day: str | None, dims: list[str], total: float = 0
) -> None:
    if not day:
        return
    for dim in dims:
        cell = out.setdefault((metric, dept, day, dim), [0, 0])
        cell[0] += 1
        cell[1] += total


def _diff(new: Contrib, old: Contrib) -> list[Increment]:
    keys = set(new) | set(old)
    out = []
    for key in sorted(keys, key=str):
        n, o = new.get(key, [0, 0]), old.get(key, [0, 0])
        count, total = n[0] - o[0], n[1] - o[1]
        if count or total:
            metric, dept, day, dim = key
            out.append(Increment(metric, dept, day, dim, int(count), total))
    return out


def _seconds(later: Any, earlier: Any) -> float | None:
    a, b = when(later), when(earlier)
    if a is None or b is None:
        return None
    return max(0.0, (a - b).total_seconds())


def _apply(record: dict[str, Any], contributions, transitions=None) -> list[Increment]:
    if record.get("eventName") == "REMOVE":
        return []  # an item that expires (TTL) or is tidied away still happened
    new, old = image(record, "NewImage"), image(record, "OldImage")
    increments = _diff(contributions(new) if new else {}, contributions(old) if old else {})
    if transitions:
        increments += transitions(new, old)
    if increments:
        stats.apply_once(record["eventID"], increments)
    return increments


def request_transitions(new: dict | None, old: dict | None) -> list[Increment]:
    """What is not a state of the request: its first response (the first status after submitted)."""
    if not new:
        return []
    before = (old or {}).get("status") or "submitted"
    if before == "submitted" and new.get("status") not in (None, "submitted"):
        seconds = _seconds(new.get("updated_at"), new.get("created_at"))
        if seconds is None:
            return []
        out: Contrib = {}
        dept, day = new.get("department_id"), day_of(new.get("created_at"))
        _add(out, "req.first_response", dept, day, ["all"], seconds)
        _add(out, "req.first_response", dept, day, [f"m={int(seconds // 60)}"])
        return _diff(out, {})
    return []


# -- appointments -------------------------------------------------------------------------------------
def appointment_contributions(item: dict[str, Any]) -> Contrib:
    out: Contrib = {}
    dept = item.get("department_id")
    day = str(item.get("start") or "")[:10] or day_of(item.get("slot_start"))
    dims = ["all", f"service={item.get('service_id')}"]
    _add(out, "appt.booked", dept, day, dims)
    lead = _seconds(item.get("slot_start"), item.get("created_at"))
    if lead is not None:
        _add(out, "appt.lead", dept, day, dims, lead)
    status = item.get("status")
    if status in APPOINTMENT_OUTCOMES:
        _add(out, APPOINTMENT_OUTCOMES[status], dept, day, dims)
    elif status in CANCELLED:
        _add(out, "appt.cancelled", dept, day, dims)
    return out


def on_appointment_record(record: dict[str, Any]) -> list[Increment]:
    return _apply(record, appointment_contributions)


# -- requests ----------------------------------------------------------------------------------------
def request_contributions(item: dict[str, Any]) -> Contrib:
    out: Contrib = {}
    dept = item.get("department_id")
    day = day_of(item.get("created_at"))
    _add(out, "req.submitted", dept, day, ["all", f"type={item.get('type_code')}"])
    closed = item.get("status") in CLOSED_REQUEST
    resolved = (item.get("resolved_at") or item.get("updated_at")) if closed else None
    if resolved:
        seconds = _seconds(resolved, item.get("created_at")) or 0.0
        late = item.get("due_at") and when(resolved) > when(item.get("due_at"))
        _add(out, "req.resolved", dept, day, ["all"] + (["late"] if late else []))
        _add(out, "req.resolution", dept, day, ["all"], seconds)
        _add(out, "req.resolution", dept, day, [f"m={int(seconds // 60)}"])
    else:
        _add(out, "req.open", dept, day, [f"due={day_of(item.get('due_at')) or '-'}"])
    return out


def on_request_record(record: dict[str, Any]) -> list[Increment]:
    return _apply(record, request_contributions, request_transitions)


# -- queue tickets -----------------------------------------------------------------------------------
def ticket_contributions(item: dict[str, Any]) -> Contrib:
    out: Contrib = {}
    dept, day = item.get("department_id"), item.get("day")
    service = f"service={item.get('service_id') or item.get('queue_id')}"
    _add(out, "queue.tickets", dept, day, ["all", service])
    if item.get("status") == "no_show":
        _add(out, "queue.no_show", dept, day, ["all", service])
    dims = [
        "all",
        service,
        f"counter={item.get('counter_label') or '-'}",
        f"staff={item.get('called_by') or '-'}",
    ]
    wait = _seconds(item.get("first_called_at"), item.get("issued_at"))
    if wait is not None:
        _add(out, "queue.wait", dept, day, dims, wait)
    if item.get("status") == "served":
        served = _seconds(
            item.get("service_ended_at"), item.get("service_started_at") or item.get("called_at")
        )
        if served is not None:
            staff = item.get("finished_by") or item.get("called_by") or "-"
            _add(out, "queue.service", dept, day, dims[:3] + [f"staff={staff}"], served)
    return out


def on_ticket_record(record: dict[str, Any]) -> list[Increment]:
    return _apply(record, ticket_contributions)


# -- visits ------------------------------------------------------------------------------------------
def visit_contributions(item: dict[str, Any]) -> Contrib:
    out: Contrib = {}
    building_day = str(item.get("building_day") or "")
    day = item.get("day") or building_day.rpartition("#")[2] or day_of(item.get("check_in"))
    _add(out, "visit.count", item.get("department_id"), day, ["all", f"building={item.get('building_id')}"])
    return out


def on_visit_record(record: dict[str, Any]) -> list[Increment]:
    return _apply(record, visit_contributions)


def summarise(increments: list[Increment]) -> dict[str, float]:
    """Increments per metric (debugging and tests)."""
    out: dict[str, float] = defaultdict(float)
    for inc in increments:
        out[inc.metric] += inc.count
    return dict(out)
