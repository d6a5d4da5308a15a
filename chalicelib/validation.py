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
_compiled: dict[int, Any] = {}


def json_body(request: Any, required: bool = True) -> Any:
    """The request's JSON body; 400 when it is missing (unless not ``required``) or not JSON,
    413 when it is too large. An absent optional body is ``{}``."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    if not raw.strip():
        if required:
            raise BadRequest("A JSON request body is required.", code="missing_body")
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("The request body is not valid JSON.", code="invalid_json") from None


def validate(data: Any, schema: dict[str, Any]) -> Any:
    """Return ``data`` with defaults filled in, or raise ``ValidationFailed``."""
    import fastjsonschema

    key = id(schema)
    check = _compiled.get(key)
    if check is None:
        check = _compiled[key] = fastjsonschema.compile(schema)
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
