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
_doubles: dict[str, Any] = {}  # set_client's
_lock = threading.Lock()


def client(service: str, *, attempts: int | None = None) -> Any:
    """Return the shared client for ``service`` (``"ses"``, ``"sns"``, ...); ``attempts`` caps
    botocore's tries per call (``1``: no retry, for calls that must not be repeated blindly),
    a client of its own named ``"<service>@<attempts>"``. A double given to ``set_client``
    serves every client of its service."""
    name = service if attempts is None else f"{service}@{attempts}"
    found = _doubles.get(service) or _clients.get(name)
    if found is not None:
        return found
    with _lock:
        if name not in _clients:
            from chalicelib.botocore_session import thread_session
            from chalicelib.settings import get_settings

            options: dict[str, Any] = {}
            if attempts is not None:
                from botocore.config import Config

                options["config"] = Config(retries={"total_max_attempts": attempts, "mode": "standard"})
            _clients[name] = thread_session().create_client(service, region_name=get_settings().region, **options)
        return _clients[name]


def set_client(service: str, value: Any) -> None:
    """A test double for ``service``: what ``client(service, ...)`` returns, whatever ``attempts``."""
    _doubles[service] = value


def reset_clients() -> None:
    _clients.clear()
    _doubles.clear()
