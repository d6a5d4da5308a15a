"""Package exports loaded on first use (PEP 562), so a cold Lambda container imports only the
modules the route it serves calls.

Each capability package exports its public functions from ``__init__.py``; importing every module
of every package when ``app.py`` registers the blueprints would load all the domain and its models
before the first request (``bench/cold_start.py``). A package lists where each export lives instead::

    from chalicelib.lazy import lazy_exports

    __getattr__, __dir__, __all__ = lazy_exports(__name__, {
        "booking": ("book", "cancel_by_citizen"),
        "availability": ("availability",),
    })

``package.book`` then imports ``package.booking`` once and caches the name in the package.

A name may not be that of a module of the package: importing the module sets the package's
attribute to the module, hiding the function (``live_queue.board`` once ``board.py`` existed).

Limitation: ``monkeypatch.setattr(package, "book", ...)`` replaces only the package's name; code
inside the package calls its own modules, so tests patch the module that defines the function.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable
from typing import Any


def lazy_exports(
    package: str, table: dict[str, Iterable[str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``(__getattr__, __dir__, __all__)`` for ``package`` exporting ``table`` (module -> names)."""
    import pkgutil

    modules = {info.name for info in pkgutil.iter_modules(sys.modules[package].__path__)}
    where: dict[str, str] = {}
    for module, names in table.items():
        for name in names:
            if name in where:
                raise ValueError(f"{package}: {name} is exported by both {where[name]} and {module}")
            if name in modules:  # importing that module would put it in the name's place
                raise ValueError(f"{package}: {name} is the name of a module of the package")
            where[name] = module

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(where) | set(vars(sys.modules[package])))

    return __getattr__, __dir__, sorted(where)
