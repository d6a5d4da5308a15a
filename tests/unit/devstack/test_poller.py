"""The SQS poller calls a queue's handler as Lambda's event source mapping does."""

from __future__ import annotations

import json

from chalicelib.aws import client
from devstack.poller import QueuePoller


def test_poller_deletes_done_messages_and_leaves_failed_ones(aws):
    # GIVEN three messages on a queue, the second of which its handler fails
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
    # WHEN the poller runs once
    poller.poll_once()
    # THEN every message was handed over, and only the failed one is left on the queue
    left = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    assert sorted(seen) == [0, 1, 2]
    assert [json.loads(m["Body"])["n"] for m in left] == [1]
