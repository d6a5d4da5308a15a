"""A per-container cache with a lifetime, for catalogue items every request reads and staff rarely
change (services, service points, the municipality's settings).

A Lambda container keeps module state between invocations, so a value read once serves the
requests of the next ``ttl()`` seconds without a DynamoDB read. A staff edit forgets its own key
in its container at once; other containers see the change when their copy expires.

Example::

    SERVICES = TtlCache(lambda: SERVICE_TTL_SECONDS)
    service = SERVICES.get("kep-certificates")           # None when absent or expired
    SERVICES.put("kep-certificates", service)
    SERVICES.forget("kep-certificates")                   # or SERVICES.forget() for all

Limitation: per container and unbounded in size (a municipality has tens of services and points,
not thousands); the lifetime is read on each ``put`` (tests change it on the module that owns it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


class TtlCache:
    """Values kept for ``ttl()`` seconds after they were put (thread-safe)."""

    def __init__(self, ttl: Callable[[], float]):
        self._ttl = ttl
        self._items: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        """The value of ``key`` while it lives, else ``None``."""
        hit = self._items.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, key: Any, value: Any) -> Any:
        with self._lock:
            self._items[key] = (time.monotonic() + self._ttl(), value)
        return value

    def forget(self, key: Any = None) -> None:
        """Forget ``key``, or everything when no key is given."""
        with self._lock:
            if key is None:
                self._items.clear()
            else:
                self._items.pop(key, None)
