"""Make moto's SQS linear in the length of a queue, for the local stack and the benches.

moto builds a queue's whole attribute dict, counting every message three times over, on each
``queue.attributes`` access; ``send_message`` reads it once per message and ``receive_message``
once per message it looks at (the retention check asks ``get_queue_attributes``, which reads it
three times per name). A fan-out of 10,000 messages was then quadratic: a ``receive_message`` took
over a second at 9,500 waiting messages (``bench/exposure.py``). SQS has no such cost.

The patches keep moto's behaviour and answers: attributes are computed when read, one at a time,
and the retention check reads the one attribute it needs. Applied once, by ``MotoServer``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

_applied = False
original_attributes: Any = None  # moto's own ``Queue.attributes`` property, for comparison


class LazyQueueAttributes(Mapping):
    """``Queue.attributes`` with each value computed when it is read (same keys and values)."""

    def __init__(self, queue: Any):
        self._queue = queue
        names = list(queue.BASE_ATTRIBUTES)
        if queue.fifo_queue:
            names += queue.FIFO_ATTRIBUTES
        if queue.kms_master_key_id:
            names += queue.KMS_ATTRIBUTES
        self._names = names

    def __getitem__(self, key: str) -> Any:
        from moto.core.utils import camelcase_to_underscores

        if key not in self._names:
            raise KeyError(key)
        if key == "RedrivePolicy" and self._queue.redrive_policy:
            return json.dumps(self._queue.redrive_policy)
        value = getattr(self._queue, camelcase_to_underscores(key))
        return str(value).lower() if isinstance(value, bool) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def apply() -> None:
    global _applied, original_attributes
    if _applied:
        return
    from moto.core.utils import unix_time
    from moto.sqs.models import Queue, SQSBackend

    original_attributes = Queue.attributes

    def is_message_valid_based_on_retention_period(self: Any, queue_name: str, message: Any) -> bool:
        retention = int(self.get_queue(queue_name).message_retention_period)
        return retention + message.sent_timestamp / 1000 > unix_time()

    Queue.attributes = property(LazyQueueAttributes)  # type: ignore[assignment]
    SQSBackend.is_message_valid_based_on_retention_period = is_message_valid_based_on_retention_period
    _applied = True
