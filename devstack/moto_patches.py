"""Make moto's SQS linear in the length of a queue, for the local stack and the benches.

moto builds a queue's whole attribute dict, counting every message three times over, on each
``queue.attributes`` access; ``send_message`` reads it once per message and ``receive_message``
once per message it looks at (the retention check asks ``get_queue_attributes``, which reads it
three times per name). A fan-out of 10,000 messages was then quadratic: a ``receive_message`` took
over a second at 9,500 waiting messages (``bench/exposure.py``). SQS has no such cost.

The patches keep moto's behaviour and answers: attributes are computed when read, one at a time,
and the retention check reads the one attribute it needs.

DynamoDB: ``TransactWriteItems`` honours ``ClientRequestToken`` as DynamoDB does (moto ignores it).
botocore fills the token in on every call and resends the same one when it retries, e.g. after a
read timeout; DynamoDB answers a resend of a transaction that went through with success and
changes nothing. Without it, on a loaded local stack a booking whose first send had gone through
failed its own resend on its conditions ("already booked", "slot full"). Kept: successes, ten
minutes, the same items (a different request with a used token gets
``IdempotentParameterMismatchException``), per DynamoDB backend (an account and region), so a
moto reset forgets the tokens with the tables they wrote (unit tests: one ``mock_aws`` each).

DynamoDB: a cancelled ``TransactWriteItems`` leaves the table it touched as it was, stream
included. moto rolls a cancelled transaction back by putting a deep copy of each table, taken
before the transaction, in place of the live one: the copy has a stream shard of its own, so the
stream pump's iterator kept reading the old shard, which no write reached any more (every later
record of that table was lost to its handler), and the old shard kept the records of the writes
moto made before a later operation failed its condition (handlers ran for writes that never
happened). The patch keeps the live table: it takes the copy's items back into it and drops the
stream records the transaction wrote; the shard, its sequence numbers and every iterator stay
(and the shard's records are no longer copied on every transaction).

Applied once, by ``MotoServer``.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

TOKEN_SECONDS = 600  # how long DynamoDB keeps a ClientRequestToken
TOKENS_ATTRIBUTE = "_client_request_tokens"  # on the backend: token -> (digest of the items, when)
_tokens_lock = threading.Lock()

_applied = False
original_attributes: Any = None  # moto's own ``Queue.attributes`` property, for comparison


class LazyQueueAttributes(Mapping):
    """``Queue.attributes`` with each value computed when it is read (same keys and values)."""

    def __init__(self, queue: Any):
        self._queue = queue
        names = list(queue.BASE_ATTRIBUTES)
        if queue.fifo_queue:
            names += queue.FIFO_ATTRIBUTES
        if queue.kms_master_key_id:
            names += queue.KMS_ATTRIBUTES
        self._names = names

    def __getitem__(self, key: str) -> Any:
        from moto.core.utils import camelcase_to_underscores

        if key not in self._names:
            raise KeyError(key)
        if key == "RedrivePolicy" and self._queue.redrive_policy:
            return json.dumps(self._queue.redrive_policy)
        value = getattr(self._queue, camelcase_to_underscores(key))
        return str(value).lower() if isinstance(value, bool) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def apply() -> None:
    global _applied, original_attributes
    if _applied:
        return
    from moto.core.utils import unix_time
    from moto.sqs.models import Queue, SQSBackend

    original_attributes = Queue.attributes

    def is_message_valid_based_on_retention_period(self: Any, queue_name: str, message: Any) -> bool:
        retention = int(self.get_queue(queue_name).message_retention_period)
        return retention + message.sent_timestamp / 1000 > unix_time()

    Queue.attributes = property(LazyQueueAttributes)  # type: ignore[assignment]
    SQSBackend.is_message_valid_based_on_retention_period = is_message_valid_based_on_retention_period
    _patch_transaction_tokens()
    _patch_transaction_rollback()
    _applied = True


def _patch_transaction_tokens() -> None:
    from moto.core.responses import ActionResult
    from moto.dynamodb.exceptions import DynamodbException
    from moto.dynamodb.responses import DynamoHandler

    class IdempotentParameterMismatch(DynamodbException):
        def __init__(self) -> None:
            super().__init__(
                "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException",
                message="The ClientRequestToken was used before with a different request.",
            )

    original = DynamoHandler.transact_write_items

    def transact_write_items(self: Any) -> Any:
        token = self.body.get("ClientRequestToken")
        if not token:
            return original(self)
        items = json.dumps(self.body["TransactItems"], sort_keys=True, default=repr)  # binary values are bytes
        digest = hashlib.sha256(items.encode()).hexdigest()
        now = time.time()
        tokens = self.dynamodb_backend.__dict__.setdefault(TOKENS_ATTRIBUTE, {})
        with _tokens_lock:
            # tokens are kept in the order they went through: the expired ones are at the front
            while tokens and now - next(iter(tokens.values()))[1] > TOKEN_SECONDS:
                del tokens[next(iter(tokens))]
            seen = tokens.get(token)
        if seen is not None:
            if seen[0] != digest:
                raise IdempotentParameterMismatch()
            return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})  # changes nothing
        result = original(self)  # raises when cancelled: a resend of a failure runs again
        with _tokens_lock:
            tokens[token] = (digest, now)
        return result

    DynamoHandler.transact_write_items = transact_write_items


def _patch_transaction_rollback() -> None:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import StreamShard

    original = DynamoDBBackend.transact_write_items
    # moto's backup copies the whole table, the stream's every record since the start included;
    # the copy only lends its items back, so the shard is shared, not copied (it is the only
    # place moto copies a table)
    StreamShard.__deepcopy__ = lambda shard, memo: shard

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        names = {op.get("TableName") for item in transact_items for op in item.values()}
        live = {name: self.tables[name] for name in names if name in self.tables}
        records = {name: len(t.stream_shard.items) for name, t in live.items() if t.stream_shard is not None}
        try:
            return original(self, transact_items)
        except Exception:
            for name, table in live.items():
                before = self.tables.get(name)
                if before is not None and before is not table:  # moto's copy from before the transaction
                    table.items = before.items
                    self.tables[name] = table
                if name in records:
                    del table.stream_shard.items[records[name]:]
            raise

    DynamoDBBackend.transact_write_items = transact_write_items
