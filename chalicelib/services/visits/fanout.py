"""Exposure fan-out: the visits that overlap an incident's window, one SQS message per visitor.

An incident is fanned out once it is approved (the second key, ``incidents.approve``), never on its
insert: the incidents stream's record of the change to ``approved`` runs ``on_incident_record`` ->
``fan_out``: Query the building's day partitions that the window touches (check-in before the
window's end is a key condition on the last day), keep the visits that overlap (``overlaps``), and
put one message per distinct visitor (the pass id, never a contact) on the fan-out queue, ten per
``SendMessageBatch``. ``fan_out`` works only on an incident that is approved or being matched
(``INCIDENT_FANNING``): a pending or rejected one is never sent, one already fanned out (queued,
done) is not fanned out again, and one whose fan-out was cut short is simply redone: the sender
de-duplicates.

Example::

    fan_out(incident_id)    # {"matched": 12, "queued": 12, "visits_read": 40}

Limitation: the recipients are gathered in memory before the first message goes (a set of pass
ids: some hundred thousand fit in a Lambda's memory); ``queued`` is raised every
``PROGRESS_EVERY`` messages so the incident page shows progress.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib import clock, ddb
from chalicelib.models.visits import APPROVED, INCIDENT_FANNING, ExposureIncident, Visit, alive
from chalicelib.services.visits.buildings import building_day
from chalicelib.services.visits.incidents import finish_if_done
from chalicelib.settings import get_settings

SQS_BATCH = 10
PROGRESS_EVERY = 500  # recipients between two progress updates of ``queued``
SQS_ATTEMPTS = 3


# -- the overlap rule ----------------------------------------------------------------------------
def visit_end(visit: Visit) -> datetime:
    """When a visit ended: its check-out, or its building's closing time while it is open."""
    return visit.check_out or visit.closes_at


def overlaps(check_in: datetime, end: datetime, window_start: datetime, window_end: datetime) -> bool:
    """A visit overlaps the window when it began before the window ended and ended after the window
    began (both strict: a visit that ended exactly when the window began did not overlap)."""
    return check_in < window_end and end > window_start


def window_days(window_start: datetime, window_end: datetime) -> list[str]:
    """The local days whose partitions can hold overlapping visits. A visit ends by the end of its
    check-in day (``buildings.closes_at_for``), so no earlier day is needed."""
    first = clock.local(window_start).date()
    last = clock.local(window_end).date()
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def overlapping_visits(
    building_id: str, window_start: datetime, window_end: datetime, stats: dict[str, int] | None = None
) -> Iterator[Visit]:
    """Visits at ``building_id`` that overlap the window (Queries of its day partitions only)."""
    stats = stats if stats is not None else {}
    now = clock.utcnow()
    days = window_days(window_start, window_end)
    for day in days:
        hash_key = building_day(building_id, day)
        condition = Visit.visit_key < clock.iso_micro(window_end) if day == days[-1] else None
        for visit in Visit.query(hash_key, condition):
            stats["visits_read"] = stats.get("visits_read", 0) + 1
            if alive(visit, now) and overlaps(visit.check_in, visit_end(visit), window_start, window_end):
                yield visit


# -- the fan-out (incidents stream) --------------------------------------------------------------
def _status(record: dict[str, Any], image: str) -> str | None:
    return ((record.get("dynamodb") or {}).get(image) or {}).get("status", {}).get("S")


def on_incident_record(record: dict[str, Any]) -> None:
    """Stream consumer of the incidents table: an incident that has just been approved is fanned
    out (a declaration, a refusal and the fan-out's own progress are not)."""
    if _status(record, "NewImage") != APPROVED or _status(record, "OldImage") == APPROVED:
        return
    fan_out(record["dynamodb"]["Keys"]["incident_id"]["S"])


def fan_out(incident_id: str, queue_url: str | None = None) -> dict[str, int]:
    """Put one message per overlapping visitor on the fan-out queue, for an approved incident; safe
    to run again."""
    try:
        incident = ExposureIncident.get(incident_id, consistent_read=True)
    except ExposureIncident.DoesNotExist:
        return {"queued": 0}
    if not alive(incident) or incident.status not in INCIDENT_FANNING:
        return {"queued": 0}
    try:
        incident.update(
            actions=[ExposureIncident.status.set("matching")],
            condition=ExposureIncident.status.is_in(*INCIDENT_FANNING),
        )
    except UpdateError as exc:
        if ddb.condition_failed(exc):
            return {"queued": 0}  # fanned out meanwhile by a replay of the same record
        raise
    stats: dict[str, int] = {}
    recipients: dict[str, None] = {}
    for visit in overlapping_visits(incident.building_id, incident.window_start, incident.window_end, stats):
        recipients.setdefault(visit.pass_id)
    matched = len(recipients)
    incident.update(
        actions=[
            ExposureIncident.matched.set(matched),
            ExposureIncident.visits_read.set(stats.get("visits_read", 0)),
        ]
    )
    url = queue_url or get_settings().fanout_queue_url
    pass_ids = list(recipients)
    for offset in range(0, matched, SQS_BATCH):
        _send_batch(url, incident_id, pass_ids[offset : offset + SQS_BATCH])
        done = min(offset + SQS_BATCH, matched)
        if done % PROGRESS_EVERY == 0 and done < matched:
            _raise_queued(incident, done)
    incident.update(
        actions=[ExposureIncident.queued.set(matched), ExposureIncident.status.set("queued")],
        condition=ExposureIncident.status == "matching",
    )
    finish_if_done(incident_id)
    return {"matched": matched, "queued": matched, "visits_read": stats.get("visits_read", 0)}


def _raise_queued(incident: ExposureIncident, count: int) -> None:
    try:
        incident.update(
            actions=[ExposureIncident.queued.set(count)], condition=ExposureIncident.queued < count
        )
    except UpdateError as exc:
        if not ddb.condition_failed(exc):
            raise


def _send_batch(url: str, incident_id: str, pass_ids: list[str]) -> None:
    from chalicelib.aws import client

    entries = [
        {"Id": str(i), "MessageBody": json.dumps({"incident_id": incident_id, "pass_id": p})}
        for i, p in enumerate(pass_ids)
    ]
    for _ in range(SQS_ATTEMPTS):
        result = client("sqs").send_message_batch(QueueUrl=url, Entries=entries)
        failed = {f["Id"] for f in result.get("Failed", [])}
        if not failed:
            return
        entries = [e for e in entries if e["Id"] in failed]
    raise RuntimeError(f"SQS refused {len(entries)} fan-out messages")  # the stream retries
