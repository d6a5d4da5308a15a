"""One botocore session per thread for every PynamoDB model (cold start).

PynamoDB gives each model's connection a botocore session of its own, and every new session loads
and parses the DynamoDB service model and endpoint rules again: about 100 ms per table on the first
request of a Lambda container that touches three tables. Sharing one session per thread keeps
PynamoDB's own rule (a session is never shared between threads) and loads that data once.

``share_per_thread()`` is called once, by ``chalicelib.models.base``; the measurement is
``bench/cold_start.py`` (see ``bench/RESULTS.md``).
"""

from __future__ import annotations

import threading
from typing import Any

_local = threading.local()
_installed = False


def thread_session() -> Any:
    """This thread's botocore session, created on first use. Its clients are shared too: every
    model's connection asks for a DynamoDB client with the same settings, and each new client costs
    about 40 ms on a cold container, so one client per (service, region, endpoint, settings) is made
    per thread and handed to every connection that asks."""
    session = getattr(_local, "session", None)
    if session is None:
        from botocore.session import get_session

        session = _local.session = get_session()
        _share_clients(session)
    return session


def _share_clients(session: Any) -> None:
    create = session.create_client
    made: dict[tuple[Any, ...], Any] = {}

    def create_client(service_name: str, region_name: Any = None, *args: Any, **kwargs: Any) -> Any:
        config = kwargs.get("config")
        key = (
            service_name,
            region_name,
            kwargs.get("endpoint_url"),
            args,
            tuple(sorted((k, repr(v)) for k, v in kwargs.items() if k not in ("config", "endpoint_url"))),
            repr(sorted(vars(config).items())) if config is not None else None,
        )
        found = made.get(key)
        if found is None or not getattr(found._request_signer, "_credentials", True):
            found = made[key] = create(service_name, region_name, *args, **kwargs)
        return found

    session.create_client = create_client


def share_per_thread() -> None:
    """Make PynamoDB's connections take this thread's shared session instead of a new one."""
    global _installed
    if _installed:
        return
    import pynamodb.connection.base as connection_base

    connection_base.get_session = thread_session
    _installed = True
