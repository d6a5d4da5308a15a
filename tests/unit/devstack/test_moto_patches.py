"""devstack/moto_patches.py: moto answers as AWS does where the local stack relies on it (SQS
attributes read one at a time, ``ClientRequestToken`` on transactions, a refused transaction
leaving the table and its stream as they were)."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.sqs.models import Queue, sqs_backends

from devstack import moto_patches


def test_moto_sqs_patch_answers_as_moto_does_and_reads_attributes_one_at_a_time(aws, monkeypatch):
    """The same attributes as moto computes them, for a standard queue with a redrive policy and a
    FIFO queue, with each value computed only when read."""
    # GIVEN the patches, a queue with a dead-letter queue and a FIFO queue
    moto_patches.apply()
    sqs = boto3.client("sqs", region_name="eu-central-1")
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})
    sqs.create_queue(QueueName="q", Attributes={"RedrivePolicy": policy})
    sqs.create_queue(QueueName="f.fifo", Attributes={"FifoQueue": "true"})
    backend = sqs_backends["123456789012"]["eu-central-1"]
    # THEN each queue's attributes are the ones moto computes
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


def test_moto_transactions_honour_the_client_request_token_as_dynamodb_does(aws):
    """A resend of a transaction that went through (botocore resends with the same token after a
    read timeout) succeeds and changes nothing; the token with other items is refused; a
    transaction that failed runs again when resent; without a token nothing changes."""
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


def test_a_transaction_with_binary_values_and_a_token_goes_through_and_its_resend_too(aws):
    # GIVEN a transaction that puts an item with a binary value (a sealed recipient), with a token
    moto_patches.apply()
    ddb = boto3.client("dynamodb", region_name="eu-central-1")
    _streamed_table(ddb, "b")
    items = [{"Put": {"TableName": "b", "Item": {"k": {"S": "row"}, "sealed": {"B": b"\x00\xff"}},
                      "ConditionExpression": "attribute_not_exists(k)"}}]
    # WHEN it is sent, and resent with the same token
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-bin")
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-bin")
    # THEN the item is there once, its bytes as written
    assert ddb.get_item(TableName="b", Key={"k": {"S": "row"}})["Item"]["sealed"]["B"] == b"\x00\xff"


def _streamed_table(ddb, name="t"):
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]


def _streams_client():
    # moto's in-process mock answers DynamoDB Streams only with the endpoint given explicitly
    return boto3.client("dynamodbstreams", region_name="eu-central-1",
                        endpoint_url="https://streams.dynamodb.eu-central-1.amazonaws.com")


def _refused(ddb, ghost, table="t"):
    """A transaction whose first write goes in before its second operation fails a condition."""
    with pytest.raises(ClientError) as refused:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": {"k": {"S": ghost}}}},
            {"ConditionCheck": {"TableName": table, "Key": {"k": {"S": "missing"}},
                                "ConditionExpression": "attribute_exists(k)"}},
        ])
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"


def _table_and_reader():
    """With the patches: a table ``t`` with a stream, and an iterator at the start of its shard."""
    moto_patches.apply()
    ddb = boto3.client("dynamodb", region_name="eu-central-1")
    streams = _streams_client()
    arn = _streamed_table(ddb)
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    return ddb, streams, iterator


def _keys_read(streams, iterator):
    page = streams.get_records(ShardIterator=iterator, Limit=1000)
    return [r["dynamodb"]["Keys"]["k"]["S"] for r in page["Records"]], page["NextShardIterator"]


def test_a_refused_transaction_leaves_the_table_and_its_stream_as_they_were(aws):
    # GIVEN a table with a stream, a reader positioned on its shard, and one item written
    ddb, streams, iterator = _table_and_reader()
    ddb.put_item(TableName="t", Item={"k": {"S": "before"}})
    # WHEN a transaction is refused on a condition, after moto wrote its first item
    _refused(ddb, "ghost")
    # AND an item is written after it
    ddb.put_item(TableName="t", Item={"k": {"S": "after"}})
    # THEN the reader taken before sees both writes and no record of the refused one
    keys, _ = _keys_read(streams, iterator)
    assert keys == ["before", "after"]
    # AND the table holds what was written, not what was refused
    assert "Item" not in ddb.get_item(TableName="t", Key={"k": {"S": "ghost"}})
    assert ddb.get_item(TableName="t", Key={"k": {"S": "after"}})["Item"]


def test_after_a_burst_of_refused_transactions_every_write_still_reaches_the_stream(aws):
    # GIVEN a table with a stream and a reader that keeps up with it
    ddb, streams, iterator = _table_and_reader()
    seen = []
    # WHEN refused transactions and writes alternate, twenty times
    for n in range(20):
        _refused(ddb, f"ghost-{n}")
        ddb.put_item(TableName="t", Item={"k": {"S": f"item-{n}"}})
        keys, iterator = _keys_read(streams, iterator)
        seen += keys
    # THEN the reader saw every write, in order, and none of the refused ones
    assert seen == [f"item-{n}" for n in range(20)]
