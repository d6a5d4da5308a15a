"""The OpenAPI 3.1 document of the HTTP API, assembled from the handler modules.

Each handler module holds ``OPENAPI = {path: {method: operation}}`` beside its routes, built with
``op(...)``; ``document()`` merges them. A test fails when a route and the document disagree.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {},
            },
        }
    },
}


RETRY_AFTER = {
    "description": "Seconds until the limit lets the call through again",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9]+$"},
}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def json_response(schema: dict[str, Any] | None = None, description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema or {}}}}


def op(
    summary: str,
    tag: str,
    *,
    auth: str | None = None,
    body: dict[str, Any] | None = None,
    body_type: str = "application/json",
    params: list[dict[str, Any]] | None = None,
    responses: dict[str, Any] | None = None,
    errors: tuple[int, ...] = (),
) -> dict[str, Any]:
    """One operation. ``auth`` is ``"citizen"``, ``"staff"`` or ``None`` (public)."""
    operation: dict[str, Any] = {"summary": summary, "tags": [tag]}
    if params:
        operation["parameters"] = params
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {body_type: {"schema": body}}}
    out: dict[str, Any] = dict(responses or {"200": json_response()})
    codes = set(errors)
    if body is not None or params:
        codes.add(400)
    if auth:
        codes.update({401, 403})
        operation["security"] = (
            [{"citizenCookie": []}, {"bearer": []}]
            if auth == "citizen"
            else [{"staffCookie": []}, {"bearer": []}]
        )
    for code in sorted(codes):
        out.setdefault(str(code), _error_response(_REASONS.get(code, "Error")))
    if "429" in out:
        out["429"] = {**out["429"], "headers": {"Retry-After": RETRY_AFTER}}
    out.setdefault("default", _error_response("Unexpected error"))
    operation["responses"] = out
    return operation


_REASONS = {
    400: "Bad input",
    401: "Not signed in, or the token is not valid",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    413: "Too large",
    429: "Too many requests",
    502: "An upstream service failed",
}


def path_param(name: str, description: str = "", pattern: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": 200}
    if pattern:
        schema["pattern"] = pattern
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


def query_param(name: str, schema: dict[str, Any], required: bool = False, description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


@lru_cache(maxsize=512)
def audience_of(route: str, method: str) -> str | None:
    """``"staff"``, ``"citizen"`` or ``None`` (public, or undocumented): who an operation is for,
    as its security says."""
    operation = document()["paths"].get(route, {}).get(method.lower()) or {}
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    if "staffCookie" in schemes:
        return "staff"
    if "citizenCookie" in schemes:
        return "citizen"
    return None


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    import importlib
    import pkgutil

    from chalicelib import handlers

    paths: dict[str, dict[str, Any]] = {}
    for info in sorted(pkgutil.iter_modules(handlers.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{handlers.__name__}.{info.name}")
        for path, methods in getattr(module, "OPENAPI", {}).items():
            paths.setdefault(path, {}).update(methods)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Dimotis API",
            "version": "1.0.0",
            "description": "Appointments, requests, live queue and visit log of a municipality.",
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {"Error": ERROR},
            "securitySchemes": {
                "citizenCookie": {"type": "apiKey", "in": "cookie", "name": "dimotis_session"},
                "staffCookie": {"type": "apiKey", "in": "cookie", "name": "dimotis_staff"},
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            },
        },
    }
