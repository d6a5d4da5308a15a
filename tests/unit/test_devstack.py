"""The local stack's stream pump, SQS poller and scheduler behave like Lambda's event sources."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from devstack.poller import QueuePoller
from devstack.pump import StreamPump
from devstack.scheduler import Scheduler, cron_matches, rate_seconds
from tests.events import stream_record


class FakeStreams:
    """DynamoDB and DynamoDB Streams clients over records made by the shared event factory."""

    def __init__(self, table, records):
        self.table = table
        self.records = [dict(r) for r in records]
        for rec in self.records:  # what GetRecords returns has no eventSourceARN
            rec.pop("eventSourceARN")

    def describe_table(self, TableName):
        return {"Table": {"LatestStreamArn": f"arn:aws:dynamodb:eu-central-1:1:table/{TableName}/stream/x"}}

    def describe_stream(self, StreamArn):
        return {"StreamDescription": {"Shards": [{"ShardId": "shard-1"}]}}

    def get_shard_iterator(self, StreamArn, ShardId, ShardIteratorType):
        return {"ShardIterator": "0"}

    def get_records(self, ShardIterator, Limit):
        start = int(ShardIterator)
        page = self.records[start : start + Limit]
        return {"Records": page, "NextShardIterator": str(start + len(page))}


def _pump_with(handler, table, records):
    fake = FakeStreams(table, records)
    pump = StreamPump(
        [table],
        lambda _t: handler,
        region="eu-central-1",
        backoff_seconds=0,
        max_attempts=3,
        clients=(fake, fake),
    )
    pump._discover()
    return pump


def _citizen_records(*taxids):
    from chalicelib.models.citizens import Citizen

    return [stream_record(Citizen(t, first_name="a", last_name="b")) for t in taxids]


def test_pump_delivers_lambda_shaped_records():
    from chalicelib.models.citizens import Citizen

    batches = []
    pump = _pump_with(
        lambda event, ctx: batches.append(event) or {"batchItemFailures": []},
        Citizen.Meta.table_name,
        _citizen_records("123456789"),
    )
    pump.pump_once()
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
    assert pump.stats[Citizen.Meta.table_name].delivered == 1


def test_poison_record_is_set_aside_and_does_not_block_the_rest():
    # GIVEN three records, the second of which always fails
    from chalicelib.models.citizens import Citizen

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

    pump = _pump_with(
        handler, Citizen.Meta.table_name, _citizen_records("111111111", "222222222", "333333333")
    )
    # WHEN the pump runs a few rounds
    for _ in range(6):
        pump.pump_once()
    # THEN the poison record is set aside after 3 attempts, the others processed once each
    assert processed == ["111111111", "333333333"]
    assert len(pump.set_aside) == 1
    assert pump.set_aside[0]["record"]["dynamodb"]["Keys"]["taxid"]["S"] == "222222222"
    assert pump.set_aside[0]["attempts"] == 3


def test_poller_deletes_done_messages_and_leaves_failed_ones(aws):
    from chalicelib.aws import client

    sqs = client("sqs")
    url = sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "0"})["QueueUrl"]
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"n": i}))
    seen = []

    def handler(event, _ctx):
        failures = []
        for rec in event["Records"]:
            assert rec["eventSource"] == "aws:sqs" and "receiptHandle" in rec
            n = json.loads(rec["body"])["n"]
            seen.append(n)
            if n == 1:
                failures.append({"itemIdentifier": rec["messageId"]})
        return {"batchItemFailures": failures}

    poller = QueuePoller(
        {"q": (url, "arn:aws:sqs:eu-central-1:123456789012:q", handler)}, region="eu-central-1"
    )
    poller.poll_once()
    left = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    assert sorted(seen) == [0, 1, 2]
    assert [json.loads(m["Body"])["n"] for m in left] == [1]


def test_rate_and_cron_expressions():
    assert rate_seconds("rate(15 minutes)") == 900
    assert rate_seconds("rate(1 hour)") == 3600
    assert rate_seconds("cron(0 21 * * ? *)") is None
    at = datetime(2026, 11, 22, 21, 0, tzinfo=UTC)  # a Sunday
    assert cron_matches("cron(0 21 * * ? *)", at)
    assert not cron_matches("cron(5 21 * * ? *)", at)
    assert cron_matches("cron(0/15 * * * ? *)", at)
    assert cron_matches("cron(0 21 ? * 1 *)", at)  # 1 = Sunday in EventBridge
    assert not cron_matches("cron(0 21 ? * 2-6 *)", at)


def test_scheduler_fire_passes_a_scheduled_event():
    got = []
    scheduler = Scheduler({"send_reminders": ("rate(15 minutes)", lambda e, c: got.append(e) or "done")})
    assert scheduler.fire("send_reminders") == "done"
    assert got[0]["detail-type"] == "Scheduled Event"
    assert scheduler.fired["send_reminders"] == 1


def test_moto_sqs_patch_answers_as_moto_does_and_reads_attributes_one_at_a_time(aws, monkeypatch):
    """devstack/moto_patches.py: the same attributes as moto computes them, for a standard queue
    with a redrive policy and a FIFO queue, with each value computed only when read."""
    import json

    import boto3
    from moto.sqs.models import Queue, sqs_backends

    from devstack import moto_patches

    moto_patches.apply()
    sqs = boto3.client("sqs", region_name="eu-central-1")
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})
    sqs.create_queue(QueueName="q", Attributes={"RedrivePolicy": policy})
    sqs.create_queue(QueueName="f.fifo", Attributes={"FifoQueue": "true"})
    backend = sqs_backends["123456789012"]["eu-central-1"]
    for name in ("q", "f.fifo", "dlq"):
        queue = backend.get_queue(name)
        lazy = queue.attributes
        assert isinstance(lazy, moto_patches.LazyQueueAttributes)
        assert dict(lazy) == moto_patches.original_attributes.fget(queue)
    # AND reading one attribute does not count the messages (what made moto quadratic)
    counted = []
    monkeypatch.setattr(
        Queue, "approximate_number_of_messages", property(lambda self: counted.append(1) or 0)
    )
    assert backend.get_queue("q").attributes.get("MessageRetentionPeriod") == 345600 and counted == []
    # AND the answers over the API are unchanged
    got = sqs.get_queue_attributes(
        QueueUrl=sqs.get_queue_url(QueueName="q")["QueueUrl"], AttributeNames=["All"]
    )
    assert json.loads(got["Attributes"]["RedrivePolicy"])["deadLetterTargetArn"] == dlq_arn


def test_stopping_the_stack_asks_every_loop_at_once_and_does_not_wait_on_a_stuck_step():
    import threading

    from devstack.loop import BackgroundLoop
    from devstack.stack import LocalStack

    release = threading.Event()
    entered = []

    class Stuck(BackgroundLoop):
        thread_name = "stuck"

        def step(self):
            entered.append(self)
            release.wait()  # a step that does not end by itself (a long handler, a slow moto)
            return False

    class Idle(BackgroundLoop):
        thread_name = "idle"

        def step(self):
            return False

    stack = LocalStack(seed=False)
    stack.scheduler, stack.pump = Stuck(0.01).start(), Stuck(0.01).start()
    stack.poller = Idle(0.01).start()
    while len(entered) < 2:
        threading.Event().wait(0.01)
    try:
        # WHEN the stack stops while two loops are in the middle of a step
        stack.stop(timeout=0.2)
        # THEN it returned: every loop was asked, the idle one ended, the stuck ones were left
        # as the daemon threads they are (they end with the process)
        assert all(part._stop.is_set() for part in (stack.scheduler, stack.pump, stack.poller))
        assert not stack.poller._thread.is_alive()
        assert stack.scheduler._thread.is_alive() and stack.scheduler._thread.daemon
    finally:
        release.set()
    # AND once their step ends they do not start another
    assert stack.scheduler.join(5) and stack.pump.join(5)
    assert len(entered) == 2


def test_moto_transactions_honour_the_client_request_token_as_dynamodb_does(aws):
    """A resend of a transaction that went through (botocore resends with the same token after a
    read timeout) succeeds and changes nothing; the token with other items is refused; a
    transaction that failed runs again when resent; without a token nothing changes."""
    import boto3
    import pytest
    from botocore.exceptions import ClientError

    from devstack import moto_patches

    moto_patches.apply()
    ddb = boto3.client("dynamodb", region_name="eu-central-1")
    ddb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )

    def book(token, who):
        items = [
            {
                "Update": {
                    "TableName": "t",
                    "Key": {"k": {"S": "slot"}},
                    "UpdateExpression": "ADD booked :one",
                    "ConditionExpression": "attribute_not_exists(booked) OR booked < :cap",
                    "ExpressionAttributeValues": {":one": {"N": "1"}, ":cap": {"N": "2"}},
                }
            },
            {
                "Put": {
                    "TableName": "t",
                    "Item": {"k": {"S": who}},
                    "ConditionExpression": "attribute_not_exists(k)",
                }
            },
        ]
        kwargs = {"ClientRequestToken": token} if token else {}
        return ddb.transact_write_items(TransactItems=items, **kwargs)

    def booked():
        return int(ddb.get_item(TableName="t", Key={"k": {"S": "slot"}})["Item"]["booked"]["N"])

    # WHEN a booking goes through and is resent with its token THEN the resend succeeds, once booked
    book("token-a", "anna")
    book("token-a", "anna")
    assert booked() == 1
    # AND the same token for another booking is refused, nothing written
    with pytest.raises(ClientError) as mismatch:
        book("token-a", "babis")
    assert mismatch.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    assert booked() == 1 and "Item" not in ddb.get_item(TableName="t", Key={"k": {"S": "babis"}})
    # AND without a token, the same booking again fails on its conditions, as before
    with pytest.raises(ClientError) as again:
        book(None, "anna")
    assert again.value.response["Error"]["Code"] == "TransactionCanceledException"
    # AND a transaction that failed is run again when resent (here: after room was made)
    book("token-b", "babis")
    with pytest.raises(ClientError):
        book("token-c", "chris")  # full: 2 of 2
    ddb.update_item(
        TableName="t",
        Key={"k": {"S": "slot"}},
        UpdateExpression="ADD booked :m",
        ExpressionAttributeValues={":m": {"N": "-1"}},
    )
    book("token-c", "chris")
    assert booked() == 2


def test_a_loop_in_a_long_step_is_alive_and_one_stuck_or_silent_is_not():
    import threading
    import time

    from devstack.loop import BackgroundLoop

    release, entered = threading.Event(), threading.Event()

    class Busy(BackgroundLoop):
        def step(self):
            entered.set()
            release.wait()  # e.g. the pump delivering many records on a loaded machine
            return False

    loop = Busy(0.01).start()
    entered.wait(5)
    try:
        # GIVEN the step began a minute ago (the last round as long ago)
        loop.step_started = loop.last_loop = time.time() - 60
        # THEN the loop is alive: a long step is work, health must not call it down
        assert loop.alive()
        # WHEN the step has run for longer than a loop may be stuck THEN it is not
        loop.step_started = time.time() - 400
        assert not loop.alive()
    finally:
        release.set()
        loop.stop()
    # AND between steps, a loop that has not gone round for ten seconds is not alive either
    loop.step_started, loop.last_loop = None, time.time() - 11
    loop._thread = threading.current_thread()  # as if still running
    assert not loop.alive()


def test_the_gateway_gives_each_thread_its_own_request():
    """Chalice keeps the request in one attribute of the app; the local stack serves requests on
    several threads, so a handler must not read another thread's request (two citizens booking at
    once became one citizen booking twice)."""
    import io
    import threading

    from chalice import Chalice

    from devstack.gateway import Gateway

    app = Chalice(app_name="two-at-once")
    inside, leave = threading.Event(), threading.Event()

    @app.route("/api/who")
    def who():
        if app.current_request.headers.get("x-who") == "first":
            inside.set()
            leave.wait(5)  # the second request is served meanwhile
        return {"who": app.current_request.headers.get("x-who")}

    gateway = Gateway(app)

    def call(name: str, out: dict) -> None:
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/api/who", "HTTP_X_WHO": name,
                   "wsgi.input": io.BytesIO(b"")}
        out[name] = json.loads(b"".join(gateway(environ, lambda status, headers: None)))["who"]

    answers: dict[str, str] = {}
    # GIVEN a request that waits inside its handler
    first = threading.Thread(target=call, args=("first", answers))
    first.start()
    assert inside.wait(5)
    # WHEN a second request is served on another thread meanwhile
    call("second", answers)
    leave.set()
    first.join(5)
    # THEN each handler read its own request
    assert answers == {"first": "first", "second": "second"}
