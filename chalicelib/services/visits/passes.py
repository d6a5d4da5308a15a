"""Registration and passes: a visitor's one-time registration, their pass (view, QR, delete).

A visitor gives a name and a mobile or an email (at least one) and consents. The contact is sealed
with envelope encryption (``services/platform/crypto.py``) under the context of a new random pass
id (``contact_context``); nothing else about the person is stored. A mobile must be one SMS may go
to (409 ``mobile_not_allowed``). The pass (a QR code holding only the pass id) may be sent by email
or SMS through the outbox, its recipient sealed there too and filed under the visitor
(``visitor_ref``); a visitor who registers alone counts in the address's daily allowance of
anonymous messages, and the answer's ``not_sent`` says which pass messages will not go and why.
Deleting the registration deletes the visitor item at once (with the encrypted data key gone,
nothing can decrypt to them) and the outbox rows filed under it.

Example::

    visits.register(name="Ελένη", email="e@example.org", mobile=None, consent=True, staff=None)
    # {"pass_id": "K3F...", "code": "K3F0-...", "channels": ["email"], "sent": [], "not_sent": [], ...}

A pass id is 16 characters of Crockford base32 (80 random bits): the id is the secret that the
kiosk and the pass page are reached by, so it is never derived from anything.

Limitation: a pass is told apart from its visitor only by its id; a visitor who registers twice
has two passes and is told about an exposure once per pass.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from chalicelib import clock
from chalicelib.errors import ValidationFailed
from chalicelib.models.visits import Visitor
from chalicelib.services.platform import audit, crypto, limits
from chalicelib.services.visits.retention import load_alive, ttl_from
from chalicelib.settings import get_settings

PASS_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
PASS_LENGTH = 16  # 80 random bits
PASS_RE = re.compile(rf"^[{PASS_ALPHABET}]{{{PASS_LENGTH}}}$")
CONTACT_PURPOSE = "visit-contact"


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
    mobile: str | None = None,
    email: str | None = None,
    consent: bool,
    language: str = "el",
    send_pass: tuple[str, ...] | list[str] = (),
    staff: Any = None,
    client: str | None = None,
) -> dict[str, Any]:
    """Register a visitor (by themselves, or by ``staff`` at the entrance); returns the public pass
    (never the contact). A registration by the visitor takes a token of the ``client``'s bucket
    (``registration_client``; 429 ``rate_limited`` when empty)."""
    name = (name or "").strip()
    if not consent:
        raise ValidationFailed("Consent is required.", code="consent_required", details={"field": "consent"})
    if not name:
        raise ValidationFailed("A name is required.", code="name_required", details={"field": "name"})
    if not mobile and not email:
        raise ValidationFailed(
            "Give a mobile number or an email address.", code="contact_required", details={"field": "mobile"}
        )
    if mobile:
        from chalicelib.services.platform.citizens import normalise_mobile

        mobile = normalise_mobile(mobile)  # 409 mobile_not_allowed: SMS go only where they may
    email = (email or "").strip() or None
    now = clock.utcnow()
    if staff is None:
        limits.check_client("registration_client", client, now=now)
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
    sent, not_sent = _send_pass(visitor, email=email, mobile=mobile, channels=send_pass, anonymous=staff is None)
    if staff is not None:
        audit.note(staff, "visitor", pass_id, action="register_visitor", after={"channels": visitor.channels})
    return {**public_pass(visitor), "sent": sent, "not_sent": not_sent}


def visitor_ref(pass_id: str) -> str:
    """What the outbox rows of a visitor's messages are filed under (deleted with the visitor)."""
    return f"visitor#{pass_id}"


PASS_SMS = {"el": "Κάρτα επισκέπτη {code}: {url}", "en": "Visitor pass {code}: {url}"}


def _send_pass(
    visitor: Visitor, *, email: str | None, mobile: str | None, channels, anonymous: bool
) -> tuple[list[str], list[dict[str, str]]]:
    """The pass by e-mail and/or SMS, the recipient sealed in the outbox (``seal``), counted in the
    address's daily allowance when the visitor registered alone (``anonymous``). Returns the
    channels it goes to and, for the others, why not."""
    from chalicelib.services.platform import gsm7, notifications

    settings = get_settings()
    url = f"{settings.public_base_url}/pass/{visitor.pass_id}"
    code = display_code(visitor.pass_id)
    language = "en" if visitor.language == "en" else "el"
    common = {
        "source": f"visits.pass#{visitor.pass_id}",
        "kind": "visits.pass",
        "language": visitor.language,
        "anonymous": anonymous,
        "seal": True,
        "ref": visitor_ref(visitor.pass_id),
        "keep_until": visitor.expires_at,
    }
    outcomes = {}
    if "email" in channels and email:
        import segno

        svg = segno.make(visitor.pass_id, error="m").svg_inline(scale=6, border=4)
        subject = "Η κάρτα επισκέπτη σας" if language == "el" else "Your visitor pass"
        body = (
            f"Η κάρτα επισκέπτη σας: {code}\nΔείξτε τον κωδικό QR στην είσοδο.\n{url}\n"
            if language == "el"
            else f"Your visitor pass: {code}\nShow the QR code at the entrance.\n{url}\n"
        )
        attachment = {"filename": "pass.svg", "content_type": "image/svg+xml", "content": svg}
        outcomes["email"] = notifications.put_message(
            channel="email", recipient=email, subject=subject, body=body, attachments=[attachment], **common
        )
    if "sms" in channels and mobile:
        body = gsm7.fit(PASS_SMS[language], {"code": code, "url": url})
        outcomes["sms"] = notifications.put_message(channel="sms", recipient=mobile, body=body, **common)
    sent = [c for c, outcome in outcomes.items() if outcome in ("pending", "duplicate")]
    not_sent = [
        {"channel": c, "reason": notifications.not_sent_reason(outcome)}
        for c, outcome in outcomes.items()
        if notifications.not_sent_reason(outcome)
    ]
    return sent, not_sent


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
    """The visitor of a live pass; 400 ``invalid_pass_id``, 404 ``unknown_pass``."""
    return load_alive(Visitor, check_pass_id(pass_id), code="unknown_pass", message="No such pass.")


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
    """Erase a visitor at once: the item with the encrypted data key goes, and so do the outbox
    rows of their messages (pass, exposure notices: a Query on their ``ref``); visits keep only
    the pass id and expire with their TTL."""
    from chalicelib.services.platform import notifications

    get_visitor(pass_id)
    Visitor(pass_id).delete()
    notifications.forget(visitor_ref(pass_id))
    return {"pass_id": pass_id, "deleted": True}
