"""What ``/api/health`` reports: tables reachable, plus any part the host registers.

In Lambda the stream and schedule wiring is AWS's; the local stack registers its stream pump and
scheduler with ``register`` so that the same route reports them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

_components: dict[str, Callable[[], dict[str, Any]]] = {}
_tables_cache: tuple[float, dict[str, Any]] | None = None
CACHE_SECONDS = 10


def register(name: str, probe: Callable[[], dict[str, Any]]) -> None:
    """``probe()`` returns ``{"ok": bool, ...}``."""
    _components[name] = probe


def unregister(name: str) -> None:
    _components.pop(name, None)


def _tables() -> dict[str, Any]:
    global _tables_cache
    if _tables_cache and time.time() - _tables_cache[0] < CACHE_SECONDS:
        return _tables_cache[1]
    from chalicelib.aws import client
    from chalicelib.models import all_models

    expected = {m.Meta.table_name for m in all_models()}
    try:
        found: set[str] = set()
        kwargs: dict[str, Any] = {}
        while True:
            page = client("dynamodb").list_tables(**kwargs)
            found.update(page.get("TableNames", []))
            if not page.get("LastEvaluatedTableName"):
                break
            kwargs["ExclusiveStartTableName"] = page["LastEvaluatedTableName"]
        missing = sorted(expected - found)
        result = {"ok": not missing, "expected": len(expected), "missing": missing}
    except Exception as exc:  # noqa: BLE001 - health reports, never raises
        result = {"ok": False, "error": type(exc).__name__}
    _tables_cache = (time.time(), result)
    return result


def forget_tables() -> None:
    """Drop the cached table check (tests)."""
    global _tables_cache
    _tables_cache = None


def report() -> dict[str, Any]:
    parts: dict[str, Any] = {"tables": _tables()}
    for name, probe in _components.items():
        try:
            parts[name] = probe()
        except Exception as exc:  # noqa: BLE001
            parts[name] = {"ok": False, "error": type(exc).__name__}
    ok = all(p.get("ok") for p in parts.values())
    return {"status": "ok" if ok else "degraded", "parts": parts}
