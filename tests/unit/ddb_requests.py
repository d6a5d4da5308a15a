"""Recording the DynamoDB requests a block of code makes: each one's operation and the items it
read (a Query's ``ScannedCount``, the items a GetItem or BatchGetItem returned), with botocore's
``after-call`` hooks on every client the code uses (each model's connection and the transactions').

Example::

    with dynamodb_requests() as made:
        board("kep-1")
    [r.operation for r in made], sum(r.items_read for r in made)
"""

from __future__ import annotations

from collections.abc import Iterator
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
def dynamodb_requests() -> Iterator[list[Made]]:
    made: list[Made] = []

    def record(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        made.append(Made(model.name, _items_read(model.name, parsed or {})))

    clients = {id(c): c for c in [m._get_connection().connection.client for m in all_models()]}
    tx_client = ddb.connection().client
    clients[id(tx_client)] = tx_client
    for c in clients.values():
        c.meta.events.register("after-call.dynamodb", record)
    try:
        yield made
    finally:
        for c in clients.values():
            c.meta.events.unregister("after-call.dynamodb", record)
