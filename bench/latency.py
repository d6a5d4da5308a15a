"""Latency figures the benches report: count, median, p95 and maximum in milliseconds."""

from __future__ import annotations

import statistics


def summary(values: list[float]) -> dict[str, float]:
    """``values`` in seconds -> ``{"n", "median_ms", "p95_ms", "max_ms"}``."""
    ordered = sorted(values)
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values) * 1000, 1),
        "p95_ms": round(ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }
