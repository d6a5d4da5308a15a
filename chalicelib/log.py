"""Powertools Logger and Tracer, shared by every entry point.

The tracer patches only botocore (what X-Ray must see) and switches itself off outside Lambda.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def logger() -> Any:
    from aws_lambda_powertools import Logger

    return Logger(service="dimotis")


@lru_cache(maxsize=1)
def tracer() -> Any:
    from aws_lambda_powertools import Tracer

    return Tracer(service="dimotis", patch_modules=("botocore",))
