"""Request bodies and query strings, checked against JSON Schema.

The same schema dicts are published in the OpenAPI document, so what the document promises is
what the code checks. ``fastjsonschema`` compiles each schema once per container.

Example::

    body = validate(json_body(request), PROFILE_UPDATE)   # raises ValidationFailed (400)
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.errors import BadRequest, PayloadTooLarge, ValidationFailed

MAX_BODY_BYTES = 256 * 1024
# A file import's body (org chart, absences): its content limit is in characters, and Greek takes
# two bytes each in UTF-8 (JSON-escaped, up to six), so the body may exceed MAX_BODY_BYTES; the
# middleware's MAX_REQUEST_BYTES (1 MiB) still holds.
MAX_IMPORT_BYTES = 1024 * 1024
# An e-mail address, in a pattern JSON Schema (ECMA-262) and Python read alike: their ``\s``
# differ (Python's adds the C0 separators, ECMA's adds U+FEFF), so controls are named outright.
_MAILBOX = r"[^@\s\x00-\x1f\x7f-\x9f\ufeff]+"
EMAIL = {"type": "string", "maxLength": 254, "pattern": f"^{_MAILBOX}@{_MAILBOX}\\.{_MAILBOX}$"}
_compiled: dict[int, tuple[dict[str, Any], Any]] = {}  # id(schema) -> (schema, validator)


def json_body(request: Any, required: bool = True, max_bytes: int = MAX_BODY_BYTES) -> Any:
    """The request's JSON body; 400 when it is missing (unless not ``required``) or not JSON,
    413 when it is larger than ``max_bytes`` (file imports pass ``MAX_IMPORT_BYTES``). An absent
    optional body is ``{}``."""
    raw = request.raw_body or b""
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"The request body is larger than {max_bytes} bytes.")
    if not raw.strip():
        if required:
            raise BadRequest("A JSON request body is required.", code="missing_body")
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("The request body is not valid JSON.", code="invalid_json") from None


# An empty object is valid against an object schema made of these keys alone, with nothing
# required and no defaults to fill in: no validator is needed for it (fastjsonschema's import and a
# compile cost a cold start ~30 ms, e.g. a list route called without a query string).
_EMPTY_OBJECT_KEYS = frozenset({"type", "properties", "additionalProperties", "required", "description", "title"})


def _empty_is_valid(schema: dict[str, Any]) -> bool:
    return (
        schema.get("type") == "object"
        and not schema.get("required")
        and schema.keys() <= _EMPTY_OBJECT_KEYS
        and not any(isinstance(p, dict) and "default" in p for p in (schema.get("properties") or {}).values())
    )


def validate(data: Any, schema: dict[str, Any]) -> Any:
    """Return ``data`` with defaults filled in, or raise ``ValidationFailed``."""
    if data == {} and isinstance(data, dict) and _empty_is_valid(schema):
        return data
    import fastjsonschema

    found = _compiled.get(id(schema))
    if found is None or found[0] is not schema:  # an id is reused once its dict is gone
        found = _compiled[id(schema)] = (schema, fastjsonschema.compile(schema))
    check = found[1]
    try:
        return check(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        field = exc.name.replace("data.", "", 1).replace("data", "") or None
        raise ValidationFailed(
            _message(exc), details={"field": field, "rule": exc.rule}
        ) from None


def _message(exc: Any) -> str:
    msg = str(exc.message)
    return msg.replace("data.", "").replace("data ", "body ")


def query(request: Any) -> dict[str, str]:
    return dict(request.query_params or {})


# -- query strings against the document -------------------------------------------------------------
_query_schemas: dict[tuple[str, str], dict[str, Any] | None] = {}


def _documented_query(route: str, method: str) -> dict[str, Any] | None:
    """The query parameters the OpenAPI document gives for ``method route``, as one object schema
    (``None`` when the operation has none); built once per operation."""
    key = (route, method.lower())
    if key not in _query_schemas:
        from chalicelib.openapi import document

        operation = document()["paths"].get(route, {}).get(key[1]) or {}
        params = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
        _query_schemas[key] = (
            {
                "type": "object",
                "properties": {p["name"]: p["schema"] for p in params},
                "required": [p["name"] for p in params if p.get("required")],
            }
            if params
            else None
        )
    return _query_schemas[key]


def _typed(value: str, schema: dict[str, Any]) -> Any:
    """A query value as the type its schema names (query strings are text); unchanged if it is not
    one, so the schema check reports it."""
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
    except ValueError:
        return value
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def check_query(route: str, method: str, params: Any) -> None:
    """Every documented query parameter of the operation, checked against its schema: given at most
    once, required ones present, values valid (400 ``validation_failed`` otherwise). Parameters the
    document does not name are left to the handler. Called by the HTTP middleware for every route,
    so no handler can accept what its document refuses. A request that gives none of them, on an
    operation that requires none, compiles and runs no validator (a cold start's first request
    would pay ~10 ms for it)."""
    schema = _documented_query(route, method)
    if schema is None:
        return
    values: dict[str, Any] = {}
    for name, prop in schema["properties"].items():
        given: list[str] = []
        if params is not None and name in params:
            given = params.getlist(name) if hasattr(params, "getlist") else [params[name]]
        if len(given) > 1:
            raise ValidationFailed(f"{name} is given more than once.", details={"field": name, "rule": "single"})
        if given:
            values[name] = _typed(given[0], prop)
    if values or schema["required"]:  # nothing given and nothing required: nothing to check
        validate(values, schema)
