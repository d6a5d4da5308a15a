"""Exposure incidents under two keys: declared by one officer (a health officer or an admin),
sent only after a second one approves it; shown as progress and counts.

``declare`` checks the window (it ends after it starts, does not start in the future, is no longer
than the visit log is kept) and puts the ``ExposureIncident`` as ``pending``: nothing is sent yet.
At most one live incident per building and overlapping window: the building's ``ExposureWindows``
item lists the windows of its pending and approved incidents; ``declare`` reads it, refuses an
overlap (409 ``incident_overlaps``), and writes the incident and the item back in one transaction on
the condition that the item's ``version`` is still the one read (two officers declaring at once:
one wins, the other reads again and meets the first's window).

``approve`` (another health officer, or an admin: never the declarer, 403 ``second_key_required``)
moves ``pending`` to ``approved`` with a conditional update; the stream record of that change
starts the fan-out (``fanout.py``), whose messages the sender (``sender.py``) turns into notices.
``reject`` (any of them, the declarer too: a withdrawal) moves ``pending`` to ``rejected`` and
frees its window. Both are in the audit log (who, before, after, the reason of a refusal).
``status`` then goes approved -> matching -> queued -> done; the incident is done once every queued
message was sent or failed (``finish_if_done``, called by both the fan-out and the sender).

Example::

    incident = declare(officer, {"building_id": "dimarxeio", "window_start": "2026-11-26T10:00:00+02:00",
                                 "window_end": "2026-11-26T12:00:00+02:00", "message_el": "Πιθανή έκθεση."})
    approve(second_officer, incident["incident_id"])       # now the visitors are told

A view never holds a name, a number or an address: counts (matched, queued, sent, failed) are all
the incident page shows.

Limitation: the list shows the 50 newest incidents that have not expired; older ones are gone
with the visit log's TTL. A pending incident that nobody decides expires with them, unsent.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib import clock, ddb
from chalicelib.errors import Conflict, Forbidden, ValidationFailed
from chalicelib.models.visits import APPROVED, PENDING, REJECTED, ExposureIncident, ExposureWindows, alive
from chalicelib.services.platform import audit
from chalicelib.services.visits.buildings import get_building
from chalicelib.services.visits.retention import load_alive, ttl_from
from chalicelib.settings import get_settings

INCIDENT_ID_RE = re.compile(r"^[0-9a-f]{32}$")
LIST_LIMIT = 50
WINDOW_ATTEMPTS = 5


def declare(staff: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Declare an exposure window at a building (``staff`` is the officer who declares it); it
    waits for a second officer's approval."""
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
        status=PENDING,
        created_at=now,
        expires_at=ttl_from(now),
    )
    _put_with_its_window(incident, now)
    audit.note(
        staff,
        "exposure_incident",
        incident_id,
        action="declare_exposure",
        after={
            "building_id": building.building_id,
            "window_start": start.isoformat(),
            "window_end": end.isoformat(),
            "status": PENDING,
        },
    )
    return incident_view(incident)


def _window(incident: ExposureIncident) -> dict[str, str]:
    return {
        "incident_id": incident.incident_id,
        "start": incident.window_start.isoformat(),
        "end": incident.window_end.isoformat(),
        "expires": incident.expires_at.isoformat(),
    }


def _live(windows: list[dict[str, str]], now: datetime) -> list[dict[str, str]]:
    return [w for w in windows if datetime.fromisoformat(w["expires"]) > now]


def _put_with_its_window(incident: ExposureIncident, now: datetime) -> None:
    """Put ``incident`` and add its window to its building's, unless one overlaps (409)."""
    start, end = incident.window_start, incident.window_end

    def add(live: list[dict[str, str]]) -> list[dict[str, str]]:
        for other in live:
            if datetime.fromisoformat(other["start"]) < end and start < datetime.fromisoformat(other["end"]):
                raise Conflict(
                    "An exposure at this building with an overlapping window was declared already.",
                    code="incident_overlaps",
                    details={"incident_id": other["incident_id"]},
                )
        return [*live, _window(incident)]

    _with_windows(
        incident.building_id,
        now,
        add,
        lambda tx: tx.save("incident", incident, condition=ExposureIncident.incident_id.does_not_exist()),
    )


def _with_windows(
    building_id: str,
    now: datetime,
    edit: Callable[[list[dict[str, str]]], list[dict[str, str]]],
    also: Callable[[ddb.Tx], None],
) -> None:
    """One transaction: ``also(tx)`` and the building's windows set to ``edit(its live windows)``
    (which may refuse), on the condition that nobody changed them since they were read; read
    again when somebody did."""
    for _ in range(WINDOW_ATTEMPTS):
        item, version = _windows_of(building_id)
        windows = edit(_live(item.windows if item else [], now))

        def build(tx: ddb.Tx, windows: list[dict[str, str]] = windows, version: int = version) -> None:
            also(tx)
            _write_windows(tx, building_id, version, windows)

        try:
            ddb.transact(build, retries=1)
            return
        except ddb.TxFailed as exc:
            if "windows" not in exc.failed:
                raise
        except ddb.TxBusy:
            pass
        ddb.backoff(0)
    raise Conflict("The exposures of this building are changing right now; try again.", code="busy")


def _windows_of(building_id: str) -> tuple[ExposureWindows | None, int]:
    try:
        item = ExposureWindows.get(building_id, consistent_read=True)
    except ExposureWindows.DoesNotExist:
        return None, 0
    return item, int(item.version)


def _write_windows(tx: ddb.Tx, building_id: str, version: int, windows: list[dict[str, str]]) -> None:
    """The building's windows item as ``windows``, if nobody changed it since ``version`` was read."""
    if version == 0:
        tx.save(
            "windows",
            ExposureWindows(building_id, version=1, windows=windows),
            condition=ExposureWindows.building_id.does_not_exist(),
        )
    else:
        tx.update(
            "windows",
            ExposureWindows(building_id),
            actions=[ExposureWindows.version.set(version + 1), ExposureWindows.windows.set(windows)],
            condition=ExposureWindows.version == version,
        )


# -- the second key ------------------------------------------------------------------------------
def approve(staff: Any, incident_id: str) -> dict[str, Any]:
    """Approve a pending incident (a health officer or an admin who did not declare it): from this
    change on, its visitors are told."""
    incident = get_incident(incident_id)
    if incident.declared_by == staff.username:
        raise Forbidden(
            "A second health officer or an admin must approve an exposure, not the one who declared it.",
            code="second_key_required",
        )
    now = clock.utcnow()
    try:
        incident.update(
            actions=[
                ExposureIncident.status.set(APPROVED),
                ExposureIncident.decided_by.set(staff.username),
                ExposureIncident.decided_at.set(now),
            ],
            condition=(ExposureIncident.status == PENDING) & (ExposureIncident.declared_by != staff.username),
        )
    except UpdateError as exc:
        if ddb.condition_failed(exc):
            raise _not_pending() from None
        raise
    return _decided(staff, incident, "approve_exposure", {"status": APPROVED, "approved_by": staff.username})


def reject(staff: Any, incident_id: str, reason: str | None = None) -> dict[str, Any]:
    """Refuse a pending incident (or withdraw one's own): nothing is sent and its window is free."""
    incident = get_incident(incident_id)
    if incident.status != PENDING:
        raise _not_pending()
    now = clock.utcnow()
    note = (reason or "").strip() or None
    actions = [
        ExposureIncident.status.set(REJECTED),
        ExposureIncident.decided_by.set(staff.username),
        ExposureIncident.decided_at.set(now),
        ExposureIncident.decision_note.set(note) if note else ExposureIncident.decision_note.remove(),
    ]
    try:
        _with_windows(
            incident.building_id,
            now,
            lambda live: [w for w in live if w["incident_id"] != incident_id],
            lambda tx: tx.update("incident", incident, actions=actions, condition=ExposureIncident.status == PENDING),
        )
    except ddb.TxFailed as exc:
        if "incident" in exc.failed:
            raise _not_pending() from None
        raise
    incident.status, incident.decided_by, incident.decided_at = REJECTED, staff.username, now
    incident.decision_note = note
    after = {"status": REJECTED, "rejected_by": staff.username, "reason": note}
    return _decided(staff, incident, "reject_exposure", after)


def _decided(staff: Any, incident: ExposureIncident, action: str, after: dict[str, Any]) -> dict[str, Any]:
    """The audit entry of a second key's decision on a pending incident, and the incident's view."""
    before = {"status": PENDING, "declared_by": incident.declared_by}
    audit.note(staff, "exposure_incident", incident.incident_id, action=action, before=before, after=after)
    return incident_view(incident)


def _not_pending() -> Conflict:
    return Conflict("This exposure was approved or rejected already.", code="incident_not_pending")


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
        "decided_by": incident.decided_by,
        "decided_at": incident.decided_at.isoformat() if incident.decided_at else None,
        "decision_note": incident.decision_note,
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
