"""PynamoDB models, one module per table.

``all_models()`` finds every model in this package, so the local stack, the tests and ``infra/``
create exactly the tables the code uses without a list to keep in step; ``streamed_models()`` are
those with a stream (a consumer in ``services/platform/stream_router.py`` reads it).
"""

from __future__ import annotations

from pynamodb.models import Model


def all_models() -> list[type[Model]]:
    import importlib
    import pkgutil

    found: dict[str, type[Model]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Model)
                and value is not Model
                and getattr(getattr(value, "Meta", None), "table_name", None)
            ):
                found[value.Meta.table_name] = value
    return sorted(found.values(), key=lambda m: m.Meta.table_name)


def streamed_models() -> list[type[Model]]:
    """The models whose table has a stream: those with a consumer in the stream router."""
    return [m for m in all_models() if getattr(m.Meta, "stream_view_type", None)]


def create_all_tables() -> list[str]:
    """Create every table that does not exist yet (with its stream and TTL); return their names."""
    created = []
    for model in all_models():
        if not model.exists():
            model.create_table(wait=True)
            created.append(model.Meta.table_name)
    return created
