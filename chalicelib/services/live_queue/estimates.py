"""Estimated wait: people ahead times the mean service time, shared by the open counters.

The mean service time is learned from served tickets: each one adds its seconds to daily
aggregates (``ServiceTime``) of its service and of its line; the estimate takes the rolling mean
of the last ``ROLLING_DAYS`` days of the service, else of the line, else the configured
``queue_default_service_seconds``. The ticket page and the "you are K-th in line" SMS use it.

Example::

    wait = estimated_wait(ticket, ahead=4, now=now)
    wait.minutes, wait.open_counters            # (10, 2): 4 x 300 s over 2 counters

Limitation: a crash between the per-ticket marker and the aggregates' ADD loses that one sample
(never counts it twice); the mean does not weigh recent days more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import PutError

from chalicelib import ddb
from chalicelib.clock import local
from chalicelib.models.queue import SERVED, QueueTicket, ServiceTime
from chalicelib.services.live_queue.lines import counters_of_point, open_counters_for
from chalicelib.settings import get_settings

ROLLING_DAYS = 7
LONGEST_SERVICE_SECONDS = 4 * 3600  # longer is a counter left open, not a service


@dataclass(frozen=True)
class Wait:
    minutes: int
    open_counters: int


def service_keys(ticket: QueueTicket) -> list[str]:
    keys = [f"service#{ticket.service_id}"] if ticket.service_id else []
    return keys + [f"queue#{ticket.queue_id}"]


def mean_service_seconds(keys: list[str], now: datetime) -> float:
    """The rolling mean service time (last ``ROLLING_DAYS`` days) of the first key that has data,
    else the configured default. One BatchGetItem."""
    today = local(now).date()
    days = [(today - timedelta(days=i)).isoformat() for i in range(ROLLING_DAYS)]
    totals: dict[str, list[float]] = {k: [0, 0] for k in keys}
    for item in ServiceTime.batch_get([(k, d) for k in keys for d in days]):
        totals[item.service_key][0] += item.served or 0
        totals[item.service_key][1] += item.seconds or 0
    for key in keys:
        served, seconds = totals[key]
        if served:
            return seconds / served
    return float(get_settings().queue_default_service_seconds)


def estimate_minutes(ahead: int, mean_seconds: float, open_counters: int) -> int:
    """People ahead times the mean service time, shared by the open counters, in whole minutes."""
    if ahead <= 0:
        return 0
    return math.ceil(ahead * mean_seconds / max(open_counters, 1) / 60)


def estimated_wait(ticket: QueueTicket, ahead: int, now: datetime, open_counters: int | None = None) -> Wait:
    """The wait of ``ticket`` with ``ahead`` people before it. ``open_counters`` when the caller
    has counted them already (one Query of the point's counters otherwise)."""
    if open_counters is None:
        open_counters = open_counters_for(ticket.queue_id, counters_of_point(ticket.service_point_id))
    mean = mean_service_seconds(service_keys(ticket), now)
    return Wait(estimate_minutes(ahead, mean, open_counters), open_counters)


def learn_service_time(ticket: QueueTicket) -> bool:
    """Add a served ticket's service time to its services' daily aggregates, at most once: a marker
    item ``ticket#<id>`` is put with a condition first, then the aggregates get an atomic ADD.
    ``False`` when already learned or not usable. (The marker lives in the stream-less
    ``ServiceTime`` table, so learning adds no record to the tickets' stream.)"""
    started = ticket.service_started_at or ticket.called_at
    if ticket.status != SERVED or not started or not ticket.service_ended_at:
        return False
    seconds = (ticket.service_ended_at - started).total_seconds()
    if not 0 < seconds <= LONGEST_SERVICE_SECONDS:
        return False
    try:
        ServiceTime(f"ticket#{ticket.ticket_id}", ticket.day, served=1, seconds=round(seconds, 1)).save(
            condition=ServiceTime.service_key.does_not_exist()
        )
    except PutError as exc:
        if ddb.condition_failed(exc):
            return False
        raise
    for key in service_keys(ticket):
        ServiceTime(key, ticket.day).update(
            actions=[ServiceTime.served.add(1), ServiceTime.seconds.add(round(seconds, 1))]
        )
    return True
