"""Submitting a request or report: checked in full, numbered with the year's next protocol number,
routed to its type's department; by a citizen on the web, by staff on a citizen's behalf, or by an
Open311 app (``open311.service_requests.create``).

Protocol numbers (``2026/000123``)
    One ``TransactWriteItems`` numbers and stores a request: the year's ``ProtocolCounter`` moves
    from the value read to that value + 1 (condition: it still holds the value read; created with
    ``attribute_not_exists`` for the first request of a year), the request is put with
    ``attribute_not_exists``, and its first timeline entry is put. Two submissions that read the
    same value cannot both commit: the loser's transaction is cancelled, it re-reads the counter
    (strongly consistent) and tries again after a short jittered back-off. So numbers are unique,
    in commit order, and never skipped or reused: a number exists only together with its request.
    This loop is not ``ddb.transact``'s retry: the counter moved on, so each round reads it again.

Example::

    req = submit_for_citizen(session, {"type_code": "pothole", "attributes": {"SIZE": "large"},
                                       "lat": 37.9755, "lon": 23.7348})
    req.protocol   # "2026/000042"

Per-citizen limit: a citizen files at most ``requests_citizen_day`` requests a day (setting; 429
``daily_limit`` with ``Retry-After`` until midnight), counted once the request has passed every check.

Limitation: under heavy contention on one year's counter, submissions retry (each round one wins);
``MAX_ATTEMPTS`` bounds it and the caller gets a 409 ``busy`` to retry.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib import clock, ddb
from chalicelib.errors import Conflict, ValidationFailed
from chalicelib.models.requests import CHANNELS, CitizenRequest, ProtocolCounter, RequestType, TimelineEntry
from chalicelib.services.platform import audit, limits
from chalicelib.services.requests import catalogue, photos
from chalicelib.services.requests.records import protocol_of, set_index_keys

MAX_ATTEMPTS = 200
MAX_DESCRIPTION = 4000
BACKOFF_STEPS = 3  # the counter's back-off grows for 3 rounds, then stays (10 ms .. 80 ms)


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


# -- the two ways in through our own API -----------------------------------------------------------
def submit_for_citizen(session: Any, body: dict[str, Any]) -> CitizenRequest:
    """A signed-in citizen's submission (``body`` checked against ``schemas.requests.SUBMIT``):
    the type's extra fields, then the photos under the citizen's own prefix, then the request,
    named and in the language of the citizen's profile."""
    from chalicelib.models.citizens import Citizen

    kind = catalogue.get_type(body["type_code"])
    catalogue.check_attributes(kind, body.get("attributes"))
    keys = photos.check_keys(photos.owner_prefix("citizen", session.taxid), body.get("photos"))
    try:
        citizen = Citizen.get(session.taxid)
        name = f"{citizen.first_name} {citizen.last_name}".strip()
        language = citizen.language or "el"
    except Citizen.DoesNotExist:
        name, language = session.name, "el"
    return submit(
        kind,
        requester=Requester(taxid=session.taxid, name=name, language=language),
        actor=Actor("citizen", "citizen"),
        channel="web",
        notify=body.get("notify"),
        before_write=lambda: limits.check_daily("requests_citizen_day", session.taxid),
        **_fields(body, keys),
    )


def submit_on_behalf(staff: Any, body: dict[str, Any]) -> CitizenRequest:
    """A request taken by staff by phone, in person, in writing or from the press (``body`` checked
    against ``schemas.requests.ON_BEHALF``); photos under the staff member's own prefix."""
    kind = catalogue.get_type(body["type_code"])
    catalogue.check_attributes(kind, body.get("attributes"))
    keys = photos.check_keys(photos.owner_prefix("staff", staff.username), body.get("photos"))
    who = body["citizen"]
    return submit(
        kind,
        requester=Requester(
            taxid=who.get("taxid"),
            name=who["name"],
            email=who.get("email"),
            phone=who.get("phone"),
            language=who.get("language", "el"),
        ),
        actor=staff_actor(staff),
        channel=body["channel"],
        **_fields(body, keys),
    )


def _fields(body: dict[str, Any], photo_keys: list[str]) -> dict[str, Any]:
    return {
        "description": body.get("description", ""),
        "attributes": body.get("attributes"),
        "lat": body.get("lat"),
        "lon": body.get("lon"),
        "address": body.get("address"),
        "photos": photo_keys,
    }


# -- submission ----------------------------------------------------------------------------------
def _check_location(
    kind: RequestType, lat: float | None, lon: float | None
) -> tuple[float | None, float | None]:
    if (lat is None) != (lon is None):
        raise ValidationFailed(
            "Give both latitude and longitude.", code="location_incomplete", details={"field": "lat"}
        )
    located = lat is not None and lon is not None
    if located and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationFailed(
            "The location is not on Earth.", code="location_invalid", details={"field": "lat"}
        )
    if kind.location == "required" and not located:
        raise ValidationFailed(
            "This type needs a location on the map.", code="location_required", details={"field": "lat"}
        )
    if kind.location == "none" and located:
        return None, None
    return lat, lon


def _check_photos(kind: RequestType, keys: list[str]) -> None:
    if kind.photo == "required" and not keys:
        raise ValidationFailed("This type needs a photo.", code="photo_required", details={"field": "photos"})
    if kind.photo == "none" and keys:
        raise ValidationFailed(
            "This type takes no photo.", code="photo_not_allowed", details={"field": "photos"}
        )


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
    notify: list[str] | None = None,
    before_write: Callable[[], None] | None = None,
    now: datetime | None = None,
) -> CitizenRequest:
    """Check and store a new request with the next protocol number of the year; routed to the
    type's department. Everything is checked before the first write; ``before_write`` runs then
    (a per-citizen allowance: only a request that would be stored counts). ``notify``: the
    channels the signed-in citizen chose for its messages (``None``: the profile's choices)."""
    if channel not in CHANNELS:
        raise ValidationFailed("Unknown channel.", code="invalid_channel", details={"field": "channel"})
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed("The description is too long.", details={"field": "description"})
    values = catalogue.check_attributes(kind, attributes)
    lat, lon = _check_location(kind, lat, lon)
    located = lat is not None
    photos = list(photos or [])
    _check_photos(kind, photos)
    if not description and not values:
        raise ValidationFailed(
            "Describe the request.", code="description_required", details={"field": "description"}
        )
    now = now or clock.utcnow()
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
        notify=list(notify) if notify is not None else None,
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
    if before_write is not None:
        before_write()
    _store(req, entry, photos)
    if actor.staff is not None:
        audit.note(
            actor.staff,
            "citizen_request",
            req.request_id,
            action="request.submit_on_behalf",
            after={"protocol": req.protocol, "type": req.type_code, "channel": req.channel},
        )
    return req


def _store(req: CitizenRequest, entry: TimelineEntry, uploads: list[str]) -> None:
    """Number and put the request, its photos first moved from the uploads to their kept keys
    (``photos.attach``); the copies are taken back if the request is not stored, and the uploads
    deleted once it is (the bucket's lifecycle rule would, a day later)."""
    done = photos.attach(uploads)
    req.photos = done.kept
    try:
        _number_and_put(req, entry)
    except BaseException:
        photos.release(done)
        raise
    photos.forget_incoming(uploads)


def _number_and_put(req: CitizenRequest, entry: TimelineEntry) -> None:
    """Give ``req`` the year's next number and put it with ``entry`` (see the module's docstring)."""
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
        req.created_key = f"{clock.iso_micro(req.created_at)}#{req.request_id}"
        set_index_keys(req)
        entry.request_id = req.request_id

        def build(tx: ddb.Tx, last: int = last, number: int = number) -> None:
            if last == 0:
                tx.save(
                    "counter",
                    ProtocolCounter(year, last_number=1),
                    condition=ProtocolCounter.year.does_not_exist(),
                )
            else:
                tx.update(
                    "counter",
                    ProtocolCounter(year),
                    actions=[ProtocolCounter.last_number.set(number)],
                    condition=ProtocolCounter.last_number == last,
                )
            tx.save("request", req, condition=CitizenRequest.request_id.does_not_exist())
            tx.save("entry", entry, condition=TimelineEntry.request_id.does_not_exist())

        try:
            # one attempt per number read: on a conflict the counter has likely moved, read it again
            ddb.transact(build, retries=1)
            return
        except (ddb.TxFailed, ddb.TxBusy):
            ddb.backoff(min(attempt, BACKOFF_STEPS))
    raise Conflict("Many requests are being filed right now; please try again.", code="busy")
