"""Citizen requests and reports: submission with a protocol number, routing, the staff work on a
request, and what citizens see.

Protocol numbers (``2026/000123``)
    One ``TransactWriteItems`` numbers and stores a request: the year's ``ProtocolCounter`` moves
    from the value read to that value + 1 (condition: it still holds the value read; created with
    ``attribute_not_exists`` for the first request of a year), the request is put with
    ``attribute_not_exists``, and its first timeline entry is put. Two submissions that read the
    same value cannot both commit: the loser's transaction is cancelled, it re-reads the counter
    (strongly consistent) and tries again with a short random back-off. So numbers are unique, in
    commit order, and never skipped or reused: a number exists only together with its request.
    Limitation: under heavy contention on one year's counter, submissions retry (each round one
    wins); ``MAX_ATTEMPTS`` bounds it and the caller gets a 409 ``busy`` to retry.

Changes
    Every change (status, assignment, re-routing, note) is one transaction: the request is put with
    the condition ``version == <read version>`` and version + 1, and the timeline entry
    ``(request_id, version + 1)`` is put with ``attribute_not_exists``. A concurrent change makes
    one of them fail with 409 ``request_changed`` (reload and retry); nothing is half-written. The
    timeline table's stream tells the citizen of each public entry (``request_notifications``).

Who sees what (invariant 4)
    Citizens: their own requests only (404 otherwise). Anyone may follow a *public report* by its
    protocol number: status, type, location, public notes; never personal data. Staff: requests of
    their department only (403), admins all.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.access import ensure_department
from chalicelib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.models.base import utcnow
from chalicelib.models.org import Department, Employee
from chalicelib.models.requests import CitizenRequest, ProtocolCounter, RequestType, TimelineEntry
from chalicelib.services.platform import audit, geohash
from chalicelib.services.requests import catalogue as request_types
from chalicelib.settings import get_settings

OPEN = ("submitted", "received", "assigned", "in_progress", "on_hold")
CLOSED = ("resolved", "rejected", "closed")
STATUSES = OPEN + CLOSED
# where each status may go next (staff)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "submitted": ("received", "assigned", "in_progress", "on_hold", "resolved", "rejected"),
    "received": ("assigned", "in_progress", "on_hold", "resolved", "rejected"),
    "assigned": ("received", "in_progress", "on_hold", "resolved", "rejected"),
    "in_progress": ("assigned", "on_hold", "resolved", "rejected"),
    "on_hold": ("assigned", "in_progress", "resolved", "rejected"),
    "resolved": ("in_progress", "closed"),
    "rejected": ("closed",),
    "closed": (),
}
CHANNELS = ("web", "phone", "in_person", "written", "press", "open311")
STAFF_CHANNELS = ("phone", "in_person", "written", "press")
NEARBY_RADIUS_M = 100.0
GEO_CELL = 6  # index partition: type + 6-character cell
GEO_QUERY = 7  # query the 7-character cell of the point and its 8 neighbours
MAX_ATTEMPTS = 200
MAX_DESCRIPTION = 4000
MAX_NOTE = 2000
INBOX_LIMIT = 200

_local = threading.local()


def _conn():
    """One PynamoDB connection per thread for transactions."""
    conn = getattr(_local, "connection", None)
    if conn is None:
        from pynamodb.connection import Connection

        conn = _local.connection = Connection(region=get_settings().region)
    return conn


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def request_id_of(protocol: str) -> str:
    """``2026/000123`` (or ``2026-000123``) -> ``2026-000123``; 400 when it is not one."""
    text = (protocol or "").strip().replace("/", "-")
    year, _, number = text.partition("-")
    if not (len(year) == 4 and year.isdigit() and 1 <= len(number) <= 9 and number.isdigit()):
        raise ValidationFailed(
            "Not a protocol number (2026/000123).", code="invalid_protocol", details={"field": "protocol"}
        )
    return f"{year}-{int(number):06d}"


def protocol_of(year: int, number: int) -> str:
    return f"{year}/{number:06d}"


# -- who is asking -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Actor:
    kind: str  # citizen | staff | open311
    id: str | None = None
    name: str | None = None
    staff: Any = None  # the staff member, for the audit log


def staff_actor(staff: Any) -> Actor:
    return Actor("staff", staff.username, staff.name or staff.username, staff)


@dataclass
class Requester:
    taxid: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    language: str = "el"


# -- index keys ----------------------------------------------------------------------------------
def _set_index_keys(req: CitizenRequest) -> None:
    req.department_status = f"{req.department_id}#{req.status}"
    located = req.lat is not None and req.lon is not None
    req.geohash = geohash.encode(float(req.lat), float(req.lon), 9) if located else None
    # the nearby index holds only open located public reports (sparse)
    req.geo_cell = (
        f"{req.type_code}#{req.geohash[:GEO_CELL]}" if located and req.public and req.status in OPEN else None
    )


# -- submission ----------------------------------------------------------------------------------
def submit(
    kind: RequestType,
    *,
    requester: Requester,
    actor: Actor,
    channel: str,
    description: str,
    attributes: dict[str, Any] | None = None,
    lat: float | None = None,
    lon: float | None = None,
    address: str | None = None,
    photos: list[str] | None = None,
    api_key_id: str | None = None,
    with_token: bool = False,
    now: datetime | None = None,
) -> CitizenRequest:
    """Check and store a new request with the next protocol number of the year; routed to the
    type's department. Everything is checked before the first write."""
    if channel not in CHANNELS:
        raise ValidationFailed("Unknown channel.", code="invalid_channel", details={"field": "channel"})
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed("The description is too long.", details={"field": "description"})
    values = request_types.check_attributes(kind, attributes)
    located = lat is not None and lon is not None
    if (lat is None) != (lon is None):
        raise ValidationFailed(
            "Give both latitude and longitude.", code="location_incomplete", details={"field": "lat"}
        )
    if located and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationFailed(
            "The location is not on Earth.", code="location_invalid", details={"field": "lat"}
        )
    if kind.location == "required" and not located:
        raise ValidationFailed(
            "This type needs a location on the map.", code="location_required", details={"field": "lat"}
        )
    if kind.location == "none" and located:
        lat = lon = None
        located = False
    photos = list(photos or [])
    if kind.photo == "required" and not photos:
        raise ValidationFailed("This type needs a photo.", code="photo_required", details={"field": "photos"})
    if kind.photo == "none" and photos:
        raise ValidationFailed(
            "This type takes no photo.", code="photo_not_allowed", details={"field": "photos"}
        )
    if not description and not values:
        raise ValidationFailed(
            "Describe the request.", code="description_required", details={"field": "description"}
        )
    now = now or utcnow()
    req = CitizenRequest(
        "pending",
        protocol="",
        year=now.year,
        number=0,
        type_code=kind.code,
        department_id=kind.department_id,
        status="submitted",
        public=bool(kind.public),
        channel=channel,
        description=description,
        attributes=values,
        lat=round(float(lat), 6) if located else None,
        lon=round(float(lon), 6) if located else None,
        address=(address or "").strip()[:300] or None,
        photos=photos,
        taxid=requester.taxid,
        requester_name=(requester.name or "").strip()[:200] or None,
        contact_email=(requester.email or "").strip()[:200] or None,
        contact_phone=(requester.phone or "").strip()[:40] or None,
        language=requester.language if requester.language in ("el", "en") else "el",
        created_by=actor.id if actor.kind == "staff" else None,
        api_key_id=api_key_id,
        version=1,
        created_at=now,
        updated_at=now,
        due_at=now + timedelta(days=int(kind.expected_days or 10)),
        feed_month=now.strftime("%Y-%m") if kind.public else None,
        token=secrets.token_urlsafe(12) if with_token else None,
    )
    entry = TimelineEntry(
        "pending",
        1,
        action="submitted",
        actor_kind=actor.kind,
        actor=actor.id,
        actor_name=actor.name,
        status="submitted",
        department_id=kind.department_id,
        note=None,
        public=True,
        at=now,
    )
    return _number_and_put(req, entry, actor)


def _number_and_put(req: CitizenRequest, entry: TimelineEntry, actor: Actor) -> CitizenRequest:
    from pynamodb.transactions import TransactWrite

    year = int(req.year)
    for attempt in range(MAX_ATTEMPTS):
        try:
            last = int(ProtocolCounter.get(year, consistent_read=True).last_number)
        except ProtocolCounter.DoesNotExist:
            last = 0
        number = last + 1
        req.request_id = f"{year}-{number:06d}"
        req.number = number
        req.protocol = protocol_of(year, number)
        req.created_key = f"{_iso(req.created_at)}#{req.request_id}"
        _set_index_keys(req)
        entry.request_id = req.request_id
        try:
            with TransactWrite(connection=_conn()) as tx:
                if last == 0:
                    tx.save(
                        ProtocolCounter(year, last_number=1), condition=ProtocolCounter.year.does_not_exist()
                    )
                else:
                    tx.update(
                        ProtocolCounter(year),
                        actions=[ProtocolCounter.last_number.set(number)],
                        condition=ProtocolCounter.last_number == last,
                    )
                tx.save(req, condition=CitizenRequest.request_id.does_not_exist())
                tx.save(entry, condition=TimelineEntry.request_id.does_not_exist())
        except TransactWriteError as exc:
            if not _retryable(exc):
                raise
            time.sleep(random.uniform(0.002, 0.01 * min(attempt + 1, 10)))  # noqa: S311 - jitter
            continue
        if actor.staff is not None:
            audit.note(
                actor.staff,
                "citizen_request",
                req.request_id,
                action="request.submit_on_behalf",
                after={"protocol": req.protocol, "type": req.type_code, "channel": req.channel},
            )
        return req
    raise Conflict("Many requests are being filed right now; please try again.", code="busy")


def _retryable(exc: TransactWriteError) -> bool:
    reasons = [r.code if r else None for r in (exc.cancellation_reasons or [])]
    text = str(exc) + str(getattr(exc, "cause_response_code", ""))
    return (
        any(code in ("ConditionalCheckFailed", "TransactionConflict") for code in reasons if code)
        or "TransactionConflict" in text
        or "ConditionalCheckFailed" in text
        or "TransactionInProgress" in text
    )


# -- loading -------------------------------------------------------------------------------------
def get_request(request_id: str) -> CitizenRequest:
    try:
        return CitizenRequest.get(request_id_of(request_id))
    except CitizenRequest.DoesNotExist:
        raise NotFound("No such request.", code="request_not_found") from None


def for_citizen(taxid: str, request_id: str) -> CitizenRequest:
    """A citizen's own request; 404 for anyone else's (it must not even seem to exist)."""
    req = get_request(request_id)
    if not req.taxid or req.taxid != taxid:
        raise NotFound("No such request.", code="request_not_found")
    return req


def for_staff(staff: Any, request_id: str) -> CitizenRequest:
    req = get_request(request_id)
    ensure_department(staff, req.department_id)
    return req


def timeline(request_id: str, *, public_only: bool) -> list[TimelineEntry]:
    entries = list(TimelineEntry.query(request_id))
    return [e for e in entries if e.public] if public_only else entries


# -- changes -------------------------------------------------------------------------------------
def _commit(req: CitizenRequest, entry_fields: dict[str, Any], now: datetime) -> TimelineEntry:
    """Put the changed request (version + 1, on the version read) and its timeline entry."""
    from pynamodb.transactions import TransactWrite

    read_version = int(req.version)
    req.version = read_version + 1
    req.updated_at = now
    _set_index_keys(req)
    entry = TimelineEntry(req.request_id, req.version, at=now, **entry_fields)
    try:
        with TransactWrite(connection=_conn()) as tx:
            tx.save(req, condition=CitizenRequest.version == read_version)
            tx.save(entry, condition=TimelineEntry.seq.does_not_exist())
    except TransactWriteError as exc:
        req.version = read_version
        if _retryable(exc):
            raise Conflict("The request changed meanwhile; reload it.", code="request_changed") from None
        raise
    return entry


def _note(text: str | None) -> str | None:
    text = (text or "").strip()
    if len(text) > MAX_NOTE:
        raise ValidationFailed("The note is too long.", details={"field": "note"})
    return text or None


def change_status(
    staff: Any,
    request_id: str,
    status: str,
    *,
    note: str | None = None,
    note_public: bool = True,
    reason: str | None = None,
) -> CitizenRequest:
    """Move a request to ``status``; ``rejected`` needs a reason (a public note)."""
    req = for_staff(staff, request_id)
    if status not in STATUSES:
        raise ValidationFailed("Unknown status.", code="invalid_status", details={"field": "status"})
    if status not in TRANSITIONS[req.status]:
        raise Conflict(f"A request that is {req.status} cannot become {status}.", code="invalid_transition")
    note = _note(note)
    if status == "rejected":
        reason = _note(reason) or (note if note_public else None)
        if not reason:
            raise ValidationFailed(
                "Say why the request is rejected.", code="reason_required", details={"field": "reason"}
            )
        note, note_public = reason, True
    now = utcnow()
    before = req.status
    req.status = status
    if status == "resolved":
        req.resolved_at = now
    if note and note_public:
        req.status_notes = note
    _commit(
        req,
        {
            "action": "status",
            "actor_kind": "staff",
            "actor": staff.username,
            "actor_name": staff.name or staff.username,
            "status": status,
            "from_status": before,
            "department_id": req.department_id,
            "note": note,
            "note_public": bool(note and note_public),
            "public": True,
        },
        now,
    )
    audit.note(
        staff,
        "citizen_request",
        req.request_id,
        action="request.status",
        before={"status": before},
        after={"status": status, "note_public": bool(note_public)},
    )
    return req


def add_note(staff: Any, request_id: str, note: str, *, public: bool) -> CitizenRequest:
    req = for_staff(staff, request_id)
    text = _note(note)
    if not text:
        raise ValidationFailed("Write a note.", code="note_required", details={"field": "note"})
    now = utcnow()
    if public:
        req.status_notes = text
    _commit(
        req,
        {
            "action": "note",
            "actor_kind": "staff",
            "actor": staff.username,
            "actor_name": staff.name or staff.username,
            "status": req.status,
            "department_id": req.department_id,
            "note": text,
            "note_public": public,
            "public": public,
        },
        now,
    )
    audit.note(staff, "citizen_request", req.request_id, action="request.note", after={"public": public})
    return req


def _employee(username: str, department_id: str) -> Employee:
    for employee in Employee.by_department.query(department_id):
        if employee.username == username and employee.active:
            return employee
    raise NotFound("No such colleague in the request's department.", code="unknown_assignee")


def assign(
    staff: Any, request_id: str, username: str, *, note: str | None = None, req: CitizenRequest | None = None
) -> CitizenRequest:
    """Give the request to a colleague of its department; a new request becomes ``assigned``."""
    req = req or for_staff(staff, request_id)
    if req.status not in OPEN:
        raise Conflict("A finished request cannot be assigned.", code="request_finished")
    employee = _employee(username, req.department_id)
    note = _note(note)
    now = utcnow()
    before = {"assigned_to": req.assigned_to, "status": req.status}
    req.assigned_to = employee.username
    req.assigned_name = employee.full_name
    status_changes = req.status in ("submitted", "received")
    from_status = req.status
    if status_changes:
        req.status = "assigned"
    _commit(
        req,
        {
            "action": "assigned",
            "actor_kind": "staff",
            "actor": staff.username,
            "actor_name": staff.name or staff.username,
            "status": req.status,
            "from_status": from_status,
            "department_id": req.department_id,
            "assigned_to": employee.username,
            "note": note,
            "note_public": False,
            "public": status_changes,
        },
        now,
    )
    audit.note(
        staff,
        "citizen_request",
        req.request_id,
        action="request.assign",
        before=before,
        after={"assigned_to": req.assigned_to, "status": req.status},
    )
    return req


def bulk_assign(
    staff: Any, request_ids: list[str], username: str, note: str | None = None
) -> list[dict[str, Any]]:
    """Assign several requests; each succeeds or fails on its own (result per request)."""
    results = []
    for request_id in request_ids:
        try:
            req = assign(staff, request_id, username, note=note)
            results.append({"request_id": req.request_id, "ok": True, "status": req.status})
        except (NotFound, Forbidden, Conflict, ValidationFailed) as exc:
            results.append({"request_id": request_id, "ok": False, "code": exc.code, "message": exc.message})
    if not any(r["ok"] for r in results):
        audit.unchanged()  # a 200 that changed nothing is no write for the audit log
    return results


def reroute(staff: Any, request_id: str, department_id: str, note: str) -> CitizenRequest:
    """Send a request to another department (with a note saying why); its assignment is dropped."""
    req = for_staff(staff, request_id)
    if req.status not in OPEN:
        raise Conflict("A finished request cannot be re-routed.", code="request_finished")
    text = _note(note)
    if not text:
        raise ValidationFailed("Say why it goes elsewhere.", code="note_required", details={"field": "note"})
    if department_id == req.department_id:
        raise Conflict("The request is already there.", code="same_department")
    try:
        Department.get(department_id)
    except Department.DoesNotExist:
        raise NotFound("No such department.", code="unknown_department") from None
    now = utcnow()
    before = {"department_id": req.department_id, "status": req.status}
    from_department, from_status = req.department_id, req.status
    req.department_id = department_id
    req.assigned_to = req.assigned_name = None
    if req.status == "assigned":
        req.status = "received"
    _commit(
        req,
        {
            "action": "routed",
            "actor_kind": "staff",
            "actor": staff.username,
            "actor_name": staff.name or staff.username,
            "status": req.status,
            "from_status": from_status,
            "department_id": department_id,
            "from_department_id": from_department,
            "note": text,
            "note_public": False,
            "public": False,
        },
        now,
    )
    audit.note(
        staff,
        "citizen_request",
        req.request_id,
        action="request.reroute",
        before=before,
        after={"department_id": department_id, "status": req.status},
    )
    return req


# -- reading lists -------------------------------------------------------------------------------
def inbox(
    staff: Any,
    *,
    department_id: str | None = None,
    statuses: list[str] | None = None,
    type_code: str | None = None,
    min_age_days: int | None = None,
    max_age_days: int | None = None,
    overdue: bool = False,
    assigned_to: str | None = None,
    limit: int = INBOX_LIMIT,
) -> list[CitizenRequest]:
    """A department's requests, newest first: one Query per status on the department+status
    index; age is a key condition, type, assignee and overdue are filters on that Query."""
    department = department_id or staff.department_id
    if not department:
        raise ValidationFailed(
            "Choose a department.", code="department_required", details={"field": "department_id"}
        )
    ensure_department(staff, department)
    wanted = statuses or list(OPEN)
    bad = [s for s in wanted if s not in STATUSES]
    if bad:
        raise ValidationFailed(
            f"Unknown status {bad[0]}.", code="invalid_status", details={"field": "status"}
        )
    now = utcnow()
    lo = _iso(now - timedelta(days=max_age_days)) if max_age_days is not None else None
    hi = _iso(now - timedelta(days=min_age_days)) + "~" if min_age_days is not None else None
    condition = None
    if type_code:
        condition = CitizenRequest.type_code == type_code
    if assigned_to:
        c = CitizenRequest.assigned_to == assigned_to
        condition = c if condition is None else condition & c
    if overdue:
        c = CitizenRequest.due_at < now
        condition = c if condition is None else condition & c
    found: list[CitizenRequest] = []
    for status in wanted:
        if lo and hi:
            range_key = CitizenRequest.created_key.between(lo, hi)
        elif lo:
            range_key = CitizenRequest.created_key >= lo
        elif hi:
            range_key = CitizenRequest.created_key <= hi
        else:
            range_key = None
        found.extend(
            CitizenRequest.by_department_status.query(
                f"{department}#{status}",
                range_key_condition=range_key,
                filter_condition=condition,
                scan_index_forward=False,
                limit=limit,
            )
        )
    found.sort(key=lambda r: r.created_key, reverse=True)
    return found[:limit]


def open_located(staff: Any, department_id: str | None = None) -> list[CitizenRequest]:
    """Open requests of a department with a location (the staff map)."""
    return [r for r in inbox(staff, department_id=department_id, limit=500) if r.lat is not None]


def of_citizen(taxid: str, limit: int = 100) -> list[CitizenRequest]:
    return list(CitizenRequest.by_citizen.query(taxid, scan_index_forward=False, limit=limit))


def nearby(
    type_code: str, lat: float, lon: float, radius_m: float = NEARBY_RADIUS_M
) -> list[tuple[CitizenRequest, float]]:
    """Open public reports of ``type_code`` within ``radius_m`` of the point, nearest first:
    9 Queries on the geohash index (the point's 7-character cell and its neighbours)."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationFailed(
            "The location is not on Earth.", code="location_invalid", details={"field": "lat"}
        )
    cell = geohash.encode(lat, lon, GEO_QUERY)
    out: dict[str, tuple[CitizenRequest, float]] = {}
    for candidate in [cell, *geohash.neighbours(cell)]:
        for req in CitizenRequest.by_geo.query(
            f"{type_code}#{candidate[:GEO_CELL]}", CitizenRequest.geohash.startswith(candidate)
        ):
            distance = geohash.distance_m(lat, lon, float(req.lat), float(req.lon))
            if distance <= radius_m and req.status in OPEN:
                out[req.request_id] = (req, distance)
    return sorted(out.values(), key=lambda pair: pair[1])


# -- shapes --------------------------------------------------------------------------------------
def is_overdue(req: CitizenRequest, now: datetime | None = None) -> bool:
    return req.status in OPEN and req.due_at < (now or utcnow())


def public_entry(entry: TimelineEntry) -> dict[str, Any]:
    """What a citizen (or a follower) sees of a timeline entry: no staff names, no internal notes."""
    return {
        "seq": int(entry.seq),
        "at": entry.at.isoformat(),
        "action": entry.action,
        "status": entry.status,
        "note": entry.note if entry.note_public else None,
    }


def staff_entry(entry: TimelineEntry) -> dict[str, Any]:
    return {
        **public_entry(entry),
        "note": entry.note,
        "note_public": bool(entry.note_public),
        "public": bool(entry.public),
        "actor_kind": entry.actor_kind,
        "actor": entry.actor,
        "actor_name": entry.actor_name,
        "from_status": entry.from_status,
        "department_id": entry.department_id,
        "from_department_id": entry.from_department_id,
        "assigned_to": entry.assigned_to,
    }


def public_view(req: CitizenRequest) -> dict[str, Any]:
    """The part of a request anyone following it may see (public reports): no personal data."""
    return {
        "request_id": req.request_id,
        "protocol": req.protocol,
        "type_code": req.type_code,
        "department_id": req.department_id,
        "status": req.status,
        "open": req.status in OPEN,
        "public": bool(req.public),
        "description": req.description if req.public else "",
        "lat": float(req.lat) if req.lat is not None else None,
        "lon": float(req.lon) if req.lon is not None else None,
        "address": req.address if req.public else None,
        "status_notes": req.status_notes,
        "created_at": req.created_at.isoformat(),
        "updated_at": req.updated_at.isoformat(),
        "due_at": req.due_at.isoformat(),
    }


def citizen_view(req: CitizenRequest) -> dict[str, Any]:
    return {
        **public_view(req),
        "description": req.description,
        "address": req.address,
        "attributes": dict(req.attributes or {}),
        "channel": req.channel,
        "photos": list(req.photos or []),
    }


def staff_view(req: CitizenRequest) -> dict[str, Any]:
    return {
        **citizen_view(req),
        "taxid": req.taxid,
        "requester_name": req.requester_name,
        "contact_email": req.contact_email,
        "contact_phone": req.contact_phone,
        "created_by": req.created_by,
        "assigned_to": req.assigned_to,
        "assigned_name": req.assigned_name,
        "version": int(req.version),
        "overdue": is_overdue(req),
    }


# -- following -----------------------------------------------------------------------------------
def follow_view(protocol: str, taxid: str | None = None) -> CitizenRequest:
    """A request looked up by protocol number: any public report, or the caller's own request."""
    req = get_request(protocol)
    if req.public or (taxid and req.taxid == taxid):
        return req
    raise NotFound("No such request.", code="request_not_found")


def follow(taxid: str, protocol: str) -> CitizenRequest:
    """Follow a public report: its public changes reach the follower too."""
    from chalicelib.models.requests import RequestFollower

    req = follow_view(protocol, taxid)
    if req.taxid == taxid:
        return req
    if req.status not in OPEN:
        raise Conflict("This report is finished.", code="request_finished")
    RequestFollower(req.request_id, taxid, followed_at_key=f"{_iso(utcnow())}#{req.request_id}").save()
    return req


def unfollow(taxid: str, protocol: str) -> None:
    from chalicelib.models.requests import RequestFollower

    RequestFollower(request_id_of(protocol), taxid).delete()


def followed(taxid: str, limit: int = 50) -> list[CitizenRequest]:
    from chalicelib.models.requests import RequestFollower

    ids = [
        f.request_id for f in RequestFollower.by_citizen.query(taxid, scan_index_forward=False, limit=limit)
    ]
    found = {r.request_id: r for r in CitizenRequest.batch_get(ids)} if ids else {}
    return [found[i] for i in ids if i in found]


def followers(request_id: str) -> list[str]:
    from chalicelib.models.requests import RequestFollower

    return [f.taxid for f in RequestFollower.query(request_id)]
