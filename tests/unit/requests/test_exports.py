"""The requests package's exports (``chalicelib/services/requests/__init__.py`` and its ``open311``
package): every name resolves to what its module defines, and no module of a package shares a name
with an export (importing the module would then replace the function on the package)."""

from __future__ import annotations

import importlib
import pkgutil
import types

import pytest

from chalicelib.services import requests
from chalicelib.services.requests import open311


@pytest.mark.parametrize("package", [requests, open311], ids=lambda p: p.__name__)
def test_every_export_resolves_and_no_module_shadows_one(package):
    # GIVEN every module of the package imported (as a running process may have done)
    modules = [m.name for m in pkgutil.iter_modules(package.__path__)]
    for name in modules:
        importlib.import_module(f"{package.__name__}.{name}")
    # WHEN each exported name is read from the package
    exported = {name: getattr(package, name) for name in package.__all__}
    # THEN none is a module, and none is named like one of the package's modules
    assert not [name for name, value in exported.items() if isinstance(value, types.ModuleType)]
    assert not set(exported) & set(modules)
