"""Capability packages export their API lazily (``chalicelib/lazy.py``)."""

from __future__ import annotations

import importlib
import types

import pytest

from chalicelib.lazy import lazy_exports

PACKAGES = ("appointments", "requests", "live_queue", "visits", "backoffice")


@pytest.mark.parametrize("name", PACKAGES)
def test_every_export_resolves_to_what_its_module_defines(name):
    # GIVEN a capability package
    package = importlib.import_module(f"chalicelib.services.{name}")
    # THEN each exported name resolves, and is not a module (a module import would hide a function)
    for export in package.__all__:
        value = getattr(package, export)
        assert not isinstance(value, types.ModuleType), f"{name}.{export} is a module"


def test_a_name_exported_twice_or_named_like_a_module_is_refused():
    package = importlib.import_module("chalicelib.services.live_queue")
    with pytest.raises(ValueError, match="exported by both"):
        lazy_exports(package.__name__, {"calls": ("call_next",), "counters": ("call_next",)})
    with pytest.raises(ValueError, match="name of a module"):
        lazy_exports(package.__name__, {"points": ("calls",)})
