"""Secrets from Secrets Manager, cached for five minutes per container (Powertools' provider).

Example::

    key = secret_json("dimotis/prod/session")["key"]

Limitation: a rotated secret is seen up to ``MAX_AGE_SECONDS`` late; ``forget()`` empties the
cache (tests).
"""

from __future__ import annotations

import json
from typing import Any

MAX_AGE_SECONDS = 300
_provider: Any = None


def _secrets() -> Any:
    global _provider
    if _provider is None:
        from aws_lambda_powertools.utilities import parameters

        from chalicelib.aws import client

        _provider = parameters.SecretsProvider(boto3_client=client("secretsmanager"))
    return _provider


def secret_json(name: str) -> dict[str, Any]:
    """The JSON secret ``name``, read from Secrets Manager at most once per ``MAX_AGE_SECONDS``."""
    value = _secrets().get(name, max_age=MAX_AGE_SECONDS)
    return json.loads(value) if isinstance(value, str) else dict(value)


def forget() -> None:
    """Drop the cached secrets (and the client they were read with)."""
    global _provider
    _provider = None
