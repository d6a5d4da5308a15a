"""The audit log: every staff write, who, role, action, entity, before and after, when, from where;
every read of personal data by staff; every refused call of a staff route; and what a citizen does
with their own data (``CitizenActor``: export, closing the account).

How it is complete without every route remembering it: the HTTP middleware opens a collection for
each request (``begin()``); services call ``note(staff, ...)`` where they change something, naming
the staff member who acts, with the before and after, and ``note_read(staff, ...)`` where they hand
out personal data (the day list with tax numbers, a request's contacts, an export); after every
request the middleware calls ``flush(...)``, which writes one entry per note of a successful request
(a read's notes too), or, for a staff route (documented with staff security) where a successful
write noted nothing, one generic entry naming the route, its actor resolved from the request's own
token. Writes that fail are not audited as changes: nothing changed (nor a bulk action whose every
item was refused: the service calls ``unchanged()``). A call of a staff route refused with 401 or
403 is written as ``refused`` (route, status, code), by the staff member whose token it carried or,
with none, by ``(anonymous)``: at most ``refusals_client_day`` such entries a day per client, so no
one fills the log by knocking.

What it costs: one PutItem per entry. A read of personal data: one PutItem more than the read. A
refusal: the token's check (CPU, the key set is cached) and one PutItem; an anonymous one also one
conditional UpdateItem of the client's allowance (and only that once the allowance is spent).

The actor is always passed, never remembered from the sign-in check: a note outside a request
raises instead of vanishing. Operators' commands and seeding that change things outside HTTP wrap
the work in ``with recording(source=...):``, which writes its notes when the block ends.

Example (in a service)::

    audit.note(staff, "appointment", appointment.id, action="appointment.cancel",
               before={"status": "booked"}, after={"status": "cancelled_by_staff", "reason": r})

Limitation: entries are written after the change, in the same invocation; a crash in between
loses the entry (the stream of the changed table still shows the change).
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from chalicelib import clock
from chalicelib.clock import utcnow

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
MAX_SNAPSHOT_CHARS = 20_000
REFUSALS = (401, 403)
# refusals that are no attempt: a signed-out browser asking who is signed in, an expired session on
# its way to renewal. A token or a password that does not hold, and every 403, are attempts.
ROUTINE_REFUSALS = ("not_signed_in", "session_expired")


@dataclass(frozen=True)
class Operator:
    """The actor of an operator's command or of seeding (not a staff account)."""

    username: str
    roles: tuple[str, ...] = ("operator",)
    department_id: str | None = None


@dataclass(frozen=True)
class CitizenActor:
    """A citizen acting on their own data (downloading it, closing their account). Named in the
    log ``citizen:<HMAC of the tax number>`` (``limits.subject_key``), never by the number: the
    log outlives the account, and an operator asked "did this person close their account?" finds
    the entry by computing the HMAC. No department, so only admins see these entries."""

    username: str
    roles: tuple[str, ...] = ("citizen",)
    department_id: str | None = None


def citizen_actor(taxid: str) -> CitizenActor:
    from chalicelib.services.platform.limits import subject_key

    return CitizenActor(f"citizen:{subject_key(taxid)}")
ANONYMOUS = Operator("(anonymous)", roles=())  # the actor of a refused call with no valid staff token


class NotRecording(RuntimeError):
    """``note()`` was called where no request or ``recording()`` block collects notes."""


class _Note:
    """One change a service noted (plain classes: the middleware imports this module on every cold
    start, and a dataclass costs a millisecond to make)."""

    __slots__ = ("actor", "entity_type", "entity_id", "action", "before", "after")

    def __init__(self, actor: Any, entity_type: str, entity_id: str, action: str | None, before: Any, after: Any):
        self.actor, self.entity_type, self.entity_id = actor, entity_type, entity_id
        self.action, self.before, self.after = action, before, after


class _Collection:
    """The notes of one request (or one ``recording()`` block)."""

    __slots__ = ("notes", "unchanged")

    def __init__(self) -> None:
        self.notes: list[_Note] = []
        self.unchanged = False


_current: contextvars.ContextVar[_Collection | None] = contextvars.ContextVar("audit", default=None)


def begin() -> contextvars.Token:
    """Start collecting for one request (the middleware calls this, and ``end`` after ``flush``)."""
    return _current.set(_Collection())


def end(token: contextvars.Token) -> None:
    """Stop collecting for the request ``begin`` started: a later note raises."""
    _current.reset(token)


def _collection() -> _Collection:
    state = _current.get()
    if state is None:
        raise NotRecording(
            "audit.note() outside a request: an HTTP request collects notes; elsewhere wrap the work "
            "in audit.recording(source=...)"
        )
    return state


def note(
    actor: Any,
    entity_type: str,
    entity_id: str,
    *,
    action: str | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    """Record what ``actor`` (a staff member, an ``Operator`` or a ``CitizenActor``: ``username``,
    ``roles``, ``department_id``) changed; call it from the service, at the change."""
    if actor is None or not getattr(actor, "username", None):
        raise ValueError("an audit note names the staff member who acted")
    _collection().notes.append(_Note(actor, entity_type, str(entity_id), action, _trim(before), _trim(after)))


def note_read(actor: Any, entity_type: str, entity_id: str, *, what: str, **details: Any) -> None:
    """Record that ``actor`` read personal data (a day list with tax numbers, a request's contacts,
    an export): action ``read.<what>``, ``details`` (how many rows, which days) as its ``after``;
    written with the request's entries when it succeeds."""
    note(actor, entity_type, entity_id, action=f"read.{what}", after=details or None)


def unchanged() -> None:
    """Say that this successful staff write changed nothing after all (every item of a bulk action
    was refused): no generic entry is written for it."""
    _collection().unchanged = True


@contextmanager
def recording(*, source: str) -> Iterator[None]:
    """Collect the notes of work done outside an HTTP request (an operator's command, seeding)
    and write them when the block ends without an error; ``source`` stands where a request's
    correlation id would."""
    token = _current.set(_Collection())
    try:
        yield
        state = _current.get()
        for item in state.notes if state else []:
            _write_note(item, method="", route=source, source_ip=None, status=None, correlation_id=source)
    finally:
        _current.reset(token)


def _trim(value: Any) -> Any:
    if value is None:
        return None
    import json

    text = json.dumps(value, default=str, ensure_ascii=False)
    if len(text) <= MAX_SNAPSHOT_CHARS:
        return json.loads(text)
    return {"truncated": True, "preview": text[:MAX_SNAPSHOT_CHARS]}


def flush(
    *,
    method: str,
    route: str,
    path_params: dict[str, str] | None,
    status: int,
    source_ip: str | Callable[[], str | None] | None,
    correlation_id: str | None,
    actor: Callable[[], Any] | None = None,
    error_code: str | None = None,
    client: Callable[[], str] | None = None,
) -> int:
    """Write the entries for a finished request; returns how many were written.

    ``actor`` resolves the caller of a staff route (``None`` for other routes); it is asked for the
    generic entry of a successful write that no service noted, and for a refused call (401/403,
    ``error_code`` the refusal's code). ``source_ip`` and ``client`` (the caller's address as limits
    count it) may be functions: they are asked only when something is written."""
    state = _current.get()
    if state is None:
        return 0
    if status in REFUSALS and actor is not None:
        return _refused(method, route, status, error_code, actor, client, source_ip, correlation_id)
    if status >= 400:
        return 0
    notes = state.notes
    if not notes and method not in WRITE_METHODS:
        return 0
    if callable(source_ip):
        source_ip = source_ip()
    if not notes:
        staff = actor() if actor is not None and not state.unchanged else None
        if staff is None:
            return 0
        notes = [
            _Note(
                actor=staff,
                entity_type=route.strip("/").split("/")[1] if route.count("/") > 1 else route,
                entity_id=",".join(f"{k}={v}" for k, v in sorted((path_params or {}).items())) or "-",
                action=None,
                before=None,
                after=None,
            )
        ]
    for item in notes:
        _write_note(
            item, method=method, route=route, source_ip=source_ip, status=status, correlation_id=correlation_id
        )
    return len(notes)


def _refused(
    method: str,
    route: str,
    status: int,
    code: str | None,
    actor: Callable[[], Any],
    client: Callable[[], str] | None,
    source_ip: str | Callable[[], str | None] | None,
    correlation_id: str | None,
) -> int:
    """One entry for a refused call of a staff route: who (the staff member, or ``ANONYMOUS``
    within the client's daily allowance of such entries), which route, the status and the code.
    A routine refusal (``ROUTINE_REFUSALS``) is no attempt: not written."""
    if code in ROUTINE_REFUSALS:
        return 0
    staff = actor()
    if staff is None:
        from chalicelib.services.platform import limits

        allowance = limits.configured("refusals_client_day")
        subject = client() if client is not None else "unknown"
        if allowance is not None and not limits.use_allowance(allowance, subject, clock.local_day(utcnow())):
            return 0
        staff = ANONYMOUS
    write(
        staff,
        action="refused",
        entity_type="route",
        entity_id=f"{method} {route}",
        after={"status": status, "code": code},
        source_ip=source_ip() if callable(source_ip) else source_ip,
        status=status,
        correlation_id=correlation_id,
    )
    return 1


def _write_note(
    item: _Note, *, method: str, route: str, source_ip: str | None, status: int | None, correlation_id: str | None
) -> str:
    return write(
        item.actor,
        action=item.action or f"{method} {route}".strip(),
        entity_type=item.entity_type,
        entity_id=item.entity_id,
        before=item.before,
        after=item.after,
        source_ip=source_ip,
        status=status,
        correlation_id=correlation_id,
    )


def write(
    staff: Any,
    *,
    action: str,
    entity_type: str,
    entity_id: str,
    before: Any = None,
    after: Any = None,
    source_ip: str | None = None,
    status: int | None = None,
    correlation_id: str | None = None,
) -> str:
    """Append one entry (conditional put: an entry is never overwritten)."""
    from chalicelib.models.audit import AuditEntry

    now = utcnow()
    entry_id = uuid.uuid4().hex
    AuditEntry(
        entry_id,
        at_key=f"{now.isoformat()}#{entry_id}",
        day=now.strftime("%Y-%m-%d"),
        actor=staff.username,
        role=",".join(staff.roles),
        department_id=staff.department_id,
        department_day=f"{staff.department_id}#{now:%Y-%m-%d}" if staff.department_id else None,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        entity_key=f"{entity_type}#{entity_id}",
        before=before,
        after=after,
        source_ip=source_ip,
        status=str(status) if status is not None else None,
        correlation_id=correlation_id,
        created_at=now,
    ).save(condition=AuditEntry.entry_id.does_not_exist())
    return entry_id
