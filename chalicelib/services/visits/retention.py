"""How long the visit log keeps what it holds, and reading by key only what is still alive.

Every item that concerns a visitor (the visitor, visits, open visits, incidents and their markers)
carries a DynamoDB TTL ``DIMOTIS_VISIT_TTL_DAYS`` (14 by default) after the moment that made it
(``ttl_from``). TTL deletes up to days late, so a read by key treats an expired item as gone
(``load_alive``): a pass or an incident past its TTL is a 404, as if DynamoDB had deleted it.

Example::

    expires_at = ttl_from(clock.utcnow())
    visitor = load_alive(Visitor, pass_id, code="unknown_pass", message="No such pass.")

Limitation: only reads by key go through here; Queries skip expired items one by one with
``models.visits.alive``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.errors import NotFound
from chalicelib.models.visits import alive
from chalicelib.settings import get_settings


def ttl_from(at: datetime) -> datetime:
    """When an item made at ``at`` expires."""
    return at + timedelta(days=get_settings().visit_ttl_days)


def load_alive(model: Any, hash_key: str, range_key: str | None = None, *, code: str, message: str) -> Any:
    """The item (a consistent read), or ``NotFound(message, code=code)`` if it does not exist or
    has expired."""
    try:
        item = model.get(hash_key, range_key, consistent_read=True)
    except model.DoesNotExist:
        raise NotFound(message, code=code) from None
    if not alive(item):
        raise NotFound(message, code=code)
    return item
