"""The SQS poller: receives from each queue and calls the Lambda handler with Lambda's SQS event
shape. Messages reported in ``batchItemFailures`` are left on the queue and come back after the
visibility timeout; moto's redrive policy moves them to the dead-letter queue in the end."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from devstack.lambda_context import LambdaContext
from devstack.loop import BackgroundLoop


class QueuePoller(BackgroundLoop):
    def __init__(
        self,
        queues: dict[str, tuple[str, str, Callable[[dict[str, Any], Any], Any]]],
        *,
        region: str,
        poll_seconds: float = 0.2,
        batch_size: int = 10,
    ):
        """``queues``: logical name -> (queue url, queue arn, handler)."""
        super().__init__(poll_seconds)
        self._queues = queues
        self._region = region
        self._batch = batch_size
        self.delivered = 0
        self.failed = 0
        self._sqs: Any = None

    thread_name = "sqs-poller"

    def health(self) -> dict[str, Any]:
        return {"ok": self.alive(), "queues": sorted(self._queues), "delivered": self.delivered,
                "failed": self.failed, "error": self.error}

    def _client(self) -> Any:
        if self._sqs is None:
            import boto3

            self._sqs = boto3.client("sqs", region_name=self._region)
        return self._sqs

    def step(self) -> bool:
        return self.poll_once()

    def poll_once(self) -> bool:
        sqs = self._client()
        busy = False
        for name, (url, arn, handler) in self._queues.items():
            page = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=self._batch, AttributeNames=["All"],
                MessageAttributeNames=["All"], WaitTimeSeconds=0,
            )
            messages = page.get("Messages", [])
            if not messages:
                continue
            busy = True
            event = {"Records": [_record(m, arn, self._region) for m in messages]}
            try:
                result = handler(event, LambdaContext(name))
                failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
            except Exception as exc:  # noqa: BLE001 - a crashed invocation fails the batch
                self.error = f"{type(exc).__name__}: {exc}"
                failed = {m["MessageId"] for m in messages}
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
                )
            self.delivered += len(done)
            self.failed += len(failed)
        return busy


def _record(message: dict[str, Any], arn: str, region: str) -> dict[str, Any]:
    attrs = message.get("Attributes", {})
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": {
            "ApproximateReceiveCount": attrs.get("ApproximateReceiveCount", "1"),
            "SentTimestamp": attrs.get("SentTimestamp", str(int(time.time() * 1000))),
            "SenderId": attrs.get("SenderId", "local"),
            "ApproximateFirstReceiveTimestamp": attrs.get(
                "ApproximateFirstReceiveTimestamp", str(int(time.time() * 1000))
            ),
        },
        "messageAttributes": {
            k: {"stringValue": v.get("StringValue"), "dataType": v.get("DataType", "String")}
            for k, v in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": region,
    }
