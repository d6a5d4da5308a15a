"""AWS clients, created once per container on first use.

The endpoint comes from botocore's own configuration (``AWS_ENDPOINT_URL``), so the same code
talks to moto, LocalStack or AWS. Tests swap a client with ``set_client``.
"""

from __future__ import annotations

import threading
from typing import Any

_clients: dict[str, Any] = {}
_lock = threading.Lock()


def client(service: str) -> Any:
    """Return the shared boto3 client for ``service`` (``"ses"``, ``"sns"``, ...)."""
    found = _clients.get(service)
    if found is not None:
        return found
    with _lock:
        if service not in _clients:
            import boto3

            from chalicelib.settings import get_settings

            _clients[service] = boto3.session.Session().client(
                service, region_name=get_settings().region
            )
        return _clients[service]


def set_client(service: str, value: Any) -> None:
    _clients[service] = value


def reset_clients() -> None:
    _clients.clear()
