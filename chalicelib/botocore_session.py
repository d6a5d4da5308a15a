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
    """This thread's botocore session, created on first use."""
    session = getattr(_local, "session", None)
    if session is None:
        from botocore.session import get_session

        session = _local.session = get_session()
    return session


def share_per_thread() -> None:
    """Make PynamoDB's connections take this thread's shared session instead of a new one."""
    global _installed
    if _installed:
        return
    import pynamodb.connection.base as connection_base

    connection_base.get_session = thread_session
    _installed = True
