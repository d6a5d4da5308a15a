"""The stream pump: reads every table's DynamoDB stream and calls the Lambda handler with
Lambda's event shape, as an event source mapping would.

Partial batch failures are honoured: records before the first failed one are done; the failed
one and those after it are delivered again. A record that fails ``max_attempts`` times is set
aside (shown on ``/dev/streams``), never lost and never blocking the records behind it.

Every ``recheck_seconds`` the pump describes each table's stream again (a new stream or shard is
read from its start) and checks that its reader still reads the table's shard: it takes a new
iterator at its own position and, when that one finds a record its reader does not, the reader
was on a shard that is no longer the table's (moto's rollback of a refused transaction used to do
that, see ``moto_patches.py``); the new iterator replaces it. Health reports a table behind when a
record of its stream has waited more than ``behind_seconds`` to be delivered.

Example::

    pump = StreamPump(["dimotis-local-outbox"], lambda table: handler, region="eu-central-1").start()
    pump.health()   # {"ok": True, "tables": 1, "delivered": 0, "behind": {}, ...}

Limitation: one reader per shard, read in order; a shard split (real DynamoDB) is read from the
new shards' start without waiting for the parent to end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devstack.lambda_context import LambdaContext
from devstack.loop import BackgroundLoop

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class ShardState:
    table: str
    stream_arn: str
    shard_id: str
    iterator: str | None
    buffer: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0
    next_try: float = 0.0
    last_sequence: str | None = None  # of the last record read into the buffer
    waiting_since: float | None = None  # creation time of the oldest record known and not delivered


@dataclass
class TableStats:
    invocations: int = 0
    delivered: int = 0
    failures: int = 0
    last_delivery: float | None = None
    last_invocation: float | None = None  # time.time() of the handler's latest call
    readers_replaced: int = 0  # readers found on a shard that was no longer the table's


class StreamPump(BackgroundLoop):
    thread_name = "stream-pump"

    def __init__(
        self,
        tables: list[str],
        handler_for: Callable[[str], Handler],
        *,
        region: str,
        poll_seconds: float = 0.2,
        batch_size: int = 100,
        max_attempts: int = 3,
        backoff_seconds: float = 0.5,
        recheck_seconds: float = 5.0,
        behind_seconds: float = 60.0,
        clients: tuple[Any, Any] | None = None,
    ):
        """``clients``: (dynamodb, dynamodbstreams) boto3 clients; made on first use if not given."""
        super().__init__(poll_seconds)
        self._tables = tables
        self._handler_for = handler_for
        self._region = region
        self._batch = batch_size
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._recheck = recheck_seconds
        self._behind = behind_seconds
        self._next_check = 0.0
        self._shards: dict[str, ShardState] = {}
        self.stats: dict[str, TableStats] = {t: TableStats() for t in tables}
        self.set_aside: list[dict[str, Any]] = []
        self._clients = clients

    def _aws(self) -> tuple[Any, Any]:
        if self._clients is None:
            import boto3

            self._clients = (
                boto3.client("dynamodb", region_name=self._region),
                boto3.client("dynamodbstreams", region_name=self._region),
            )
        return self._clients

    # lifecycle -------------------------------------------------------------------------------
    def start(self) -> StreamPump:
        self._discover()
        self._next_check = time.monotonic() + self._recheck
        return super().start()

    def health(self) -> dict[str, Any]:
        behind = self.behind()
        return {
            "ok": self.alive() and not behind,
            "tables": len(self._tables),
            "delivered": sum(s.delivered for s in self.stats.values()),
            "set_aside": len(self.set_aside),
            "behind": behind,
            "readers_replaced": sum(s.readers_replaced for s in self.stats.values()),
            "error": self.error,
        }

    def behind(self) -> dict[str, int]:
        """Tables with a record waiting longer than ``behind_seconds``: how many seconds."""
        now = time.time()
        waits: dict[str, int] = {}
        for state in self._shards.values():
            if state.waiting_since is not None and now - state.waiting_since > self._behind:
                waits[state.table] = max(waits.get(state.table, 0), int(now - state.waiting_since))
        return waits

    # work ------------------------------------------------------------------------------------
    def _discover(self) -> None:
        """Find each table's stream and shards; a shard not read yet is read from its start."""
        dynamodb, streams = self._aws()
        for table in self._tables:
            arn = dynamodb.describe_table(TableName=table)["Table"].get("LatestStreamArn")
            if not arn:
                continue
            desc = streams.describe_stream(StreamArn=arn)["StreamDescription"]
            for shard in desc.get("Shards", []):
                key = f"{arn}|{shard['ShardId']}"
                if key in self._shards:
                    continue
                state = ShardState(table, arn, shard["ShardId"], None)
                state.iterator = self._iterator(state)
                self._shards[key] = state

    def _iterator(self, state: ShardState) -> str:
        """A new iterator on the table's shard, just after the last record ``state`` read."""
        _, streams = self._aws()
        where: dict[str, Any] = {"ShardIteratorType": "TRIM_HORIZON"}
        if state.last_sequence is not None:
            where = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": state.last_sequence}
        return streams.get_shard_iterator(StreamArn=state.stream_arn, ShardId=state.shard_id, **where)[
            "ShardIterator"
        ]

    def step(self) -> bool:
        return self.pump_once()

    def pump_once(self) -> bool:
        """Read and deliver once for every shard; ``True`` when anything was delivered."""
        _, streams = self._aws()
        checking = time.monotonic() >= self._next_check
        if checking:
            self._next_check = time.monotonic() + self._recheck
            self._discover()
        busy = False
        for state in list(self._shards.values()):
            if state.iterator and len(state.buffer) < self._batch:
                # a check first reads one record through a new iterator at the reader's position
                peek = self._peek(state) if checking else None
                page = streams.get_records(ShardIterator=state.iterator, Limit=self._batch)
                state.iterator = page.get("NextShardIterator")
                if peek and not page.get("Records"):
                    self._replace_reader(state, peek)
                    page = streams.get_records(ShardIterator=state.iterator, Limit=self._batch)
                    state.iterator = page.get("NextShardIterator")
                for rec in page.get("Records", []):
                    self._take(state, rec)
            if state.buffer and time.monotonic() >= state.next_try:
                self._deliver(state)
                busy = True
        return busy

    def _peek(self, state: ShardState) -> dict[str, Any] | None:
        _, streams = self._aws()
        records = streams.get_records(ShardIterator=self._iterator(state), Limit=1).get("Records", [])
        return records[0] if records else None

    def _replace_reader(self, state: ShardState, missed: dict[str, Any]) -> None:
        """The table's shard holds ``missed`` and the reader did not see it: the reader was on a
        shard that is no longer the table's. Read on from a new iterator at the same position."""
        self.stats[state.table].readers_replaced += 1
        if state.waiting_since is None:
            state.waiting_since = _created(missed)
        state.iterator = self._iterator(state)

    def _take(self, state: ShardState, rec: dict[str, Any]) -> None:
        rec = dict(rec)
        rec["eventSourceARN"] = state.stream_arn
        record = _lambda_shape(rec, self._region)
        state.buffer.append(record)
        state.last_sequence = record["dynamodb"]["SequenceNumber"]
        if state.waiting_since is None:
            state.waiting_since = record["dynamodb"]["ApproximateCreationDateTime"]

    def _deliver(self, state: ShardState) -> None:
        batch = state.buffer[: self._batch]
        handler = self._handler_for(state.table)
        stats = self.stats[state.table]
        stats.invocations += 1
        stats.last_invocation = time.time()
        try:
            result = handler({"Records": batch}, LambdaContext("table_stream"))
            failed = [f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])]
        except Exception as exc:  # noqa: BLE001 - a crashed invocation fails the whole batch
            failed = [batch[0]["dynamodb"]["SequenceNumber"]]
            self.error = f"{type(exc).__name__}: {exc}"
        if not failed:
            del state.buffer[: len(batch)]
            self._waiting_from_buffer(state)
            state.attempts = 0
            stats.delivered += len(batch)
            stats.last_delivery = time.time()
            return
        seqs = [r["dynamodb"]["SequenceNumber"] for r in batch]
        first = min((seqs.index(s) for s in failed if s in seqs), default=0)
        stats.delivered += first
        del state.buffer[:first]
        if first:
            self._waiting_from_buffer(state)
        state.attempts = state.attempts + 1 if first == 0 else 1
        stats.failures += 1
        if state.attempts >= self._max_attempts:
            poison = state.buffer.pop(0)
            self.set_aside.append(
                {"table": state.table, "record": poison, "attempts": state.attempts, "at": time.time()}
            )
            self._waiting_from_buffer(state)
            state.attempts = 0
            state.next_try = 0.0
        else:
            state.next_try = time.monotonic() + self._backoff * state.attempts

    @staticmethod
    def _waiting_from_buffer(state: ShardState) -> None:
        state.waiting_since = state.buffer[0]["dynamodb"]["ApproximateCreationDateTime"] if state.buffer else None


def _created(rec: dict[str, Any]) -> float:
    created = rec.get("dynamodb", {}).get("ApproximateCreationDateTime")
    if hasattr(created, "timestamp"):
        return created.timestamp()
    return float(created) if created is not None else time.time()


def _lambda_shape(rec: dict[str, Any], region: str) -> dict[str, Any]:
    """Complete a GetRecords record into what Lambda delivers."""
    ddb = dict(rec.get("dynamodb", {}))
    created = ddb.get("ApproximateCreationDateTime")
    if hasattr(created, "timestamp"):
        ddb["ApproximateCreationDateTime"] = int(created.timestamp())
    ddb.setdefault("ApproximateCreationDateTime", int(time.time()))
    ddb.setdefault("SizeBytes", len(str(ddb)))
    ddb.setdefault("StreamViewType", "NEW_AND_OLD_IMAGES")
    return {
        "eventID": rec.get("eventID"),
        "eventName": rec.get("eventName"),
        "eventVersion": rec.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": ddb,
        "eventSourceARN": rec["eventSourceARN"],
    }
