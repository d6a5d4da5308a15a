"""The outbox from end to end under moto, for unit tests: the outbox table's stream (records made
by the factory in ``tests/events`` from the rows), the ``outbox`` SQS queue, the ``outbox_sender``
Lambda, and providers that refuse some calls the way SES and SNS do.

Example (the ``outbox_pipeline`` fixture of ``tests/unit/conftest.py``)::

    notifications.enqueue(...)
    outbox_pipeline.run()        # stream -> queue -> sender, until the queue is empty
    outbox_pipeline.sent_emails(), outbox_pipeline.sent_sms()
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from moto.backends import get_backend

from app import app
from chalicelib.aws import client
from chalicelib.models.outbox import OutboxMessage
from tests.events import FakeContext, sqs_event, sqs_record, stream_event, stream_record

ACCOUNT, REGION = "123456789012", "eu-central-1"


class Http:
    """What botocore reads of an HTTP answer it did not make itself."""

    def __init__(self, status: int):
        self.status_code = status
        self.headers: dict[str, str] = {}
        self.content = b""


class OutboxPipeline:
    def __init__(self, queue_url: str):
        self.queue_url = queue_url
        self.streamed: set[str] = set()
        self.hooks: list[tuple[Any, str, Any]] = []

    def close(self) -> None:
        """Take the providers' refusals off (clients outlive a test in their thread's session)."""
        for sender_client, event, handler in self.hooks:
            sender_client.meta.events.unregister(event, handler)
        self.hooks.clear()

    # -- the stream and the queue --------------------------------------------------------------
    def stream_new_rows(self, *, times: int = 1) -> int:
        """Deliver the INSERT record of each outbox row not streamed yet (``times`` times)."""
        rows = [r for r in OutboxMessage.scan() if r.message_id not in self.streamed]
        records = [stream_record(r, event_name="INSERT") for r in rows]
        for _ in range(times):
            if records:
                result = app.handler_map["table_stream"](stream_event(records), FakeContext())
                assert result == {"batchItemFailures": []}, result
        self.streamed.update(r.message_id for r in rows)
        return len(records)

    def receive(self) -> list[dict[str, Any]]:
        """The messages visible on the queue now (at most ten), as SQS records, deleted from it."""
        sqs = client("sqs")
        got = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
        for m in got:
            sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=m["ReceiptHandle"])
        return [sqs_record(m["Body"], queue="outbox", message_id=m["MessageId"]) for m in got]

    def send(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        return app.handler_map["outbox_sender"](sqs_event(records), FakeContext())

    def run(self, *, twice: bool = False, rounds: int = 500) -> int:
        """Stream the new rows, then hand the queue's messages to the sender until it is empty
        (``twice``: every batch delivered twice). Returns how many batches were handled."""
        self.stream_new_rows(times=2 if twice else 1)
        batches = 0
        for _ in range(rounds):
            records = self.receive()
            if not records:
                self.stream_new_rows()  # rows the sender wrote meanwhile (a warning e-mail)
                records = self.receive()
                if not records:
                    return batches
            for _ in range(2 if twice else 1):
                assert self.send(records) == {"batchItemFailures": []}
            batches += 1
        raise AssertionError("the outbox queue did not empty")

    # -- what the providers got ------------------------------------------------------------------
    @staticmethod
    def sent_emails() -> list[Any]:
        return list(get_backend("ses")[ACCOUNT][REGION].sent_messages)

    @staticmethod
    def sent_sms() -> list[tuple[str, str]]:
        """(phone number, text) of each SMS SNS sent."""
        return [(phone, text) for phone, text, *_ in get_backend("sns")[ACCOUNT][REGION].sms_messages.values()]

    def refuse(self, service: str, operation: str, answer: Callable[[int], Any]) -> None:
        """Make the sender's ``service`` client answer ``operation`` with ``answer(n)`` for its
        n-th call (from 1): ``None`` lets the call through, an error code makes it fail with that
        code (as the provider does), an exception is raised as it is."""
        calls = {"n": 0}

        def before_call(**_: Any) -> Any:
            calls["n"] += 1
            outcome = answer(calls["n"])
            if outcome is None:
                return None
            if isinstance(outcome, BaseException):
                raise outcome
            error = {"Error": {"Code": outcome, "Message": f"{outcome} (test)", "Type": "Sender"}}
            return Http(400), {**error, "ResponseMetadata": {"HTTPStatusCode": 400}}

        sender_client = client(service, attempts=1)
        event = f"before-call.{service}.{operation}"
        sender_client.meta.events.register(event, before_call)
        self.hooks.append((sender_client, event, before_call))


def rows(kind: str | None = None) -> list[OutboxMessage]:
    return [r for r in OutboxMessage.scan() if kind is None or r.kind == kind]


def body_of(record: dict[str, Any]) -> dict[str, Any]:
    return json.loads(record["body"])
