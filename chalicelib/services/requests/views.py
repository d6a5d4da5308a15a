"""What each audience sees of a request and its timeline.

- Anyone following a public report (``public_view``, ``public_entry``): status, type, location,
  public notes; never personal data, never staff names or internal notes.
- The citizen who filed it (``citizen_view``): also their own text, extra fields, channel, photos.
- Staff of its department (``staff_view``, ``staff_entry``): everything, with who did what.

The ``*_detail`` functions are the answers of the detail routes: the request, its timeline for that
audience and, where the audience may see them, short-lived links to the photos.

Example::

    detail = citizen_detail(get_for_citizen(taxid, "2026-000123"))
    # {"request": {...}, "timeline": [{"seq": 1, "action": "submitted", ...}], "photo_urls": [...]}

Limitation: ``public_view`` of a private request still names its type and status (the owner's own
follow view uses it); private requests are kept from others by the loaders, not here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.errors import ApiError
from chalicelib.models.requests import OPEN, CitizenRequest, TimelineEntry
from chalicelib.services.requests import catalogue, photos
from chalicelib.services.requests.records import timeline


def is_overdue(req: CitizenRequest, now: datetime | None = None) -> bool:
    return req.status in OPEN and req.due_at < (now or clock.utcnow())


# -- timeline entries ----------------------------------------------------------------------------
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


# -- requests ------------------------------------------------------------------------------------
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


def nearby_view(req: CitizenRequest, distance_m: float) -> dict[str, Any]:
    """A nearby open report, with how far it is from the point asked (metres, one decimal)."""
    return {**public_view(req), "distance_m": round(distance_m, 1)}


def citizen_view(req: CitizenRequest) -> dict[str, Any]:
    return {
        **public_view(req),
        "description": req.description,
        "address": req.address,
        "attributes": dict(req.attributes or {}),
        "channel": req.channel,
        "photos": list(req.photos or []),
        "notify": req.notify,  # the channels chosen for its messages (None: the profile's choices)
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


# -- the detail answers --------------------------------------------------------------------------
def _public_timeline(req: CitizenRequest) -> list[dict[str, Any]]:
    return [public_entry(e) for e in timeline(req.request_id, public_only=True)]


def public_detail(req: CitizenRequest) -> dict[str, Any]:
    """A report looked up by protocol number: its public part and public timeline."""
    return {"request": public_view(req), "timeline": _public_timeline(req)}


def citizen_detail(req: CitizenRequest) -> dict[str, Any]:
    """The citizen's own request: their view, the public timeline, links to their photos."""
    return {
        "request": citizen_view(req),
        "timeline": _public_timeline(req),
        "photo_urls": [photos.view_url(k) for k in req.photos or []],
    }


def staff_detail(req: CitizenRequest) -> dict[str, Any]:
    """A request for its department: everything, the whole timeline, the type with its response
    templates (``None`` when the type was removed since), links to the photos."""
    try:
        kind = catalogue.public_type(catalogue.get_type(req.type_code, include_inactive=True), full=True)
    except ApiError:  # a type removed since: the request still shows
        kind = None
    return {
        "request": staff_view(req),
        "timeline": [staff_entry(e) for e in timeline(req.request_id, public_only=False)],
        "type": kind,
        "photo_urls": [photos.view_url(k) for k in req.photos or []],
    }
