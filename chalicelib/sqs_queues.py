"""SQS queues the code consumes: logical name -> the Lambda function that handles its messages
and the environment variable that carries its URL. ``infra/`` creates each queue with a
dead-letter queue and maps it to the function with ``ReportBatchItemFailures``; the local stack
creates the same queues in moto and polls them into the same function."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QueueSpec:
    name: str
    function: str
    url_env: str
    batch_size: int = 10
    max_receive_count: int = 3
    visibility_timeout: int = 60


QUEUES: dict[str, QueueSpec] = {}


def register(spec: QueueSpec) -> QueueSpec:
    QUEUES[spec.name] = spec
    return spec


# the visit log's exposure fan-out; here so the local stack creates it before the app is imported
register(QueueSpec(name="fanout", function="exposure_sender", url_env="DIMOTIS_FANOUT_QUEUE_URL"))
