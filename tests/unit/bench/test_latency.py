"""The benches' latency summary: nearest-rank p95, never below the median."""

from __future__ import annotations

from bench.latency import summary


def test_p95_is_the_nearest_rank_and_small_samples_report_their_worst():
    # GIVEN samples of 20, 2 and 1; THEN p95 is the nearest rank and never below the median
    twenty = summary([n / 1000 for n in range(1, 21)])  # 1..20 ms
    assert (twenty["median_ms"], twenty["p95_ms"], twenty["max_ms"]) == (10.5, 19.0, 20.0)
    two = summary([0.3, 0.1])
    assert (two["n"], two["median_ms"], two["p95_ms"], two["max_ms"]) == (2, 200.0, 300.0, 300.0)
    assert summary([0.05])["p95_ms"] == 50.0
