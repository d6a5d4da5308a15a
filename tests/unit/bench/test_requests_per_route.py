"""``bench/requests_per_route.py`` has one entry for every operation of the OpenAPI document, so a
new route cannot land without its DynamoDB requests being measured (checked without running it)."""

from __future__ import annotations

import importlib.util
import sys

from tests.conftest import ROOT

BENCH = ROOT / "bench" / "requests_per_route.py"


def _bench():
    name = "bench_requests_per_route"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BENCH)
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


def test_the_scenario_covers_exactly_the_documented_operations():
    # GIVEN the bench's scenario and the document's operations
    bench = _bench()
    operations = set(bench.documented())
    # THEN each operation has an entry, and no entry names an operation that is gone
    assert sorted(operations - set(bench.SCENARIO)) == [], "operations without a bench entry"
    assert sorted(set(bench.SCENARIO) - operations) == [], "bench entries for no operation"


def test_every_operation_documents_a_success_status_the_bench_can_expect():
    # GIVEN the document's operations; THEN each says which success status the bench expects
    assert all(codes for codes in _bench().documented().values())
