"""A request as stored: its ids (``2026/000123`` shown, ``2026-000123`` kept), its index keys, and
loading it (with the rule of who may load it) and its timeline.

Who sees what (invariant 4)
    Citizens: their own requests only (404 otherwise, so another's request does not even seem to
    exist). Staff: requests of their department only (403), admins all. Public reports by protocol
    number are ``following.find_by_protocol``'s job.

Example::

    req = get_for_staff(staff, "2026/000123")    # 404 request_not_found, 403 other_department
    entries = timeline(req.request_id, public_only=False)

Limitation: the index keys are derived here from the request's fields on every write
(``set_index_keys``); a write that skips it leaves the request in the wrong inbox.
"""

from __future__ import annotations

from typing import Any

from chalicelib.access import ensure_department
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.models.requests import OPEN, CitizenRequest, TimelineEntry
from chalicelib.services.platform import geohash

GEO_CELL = 6  # the nearby index's partition: type + 6-character cell


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


def set_index_keys(req: CitizenRequest) -> None:
    """The keys of the request's indexes, from its fields (before every write)."""
    req.department_status = f"{req.department_id}#{req.status}"
    located = req.lat is not None and req.lon is not None
    req.geohash = geohash.encode(float(req.lat), float(req.lon), 9) if located else None
    # the nearby index holds only open located public reports (sparse)
    req.geo_cell = (
        f"{req.type_code}#{req.geohash[:GEO_CELL]}" if located and req.public and req.status in OPEN else None
    )


def get_request(request_id: str) -> CitizenRequest:
    try:
        return CitizenRequest.get(request_id_of(request_id))
    except CitizenRequest.DoesNotExist:
        raise NotFound("No such request.", code="request_not_found") from None


def get_for_citizen(taxid: str, request_id: str) -> CitizenRequest:
    """A citizen's own request; 404 for anyone else's (it must not even seem to exist)."""
    req = get_request(request_id)
    if not req.taxid or req.taxid != taxid:
        raise NotFound("No such request.", code="request_not_found")
    return req


def get_for_staff(staff: Any, request_id: str) -> CitizenRequest:
    """A request of the staff member's department (admins: any); 403 ``other_department``."""
    req = get_request(request_id)
    ensure_department(staff, req.department_id)
    return req


def read_for_staff(staff: Any, request_id: str) -> CitizenRequest:
    """``get_for_staff`` for the request's page (the requester's contacts): noted in the audit log."""
    from chalicelib.services.platform import audit

    req = get_for_staff(staff, request_id)
    audit.note_read(staff, "citizen_request", req.request_id, what="request")
    return req


def timeline(request_id: str, *, public_only: bool) -> list[TimelineEntry]:
    """The request's timeline in order (one Query); the citizen's part when ``public_only``."""
    entries = list(TimelineEntry.query(request_id))
    return [e for e in entries if e.public] if public_only else entries
