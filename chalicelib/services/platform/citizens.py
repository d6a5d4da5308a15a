"""Citizen profiles: created or refreshed at Taxisnet sign-in, edited by the citizen (schemas in
``chalicelib/schemas/identity.py``); which of their contacts are verified, and where a message to
them may go.

Contacts and verification (``services/platform/contacts.py`` confirms them):

- A contact is verified when the fingerprint stored beside it matches it (``fingerprint``), so a
  contact changed by any path is unverified until confirmed again.
- Migration rule: a profile written before verification existed (no ``contacts_checked``) has its
  email and mobile counted as verified: the citizen typed them, signed in with Taxisnet, and
  messages have gone to them since. The first write that knows of verification (a profile change,
  a confirmation) records them as verified, and sets ``contacts_checked``.
- ``reachable(citizen, chosen)`` is the one rule every notice follows: the channels chosen for that
  booking, request or follow (``None``: the profile's ``notify_email``/``notify_sms``), each only
  to a verified contact.

Example::

    reachable(citizen, ["sms"])   # {"sms": "+306912345678"} when the mobile is verified, else {}

Limitation: one email and one mobile per citizen; confirming another replaces it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from chalicelib.clock import utcnow
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.citizens import Citizen
from chalicelib.services.platform import addresses

if TYPE_CHECKING:
    from chalicelib.services.platform.taxisnet import TaxisnetUser

CHANNELS = ("email", "sms")
ADDRESS = {"email": "email", "sms": "mobile"}  # channel -> the profile's attribute
FINGERPRINT = {"email": "email_verified", "sms": "mobile_verified"}
WANTED = {"email": "notify_email", "sms": "notify_sms"}


def sign_in(user: TaxisnetUser) -> Citizen:
    """Create the citizen on first sign-in; refresh the names Taxisnet holds on later ones."""
    now = utcnow()
    try:
        citizen = Citizen.get(user.taxid)
    except Citizen.DoesNotExist:
        citizen = Citizen(user.taxid, contacts_checked=True)
    citizen.userid = user.userid or None
    citizen.first_name = user.first_name
    citizen.last_name = user.last_name
    citizen.father_name = user.father_name or None
    citizen.mother_name = user.mother_name or None
    citizen.birth_year = user.birth_year
    citizen.last_login_at = now
    citizen.updated_at = now
    citizen.save()
    return citizen


def get(taxid: str) -> Citizen:
    try:
        return Citizen.get(taxid)
    except Citizen.DoesNotExist:
        raise NotFound("No profile for this session.", code="profile_not_found") from None


def update(taxid: str, changes: dict[str, Any]) -> Citizen:
    """The citizen's own changes; a changed email or mobile is unverified until confirmed."""
    citizen = get(taxid)
    for name, value in checked_contacts(citizen).items():
        setattr(citizen, name, value)
    if "email" in changes:
        citizen.email = normalise_email(changes["email"])
    if "mobile" in changes:
        citizen.mobile = normalise_mobile(changes["mobile"])
    for name in ("language", "notify_email", "notify_sms"):
        if name in changes:
            setattr(citizen, name, changes[name])
    if "topics" in changes:
        citizen.topics = ",".join(sorted(set(changes["topics"]))) or None
    citizen.updated_at = utcnow()
    citizen.save()
    return citizen


def normalise_email(value: str | None) -> str | None:
    return (value or "").strip().lower() or None


def normalise_mobile(value: str | None) -> str | None:
    """A mobile in E.164 form (Greek numbers without a country code get +30); 409
    ``mobile_not_allowed`` for a number SMS may not go to (``DIMOTIS_SMS_COUNTRIES``,
    ``services/platform/addresses.py``)."""
    if not value:
        return None
    number = addresses.e164(value)
    if not addresses.sms_allowed(number):
        raise Conflict(
            "Only mobile numbers of the countries this service sends SMS to are accepted "
            "(Greece: 69...).",
            code="mobile_not_allowed",
            details={"field": "mobile"},
        )
    return number


def public(citizen: Citizen) -> dict[str, Any]:
    from chalicelib.services.platform import suppression

    contacts = verified(citizen)
    return {
        "taxid": citizen.taxid,
        "first_name": citizen.first_name,
        "last_name": citizen.last_name,
        "father_name": citizen.father_name,
        "birth_year": citizen.birth_year,
        "email": citizen.email,
        "mobile": citizen.mobile,
        "email_verified": "email" in contacts,
        "mobile_verified": "sms" in contacts,
        "language": citizen.language or "el",
        "notify_email": bool(citizen.notify_email),
        "notify_sms": bool(citizen.notify_sms),
        "topics": [t for t in (citizen.topics or "").split(",") if t],
        "suppressed": suppression.for_citizen(citizen),
    }


# -- verified contacts and the channel choice ------------------------------------------------------
def fingerprint(channel: str, address: str) -> str:
    """What the profile keeps of a confirmed contact: a hash of the channel and the address."""
    return hashlib.sha256(f"{channel}|{address}".encode()).hexdigest()[:32]


def verified(citizen: Any) -> dict[str, str]:
    """channel -> address of the profile's verified contacts (see the module's migration rule)."""
    legacy = getattr(citizen, "contacts_checked", None) is None
    out = {}
    for channel in CHANNELS:
        address = getattr(citizen, ADDRESS[channel], None)
        if address and (
            legacy or getattr(citizen, FINGERPRINT[channel], None) == fingerprint(channel, address)
        ):
            out[channel] = address
    return out


def checked_contacts(citizen: Citizen) -> dict[str, Any]:
    """The attributes that record a profile's contacts as verified under the migration rule: for
    a profile from before verification, its contacts' fingerprints and ``contacts_checked``; for
    any other, nothing. Written with any change to the profile."""
    if citizen.contacts_checked is not None:
        return {}
    found = verified(citizen)
    return {
        "contacts_checked": True,
        **{FINGERPRINT[channel]: fingerprint(channel, address) for channel, address in found.items()},
    }


def reachable(recipient: Any, chosen: Iterable[str] | None = None) -> dict[str, str]:
    """channel -> address where a message to ``recipient`` may go: the ``chosen`` channels (a
    booking's, a request's, a follow's, an alert's; ``None``: the recipient's ``notify_email`` /
    ``notify_sms``), each only to a verified contact of a citizen's profile. Any other recipient (a
    contact given with a request taken by staff or through Open311, which the messages answer) is
    reached at the contacts it carries."""
    if chosen is None:
        chosen = [c for c in CHANNELS if getattr(recipient, WANTED[c], c == "email")]
    if isinstance(recipient, Citizen):
        contacts = verified(recipient)
    else:
        contacts = {c: getattr(recipient, ADDRESS[c], None) for c in CHANNELS}
    return {c: contacts[c] for c in CHANNELS if c in set(chosen) and contacts.get(c)}
