"""The stream pump reads each table's stream and calls the handler as Lambda's event source
mapping does: Lambda's record shape, partial batch failure, poison records set aside, a reader
that lost its table's shard replaced, and a table behind its stream reported."""

from __future__ import annotations

import time

from chalicelib.models.citizens import Citizen
from devstack.pump import StreamPump
from tests.events import stream_record

TABLE = Citizen.Meta.table_name


class FakeStreams:
    """DynamoDB and DynamoDB Streams clients over records made by the shared event factory.

    ``replace_shard()`` does what moto's rollback of a refused transaction did: the table's shard
    becomes a copy, and iterators taken before read the old one, which no write reaches."""

    def __init__(self, table, records):
        self.table = table
        self.shard: list[dict] = []
        self._shards: list[list[dict]] = [self.shard]
        for rec in records:
            self.write(rec)

    def write(self, record):
        rec = dict(record)
        rec.pop("eventSourceARN")  # what GetRecords returns has no eventSourceARN
        self.shard.append(rec)

    def replace_shard(self):
        self.shard = list(self.shard)
        self._shards.append(self.shard)

    def describe_table(self, TableName):
        return {"Table": {"LatestStreamArn": f"arn:aws:dynamodb:eu-central-1:1:table/{TableName}/stream/x"}}

    def describe_stream(self, StreamArn):
        return {"StreamDescription": {"Shards": [{"ShardId": "shard-1"}]}}

    def get_shard_iterator(self, StreamArn, ShardId, ShardIteratorType, SequenceNumber=None):
        start = 0
        if ShardIteratorType == "AFTER_SEQUENCE_NUMBER":
            seqs = [r["dynamodb"]["SequenceNumber"] for r in self.shard]
            start = seqs.index(SequenceNumber) + 1
        return {"ShardIterator": f"{len(self._shards) - 1}:{start}"}

    def get_records(self, ShardIterator, Limit):
        shard, start = (int(part) for part in ShardIterator.split(":"))
        page = self._shards[shard][start : start + Limit]
        return {"Records": page, "NextShardIterator": f"{shard}:{start + len(page)}"}


def _pump_with(handler, records, **options):
    fake = FakeStreams(TABLE, records)
    options = {"backoff_seconds": 0, "max_attempts": 3} | options
    pump = StreamPump([TABLE], lambda _t: handler, region="eu-central-1", clients=(fake, fake), **options)
    pump._discover()
    return pump, fake


def _citizen_records(*taxids):
    return [stream_record(Citizen(t, first_name="a", last_name="b")) for t in taxids]


def _taxids(batches):
    return [r["dynamodb"]["Keys"]["taxid"]["S"] for b in batches for r in b["Records"]]


def _collect(batches):
    return lambda event, ctx: batches.append(event) or {"batchItemFailures": []}


def test_pump_delivers_lambda_shaped_records():
    # GIVEN one record on a table's stream
    batches = []
    pump, _ = _pump_with(_collect(batches), _citizen_records("123456789"))
    # WHEN the pump runs once
    pump.pump_once()
    # THEN the handler got it with every field Lambda sends
    record = batches[0]["Records"][0]
    assert set(record) >= {
        "eventID",
        "eventName",
        "eventVersion",
        "eventSource",
        "awsRegion",
        "dynamodb",
        "eventSourceARN",
    }
    assert record["eventSource"] == "aws:dynamodb"
    assert record["dynamodb"]["Keys"] == {"taxid": {"S": "123456789"}}
    assert {"SequenceNumber", "SizeBytes", "StreamViewType", "ApproximateCreationDateTime"} <= set(
        record["dynamodb"]
    )
    assert pump.stats[TABLE].delivered == 1


def test_poison_record_is_set_aside_and_does_not_block_the_rest():
    # GIVEN three records, the second of which always fails
    processed = []

    def handler(event, _ctx):
        failures = []
        for rec in event["Records"]:
            taxid = rec["dynamodb"]["Keys"]["taxid"]["S"]
            if taxid == "222222222" or failures:
                failures.append({"itemIdentifier": rec["dynamodb"]["SequenceNumber"]})
            else:
                processed.append(taxid)
        return {"batchItemFailures": failures}

    pump, _ = _pump_with(handler, _citizen_records("111111111", "222222222", "333333333"))
    # WHEN the pump runs a few rounds
    for _ in range(6):
        pump.pump_once()
    # THEN the poison record is set aside after 3 attempts, the others processed once each
    assert processed == ["111111111", "333333333"]
    assert len(pump.set_aside) == 1
    assert pump.set_aside[0]["record"]["dynamodb"]["Keys"]["taxid"]["S"] == "222222222"
    assert pump.set_aside[0]["attempts"] == 3


def test_a_reader_left_on_a_shard_that_is_no_longer_the_tables_is_replaced():
    # GIVEN a pump that has read a table's first record, checking the stream at every round
    batches = []
    pump, fake = _pump_with(_collect(batches), _citizen_records("111111111"), recheck_seconds=0)
    pump.pump_once()
    # WHEN the table's shard is replaced by a copy and a record is written to the new one
    fake.replace_shard()
    fake.write(_citizen_records("222222222")[0])
    pump.pump_once()
    # THEN the pump took a new reader on the table's shard and delivered the record, once
    assert _taxids(batches) == ["111111111", "222222222"]
    assert pump.stats[TABLE].readers_replaced == 1
    assert pump.health()["readers_replaced"] == 1
    # AND a round with nothing new replaces nothing
    pump.pump_once()
    assert pump.stats[TABLE].readers_replaced == 1 and len(batches) == 2


def test_a_lost_reader_is_found_at_the_next_check_of_the_stream():
    # GIVEN a pump that checks its readers only when told to here
    batches = []
    pump, fake = _pump_with(_collect(batches), _citizen_records("111111111"), recheck_seconds=3600)
    pump._next_check = time.monotonic() + 3600
    pump.pump_once()
    fake.replace_shard()
    fake.write(_citizen_records("222222222")[0])
    # WHEN it runs before a check, the record is not seen
    pump.pump_once()
    assert _taxids(batches) == ["111111111"]
    # AND at the check it is found and delivered, and nothing is left waiting
    pump._next_check = 0
    pump.pump_once()
    assert _taxids(batches) == ["111111111", "222222222"]
    assert pump.stats[TABLE].readers_replaced == 1
    assert pump.behind() == {}


def test_health_reports_a_table_whose_record_has_waited_too_long():
    # GIVEN a record its handler keeps failing, and a pump that calls a wait of 0 s too long
    pump, _ = _pump_with(lambda event, ctx: {"batchItemFailures": [
        {"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in event["Records"]]},
        _citizen_records("111111111"), behind_seconds=0, max_attempts=100)
    pump._thread.is_alive = lambda: True  # health as a running pump reports it
    pump.last_loop = time.time()
    # WHEN the pump has tried it
    time.sleep(1.1)  # creation times are whole seconds
    pump.pump_once()
    # THEN health names the table as behind and is not ok
    health = pump.health()
    assert set(health["behind"]) == {TABLE}
    assert health["ok"] is False
