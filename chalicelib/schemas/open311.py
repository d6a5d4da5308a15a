"""Schemas of the Open311 GeoReport v2 routes (``/open311/v2/...``) and of the admin routes for
Open311 API keys.

GeoReport answers come in JSON or XML, and its errors in its own list format, so its operations are
built by ``georeport_op`` rather than ``chalicelib.openapi.op`` (whose errors are ours).
"""

from __future__ import annotations

from typing import Any

FORM = "application/x-www-form-urlencoded"

# -- admins: API keys ----------------------------------------------------------------------------
NEW_KEY = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "contact": {"type": "string", "maxLength": 200},
    },
}
KEY = {"type": "object", "required": ["key_id", "name", "active"]}

# -- GeoReport answers and arguments --------------------------------------------------------------
ERRORS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}
XML = {"type": "string"}
SERVICES = {"type": "array", "items": {"type": "object", "required": ["service_code", "service_name"]}}
REQUESTS = {"type": "array", "items": {"type": "object", "required": ["service_request_id"]}}
# the spec: an empty optional argument is the same as an absent one
_EMPTY = {"type": "string", "maxLength": 0}
_DATE = {"anyOf": [{"type": "string", "format": "date-time"}, _EMPTY]}
_IDS = r"^[0-9]{4}-[0-9]{1,9}(,[0-9]{4}-[0-9]{1,9})*$"
_CODES = r"^[a-z0-9_-]{2,40}(,[a-z0-9_-]{2,40})*$"
SUFFIX = r"\.(json|xml)$"
MEDIA_ID = r"^[0-9]{4}-[0-9]{1,9}\.(jpg|png)$"
REDIRECT = {"302": {"description": "Redirect", "headers": {"Location": {"schema": {"type": "string"}}}}}


def _optional(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, _EMPTY]}


def query_arg(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


def path_arg(name: str, pattern: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "pattern": pattern}}


SEARCH = [
    query_arg("service_request_id", _optional({"type": "string", "pattern": _IDS})),
    query_arg("service_code", _optional({"type": "string", "pattern": _CODES})),
    query_arg("start_date", _DATE),
    query_arg("end_date", _DATE),
    query_arg("status", _optional({"enum": ["open", "closed", "open,closed", "closed,open"]})),
    query_arg("extensions", _optional({"enum": ["true", "false"]})),
]
POST = {
    "type": "object",
    "required": ["api_key", "service_code"],
    "properties": {
        "api_key": {"type": "string"},
        "service_code": {"type": "string"},
        "lat": {"type": "number"},
        "long": {"type": "number"},
        "address_string": {"type": "string"},
        "address_id": {"type": "string"},
        "email": {"type": "string"},
        "device_id": {"type": "string"},
        "account_id": {"type": "string"},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "phone": {"type": "string"},
        "description": {"type": "string"},
        "media_url": {"type": "string", "description": "http(s) URL of a JPEG or PNG, fetched by the server"},
    },
}


# -- operations ----------------------------------------------------------------------------------
def _content(fmt: str, schema: dict[str, Any]) -> dict[str, Any]:
    """``fmt`` ``json``, ``xml`` or ``both`` (the format chosen by the path's suffix)."""
    content = {}
    if fmt in ("json", "both"):
        content["application/json"] = {"schema": schema}
    if fmt in ("xml", "both"):
        content["text/xml"] = {"schema": XML}
    return content


def georeport_op(
    summary: str,
    fmt: str,
    schema: dict[str, Any],
    *,
    params: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
    errors: tuple[int, ...] = (400, 404),
    success: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One GeoReport operation: 200 with ``schema`` (JSON) or text (XML), or the ``success``
    responses given (a redirect), and errors in its format."""
    responses: dict[str, Any] = success or {"200": {"description": "OK", "content": _content(fmt, schema)}}
    for code in [*errors, "default"]:
        responses[str(code)] = {"description": "GeoReport error", "content": _content(fmt, ERRORS)}
    operation: dict[str, Any] = {"summary": summary, "tags": ["open311"], "responses": responses}
    if params:
        operation["parameters"] = params
    if body:
        operation["requestBody"] = {"required": True, "content": {FORM: {"schema": body}}}
    return operation
