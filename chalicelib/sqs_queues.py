"""SQS queues the code consumes: logical name -> the Lambda function that handles its messages
and the environment variable that carries its URL. ``infra/`` creates each queue with a
dead-letter queue and maps it to the function with ``ReportBatchItemFailures``; the local stack
creates the same queues in moto and polls them into the same function.

``max_concurrency``: how many instances of the function the event source mapping may run at once
(``MaximumConcurrency``, at least 2); the outbox sender divides the provider's send rate by it.
``sns_topic``: the queue is subscribed to that SNS topic (``<prefix><topic>``), whose notifications
arrive in the SNS envelope."""

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
    max_concurrency: int | None = None
    sns_topic: str | None = None


QUEUES: dict[str, QueueSpec] = {}


def register(spec: QueueSpec) -> QueueSpec:
    QUEUES[spec.name] = spec
    return spec


# Registered here, so the local stack creates them before the app is imported.
# the visit log's exposure fan-out
register(QueueSpec(name="fanout", function="exposure_sender", url_env="DIMOTIS_FANOUT_QUEUE_URL"))
# the outbox sender: ids of rows to send, drained at the providers' send rates (two senders)
register(
    QueueSpec(
        name="outbox",
        function="outbox_sender",
        url_env="DIMOTIS_OUTBOX_QUEUE_URL",
        max_receive_count=5,
        visibility_timeout=180,
        max_concurrency=2,
    )
)
# SES bounce and complaint notifications, through the SNS topic SES publishes them to
register(
    QueueSpec(
        name="ses_feedback",
        function="ses_feedback",
        url_env="DIMOTIS_SES_FEEDBACK_QUEUE_URL",
        sns_topic="ses-feedback",
    )
)
