"""The router behind every DynamoDB stream: one Lambda, records routed by table, each consumer
retried on its own.

``CONSUMERS`` maps a table's logical name to the consumers of its records, as
``"module:function"`` strings imported on first use (cold start stays small; this module imports
no consumer and no model, so ``chalicelib.models.base`` reads ``CONSUMERS`` to decide which tables
have a stream). Each consumer takes one stream record (Lambda's shape) and must be safe to run
twice on the same record: a record that fails is reported in ``batchItemFailures`` and delivered
again, with the records after it.

One consumer's failure retries only its own work. For a table with more than one consumer, the
consumers that finished while another failed are marked done for that record
(``chalicelib.models.stream_marks.ConsumerDone``, keyed by the record's ``eventID`` and the
consumer, conditional put, TTL ``MARK_LIFETIME``), and the retry runs only the others: a consumer
that keeps failing never makes the others run (and send) again, and when Lambda gives the record
up, only its own work is lost. Cost per record of such a table: one strongly consistent Query on
the marks (empty on the happy path) and, only when a consumer failed, one put per consumer that
finished. Tables with one consumer never read or write marks.

Example::

    CONSUMERS["appointments"] = ["chalicelib.services.appointments.notices:on_appointment_record",
                                 "chalicelib.services.backoffice.stats_consumers:on_appointment_record"]

Limitation: a consumer that finished in an invocation that then crashed (timeout, out of memory)
before the marks were written runs again on the retry; that is why every consumer must still be
safe to run twice. Add a consumer here; the table's stream, the local pump and ``infra/``'s event
source mapping follow (``tests/unit/platform/test_stream_router.py`` checks they agree).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import timedelta
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
    "queue_tickets": [
        "chalicelib.services.live_queue.events:on_ticket_record",
        "chalicelib.services.backoffice.stats_consumers:on_ticket_record",
    ],
}
MARK_LIFETIME = timedelta(days=2)  # a stream keeps a record 24 h; Lambda gives it up sooner

_resolved: dict[str, Callable[[dict[str, Any]], Any]] = {}


class ConsumersFailed(Exception):
    """Some consumers of one record failed (the others are marked done); the record is retried."""

    def __init__(self, failed: list[str]):
        super().__init__(f"stream consumers failed: {', '.join(failed)}")
        self.failed = failed


def table_key_of(event_source_arn: str) -> str:
    """``arn:aws:dynamodb:r:a:table/dimotis-local-outbox/stream/...`` -> ``outbox``."""
    from chalicelib.settings import get_settings

    name = event_source_arn.split(":table/", 1)[-1].split("/", 1)[0]
    settings = get_settings()
    restored = {physical: key for key, physical in settings.table_names.items()}
    if name in restored:  # a table restored from point-in-time recovery, under another name
        return restored[name]
    prefix = settings.table_prefix
    return name[len(prefix):] if name.startswith(prefix) else name


def _consumer(path: str) -> Callable[[dict[str, Any]], Any]:
    func = _resolved.get(path)
    if func is None:
        module, _, name = path.partition(":")
        func = _resolved[path] = getattr(importlib.import_module(module), name)
    return func


def forget_consumers() -> None:
    """Drop the consumers imported so far (tests that patch a consumer's module)."""
    _resolved.clear()


def consumers_for(table_key: str) -> list[Callable[[dict[str, Any]], Any]]:
    return [_consumer(p) for p in CONSUMERS.get(table_key, [])]


def handle_record(record: dict[str, Any]) -> int:
    """Run the consumers of the record's table that are not done with it yet; returns how many
    ran. Raises ``ConsumersFailed`` (after marking the ones that finished) when any failed."""
    paths = CONSUMERS.get(table_key_of(record.get("eventSourceARN", "")), [])
    event_id = record.get("eventID")
    if len(paths) < 2 or not event_id:
        for path in paths:
            _consumer(path)(record)
        return len(paths)
    done = done_consumers(event_id)
    finished: list[str] = []
    failed: list[str] = []
    for path in paths:
        if path in done:
            continue
        try:
            _consumer(path)(record)
        except Exception:  # noqa: BLE001 - reported below; the other consumers still run
            from chalicelib.log import logger

            logger().exception("stream consumer failed", extra={"consumer": path, "event_id": event_id})
            failed.append(path)
        else:
            finished.append(path)
    if failed:
        mark_done(event_id, finished)
        raise ConsumersFailed(failed)
    return len(finished)


def done_consumers(event_id: str) -> set[str]:
    """The consumers marked done with the record ``event_id`` (one consistent Query)."""
    from chalicelib.models.stream_marks import ConsumerDone

    return {mark.consumer for mark in ConsumerDone.query(event_id, consistent_read=True)}


def mark_done(event_id: str, consumers: list[str]) -> None:
    """Mark ``consumers`` done with the record ``event_id`` (a conditional put each: a mark that
    is there already stays as it is)."""
    if not consumers:
        return
    from chalicelib import ddb
    from chalicelib.models.stream_marks import ConsumerDone

    for path in consumers:
        mark = ConsumerDone(event_id, path, expires_at=MARK_LIFETIME)
        try:
            mark.save(condition=ConsumerDone.event_id.does_not_exist())
        except Exception as exc:
            if not ddb.condition_failed(exc):
                raise


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
