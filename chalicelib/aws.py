"""AWS clients, created once per container on first use, all from one botocore session.

The endpoint comes from botocore's own configuration (``AWS_ENDPOINT_URL``), so the same code
talks to moto, LocalStack or AWS. Clients are botocore's (what boto3's clients are; boto3 itself
is not imported on a request's path) and come from this thread's shared session
(``chalicelib/botocore_session.py``): a route's first SES, SNS or Cognito call no longer loads
botocore's data into a session of its own (~100 ms each on a cold container). Tests swap a client
with ``set_client``.

Example::

    client("ses").send_email(...)

Limitation: one client per service for the whole container (botocore clients are thread-safe);
``reset_clients()`` after a change of settings or endpoint.
"""

from __future__ import annotations

import threading
from typing import Any

_clients: dict[str, Any] = {}
_lock = threading.Lock()


def client(service: str) -> Any:
    """Return the shared client for ``service`` (``"ses"``, ``"sns"``, ...)."""
    found = _clients.get(service)
    if found is not None:
        return found
    with _lock:
        if service not in _clients:
            from chalicelib.botocore_session import thread_session
            from chalicelib.settings import get_settings

            _clients[service] = thread_session().create_client(service, region_name=get_settings().region)
        return _clients[service]


def set_client(service: str, value: Any) -> None:
    _clients[service] = value


def reset_clients() -> None:
    _clients.clear()
