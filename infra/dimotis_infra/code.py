"""What the code declares, read from the code itself so ``infra/`` never keeps a list in step:
tables (with keys, indexes, stream, TTL, append-only), SQS queues and the Chalice app's Lambda
functions and schedules."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Key:
    name: str
    type: str  # "S" | "N" | "B"


@dataclass(frozen=True)
class Index:
    name: str
    hash_key: Key
    range_key: Key | None
    projection: str  # "ALL" | "KEYS_ONLY" | "INCLUDE"
    non_key_attributes: tuple[str, ...] = ()
    local: bool = False


@dataclass(frozen=True)
class TableSpec:
    key: str  # logical name: "appointments"
    model: str  # "chalicelib.models.audit.AuditEntry"
    hash_key: Key
    range_key: Key | None
    stream_view: str | None
    ttl_attribute: str | None
    append_only: bool
    indexes: tuple[Index, ...] = field(default_factory=tuple)
    # False where a model says so (``Meta.point_in_time_recovery = False``): a table whose data
    # must not outlive its promise (the visit log: 14 days; a PITR copy keeps 35)
    point_in_time_recovery: bool = True


@dataclass(frozen=True)
class FunctionSpec:
    name: str  # Chalice name: "table_stream"
    resource: str  # logical id in Chalice's template: "TableStream"
    kind: str  # "api" | "lambda" | "schedule" | other event source
    schedule: str | None = None


def _import_root() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def staff_pool() -> Any:
    """``chalicelib.services.platform.staff_pool``: how the staff user pool is set up (password
    policy, MFA, message templates, token lifetimes), as the local stack sets up its own."""
    _import_root()
    from chalicelib.services.platform import staff_pool as module

    return module


def _keys(key_schema: list[dict[str, str]], types: dict[str, str]) -> tuple[Key, Key | None]:
    hash_key = range_key = None
    for item in key_schema:
        key = Key(item["AttributeName"], types[item["AttributeName"]])
        if item["KeyType"] == "HASH":
            hash_key = key
        else:
            range_key = key
    assert hash_key is not None
    return hash_key, range_key


def table_specs() -> list[TableSpec]:
    """Every table of ``chalicelib.models.all_models()``, as DynamoDB must create it."""
    _import_root()
    from chalicelib.models import all_models

    specs = []
    for model in all_models():
        schema = model._get_schema()
        types = {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]}
        hash_key, range_key = _keys(schema["key_schema"], types)
        indexes = []
        for local, entries in (
            (False, schema.get("global_secondary_indexes", [])),
            (True, schema.get("local_secondary_indexes", [])),
        ):
            for entry in entries:
                ih, ir = _keys(entry["key_schema"], types)
                projection = entry["projection"]
                indexes.append(
                    Index(
                        name=entry["index_name"],
                        hash_key=ih,
                        range_key=ir,
                        projection=projection["ProjectionType"],
                        non_key_attributes=tuple(projection.get("NonKeyAttributes", ())),
                        local=local,
                    )
                )
        ttl = model._ttl_attribute()
        meta = model.Meta
        specs.append(
            TableSpec(
                key=getattr(meta, "table_key", meta.table_name),
                model=f"{model.__module__}.{model.__name__}",
                hash_key=hash_key,
                range_key=range_key,
                stream_view=getattr(meta, "stream_view_type", None),
                ttl_attribute=ttl.attr_name if ttl is not None else None,
                append_only=bool(getattr(meta, "append_only", False)),
                point_in_time_recovery=bool(getattr(meta, "point_in_time_recovery", True)),
                indexes=tuple(sorted(indexes, key=lambda i: i.name)),
            )
        )
    return sorted(specs, key=lambda s: s.key)


@dataclass(frozen=True)
class UploadsLayout:
    incoming_prefix: str  # where the browser uploads ("incoming/")
    kept_prefix: str  # where a request's photos are kept ("requests/")
    rule: dict[str, Any]  # the S3 lifecycle rule that expires what no request took


def uploads_layout() -> UploadsLayout:
    """The uploads bucket's prefixes and lifecycle rule, as ``chalicelib/services/requests/photos.py``
    defines them (the local stack gives its bucket the same rule)."""
    _import_root()
    from chalicelib.services.requests import photos

    return UploadsLayout(photos.INCOMING_PREFIX, photos.KEPT_PREFIX, dict(photos.INCOMING_RULE))


def chalice_app() -> Any:
    """The Chalice app object (``app.app``); importing it registers every blueprint and queue."""
    _import_root()
    import app as app_module

    return app_module.app


def queue_specs() -> list[Any]:
    """``chalicelib.sqs_queues.QUEUES`` after the app (and so every queue's module) is imported."""
    chalice_app()
    from chalicelib.sqs_queues import QUEUES

    return sorted(QUEUES.values(), key=lambda q: q.name)


def function_specs() -> list[FunctionSpec]:
    """The Lambda functions Chalice packages: the API handler, ``@lambda_function``s and every
    event handler (schedules included), with their logical ids in Chalice's template."""
    from chalice.utils import to_cfn_resource_name

    app = chalice_app()
    found: dict[str, FunctionSpec] = {}
    if app.routes:
        found["api_handler"] = FunctionSpec("api_handler", "APIHandler", "api")
    for fn in app.pure_lambda_functions:
        found[fn.name] = FunctionSpec(fn.name, to_cfn_resource_name(fn.name), "lambda")
    for source in app.event_sources:
        kind = type(source).__name__
        schedule = None
        if kind == "ScheduledEventConfig":
            expression = source.schedule_expression
            schedule = expression.to_string() if hasattr(expression, "to_string") else str(expression)
            kind = "schedule"
        found[source.name] = FunctionSpec(source.name, to_cfn_resource_name(source.name), kind, schedule)
    return sorted(found.values(), key=lambda f: f.name)
