"""The one factory for Lambda event payloads in tests. Templates are the JSON files beside this
module (every field Lambda sends); the factory fills in keys, images and ARNs.

Example::

    event = stream_event([stream_record(appointment, event_name="INSERT")])
    handlers["table_stream"](event, None)
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
_sequence = itertools.count(1000)
# A stream's label is the time it was turned on (here: when the tests started); the templates say
# ``LABEL``, ``TIME`` and 0 where the factory puts a time.
STREAM_LABEL = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000")


def template(name: str) -> dict[str, Any]:
    return json.loads((HERE / f"{name}.json").read_text())


def stream_record(
    new: Any = None,
    old: Any = None,
    *,
    event_name: str | None = None,
    table_name: str | None = None,
    sequence: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """A DynamoDB stream record for PynamoDB model instances ``new`` and/or ``old``."""
    model = new if new is not None else old
    record = template("dynamodb_stream_record")
    ddb = record["dynamodb"]
    ddb["Keys"] = _keys(model)
    if new is not None:
        ddb["NewImage"] = _image(new)
    else:
        ddb.pop("NewImage")
    if old is not None:
        ddb["OldImage"] = _image(old)
    ddb["SequenceNumber"] = sequence or str(next(_sequence)).zfill(21)
    ddb["ApproximateCreationDateTime"] = int(time.time())
    ddb["SizeBytes"] = len(json.dumps(ddb))
    record["eventName"] = event_name or ("INSERT" if old is None else "REMOVE" if new is None else "MODIFY")
    record["eventID"] = event_id or uuid.uuid4().hex
    name = table_name or type(model).Meta.table_name
    record["eventSourceARN"] = f"arn:aws:dynamodb:eu-central-1:123456789012:table/{name}/stream/{STREAM_LABEL}"
    return record


def _image(model: Any) -> dict[str, Any]:
    """The model's item as a stream record carries it: binary values base64-encoded (JSON)."""

    def encoded(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: base64.b64encode(v).decode() if k == "B" and isinstance(v, bytes) else encoded(v)
                    for k, v in value.items()}
        if isinstance(value, list):
            return [encoded(v) for v in value]
        return value

    return encoded(model.serialize())


def _keys(model: Any) -> dict[str, Any]:
    image = model.serialize()
    keys = {}
    for attr in type(model).get_attributes().values():
        if attr.is_hash_key or attr.is_range_key:
            keys[attr.attr_name] = image[attr.attr_name]
    return keys


def stream_event(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Records": copy.deepcopy(records)}


def sqs_record(body: Any, *, queue: str = "queue", message_id: str | None = None, receive_count: int = 1) -> dict[str, Any]:
    record = template("sqs_record")
    record["body"] = body if isinstance(body, str) else json.dumps(body)
    record["messageId"] = message_id or str(uuid.uuid4())
    record["attributes"]["ApproximateReceiveCount"] = str(receive_count)
    record["eventSourceARN"] = f"arn:aws:sqs:eu-central-1:123456789012:{queue}"
    return record


def ses_notification(kind: str, address: str, **changes: Any) -> dict[str, Any]:
    """An SES ``bounce`` or ``complaint`` notification about ``address`` (``changes``: fields of
    its ``bounce``/``complaint`` part, e.g. ``bounceType="Transient"``)."""
    message = template(f"ses_{kind}_notification")
    part = message[kind]
    for people in ("bouncedRecipients", "complainedRecipients"):
        for person in part.get(people, []):
            person["emailAddress"] = address
    part.update(changes)
    message["mail"]["destination"] = [address]
    return message


def sns_envelope(message: dict[str, Any], topic: str = "ses-feedback") -> dict[str, Any]:
    """``message`` as an SNS topic delivers it to an SQS queue (not raw)."""
    envelope = template("sns_notification")
    envelope["Message"] = json.dumps(message)
    envelope["MessageId"] = str(uuid.uuid4())
    envelope["TopicArn"] = f"arn:aws:sns:eu-central-1:123456789012:{topic}"
    return envelope


def sqs_event(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Records": copy.deepcopy(records)}


def scheduled_event(rule: str) -> dict[str, Any]:
    event = template("scheduled_event")
    event["time"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    event["resources"] = [f"arn:aws:events:eu-central-1:123456789012:rule/{rule}"]
    return event


class FakeContext:
    function_name = "test"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:test"
    memory_limit_in_mb = 512
    aws_request_id = "test-request"
    log_group_name = "/aws/lambda/test"
    log_stream_name = "test"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000
