"""A citizen's own data: everything the municipality holds about them, to download, and closing the
account. The one platform module that calls the capabilities (through their package APIs: each
says what it holds about a citizen and how it forgets it), because an account spans them all.

``export_data`` gathers, for the signed-in citizen: the profile as stored (every attribute),
their choices about being contacted and which contacts are confirmed (``consents``), a contact
they are confirming right now (the address and until when), their appointments, the queue tickets of
those they checked in (the ticket id is derived from the appointment's), their requests with the
public part of each timeline (no internal note, no staff member's name), and the reports they
follow. Each list holds at most ``EXPORT_LIMIT`` items; ``truncated`` names a list that had more.
What is not linked to the account is not in it: visitor passes (anonymous by design), walk-in
tickets (a mobile at most, erased at the end of the day).

``close_account`` erases, in an order that makes a retry finish what a failure left:

1. the contacts being confirmed (a code or link used meanwhile then confirms nothing), then the
   profile's contacts (e-mail, mobile, their verification, notification choices, alert topics),
   so no message goes out during or after the closing;
2. the appointments: those to come cancelled, all anonymised (``appointments.citizen_records``:
   no archive rule keeps who booked a visit; the department's calendar and statistics keep the
   visit without the person); the mobile of their queue tickets erased;
3. the requests: kept under their protocol number, without the tax number, name, e-mail and phone
   (the municipality's archive keeps incoming documents; ``requests.citizen_records``); the
   follows deleted;
4. the profile itself (its stream record removes the alert subscriptions);
5. the session: signed out (the cookie is cleared by the route).

Both are in the audit log as the citizen's own action (``audit.CitizenActor``: named by an HMAC of
the tax number, so the log, which outlives the account, holds no tax number): the export at once
(a read has no change to wait for), the closing when the request succeeds, with what was erased
and kept.

Example::

    data = export_data(session)          # {"profile": {...}, "appointments": [...], ...}
    close_account(session)               # {"closed": True, "appointments_cancelled": 1, ...}

Limitation: it is not one transaction (an account may hold more items than one can write); each
step is safe to run again and the profile goes last, so a closing cut short leaves an account that
is still there, without contacts, and closing again finishes it. Other sessions of the same person
(another browser) are not revoked: they end at their expiry (``DIMOTIS_SESSION_TTL_SECONDS``) and
find an empty account; messages already in the outbox keep their address until the outbox's own
retention.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.models.citizens import Citizen
from chalicelib.services import appointments, live_queue, requests
from chalicelib.services.platform import audit, citizens, contacts, sessions

EXPORT_LIMIT = 1000


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, set):
        return sorted(value)
    return value


def _profile(taxid: str) -> Citizen | None:
    try:
        return Citizen.get(taxid, consistent_read=True)
    except Citizen.DoesNotExist:
        return None


def _ticket(ticket: Any) -> dict[str, Any]:
    """A queue ticket of the citizen as held (the mobile too, until it is erased)."""
    return {
        name: _plain(getattr(ticket, name))
        for name in (
            "ticket_id",
            "code",
            "status",
            "kind",
            "day",
            "service_point_id",
            "queue_id",
            "appointment_reference",
            "issued_at",
            "called_at",
            "counter_label",
            "service_started_at",
            "service_ended_at",
            "mobile",
            "language",
        )
    }


def export_data(session: Any, now: datetime | None = None) -> dict[str, Any]:
    """Everything held about the signed-in citizen (see the module's docstring)."""
    taxid = session.taxid
    citizen = _profile(taxid)
    booked = appointments.citizen_appointments(taxid, limit=EXPORT_LIMIT)
    tickets = live_queue.tickets_of_appointments([a.appointment_id for a in booked])
    filed = requests.citizen_requests(taxid, limit=EXPORT_LIMIT)
    follows = requests.citizen_follows(taxid, limit=EXPORT_LIMIT)
    profile = (
        {name: _plain(value) for name, value in sorted(citizen.attribute_values.items())} if citizen else None
    )
    consents = None
    if citizen:
        consents = {
            "notify_email": bool(citizen.notify_email),
            "notify_sms": bool(citizen.notify_sms),
            "alert_topics": [t for t in (citizen.topics or "").split(",") if t],
            "language": citizen.language or "el",
            "verified_contacts": sorted(citizens.verified(citizen)),
        }
    data = {
        "exported_at": clock.iso(now or clock.utcnow()),
        "taxid": taxid,
        "profile": profile,
        "consents": consents,
        "appointments": [appointments.appointment_public(a) for a in booked],
        "queue_tickets": [_ticket(t) for t in tickets],
        "requests": filed,
        "follows": follows,
        "contacts_being_confirmed": contacts.pending(taxid),
        "truncated": [
            name
            for name, items in (("appointments", booked), ("requests", filed), ("follows", follows))
            if len(items) >= EXPORT_LIMIT
        ],
    }
    counts = {k: len(data[k]) for k in ("appointments", "queue_tickets", "requests", "follows")}
    actor = audit.citizen_actor(taxid)
    audit.write(actor, action="citizen.export", entity_type="citizen", entity_id=actor.username, after=counts)
    return data


def close_account(session: Any, now: datetime | None = None) -> dict[str, Any]:
    """Close the signed-in citizen's account (see the module's docstring); what was done."""
    now = now or clock.utcnow()
    taxid = session.taxid
    # a code or an e-mail link used during the closing must find nothing to confirm
    contacts.forget(taxid)
    citizen = _profile(taxid)
    if citizen is not None:
        citizen.update(
            actions=[
                Citizen.email.remove(),
                Citizen.mobile.remove(),
                Citizen.email_verified.remove(),
                Citizen.mobile_verified.remove(),
                Citizen.notify_email.set(False),
                Citizen.notify_sms.set(False),
                Citizen.topics.remove(),
                Citizen.updated_at.set(now),
            ]
        )
    booked = appointments.citizen_appointments(taxid, limit=None)
    live_queue.erase_ticket_mobiles(live_queue.tickets_of_appointments([a.appointment_id for a in booked]))
    done_appointments = appointments.forget_citizen_appointments(taxid, now)
    done_requests = requests.forget_citizen_requests(taxid)
    Citizen(taxid).delete()
    sessions.revoke(session)
    summary = {
        "closed": True,
        "appointments_cancelled": done_appointments["cancelled"],
        "appointments_anonymised": done_appointments["anonymised"],
        "requests_kept_without_you": done_requests["kept"],
        "follows_removed": done_requests["follows_removed"],
    }
    actor = audit.citizen_actor(taxid)
    audit.note(actor, "citizen", actor.username, action="citizen.close", after=summary)
    return summary
