"""Citizen matrix (DESIGN invariants 4 and 6): citizen B calls every citizen route (OpenAPI security
``citizenCookie``) with citizen A's ids: refused (403/404) with nothing written, or answered with
B's own data only; A's objects are unchanged either way. ``CITIZEN`` must have an entry for every
citizen route; ``CITIZEN_PUBLIC`` holds the public routes that take a citizen's id or reference,
and queue tickets and visit passes, reached by id alone, must have unguessable ids.

A 500 is never "refused": it fails the test like a call let through.

To add a route: add a line to ``CITIZEN`` (placeholders in braces are filled from the ``world``
fixture).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.models.citizens import Citizen
from chalicelib.models.outbox import OutboxMessage
from chalicelib.services.live_queue import tickets as queue_tickets
from chalicelib.services.platform import contacts, sessions
from chalicelib.services.visits import passes
from devstack.demo.appointments import TODAY_HOLDER, todays_appointment
from tests.unit.security.world import (
    REFUSED,
    A,
    B,
    World,
    all_routes,
    call,
    changed_tables,
    citizen_routes,
    fill,
    is_json_error,
    snapshot,
)


@dataclass(frozen=True)
class Refused:
    """B's call with A's ids is refused (403/404, an id in the body too) and writes nothing; A's
    own call of a read gets through (so the id is real)."""

    path: str
    body: Any = None
    anonymous_too: bool = False


@dataclass(frozen=True)
class OwnOnly:
    """Acts on or answers with the caller's own data: B gets a 2xx with none of A's ids in it."""

    path: str
    body: Any = None


@dataclass(frozen=True)
class Probe:
    """A route whose attack is not an id in the path: ``check(world) -> problems``."""

    check: Callable[[World], list[str]]


def _idempotency_key_is_per_citizen(world: World) -> list[str]:
    """B reusing A's Idempotency-Key books B's own appointment, never answers with A's."""
    body = {"service_id": "kep-certificates", "start": world.values["free_slot"]}
    resp = call(
        world.client, "POST", "/api/appointments", world.citizen[B], body, {"Idempotency-Key": "a-key"}
    )
    if resp.status_code != 201 or resp.json_body["appointment_id"] == world.values["a_appointment"]:
        return [f"B with A's Idempotency-Key: {resp.status_code} {resp.json_body}"]
    return []


def _logout_ends_only_the_callers_session(world: World) -> list[str]:
    resp = call(world.client, "POST", "/api/auth/logout", sessions.issue(B)[0])  # a second session of B
    still = call(world.client, "GET", "/api/me", world.citizen[A])
    if resp.status_code != 200 or still.status_code != 200:
        return [f"B's sign-out: {resp.status_code}; A afterwards: {still.status_code}"]
    return []


def _closing_closes_only_the_callers_account(world: World) -> list[str]:
    """A third citizen who follows the report A follows closes their account, naming A in the body
    too: refused with A's tax number (400, no such field), then their own account alone closes."""
    c = "700000033"
    Citizen(c, first_name="ΓΕΩΡΓΙΑ", last_name="ΤΡΙΤΗ").save()
    token = sessions.issue(c)[0]
    follow = call(
        world.client, "POST", "/api/requests/follow", token, {"protocol": world.values["followed_protocol"]}
    )
    naming_a = call(world.client, "POST", "/api/me/close", token, {"confirm": True, "taxid": A})
    closed = call(world.client, "POST", "/api/me/close", token, {"confirm": True})
    still = call(world.client, "GET", "/api/me", world.citizen[A])
    wrong = []
    if follow.status_code != 200 or naming_a.status_code != 400 or closed.status_code != 200:
        wrong.append(
            f"C's follow {follow.status_code}, close naming A {naming_a.status_code}, close {closed.status_code}"
        )
    if still.status_code != 200 or Citizen.count(c) != 0:
        wrong.append(f"A afterwards: {still.status_code}; C's profile left: {Citizen.count(c)}")
    return wrong
def _sent_code(recipient: str) -> str:
    """The code of the newest confirmation message to ``recipient`` (the outbox)."""
    newest = max(
        (m for m in OutboxMessage.scan() if m.recipient == recipient and m.kind == contacts.KIND),
        key=lambda m: m.created_key,
    )
    return re.search(r"\b(\d{6})\b", newest.body).group(1)


def _a_code_confirms_only_for_the_citizen_who_asked(world: World) -> list[str]:
    """B asks for a code for B's mobile; A typing it is refused and A's profile stays as it was
    (checked after every probe); B's own confirmation then works."""
    mobile = "+306900000077"
    path = "/api/me/contacts/verifications"
    started = call(world.client, "POST", path, world.citizen[B], {"mobile": mobile})
    body = {"channel": "sms", "code": _sent_code(mobile)}
    stolen = call(world.client, "POST", f"{path}/confirm", world.citizen[A], body)
    own = call(world.client, "POST", f"{path}/confirm", world.citizen[B], body)
    if started.status_code != 202 or stolen.status_code not in REFUSED or not is_json_error(stolen):
        return [f"A typing B's code: {started.status_code} {stolen.status_code} {stolen.body[:200]!r}"]
    if own.status_code != 200 or own.json_body["mobile"] != mobile or not own.json_body["mobile_verified"]:
        return [f"B's own code after A's try: {own.status_code} {own.body[:200]!r}"]
    return []


def _an_email_link_verifies_for_the_citizen_who_asked(world: World) -> list[str]:
    """The e-mail's link proves the mailbox, whoever opens it: opened in A's browser (signed in as
    A), it verifies the address for B, who asked, and leaves A's profile as it was."""
    address = "giannis.link@example.gr"
    call(world.client, "POST", "/api/me/contacts/verifications", world.citizen[B], {"email": address})
    newest = max(
        (m for m in OutboxMessage.scan() if m.recipient == address and m.kind == contacts.KIND),
        key=lambda m: m.created_key,
    )
    link = re.search(r"/verify\.html#(\S+)", newest.body).group(1)
    resp = call(world.client, "POST", "/api/contacts/confirm-link", world.citizen[A], {"link": link})
    if resp.status_code != 200 or Citizen.get(B).email != address or Citizen.get(A).email == address:
        return [f"the link opened by A: {resp.status_code} {resp.body[:200]!r}"]
    return []


CITIZEN: dict[tuple[str, str], Refused | OwnOnly | Probe] = {
    ("POST", "/api/appointments"): Probe(_idempotency_key_is_per_citizen),
    ("GET", "/api/appointments"): OwnOnly("/api/appointments"),
    ("GET", "/api/appointments/{appointment_id}"): Refused("/api/appointments/{a_appointment}"),
    ("GET", "/api/appointments/{appointment_id}/calendar.ics"): Refused(
        "/api/appointments/{a_appointment}/calendar.ics"
    ),
    ("GET", "/api/appointments/{appointment_id}/proof"): Refused("/api/appointments/{a_appointment}/proof"),
    ("POST", "/api/appointments/{appointment_id}/cancel"): Refused(
        "/api/appointments/{a_appointment}/cancel", {}
    ),
    ("POST", "/api/appointments/{appointment_id}/reschedule"): Refused(
        "/api/appointments/{a_appointment}/reschedule", {"start": "{free_slot}"}
    ),
    ("POST", "/api/auth/logout"): Probe(_logout_ends_only_the_callers_session),
    ("GET", "/api/me"): OwnOnly("/api/me"),
    ("GET", "/api/me/data"): OwnOnly("/api/me/data"),
    ("POST", "/api/me/close"): Probe(_closing_closes_only_the_callers_account),
    ("PUT", "/api/me"): OwnOnly("/api/me", {"email": "giannis.new@example.gr"}),
    ("POST", "/api/requests"): Refused(
        "/api/requests",
        {"type_code": "general", "description": "με τη φωτογραφία της Α", "photos": ["{a_photo}"]},
    ),
    ("POST", "/api/requests/photos"): OwnOnly("/api/requests/photos", {"content_type": "image/png"}),
    ("GET", "/api/requests/mine"): OwnOnly("/api/requests/mine"),
    ("GET", "/api/requests/mine/{request_id}"): Refused("/api/requests/mine/{a_request}"),
    ("POST", "/api/requests/follow"): Refused("/api/requests/follow", {"protocol": "{a_protocol}"}),
    ("POST", "/api/requests/unfollow"): OwnOnly(
        "/api/requests/unfollow", {"protocol": "{followed_protocol}"}
    ),
    ("POST", "/api/me/contacts/verifications"): OwnOnly(
        "/api/me/contacts/verifications", {"mobile": "+306900000066"}
    ),
    ("POST", "/api/me/contacts/verifications/confirm"): Probe(
        _a_code_confirms_only_for_the_citizen_who_asked
    ),
}


# public routes that take an id of a citizen's object (an optional session)
def _kiosk_check_in_tells_nothing_of_the_holder(world: World) -> list[str]:
    """Anyone at the kiosk may check in with a reference (by design); the ticket it gives, and the
    ticket's public page, carry nothing of the appointment holder."""
    reference = todays_appointment().reference
    resp = call(
        world.client, "POST", "/api/queue/points/kep-dimarxeio/check-in", None, {"reference": reference}
    )
    if resp.status_code != 200:
        return [f"kiosk check-in with the demo reference: {resp.status_code} {resp.body[:200]!r}"]
    page = world.client.http.request("GET", f"/api/queue/tickets/{resp.json_body['ticket_id']}")
    taxid, name = TODAY_HOLDER
    leaked = [s for s in (taxid, name, *name.split()) if s.encode() in resp.body + page.body]
    return [f"the kiosk ticket shows {leaked}"] if leaked else []


CITIZEN_PUBLIC: dict[tuple[str, str], Refused | Probe] = {
    ("GET", "/api/requests/follow"): Refused(
        "/api/requests/follow?protocol={a_protocol}", anonymous_too=True
    ),
    ("POST", "/api/queue/points/{service_point_id}/check-in"): Probe(
        _kiosk_check_in_tells_nothing_of_the_holder
    ),
    ("POST", "/api/contacts/confirm-link"): Probe(_an_email_link_verifies_for_the_citizen_who_asked),
}


def test_every_citizen_route_has_an_entry():
    # GIVEN the app's citizen routes; THEN each has an entry that says how it is attacked
    missing = sorted(citizen_routes() - set(CITIZEN))
    assert missing == [], f"citizen routes without an entry in CITIZEN: {missing}"


def test_no_citizen_entry_names_a_route_that_is_gone():
    # GIVEN the entries; THEN each names a route the app has
    everything = all_routes()
    assert sorted((set(CITIZEN) | set(CITIZEN_PUBLIC)) - everything) == []
    assert sorted(set(CITIZEN) - citizen_routes()) == []


def _refused(world: World, method: str, entry: Refused) -> list[str]:
    path, body = fill(entry.path, world.values), fill(entry.body, world.values)
    callers = [("B", world.citizen[B])] + ([("anonymous", None)] if entry.anonymous_too else [])
    wrong = []
    for who, token in callers:
        resp = call(world.client, method, path, token, body)
        if not is_json_error(resp) or resp.status_code not in REFUSED:
            wrong.append(f"{method} {path} as {who}: {resp.status_code} {resp.body[:200]!r}")
    if method == "GET":  # the control: A herself gets it (so the id is real)
        if (mine := call(world.client, method, path, world.citizen[A])).status_code != 200:
            wrong.append(f"{method} {path} as A herself: {mine.status_code} (the probe's id is not real)")
    return wrong


def _own_only(world: World, method: str, entry: OwnOnly) -> list[str]:
    path = fill(entry.path, world.values)
    resp = call(world.client, method, path, world.citizen[B], fill(entry.body, world.values))
    text = resp.body.decode("utf-8", "replace")
    leaked = [s for s in world.a_secrets() if s in text]
    if resp.status_code >= 300 or leaked:
        return [f"{method} {path} as B: {resp.status_code} leaked {leaked} {text[:200]}"]
    return []


def test_citizen_b_never_reaches_citizen_a_objects(world):
    # GIVEN citizen A's appointment, request, photo and follow
    entries = sorted({**CITIZEN, **CITIZEN_PUBLIC}.items())
    state, before = world.a_state(), snapshot()
    # WHEN citizen B (and no one, where a route is public) calls with A's ids
    wrong = [p for (method, _), e in entries if isinstance(e, Refused) for p in _refused(world, method, e)]
    # THEN every call is refused and nothing at all was written
    wrong += [f"{table} changed" for table in changed_tables(before, snapshot())]
    # AND the routes that act on the caller's own data answer B with nothing of A's
    wrong += [p for (method, _), e in entries if isinstance(e, OwnOnly) for p in _own_only(world, method, e)]
    wrong += [
        f"{method} {path}: {p}"
        for (method, path), e in entries
        if isinstance(e, Probe)
        for p in e.check(world)
    ]
    assert wrong == [], "\n".join(wrong)
    assert world.a_state() == state


def test_public_capability_ids_are_unguessable():
    """Queue tickets and visit passes are reached by id alone (kiosk, QR): the id is the secret."""
    # WHEN 200 of each are made; THEN none repeats and each is long enough not to be guessed
    ticket_ids = {queue_tickets.new_ticket_id() for _ in range(200)}
    pass_ids = {passes.new_pass_id() for _ in range(200)}
    assert len(ticket_ids) == 200 and min(len(t) for t in ticket_ids) >= 16  # 96 random bits
    assert len(pass_ids) == 200
    assert len(passes.PASS_ALPHABET) ** passes.PASS_LENGTH >= 2**80
