"""The visit log: registration and passes, buildings and entrances, check-in and check-out.

Registration
    A visitor gives a name and a mobile or an email (at least one) and consents. The contact is
    sealed with envelope encryption (``services/platform/crypto.py``) under the context of a new random
    pass id; nothing else about the person is stored. The pass (a QR code holding only the pass
    id) may be sent by email or SMS through the outbox. Deleting the registration deletes the
    visitor item at once: with the encrypted data key gone, nothing can decrypt to them.

Check-in and check-out (one kiosk per entrance)
    A scan with no open visit checks in: one transaction puts the ``VisitPresence`` item (on the
    condition that none exists) and the ``Visit`` item, so two kiosks reading the same pass at
    once cannot open two visits. The next scan checks out: one transaction deletes the presence
    (on the condition that it still names this visit) and sets ``check_out`` (on the condition
    that it is not set). A scan within ``REPEAT_SECONDS`` of the check-in repeats it (a camera
    reads a QR many times). A visit not closed by a scan is closed at the building's closing
    time by the schedule (``close_due``) or by the next scan, whichever comes first.

Every item carries a TTL of ``DIMOTIS_VISIT_TTL_DAYS``; a visitor's is pushed forward at each
check-in, so a contact is kept as long as a visit it may need to be told about.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.errors import Conflict, NotFound, ValidationFailed
from chalicelib.models.base import utcnow
from chalicelib.models.visits import Building, Entrance, Visit, Visitor, VisitPresence, alive
from chalicelib.services.platform import audit, crypto
from chalicelib.settings import get_settings

TZ = ZoneInfo("Europe/Athens")
PASS_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
PASS_LENGTH = 16  # 80 random bits
PASS_RE = re.compile(rf"^[{PASS_ALPHABET}]{{{PASS_LENGTH}}}$")
BUILDING_RE = re.compile(r"^[a-z0-9-]{2,60}$")
REPEAT_SECONDS = 2
CONTACT_PURPOSE = "visit-contact"


# -- time and keys -------------------------------------------------------------------------------
def iso(at: datetime) -> str:
    """A fixed-width UTC timestamp: sorts as text the way it sorts as time."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def local_day(at: datetime) -> str:
    return at.astimezone(TZ).strftime("%Y-%m-%d")


def building_day(building_id: str, day: str) -> str:
    return f"{building_id}#{day}"


def ttl_from(at: datetime) -> datetime:
    return at + timedelta(days=get_settings().visit_ttl_days)


def closes_at_for(closing_time: str, check_in: datetime) -> datetime:
    """The building's closing moment on the local day of ``check_in``; the end of that day when
    the check-in came at or after closing time. A visit never outlasts its day partition."""
    local = check_in.astimezone(TZ)
    hour, minute = (int(x) for x in closing_time.split(":"))
    closing = datetime.combine(local.date(), time(hour, minute), tzinfo=TZ)
    if closing <= local:
        closing = datetime.combine(local.date() + timedelta(days=1), time(0, 0), tzinfo=TZ)
    return closing.astimezone(UTC)


# -- pass ids ------------------------------------------------------------------------------------
def new_pass_id() -> str:
    return "".join(secrets.choice(PASS_ALPHABET) for _ in range(PASS_LENGTH))


def normalise_code(code: str) -> str | None:
    """A typed or scanned pass code -> the pass id, or ``None`` if it cannot be one.
    Dashes and spaces are ignored; lower case, O, I and L are read as Crockford base32 reads them."""
    cleaned = re.sub(r"[\s\-]", "", code or "").upper().translate(str.maketrans("OIL", "011"))
    return cleaned if PASS_RE.match(cleaned) else None


def display_code(pass_id: str) -> str:
    return "-".join(pass_id[i : i + 4] for i in range(0, len(pass_id), 4))


def check_pass_id(pass_id: str) -> str:
    if not PASS_RE.match(pass_id or ""):
        raise ValidationFailed("Not a pass id.", code="invalid_pass_id", details={"field": "pass_id"})
    return pass_id


def contact_context(pass_id: str) -> dict[str, str]:
    return {"purpose": CONTACT_PURPOSE, "pass_id": pass_id}


# -- registration --------------------------------------------------------------------------------
def register(
    *,
    name: str,
    mobile: str | None,
    email: str | None,
    consent: bool,
    language: str = "el",
    send_pass: tuple[str, ...] | list[str] = (),
    staff: Any = None,
) -> dict[str, Any]:
    """Register a visitor (by themselves, or by ``staff`` at the entrance); returns the public pass
    (never the contact)."""
    name = (name or "").strip()
    if not consent:
        raise ValidationFailed("Consent is required.", code="consent_required", details={"field": "consent"})
    if not name:
        raise ValidationFailed("A name is required.", code="name_required", details={"field": "name"})
    if not mobile and not email:
        raise ValidationFailed(
            "Give a mobile number or an email address.", code="contact_required", details={"field": "mobile"}
        )
    now = utcnow()
    pass_id = new_pass_id()
    blob = json.dumps({"name": name, "mobile": mobile or None, "email": email or None}).encode()
    sealed = crypto.seal(blob, contact_context(pass_id))
    visitor = Visitor(
        pass_id,
        contact_key=sealed.encrypted_key,
        contact_nonce=sealed.nonce,
        contact_ct=sealed.ciphertext,
        channels=[c for c, v in (("email", email), ("sms", mobile)) if v],
        language=language,
        consent_at=now,
        registered_by="staff" if staff is not None else "self",
        created_at=now,
        expires_at=ttl_from(now),
    )
    visitor.save(condition=Visitor.pass_id.does_not_exist())
    sent = _send_pass(visitor, email=email, mobile=mobile, channels=send_pass)
    if staff is not None:
        audit.note(staff, "visitor", pass_id, action="register_visitor", after={"channels": visitor.channels})
    return {**public_pass(visitor), "sent": sent}


def _send_pass(visitor: Visitor, *, email: str | None, mobile: str | None, channels) -> list[str]:
    from chalicelib.services.platform.notifications import enqueue

    settings = get_settings()
    url = f"{settings.public_base_url}/pass/{visitor.pass_id}"
    code = display_code(visitor.pass_id)
    el = visitor.language != "en"
    sent = []
    if "email" in channels and email:
        import segno

        svg = segno.make(visitor.pass_id, error="m").svg_inline(scale=6, border=4)
        subject = "Η κάρτα επισκέπτη σας" if el else "Your visitor pass"
        body = (
            f"Η κάρτα επισκέπτη σας: {code}\nΔείξτε τον κωδικό QR στην είσοδο.\n{url}\n"
            if el
            else f"Your visitor pass: {code}\nShow the QR code at the entrance.\n{url}\n"
        )
        enqueue(
            source=f"visits.pass#{visitor.pass_id}",
            kind="visits.pass",
            channel="email",
            recipient=email,
            subject=subject,
            body=body,
            attachments=[{"filename": "pass.svg", "content_type": "image/svg+xml", "content": svg}],
            language=visitor.language,
        )
        sent.append("email")
    if "sms" in channels and mobile:
        body = f"Κάρτα επισκέπτη {code}: {url}" if el else f"Visitor pass {code}: {url}"
        enqueue(
            source=f"visits.pass#{visitor.pass_id}",
            kind="visits.pass",
            channel="sms",
            recipient=mobile,
            body=body,
            language=visitor.language,
        )
        sent.append("sms")
    return sent


def public_pass(visitor: Visitor) -> dict[str, Any]:
    base = f"/api/visits/passes/{visitor.pass_id}"
    return {
        "pass_id": visitor.pass_id,
        "code": display_code(visitor.pass_id),
        "channels": list(visitor.channels or []),
        "language": visitor.language,
        "created_at": visitor.created_at.isoformat(),
        "expires_at": visitor.expires_at.isoformat(),
        "pass_url": f"/pass/{visitor.pass_id}",
        "qr_svg_url": f"{base}/qr?format=svg",
        "qr_png_url": f"{base}/qr?format=png",
    }


def get_visitor(pass_id: str) -> Visitor:
    check_pass_id(pass_id)
    try:
        visitor = Visitor.get(pass_id, consistent_read=True)
    except Visitor.DoesNotExist:
        raise NotFound("No such pass.", code="unknown_pass") from None
    if not alive(visitor):
        raise NotFound("No such pass.", code="unknown_pass")
    return visitor


def pass_view(pass_id: str) -> dict[str, Any]:
    return public_pass(get_visitor(pass_id))


def pass_qr(pass_id: str, kind: str = "svg") -> tuple[bytes | str, str]:
    """The pass QR (only the pass id in it) as SVG text or PNG bytes, with its content type."""
    import io

    import segno

    visitor = get_visitor(pass_id)
    qr = segno.make(visitor.pass_id, error="m")
    buf = io.BytesIO()
    if kind == "png":
        qr.save(buf, kind="png", scale=10, border=4)
        return buf.getvalue(), "image/png"
    qr.save(buf, kind="svg", scale=10, border=4, xmldecl=False, title="QR")
    return buf.getvalue().decode(), "image/svg+xml"


def delete_registration(pass_id: str) -> dict[str, Any]:
    """Erase a visitor at once: the item with the encrypted data key goes; visits keep only the
    pass id and expire with their TTL."""
    get_visitor(pass_id)
    Visitor(pass_id).delete()
    return {"pass_id": pass_id, "deleted": True}


# -- buildings -----------------------------------------------------------------------------------
def building_view(building: Building) -> dict[str, Any]:
    return {
        "building_id": building.building_id,
        "name_el": building.name_el,
        "name_en": building.name_en or building.name_el,
        "address": building.address,
        "closing_time": building.closing_time,
        "entrances": [
            {"entrance_id": e.entrance_id, "name_el": e.name_el, "name_en": e.name_en or e.name_el}
            for e in building.entrances or []
        ],
    }


def check_building_id(building_id: str) -> str:
    if not BUILDING_RE.match(building_id or ""):
        raise ValidationFailed(
            "Not a building id.", code="invalid_building_id", details={"field": "building_id"}
        )
    return building_id


def get_building(building_id: str) -> Building:
    check_building_id(building_id)
    try:
        return Building.get(building_id)
    except Building.DoesNotExist:
        raise NotFound("No such building.", code="unknown_building") from None


def list_buildings() -> list[dict[str, Any]]:
    return [building_view(b) for b in Building.by_kind.query("building")]


def save_building(staff: Any, building_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Create or replace a building and its entrances (admins)."""
    ids = [e["entrance_id"] for e in data["entrances"]]
    if len(set(ids)) != len(ids):
        raise Conflict("Entrance ids repeat.", code="duplicate_entrance")
    before = None
    try:
        before = building_view(Building.get(building_id))
    except Building.DoesNotExist:
        pass
    building = Building(
        building_id,
        name_el=data["name_el"],
        name_en=data.get("name_en") or None,
        address=data.get("address") or None,
        closing_time=data["closing_time"],
        entrances=[
            Entrance(entrance_id=e["entrance_id"], name_el=e["name_el"], name_en=e.get("name_en") or None)
            for e in data["entrances"]
        ],
        updated_at=utcnow(),
    )
    building.save()
    after = building_view(building)
    audit.note(staff, "building", building_id, action="save_building", before=before, after=after)
    return after


# -- check-in and check-out ----------------------------------------------------------------------
def _visit_view(visit: Visit, building: Building) -> dict[str, Any]:
    return {
        "building_id": visit.building_id,
        "building_name_el": building.name_el,
        "building_name_en": building.name_en or building.name_el,
        "code": display_code(visit.pass_id),
        "check_in": visit.check_in.isoformat(),
        "check_out": visit.check_out.isoformat() if visit.check_out else None,
        "closes_at": visit.closes_at.isoformat(),
    }


def scan_pass(
    building_id: str, code: str, entrance_id: str | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """A kiosk scan (camera or typed code): check in, or check out the open visit."""
    now = now or utcnow()
    building = get_building(building_id)
    if entrance_id and entrance_id not in {e.entrance_id for e in building.entrances or []}:
        raise NotFound("No such entrance in this building.", code="unknown_entrance")
    pass_id = normalise_code(code)
    if pass_id is None:
        raise NotFound("No such pass.", code="unknown_pass")
    visitor = get_visitor(pass_id)
    key = f"{building_id}#{pass_id}"
    for _ in range(3):
        presence = _presence(key)
        if presence is not None:
            if presence.closes_at <= now:
                _close(presence, presence.closes_at, "next_scan", None)
            elif (now - presence.check_in).total_seconds() < REPEAT_SECONDS:
                visit = Visit.get(presence.building_day, presence.visit_key)
                return {"action": "checked_in", "repeated": True, "visit": _visit_view(visit, building)}
            else:
                visit = _close(presence, now, "scan", entrance_id)
                if visit is not None:
                    return {"action": "checked_out", "repeated": False, "visit": _visit_view(visit, building)}
                continue  # closed by someone else meanwhile: look again
        visit = _check_in(building, visitor, entrance_id, now)
        if visit is not None:
            return {"action": "checked_in", "repeated": False, "visit": _visit_view(visit, building)}
    raise Conflict("The pass is being scanned elsewhere; try again.", code="scan_conflict")


def _presence(key: str) -> VisitPresence | None:
    presence = _raw_presence(key)
    return presence if presence is not None and alive(presence) else None


_local = threading.local()


def _conn():
    """One PynamoDB connection per thread for transactions (its botocore client is made once)."""
    conn = getattr(_local, "connection", None)
    if conn is None:
        from pynamodb.connection import Connection

        conn = _local.connection = Connection(region=get_settings().region)
    return conn


def _conditional(exc: Exception) -> bool:
    """Whether a write failed on its condition (also inside a cancelled transaction)."""
    reasons = [getattr(r, "code", None) for r in (getattr(exc, "cancellation_reasons", None) or []) if r]
    if reasons:
        return "ConditionalCheckFailed" in reasons
    text = f"{exc} {getattr(exc, 'cause_response_code', '')} {getattr(exc, 'cause_response_message', '')}"
    return "ConditionalCheckFailed" in text


def _check_in(building: Building, visitor: Visitor, entrance_id: str | None, now: datetime) -> Visit | None:
    closes_at = closes_at_for(building.closing_time, now)
    expires = ttl_from(now)
    visit = Visit(
        building_day(building.building_id, local_day(now)),
        f"{iso(now)}#{visitor.pass_id}",
        building_id=building.building_id,
        day=local_day(now),
        pass_id=visitor.pass_id,
        entrance_in=entrance_id,
        check_in=now,
        closes_at=closes_at,
        expires_at=expires,
    )
    key = f"{building.building_id}#{visitor.pass_id}"
    presence = VisitPresence(
        key,
        building_day=visit.building_day,
        visit_key=visit.visit_key,
        check_in=now,
        closes_at=closes_at,
        due_day=local_day(closes_at),
        closes_key=f"{iso(closes_at)}#{key}",
        expires_at=expires,
    )
    existing = _raw_presence(key)  # an expired leftover (TTL deletes late) is replaced
    try:
        with TransactWrite(connection=_conn()) as tx:
            if existing is not None:
                tx.save(presence, condition=VisitPresence.visit_key == existing.visit_key)
            else:
                tx.save(presence, condition=VisitPresence.building_pass.does_not_exist())
            tx.save(visit, condition=Visit.visit_key.does_not_exist())
    except TransactWriteError as exc:
        if _conditional(exc):
            return None
        raise
    try:  # keep the contact as long as this visit
        visitor.update(actions=[Visitor.expires_at.set(expires)], condition=Visitor.expires_at < expires)
    except UpdateError as exc:
        if not _conditional(exc):
            raise
    return visit


def _raw_presence(key: str) -> VisitPresence | None:
    try:
        return VisitPresence.get(key, consistent_read=True)
    except VisitPresence.DoesNotExist:
        return None


def _close(presence: VisitPresence, at: datetime, how: str, entrance_id: str | None) -> Visit | None:
    """Close the open visit at ``at``; ``None`` if someone else closed it first."""
    visit = Visit(presence.building_day, presence.visit_key)
    actions = [Visit.check_out.set(at), Visit.closed_by.set(how)]
    if entrance_id:
        actions.append(Visit.entrance_out.set(entrance_id))
    try:
        with TransactWrite(connection=_conn()) as tx:
            tx.delete(presence, condition=VisitPresence.visit_key == presence.visit_key)
            tx.update(visit, actions=actions, condition=Visit.check_out.does_not_exist())
    except TransactWriteError as exc:
        if _conditional(exc):
            return None
        raise
    return Visit.get(presence.building_day, presence.visit_key, consistent_read=True)


def close_due(now: datetime | None = None) -> int:
    """Close every visit still open at its closing time (the schedule); returns how many.
    Reads the presence index by due day, never the visits."""
    now = now or utcnow()
    closed = 0
    today = now.astimezone(TZ).date()
    for day in (today - timedelta(days=1), today):
        for presence in VisitPresence.by_due.query(
            day.isoformat(), VisitPresence.closes_key <= f"{iso(now)}~"
        ):
            if presence.closes_at <= now and _close(presence, presence.closes_at, "schedule", None):
                closed += 1
    return closed
