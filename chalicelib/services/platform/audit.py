"""The audit log: every staff write, who, role, action, entity, before and after, when, from where.

How it is complete without every route remembering it: ``auth.require_staff`` marks the request as a
staff request; services call ``note(...)`` where they change something, with the before and after;
the HTTP middleware calls ``flush(...)`` after every successful staff write (POST/PUT/PATCH/DELETE)
and writes one entry per note — or one generic entry naming the route when no service noted
anything. Writes that fail (4xx/5xx) are not audited: nothing changed (nor a bulk action whose
every item was refused: the service calls ``unchanged()``).

Example (in a service)::

    audit.note("appointment", appointment.id, action="appointment.cancel",
               before={"status": "booked"}, after={"status": "cancelled_by_staff", "reason": r})

Limitation: entries are written after the change, in the same invocation; a crash in between
loses the entry (the stream of the changed table still shows the change).
"""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass, field
from typing import Any

from chalicelib.models.base import utcnow

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
MAX_SNAPSHOT_CHARS = 20_000


@dataclass
class _Note:
    entity_type: str
    entity_id: str
    action: str | None
    before: Any
    after: Any


@dataclass
class _RequestAudit:
    staff: Any = None
    notes: list[_Note] = field(default_factory=list)
    unchanged: bool = False


_current: contextvars.ContextVar[_RequestAudit | None] = contextvars.ContextVar("audit", default=None)


def begin() -> None:
    """Start collecting for one request (the middleware calls this)."""
    _current.set(_RequestAudit())


def set_actor(staff: Any) -> None:
    state = _current.get()
    if state is not None:
        state.staff = staff


def note(
    entity_type: str, entity_id: str, *, action: str | None = None, before: Any = None, after: Any = None
) -> None:
    """Record what a staff write changed (call it from the service, at the change)."""
    state = _current.get()
    if state is not None:
        state.notes.append(_Note(entity_type, str(entity_id), action, _trim(before), _trim(after)))


def unchanged() -> None:
    """Say that this successful staff write changed nothing after all (every item of a bulk action
    was refused): no generic entry is written for it."""
    state = _current.get()
    if state is not None:
        state.unchanged = True


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
    source_ip: str | None,
    correlation_id: str | None,
) -> int:
    """Write the entries for a finished request; returns how many were written."""
    state = _current.get()
    _current.set(None)
    if state is None or state.staff is None or method not in WRITE_METHODS or status >= 400:
        return 0
    if state.unchanged and not state.notes:
        return 0
    notes = state.notes or [
        _Note(
            entity_type=route.strip("/").split("/")[1] if route.count("/") > 1 else route,
            entity_id=",".join(f"{k}={v}" for k, v in sorted((path_params or {}).items())) or "-",
            action=None,
            before=None,
            after=None,
        )
    ]
    for item in notes:
        write(
            state.staff,
            action=item.action or f"{method} {route}",
            entity_type=item.entity_type,
            entity_id=item.entity_id,
            before=item.before,
            after=item.after,
            source_ip=source_ip,
            status=status,
            correlation_id=correlation_id,
        )
    return len(notes)


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
