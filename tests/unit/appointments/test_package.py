"""The appointments package: every export resolves to a function or value of its module, no
export has the name of a module of the package (importing that module would replace the export on
the package), and no module is over 400 lines."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import chalicelib.services.appointments as package
from chalicelib.handlers import appointments as citizen_routes
from chalicelib.handlers import appointments_staff as staff_routes


def test_every_export_resolves_and_none_is_shadowed_by_a_module():
    # GIVEN the package's modules
    modules = {info.name for info in pkgutil.iter_modules(package.__path__)}
    for name in package.__all__:
        # WHEN an export is read THEN it is there, and no module has its name
        assert getattr(package, name) is not None, name
        assert name not in modules, f"{name} is both an export and a module"
    # AND each module imports, after which the exports still answer what they did
    for module in modules:
        importlib.import_module(f"{package.__name__}.{module}")
    assert callable(package.availability) and callable(package.book)


def test_modules_and_handlers_stay_small():
    paths = [
        *Path(package.__file__).parent.glob("*.py"),
        Path(citizen_routes.__file__),
        Path(staff_routes.__file__),
    ]
    sizes = {p.name: len(p.read_text().splitlines()) for p in paths}
    assert max(sizes.values()) <= 400, sizes


def test_staff_routes_do_not_import_the_citizens_routes():
    # Handlers share schemas, never each other's modules
    source = Path(staff_routes.__file__).read_text()
    assert "chalicelib.handlers" not in source
