"""Kiosk scans: check-in and check-out at a building's entrance, and who is inside (presence).

A scan with no open visit checks in: one transaction puts the ``VisitPresence`` item (on the
condition that none exists) and the ``Visit`` item, so two kiosks reading the same pass at once
cannot open two visits. The next scan checks out: one transaction deletes the presence (on the
condition that it still names this visit) and sets ``check_out`` (on the condition that it is not
set). A scan within ``REPEAT_SECONDS`` of the check-in repeats it (a camera reads a QR many
times). A visit not closed by a scan is closed at the building's closing time by the schedule
(``closing.close_due``) or by the next scan, whichever comes first.

Each check-in pushes the visitor's TTL forward, so a contact is kept as long as a visit it may
need to be told about.

Example::

    scan_pass("dimarxeio", "K3F0-9XQ2-...", "main")    # {"action": "checked_in", "visit": {...}}

Limitation: a transaction that keeps meeting another on the same pass is answered 409
``scan_conflict`` (the kiosk asks to scan again) rather than waited for.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib import clock, ddb
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.visits import Building, Visit, Visitor, VisitPresence, alive
from chalicelib.services.platform import limits
from chalicelib.services.visits.buildings import building_day, closes_at_for, get_building
from chalicelib.services.visits.passes import display_code, get_visitor, normalise_code
from chalicelib.services.visits.retention import ttl_from

REPEAT_SECONDS = 2
ATTEMPTS = 3  # rounds of "read the presence, write" before a scan gives up


def presence_key(building_id: str, pass_id: str) -> str:
    return f"{building_id}#{pass_id}"


def scan_pass(
    building_id: str,
    code: str,
    entrance_id: str | None = None,
    now: datetime | None = None,
    *,
    client: str | None = None,
) -> dict[str, Any]:
    """A kiosk scan (camera or typed code): check in, or check out the open visit. Each scan
    takes a token of the ``client``'s bucket (``scan_client``) and, once the pass is known, one of
    the pass's (``scan_pass``): 429 ``rate_limited`` when either is empty."""
    now = now or clock.utcnow()
    limits.check_client("scan_client", client, now=now)
    building = get_building(building_id)
    if entrance_id and entrance_id not in {e.entrance_id for e in building.entrances or []}:
        raise NotFound("No such entrance in this building.", code="unknown_entrance")
    pass_id = normalise_code(code)
    if pass_id is None:
        raise NotFound("No such pass.", code="unknown_pass")
    visitor = get_visitor(pass_id)
    limits.check("scan_pass", pass_id, now=now)
    key = presence_key(building_id, pass_id)
    try:
        for _ in range(ATTEMPTS):
            presence = open_presence(key)
            if presence is not None:
                if presence.closes_at <= now:
                    close_visit(presence, presence.closes_at, "next_scan", None)
                elif (now - presence.check_in).total_seconds() < REPEAT_SECONDS:
                    visit = Visit.get(presence.building_day, presence.visit_key)
                    return _result("checked_in", True, visit, building)
                else:
                    visit = close_visit(presence, now, "scan", entrance_id)
                    if visit is not None:
                        return _result("checked_out", False, visit, building)
                    continue  # closed by someone else meanwhile: look again
            visit = check_in(building, visitor, entrance_id, now)
            if visit is not None:
                return _result("checked_in", False, visit, building)
    except ddb.TxBusy:
        pass
    raise Conflict("The pass is being scanned elsewhere; try again.", code="scan_conflict")


def _result(action: str, repeated: bool, visit: Visit, building: Building) -> dict[str, Any]:
    return {
        "action": action,
        "repeated": repeated,
        "visit": {
            "building_id": visit.building_id,
            "building_name_el": building.name_el,
            "building_name_en": building.name_en or building.name_el,
            "code": display_code(visit.pass_id),
            "check_in": visit.check_in.isoformat(),
            "check_out": visit.check_out.isoformat() if visit.check_out else None,
            "closes_at": visit.closes_at.isoformat(),
        },
    }


def open_presence(key: str) -> VisitPresence | None:
    """The pass's open visit in the building, if any (an expired leftover is not one)."""
    presence = _stored_presence(key)
    return presence if presence is not None and alive(presence) else None


def _stored_presence(key: str) -> VisitPresence | None:
    try:
        return VisitPresence.get(key, consistent_read=True)
    except VisitPresence.DoesNotExist:
        return None


def check_in(building: Building, visitor: Visitor, entrance_id: str | None, now: datetime) -> Visit | None:
    """Open a visit (presence and visit in one transaction); ``None`` if another kiosk was first."""
    closes_at = closes_at_for(building.closing_time, now)
    expires = ttl_from(now)
    day = clock.local_day(now)
    visit = Visit(
        building_day(building.building_id, day),
        f"{clock.iso_micro(now)}#{visitor.pass_id}",
        building_id=building.building_id,
        day=day,
        pass_id=visitor.pass_id,
        entrance_in=entrance_id,
        check_in=now,
        closes_at=closes_at,
        expires_at=expires,
    )
    key = presence_key(building.building_id, visitor.pass_id)
    presence = VisitPresence(
        key,
        building_day=visit.building_day,
        visit_key=visit.visit_key,
        check_in=now,
        closes_at=closes_at,
        due_day=clock.local_day(closes_at),
        closes_key=f"{clock.iso_micro(closes_at)}#{key}",
        expires_at=expires,
    )
    existing = _stored_presence(key)  # an expired leftover (TTL deletes late) is replaced

    def build(tx: ddb.Tx) -> None:
        if existing is not None:
            tx.save("presence", presence, condition=VisitPresence.visit_key == existing.visit_key)
        else:
            tx.save("presence", presence, condition=VisitPresence.building_pass.does_not_exist())
        tx.save("visit", visit, condition=Visit.visit_key.does_not_exist())

    try:
        ddb.transact(build)
    except ddb.TxFailed:
        return None
    try:  # keep the contact as long as this visit
        visitor.update(actions=[Visitor.expires_at.set(expires)], condition=Visitor.expires_at < expires)
    except UpdateError as exc:
        if not ddb.condition_failed(exc):
            raise
    return visit


def close_visit(presence: VisitPresence, at: datetime, how: str, entrance_id: str | None) -> Visit | None:
    """Close the open visit at ``at`` (``how``: "scan", "next_scan", "schedule"); ``None`` if
    someone else closed it first."""
    visit = Visit(presence.building_day, presence.visit_key)
    actions = [Visit.check_out.set(at), Visit.closed_by.set(how)]
    if entrance_id:
        actions.append(Visit.entrance_out.set(entrance_id))

    def build(tx: ddb.Tx) -> None:
        tx.delete("presence", presence, condition=VisitPresence.visit_key == presence.visit_key)
        tx.update("visit", visit, actions=actions, condition=Visit.check_out.does_not_exist())

    try:
        ddb.transact(build)
    except ddb.TxFailed:
        return None
    return Visit.get(presence.building_day, presence.visit_key, consistent_read=True)
