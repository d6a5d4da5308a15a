"""Powertools Logger and Tracer, shared by every entry point.

The tracer patches only botocore (what X-Ray must see) and switches itself off outside Lambda.
Each is made once, under a lock: Lambda calls one request at a time, but the local stack's gateway
serves requests in threads, and two Powertools Loggers of one service made at the same moment
share a half-made handler (the second one's formatter lacked ``append_keys``: 500s on the first
requests after a start).

The Logger is made when something is first logged, not when a request comes in: the middleware
hands each request's correlation id to ``set_correlation_id``, which keeps it until a Logger
exists (importing Powertools' logging costs a cold start ~20-40 ms that a request logging nothing
need not pay, see ``bench/RESULTS.md``).

Example::

    set_correlation_id("abc-123")               # every request (the middleware)
    logger().warning("outbox send failed")      # the record carries correlation_id abc-123

Limitation: the correlation id is the process's latest, as Powertools keeps it: two requests served
at once by the local stack's threads may log each other's.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

_lock = threading.Lock()
_correlation_id: str | None = None


def set_correlation_id(value: str | None) -> None:
    """The correlation id of the request being served, for whatever it logs."""
    global _correlation_id
    _correlation_id = value
    if _logger.cache_info().currsize:
        _logger().set_correlation_id(value)


def logger() -> Any:
    with _lock:
        made = _logger.cache_info().currsize
        log = _logger()
        if not made:
            log.set_correlation_id(_correlation_id)
        return log


def tracer() -> Any:
    with _lock:
        return _tracer()


@lru_cache(maxsize=1)
def _logger() -> Any:
    from aws_lambda_powertools import Logger

    return Logger(service="dimotis")


@lru_cache(maxsize=1)
def _tracer() -> Any:
    from aws_lambda_powertools import Tracer

    return Tracer(service="dimotis", patch_modules=("botocore",))
