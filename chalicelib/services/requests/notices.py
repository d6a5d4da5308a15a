"""Tell citizens of each public change of their request (stream consumer of the timeline table).

A public timeline entry (submission, status change, public note) becomes one email and/or SMS
through the outbox; the outbox key is derived from the entry (``request_timeline#<id>#<seq>``), so
a record delivered twice sends once (invariant 3). A signed-in citizen's request goes to the
channels they chose when filing it (or their profile's), at their verified contacts, in their
language; a request taken by staff or through Open311 with contact details goes to those. A
follower is told on the channels chosen when following. Followers of a public report (``following.followers``) are told of its changes
after the submission.

Limitation: followers are read when the entry is handled, so a late redelivery may reach someone
who followed after the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.models.citizens import Citizen
from chalicelib.models.requests import CitizenRequest, RequestType
from chalicelib.services.platform import gsm7, notifications
from chalicelib.services.requests.following import followers
from chalicelib.settings import get_settings

STATUS_NAMES = {
    "el": {
        "submitted": "Υποβλήθηκε",
        "received": "Παραλήφθηκε",
        "assigned": "Ανατέθηκε",
        "in_progress": "Σε εξέλιξη",
        "on_hold": "Σε αναμονή",
        "resolved": "Επιλύθηκε",
        "rejected": "Απορρίφθηκε",
        "closed": "Έκλεισε",
    },
    "en": {
        "submitted": "Submitted",
        "received": "Received",
        "assigned": "Assigned",
        "in_progress": "In progress",
        "on_hold": "On hold",
        "resolved": "Resolved",
        "rejected": "Rejected",
        "closed": "Closed",
    },
}


@dataclass
class _Contact:
    email: str | None
    mobile: str | None
    language: str = "el"
    notify_email: bool = True
    notify_sms: bool = True


def _recipient(req: CitizenRequest) -> Any:
    if req.taxid:
        try:
            return Citizen.get(req.taxid)
        except Citizen.DoesNotExist:
            pass
    if req.contact_email or req.contact_phone:
        return _Contact(req.contact_email, req.contact_phone, req.language or "el")
    return None


# one GSM-7 part whatever the data: the note, then the type's name shortened; the link kept whole
SMS = {
    "el": "Αίτημα {protocol} «{name}»: {state}.{note} {link}",
    "en": "Request {protocol} ({name}): {state}.{note} {link}",
}
REGISTERED = {"el": "καταχωρίστηκε", "en": "registered"}


def _texts(req: CitizenRequest, kind_name: dict[str, str], image: dict[str, Any]) -> dict[str, Any]:
    action = image.get("action", {}).get("S")
    status = image.get("status", {}).get("S") or req.status
    note = image.get("note", {}).get("S") if image.get("note_public", {}).get("BOOL") else None
    link = f"{get_settings().public_base_url}/requests.html#{req.request_id}"
    subject, text, sms = {}, {}, {}
    for lang in ("el", "en"):
        name = kind_name[lang]
        if action == "submitted":
            state = REGISTERED[lang]
            subject[lang] = (
                f"Αίτημα {req.protocol}: καταχωρίστηκε"
                if lang == "el"
                else f"Request {req.protocol}: registered"
            )
            body = (
                f"Το αίτημά σας «{name}» καταχωρίστηκε με αριθμό πρωτοκόλλου {req.protocol}."
                if lang == "el"
                else f"Your request “{name}” was registered with protocol number {req.protocol}."
            )
        else:
            state = STATUS_NAMES[lang].get(status, status)
            subject[lang] = (
                f"Αίτημα {req.protocol}: {state}" if lang == "el" else f"Request {req.protocol}: {state}"
            )
            body = (
                f"Το αίτημά σας {req.protocol} («{name}») είναι τώρα: {state}."
                if lang == "el"
                else f"Your request {req.protocol} (“{name}”) is now: {state}."
            )
        if note:
            body += ("\n\nΣημείωμα: " if lang == "el" else "\n\nNote: ") + note
        sms[lang] = gsm7.fit(
            SMS[lang],
            {"protocol": req.protocol, "name": name, "state": state, "note": f" {note}" if note else "",
             "link": link},
            shrink=("note", "name"),
        )
        text[lang] = body + ("\n\nΔείτε την πορεία του: " if lang == "el" else "\n\nFollow it: ") + link
    return {"subject": subject, "text": text, "sms": sms}


def on_timeline_record(record: dict[str, Any]) -> int:
    """Stream consumer: a new public timeline entry -> the citizen is told (at most once)."""
    if record.get("eventName") != "INSERT":
        return 0
    image = record["dynamodb"].get("NewImage") or {}
    if not image.get("public", {}).get("BOOL"):
        return 0
    request_id = image["request_id"]["S"]
    seq = image["seq"]["N"]
    try:
        req = CitizenRequest.get(request_id)
    except CitizenRequest.DoesNotExist:
        return 0
    recipient = _recipient(req)
    try:
        kind = RequestType.get(req.type_code)
        names = {"el": kind.name_el, "en": kind.name_en}
    except RequestType.DoesNotExist:
        names = {"el": req.type_code, "en": req.type_code}
    texts = _texts(req, names, image)
    recipients = [(recipient, req.notify)] if recipient is not None else []
    if req.public and image.get("action", {}).get("S") != "submitted":
        for taxid, chosen in followers(request_id).items():
            if taxid != req.taxid:
                try:
                    recipients.append((Citizen.get(taxid), chosen))
                except Citizen.DoesNotExist:
                    continue
    return sum(
        notifications.notify_citizen(
            person,
            source=f"request_timeline#{request_id}#{seq}",
            kind="request.update",
            subject=texts["subject"],
            text=texts["text"],
            sms=texts["sms"],
            force_channels=chosen,
            anonymous=isinstance(person, _Contact) and req.channel == "open311",
        )
        for person, chosen in recipients
    )
