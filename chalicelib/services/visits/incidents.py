"""Exposure incidents: declared by staff (admins, health officers), shown as progress and counts.

``declare`` checks the window (it ends after it starts, does not start in the future, is no longer
than the visit log is kept) and puts the ``ExposureIncident``; its INSERT on the incidents stream
starts the fan-out (``fanout.py``), whose messages the sender (``sender.py``) turns into notices.
``status`` goes declared -> matching -> queued -> done; the incident is done once every queued
message was sent or failed (``finish_if_done``, called by both the fan-out and the sender).

Example::

    declare(officer, {"building_id": "dimarxeio", "window_start": "2026-11-26T10:00:00+02:00",
                      "window_end": "2026-11-26T12:00:00+02:00", "message_el": "Πιθανή έκθεση."})

A view never holds a name, a number or an address: counts (matched, queued, sent, failed) are all
the incident page shows.

Limitation: the list shows the 50 newest incidents that have not expired; older ones are gone
with the visit log's TTL.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib import clock, ddb
from chalicelib.errors import Conflict, ValidationFailed
from chalicelib.models.visits import ExposureIncident, alive
from chalicelib.services.platform import audit
from chalicelib.services.visits.buildings import get_building
from chalicelib.services.visits.retention import load_alive, ttl_from
from chalicelib.settings import get_settings

INCIDENT_ID_RE = re.compile(r"^[0-9a-f]{32}$")
LIST_LIMIT = 50


def declare(staff: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Declare an exposure window at a building (``staff`` is the officer who declares it)."""
    building = get_building(body["building_id"])
    start = parse_time(body["window_start"])
    end = parse_time(body["window_end"])
    now = clock.utcnow()
    if end <= start:
        raise Conflict("The window must end after it starts.", code="window_invalid")
    if start > now:
        raise Conflict("The window cannot start in the future.", code="window_in_future")
    if end - start > timedelta(days=get_settings().visit_ttl_days):
        raise Conflict("The window is longer than the visit log is kept.", code="window_too_long")
    incident_id = uuid.uuid4().hex
    incident = ExposureIncident(
        incident_id,
        created_key=f"{clock.iso_micro(now)}#{incident_id}",
        building_id=building.building_id,
        window_start=start,
        window_end=min(end, now),  # visits yet to come cannot have overlapped
        message_el=body["message_el"].strip(),
        message_en=(body.get("message_en") or "").strip() or None,
        declared_by=staff.username,
        created_at=now,
        expires_at=ttl_from(now),
    )
    incident.save(condition=ExposureIncident.incident_id.does_not_exist())
    audit.note(
        staff,
        "exposure_incident",
        incident_id,
        action="declare_exposure",
        after={
            "building_id": building.building_id,
            "window_start": start.isoformat(),
            "window_end": end.isoformat(),
        },
    )
    return incident_view(incident)


def parse_time(value: str) -> datetime:
    """An RFC 3339 date-time (``t``/``z`` in any case, any number of fraction digits); one
    without an offset is read as Athens time."""
    text = value.strip().upper().replace("Z", "+00:00")
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise Conflict("The window's times cannot be read.", code="window_invalid") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=clock.TZ)
    return parsed


def incident_view(incident: ExposureIncident) -> dict[str, Any]:
    """Progress and counts only: never a name, number or address."""
    return {
        "incident_id": incident.incident_id,
        "building_id": incident.building_id,
        "window_start": incident.window_start.isoformat(),
        "window_end": incident.window_end.isoformat(),
        "message_el": incident.message_el,
        "message_en": incident.message_en,
        "status": incident.status,
        "counts": {
            "matched": int(incident.matched or 0),
            "queued": int(incident.queued or 0),
            "sent": int(incident.sent or 0),
            "failed": int(incident.failed or 0),
        },
        "declared_by": incident.declared_by,
        "created_at": incident.created_at.isoformat(),
        "finished_at": incident.finished_at.isoformat() if incident.finished_at else None,
    }


def get_incident(incident_id: str) -> ExposureIncident:
    """A live incident; 400 ``invalid_incident_id``, 404 ``unknown_incident``."""
    if not INCIDENT_ID_RE.match(incident_id or ""):
        raise ValidationFailed(
            "Not an incident id.", code="invalid_incident_id", details={"field": "incident_id"}
        )
    return load_alive(ExposureIncident, incident_id, code="unknown_incident", message="No such incident.")


def incident_detail(incident_id: str) -> dict[str, Any]:
    return incident_view(get_incident(incident_id))


def list_incidents(limit: int = LIST_LIMIT) -> list[dict[str, Any]]:
    now = clock.utcnow()
    found = ExposureIncident.by_kind.query("incident", scan_index_forward=False, limit=limit)
    return [incident_view(i) for i in found if alive(i, now)]


def finish_if_done(incident_id: str) -> None:
    """Move a ``queued`` incident to ``done`` once sent + failed covers every queued message (a
    conditional update: of two callers at once, one moves it)."""
    incident = ExposureIncident.get(incident_id, consistent_read=True)
    if incident.status == "queued" and (incident.sent or 0) + (incident.failed or 0) >= (
        incident.queued or 0
    ):
        try:
            incident.update(
                actions=[
                    ExposureIncident.status.set("done"),
                    ExposureIncident.finished_at.set(clock.utcnow()),
                ],
                condition=ExposureIncident.status == "queued",
            )
        except UpdateError as exc:
            if not ddb.condition_failed(exc):
                raise
