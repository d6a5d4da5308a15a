"""Demo data for the local stack: a demo municipality (Δήμος Δημοτικής Πύλης). Idempotent: run it
twice and nothing is duplicated. Each capability seeds its own part in a module of this package
and is listed in ``SEEDERS``."""

from __future__ import annotations

import importlib
from collections.abc import Callable

SEEDERS = ["devstack.demo.org", "devstack.demo.catalogue", "devstack.demo.citizens", "devstack.demo.queue", "devstack.demo.requests", "devstack.demo.appointments", "devstack.demo.visits", "devstack.demo.backoffice"]


def seed_all(between: Callable[[], None] = lambda: None) -> dict[str, object]:
    """Every seeder in turn; ``between()`` runs before each (the local stack stops there on Ctrl-C)."""
    report: dict[str, object] = {}
    for path in SEEDERS:
        between()
        module = importlib.import_module(path)
        report[path.rsplit(".", 1)[-1]] = module.seed()
    return report
