"""What each Lambda function's code can reach, read from the source: the tables it may touch, the
AWS services it calls and the functions it may run. ``role.py`` grants each function exactly that,
so no list of "function -> tables" is kept in step by hand.

How: every module of ``chalicelib/`` is parsed (never imported for this); its top-level functions
and classes are nodes, plus one node for the module's own top-level statements. A node's edges are
the names its body refers to, resolved through the module's imports (at any depth, including
imports inside functions), the capability packages' lazy export tables (``lazy_exports(__name__,
{module: names})``: ``visits.send_one`` leads to ``visits/sender.py`` only), and plain attribute
access on an imported module (``crypto.seal``). A function's roots are its Chalice handler's body
(the stream router adds every consumer of ``CONSUMERS``; the API handler every route and the
middleware); whatever is reachable from them is what it may run.

- Tables: reaching any node of a model module (``chalicelib/models/<x>.py``) reaches every table of
  that module; a reference to ``all_models`` (or ``streamed_models``, ``create_all_tables``)
  reaches every table.
- Services: a call ``client("ses")`` (``chalicelib.aws.client``) in a reached node.
- Operations: the reached nodes themselves, as ``"module:name"`` (``role.py`` asks whether
  ``crypto:open_sealed`` is among them before anything may decrypt).

Example::

    reach = function_reach(FunctionSpec("exposure_sender", "ExposureSender", "lambda"))
    reach.tables      # {"outbox", "visitors", ...}
    reach.services    # {"kms", "sqs", ...}

Limitation: a name reached only through ``getattr`` with a computed name, or an import by a
string, is not seen (the stream router's consumer strings and the lazy packages are handled; a
new mechanism of that kind must be taught here). Methods are not told apart: referring to a class
reaches all its methods.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from dimotis_infra.code import ROOT, FunctionSpec, _import_root

PACKAGE = "chalicelib"
TOP = "<module>"
ALL_TABLES_NAMES = frozenset({"all_models", "streamed_models", "create_all_tables"})
MODELS = f"{PACKAGE}.models"


@dataclass(frozen=True)
class Reach:
    tables: frozenset[str]
    services: frozenset[str]
    operations: frozenset[str]


@dataclass
class _Module:
    name: str
    is_package: bool
    imports: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)  # alias -> targets
    nodes: dict[str, ast.AST] = field(default_factory=dict)  # top-level name -> def/class
    top: list[ast.stmt] = field(default_factory=list)  # the module's other statements
    lazy: dict[str, str] = field(default_factory=dict)  # exported name -> module of the package


# -- parsing -------------------------------------------------------------------------------------
def _module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


def _lazy_table(tree: ast.Module) -> dict[str, str]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) == "lazy_exports"
            and len(node.args) == 2
            and isinstance(node.args[1], ast.Dict)
        ):
            found = {}
            for key, value in zip(node.args[1].keys, node.args[1].values, strict=True):
                for name in getattr(value, "elts", []):
                    found[name.value] = key.value
            return found
    return {}


@lru_cache(maxsize=1)
def _modules() -> dict[str, _Module]:
    modules: dict[str, _Module] = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        name, is_package = _module_name(path)
        tree = ast.parse(path.read_text(), filename=str(path))
        modules[name] = _Module(name, is_package, lazy=_lazy_table(tree) if is_package else {})
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                modules[name].nodes[stmt.name] = stmt
            else:
                modules[name].top.append(stmt)
        modules[name].imports = _imports(tree)
    for mod in modules.values():  # "from chalicelib.x import y": y a module, or a name of x
        for alias, targets in mod.imports.items():
            mod.imports[alias] = {
                ("module", f"{t[1]}.{t[2]}") if t[0] == "name" and f"{t[1]}.{t[2]}" in modules else t
                for t in targets
            }
    return modules


def _imports(tree: ast.Module) -> dict[str, set[tuple[str, ...]]]:
    found: dict[str, set[tuple[str, ...]]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE) and alias.asname:
                    found.setdefault(alias.asname, set()).add(("module", alias.name))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE):
            for alias in node.names:
                found.setdefault(alias.asname or alias.name, set()).add(("name", node.module, alias.name))
    return found


# -- the graph -----------------------------------------------------------------------------------
def _resolve(module: str, name: str) -> set[tuple[str, str]]:
    """Nodes ``(module, name)`` that ``module.name`` stands for."""
    modules = _modules()
    mod = modules.get(module)
    if mod is None:
        return set()
    if f"{module}.{name}" in modules:
        return _whole(f"{module}.{name}")
    if name in mod.nodes:
        return {(module, name), (module, TOP)}
    if name in mod.lazy:
        return _resolve(f"{module}.{mod.lazy[name]}", name)
    if name in mod.imports:
        return {n for t in mod.imports[name] for n in _target(t)}
    return {(module, TOP)}


def _whole(module: str) -> set[tuple[str, str]]:
    """A module used as a value: everything in it (a lazy package: every module it exports from)."""
    mod = _modules()[module]
    nodes = {(module, TOP)} | {(module, n) for n in mod.nodes}
    for target in set(mod.lazy.values()):
        nodes |= _whole(f"{module}.{target}")
    return nodes


def _target(target: tuple[str, ...]) -> set[tuple[str, str]]:
    if target[0] == "module":
        return _whole(target[1]) if target[1] in _modules() else set()
    return _resolve(target[1], target[2])


def _edges(module: str, name: str) -> set[tuple[str, str]]:
    mod = _modules()[module]
    body: list[ast.AST] = mod.top if name == TOP else [mod.nodes[name]]
    attribute_bases: set[int] = set()
    out: set[tuple[str, str]] = set()
    for tree in body:
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                targets = mod.imports.get(node.value.id, set())
                if targets and all(t[0] == "module" for t in targets):
                    attribute_bases.add(id(node.value))
                    for t in targets:
                        out |= _resolve(t[1], node.attr)
        for node in (n for tree in body for n in ast.walk(tree)):
            if isinstance(node, ast.Name) and id(node) not in attribute_bases:
                if node.id in mod.nodes and node.id != name:
                    out.add((module, node.id))
                for t in mod.imports.get(node.id, set()):
                    out |= _target(t)
    return out


@cache
def _edges_cached(module: str, name: str) -> frozenset[tuple[str, str]]:
    return frozenset(_edges(module, name))


def _closure(roots: set[tuple[str, str]]) -> set[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    todo = list(roots)
    while todo:
        node = todo.pop()
        if node in seen or node[0] not in _modules():
            continue
        if node[1] != TOP and node[1] not in _modules()[node[0]].nodes:
            continue
        seen.add(node)
        todo.extend(_edges_cached(*node))
        todo.append((node[0], TOP))
    return seen


# -- what a function reaches ---------------------------------------------------------------------
def _services(module: str, name: str) -> set[str]:
    mod = _modules()[module]
    body: list[ast.AST] = mod.top if name == TOP else [mod.nodes[name]]
    found = set()
    for tree in body:
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "client"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and "client" in mod.imports
                and ("name", f"{PACKAGE}.aws", "client") in mod.imports["client"]
            ):
                found.add(node.args[0].value)
    return found


@lru_cache(maxsize=1)
def _tables_by_module() -> dict[str, frozenset[str]]:
    _import_root()
    from chalicelib.models import all_models

    found: dict[str, set[str]] = {}
    for model in all_models():
        meta = model.Meta
        found.setdefault(model.__module__, set()).add(getattr(meta, "table_key", meta.table_name))
    return {k: frozenset(v) for k, v in found.items()}


def roots(spec: FunctionSpec, app: Any) -> set[tuple[str, str]]:
    """Where a function starts: its handler's body (the API: every route and the middleware; the
    stream router: also every consumer it imports by name)."""
    if spec.kind == "api":
        found = {
            (entry.view_function.__module__, entry.view_function.__name__)
            for methods in app.routes.values()
            for entry in methods.values()
        }
        found |= {(func.__module__, func.__name__) for func in app._get_middleware_handlers("http")}
        return found
    handlers = [h for h in (*app.pure_lambda_functions, *app.event_sources) if h.name == spec.name]
    found = {tuple(h.handler_string.rsplit(".", 1)) for h in handlers}
    if spec.name == "table_stream":
        from chalicelib.services.platform.stream_router import CONSUMERS

        found |= {tuple(path.split(":", 1)) for paths in CONSUMERS.values() for path in paths}
    return found


def function_reach(spec: FunctionSpec, app: Any | None = None) -> Reach:
    """What ``spec``'s code can reach (see the module's docstring)."""
    from dimotis_infra.code import chalice_app

    reached = _closure(roots(spec, app or chalice_app()))
    tables_by_module = _tables_by_module()
    every_table = {t for ts in tables_by_module.values() for t in ts}
    tables: set[str] = set()
    services: set[str] = set()
    for module, name in reached:
        tables |= tables_by_module.get(module, frozenset())
        services |= _services(module, name)
        if module == MODELS and name in ALL_TABLES_NAMES:
            tables |= every_table
    return Reach(
        tables=frozenset(tables),
        services=frozenset(services),
        operations=frozenset(f"{m}:{n}" for m, n in reached if n != TOP),
    )
