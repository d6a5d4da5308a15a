"""Secrets from Secrets Manager (cached by Powertools), or from the environment locally."""

from __future__ import annotations

import json
from typing import Any


def secret_json(name: str) -> dict[str, Any]:
    """The JSON secret ``name``, cached for five minutes per container."""
    from aws_lambda_powertools.utilities import parameters

    from chalicelib.aws import client

    provider = parameters.SecretsProvider(boto3_client=client("secretsmanager"))
    value = provider.get(name, max_age=300)
    return json.loads(value) if isinstance(value, str) else dict(value)
