"""Recording the DynamoDB requests a block of code makes, with botocore event hooks on every client
the code uses (each model's connection and the transactions'): ``count_calls()`` gives the
operations as they are sent, ``dynamodb_requests()`` each answered request with the items it read
(a Query's ``ScannedCount``, the items a GetItem or BatchGetItem returned).

Example::

    with count_calls() as calls:
        book(...)
    calls                                   # ["GetItem", "TransactWriteItems"]

    with dynamodb_requests() as made:
        board("kep-1")
    sum(r.items_read for r in made)         # what the board read, whatever the length of the line
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from chalicelib import ddb
from chalicelib.models import all_models


@dataclass(frozen=True)
class Made:
    operation: str
    items_read: int


def _items_read(operation: str, parsed: dict[str, Any]) -> int:
    if operation in ("Query", "Scan"):
        return int(parsed.get("ScannedCount", parsed.get("Count", 0)))
    if operation == "GetItem":
        return 1 if parsed.get("Item") else 0
    if operation == "BatchGetItem":
        return sum(len(items) for items in (parsed.get("Responses") or {}).values())
    return 0


@contextmanager
def _hooked(event: str, handler: Callable[..., None]) -> Iterator[None]:
    clients = {id(c): c for c in [m._get_connection().connection.client for m in all_models()]}
    tx_client = ddb.connection().client
    clients[id(tx_client)] = tx_client
    for c in clients.values():
        c.meta.events.register(f"{event}.dynamodb", handler)
    try:
        yield
    finally:
        for c in clients.values():
            c.meta.events.unregister(f"{event}.dynamodb", handler)


@contextmanager
def count_calls() -> Iterator[list[str]]:
    """The operations sent in this block, in order."""
    calls: list[str] = []
    with _hooked("before-call", lambda model, **_: calls.append(model.name)):
        yield calls


@contextmanager
def dynamodb_requests() -> Iterator[list[Made]]:
    """The requests answered in this block, each with the items it read."""
    made: list[Made] = []

    def record(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        made.append(Made(model.name, _items_read(model.name, parsed or {})))

    with _hooked("after-call", record):
        yield made
