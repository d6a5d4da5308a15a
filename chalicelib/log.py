"""Powertools Logger and Tracer, shared by every entry point.

The tracer patches only botocore (what X-Ray must see) and switches itself off outside Lambda.
Each is made once, under a lock: Lambda calls one request at a time, but the local stack's gateway
serves requests in threads, and two Powertools Loggers of one service made at the same moment
share a half-made handler (the second one's formatter lacked ``append_keys``: 500s on the first
requests after a start).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

_lock = threading.Lock()


def logger() -> Any:
    with _lock:
        return _logger()


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
