"""The router behind every DynamoDB stream: one Lambda, records routed by table.

``CONSUMERS`` maps a table's logical name to the consumers of its records, as
``"module:function"`` strings imported on first use (cold start stays small). Each consumer takes
one stream record (Lambda's shape) and must be safe to run twice on the same record: a record that
fails is reported in ``batchItemFailures`` and delivered again, with the records after it.

Add a consumer by adding its path here; ``infra/`` maps every table's stream to the router.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

CONSUMERS: dict[str, list[str]] = {
    "outbox": ["chalicelib.services.platform.notifications:on_outbox_record"],
    "exposure_incidents": ["chalicelib.services.visits.fanout:on_incident_record"],
    "appointments": [
        "chalicelib.services.appointments.notices:on_appointment_record",
        "chalicelib.services.backoffice.stats_consumers:on_appointment_record",
    ],
    "alerts": ["chalicelib.services.backoffice.alerts:on_alert_record"],
    "citizens": ["chalicelib.services.backoffice.alerts:on_citizen_record"],
    "citizen_requests": ["chalicelib.services.backoffice.stats_consumers:on_request_record"],
    "visits": ["chalicelib.services.backoffice.stats_consumers:on_visit_record"],
    "request_timeline": ["chalicelib.services.requests.notices:on_timeline_record"],
    "queue_tickets": ["chalicelib.services.live_queue.events:on_ticket_record", "chalicelib.services.backoffice.stats_consumers:on_ticket_record"],
}

_resolved: dict[str, Callable[[dict[str, Any]], Any]] = {}


def table_key_of(event_source_arn: str) -> str:
    """``arn:aws:dynamodb:r:a:table/dimotis-local-outbox/stream/...`` -> ``outbox``."""
    from chalicelib.settings import get_settings

    name = event_source_arn.split(":table/", 1)[-1].split("/", 1)[0]
    prefix = get_settings().table_prefix
    return name[len(prefix):] if name.startswith(prefix) else name


def _consumer(path: str) -> Callable[[dict[str, Any]], Any]:
    func = _resolved.get(path)
    if func is None:
        module, _, name = path.partition(":")
        func = _resolved[path] = getattr(importlib.import_module(module), name)
    return func


def consumers_for(table_key: str) -> list[Callable[[dict[str, Any]], Any]]:
    return [_consumer(p) for p in CONSUMERS.get(table_key, [])]


def handle_record(record: dict[str, Any]) -> int:
    """Run every consumer of the record's table; returns how many ran."""
    funcs = consumers_for(table_key_of(record.get("eventSourceARN", "")))
    for func in funcs:
        func(record)
    return len(funcs)


def _record_handler(record: Any) -> int:
    return handle_record(record.raw_event)


def handle_batch(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """A Lambda stream batch -> ``{"batchItemFailures": [...]}`` (Powertools batch processor)."""
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=event,
        record_handler=_record_handler,
        processor=processor,
        context=context,
    )
