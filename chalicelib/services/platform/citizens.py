"""Citizen profiles: created or refreshed at Taxisnet sign-in, edited by the citizen (schemas in
``chalicelib/schemas/identity.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.clock import utcnow
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.citizens import Citizen
from chalicelib.services.platform import addresses

if TYPE_CHECKING:
    from chalicelib.services.platform.taxisnet import TaxisnetUser


def sign_in(user: TaxisnetUser) -> Citizen:
    """Create the citizen on first sign-in; refresh the names Taxisnet holds on later ones."""
    now = utcnow()
    try:
        citizen = Citizen.get(user.taxid)
    except Citizen.DoesNotExist:
        citizen = Citizen(user.taxid)
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
    citizen = get(taxid)
    if "email" in changes:
        citizen.email = (changes["email"] or "").strip().lower() or None
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

    return {
        "taxid": citizen.taxid,
        "first_name": citizen.first_name,
        "last_name": citizen.last_name,
        "father_name": citizen.father_name,
        "birth_year": citizen.birth_year,
        "email": citizen.email,
        "mobile": citizen.mobile,
        "language": citizen.language or "el",
        "notify_email": bool(citizen.notify_email),
        "notify_sms": bool(citizen.notify_sms),
        "topics": [t for t in (citizen.topics or "").split(",") if t],
        "suppressed": suppression.for_citizen(citizen),
    }
