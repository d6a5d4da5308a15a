"""``app.py`` is the list of entry points: one import block, one register line per blueprint,
every handler module registered, and no experimental Chalice feature asked for or used."""

from __future__ import annotations

import ast
import pkgutil

from chalice.deploy.validate import validate_feature_flags

import chalicelib.handlers
from app import app
from tests.conftest import ROOT


def _app_source() -> ast.Module:
    return ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))


def test_every_handler_module_is_registered_once():
    # GIVEN the handler modules on disk and app.py
    modules = {info.name for info in pkgutil.iter_modules(chalicelib.handlers.__path__)}
    tree = _app_source()
    imported = {
        alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "chalicelib.handlers"
        for alias in node.names
    }
    registered = [
        node.value.args[0].value.id
        for node in tree.body
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and getattr(node.value.func, "attr", "") == "register_blueprint"
    ]
    # THEN each is imported in the one block and registered by exactly one line
    assert imported == modules
    assert sorted(registered) == sorted(modules)


def test_no_experimental_feature_is_used_or_asked_for():
    # GIVEN the app (Chalice 1.34: blueprints are no longer experimental)
    # THEN it asks for no feature flag, and Chalice's own check at deploy time passes
    assert app.experimental_feature_flags == set()
    validate_feature_flags(app)
