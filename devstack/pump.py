"""The stream pump: reads every table's DynamoDB stream and calls the Lambda handler with
Lambda's event shape, as an event source mapping would.

Partial batch failures are honoured: records before the first failed one are done; the failed
one and those after it are delivered again. A record that fails ``max_attempts`` times is set
aside (shown on ``/dev/streams``), never lost and never blocking the records behind it.
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


@dataclass
class TableStats:
    invocations: int = 0
    delivered: int = 0
    failures: int = 0
    last_delivery: float | None = None
    last_invocation: float | None = None  # time.time() of the handler's latest call


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
        return super().start()

    def health(self) -> dict[str, Any]:
        return {
            "ok": self.alive(),
            "tables": len(self._tables),
            "delivered": sum(s.delivered for s in self.stats.values()),
            "set_aside": len(self.set_aside),
            "error": self.error,
        }

    # work ------------------------------------------------------------------------------------
    def _discover(self) -> None:
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
                iterator = streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
                self._shards[key] = ShardState(table, arn, shard["ShardId"], iterator)

    def step(self) -> bool:
        return self.pump_once()

    def pump_once(self) -> bool:
        """Read and deliver once for every shard; ``True`` when anything was delivered."""
        _, streams = self._aws()
        busy = False
        for state in self._shards.values():
            if state.iterator and len(state.buffer) < self._batch:
                page = streams.get_records(ShardIterator=state.iterator, Limit=self._batch)
                state.iterator = page.get("NextShardIterator")
                for rec in page.get("Records", []):
                    rec = dict(rec)
                    rec["eventSourceARN"] = state.stream_arn
                    state.buffer.append(_lambda_shape(rec, self._region))
            if state.buffer and time.monotonic() >= state.next_try:
                self._deliver(state)
                busy = True
        return busy

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
            state.attempts = 0
            stats.delivered += len(batch)
            stats.last_delivery = time.time()
            return
        seqs = [r["dynamodb"]["SequenceNumber"] for r in batch]
        first = min((seqs.index(s) for s in failed if s in seqs), default=0)
        stats.delivered += first
        del state.buffer[:first]
        state.attempts = state.attempts + 1 if first == 0 else 1
        stats.failures += 1
        if state.attempts >= self._max_attempts:
            poison = state.buffer.pop(0)
            self.set_aside.append(
                {"table": state.table, "record": poison, "attempts": state.attempts, "at": time.time()}
            )
            state.attempts = 0
            state.next_try = 0.0
        else:
            state.next_try = time.monotonic() + self._backoff * state.attempts


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
