"""Latency figures the benches report: count, median, p95 and maximum in milliseconds."""

from __future__ import annotations

import math
import statistics


def summary(values: list[float]) -> dict[str, float]:
    """``values`` in seconds -> ``{"n", "median_ms", "p95_ms", "max_ms"}``."""
    ordered = sorted(values)
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values) * 1000, 1),
        "p95_ms": round(ordered[max(math.ceil(len(ordered) * 0.95) - 1, 0)] * 1000, 1),  # nearest rank
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def print_report(report: dict, as_json: bool) -> None:
    """A bench's report: JSON, or one ``name value`` line per figure."""
    import json

    if as_json:
        print(json.dumps(report, indent=2))
        return
    width = max(len(name) for name in report) + 2
    for name, value in report.items():
        print(f"{name:{width}} {value}")
