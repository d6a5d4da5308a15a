"""Request types (Open311 services): the catalogue, its management by admins (and by managers for
their own department's types), and the check of a submission's extra fields against the type's
Open311 attributes.

A type has its department (where its requests are routed), names, group, extra fields
(attributes), expected days, public (a report on the map, listed to Open311 clients) or private
(a personal request), and response templates: texts staff pick when they answer (the staff request
page offers them in its status change form). Types are deactivated (``active: false``), never
deleted: requests name them.

Example::

    kind = get_type("pothole")
    values = check_attributes(kind, {"SIZE": "large"})   # ValidationFailed on a bad value
    save_type(manager, "graffiti", body)                 # 403 for another department's type

The schema of a type as admins send it is ``chalicelib.schemas.requests.REQUEST_TYPE``; what it
cannot say (unique codes, list values) is answered 409 naming the field.

Limitation: a type is replaced whole; requests filed under its old extra fields keep their values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import clock
from chalicelib.access import ensure_department
from chalicelib.errors import Conflict, NotFound, ValidationFailed
from chalicelib.models.requests import CATALOG, RequestType
from chalicelib.services.platform import audit, municipality

MAX_STRING = 200
MAX_TEXT = 4000


def list_types(include_inactive: bool = False) -> list[RequestType]:
    """Every type, by code (one Query on the catalogue index)."""
    return [t for t in RequestType.by_catalog.query(CATALOG) if include_inactive or t.active]


def get_type(code: str, *, include_inactive: bool = False) -> RequestType:
    try:
        kind = RequestType.get(code)
    except RequestType.DoesNotExist:
        raise NotFound("No such request type.", code="request_type_not_found") from None
    if not kind.active and not include_inactive:
        raise NotFound("No such request type.", code="request_type_not_found")
    return kind


def _check_type(body: dict[str, Any]) -> None:
    """Attribute codes unique, list attributes with values, template ids unique (409 naming the
    field)."""
    seen: set[str] = set()
    for n, attribute in enumerate(body.get("attributes", [])):
        if attribute["code"] in seen:
            raise Conflict(
                f"Attribute codes must be unique ({attribute['code']}).",
                code="duplicate_attribute",
                details={"field": f"attributes[{n}].code"},
            )
        seen.add(attribute["code"])
        lists = attribute["datatype"] in ("singlevaluelist", "multivaluelist")
        if lists and not attribute.get("values"):
            raise Conflict(
                f"Attribute {attribute['code']} needs values.",
                code="attribute_values_missing",
                details={"field": f"attributes[{n}].values"},
            )
    ids = [t["id"] for t in body.get("templates", [])]
    for n, template_id in enumerate(ids):
        if template_id in ids[:n]:
            raise Conflict(
                f"Template ids must be unique ({template_id}).",
                code="duplicate_template",
                details={"field": f"templates[{n}].id"},
            )


def save_type(staff: Any, code: str, body: dict[str, Any]) -> RequestType:
    """Create or replace the type ``code`` from ``body`` (``schemas.requests.REQUEST_TYPE``, with
    the same code): admins, or managers for a type of their own department that stays there. The
    department must exist."""
    if body["code"] != code:
        raise Conflict(
            "The code in the path and the body differ.", code="code_mismatch", details={"field": "code"}
        )
    try:
        existing = RequestType.get(code, consistent_read=True)
    except RequestType.DoesNotExist:
        existing = None
    if existing is not None:
        ensure_department(staff, existing.department_id)
    municipality.department_for(staff, body["department_id"])
    _check_type(body)
    before = public_type(existing, full=True) if existing is not None else None
    kind = RequestType(
        body["code"],
        name_el=body["name_el"],
        name_en=body["name_en"],
        group=body["group"],
        group_el=body["group_el"],
        group_en=body["group_en"],
        description_el=body.get("description_el", ""),
        description_en=body.get("description_en", ""),
        keywords=body.get("keywords", ""),
        department_id=body["department_id"],
        attributes=body.get("attributes", []),
        location=body.get("location", "none"),
        photo=body.get("photo", "none"),
        expected_days=body.get("expected_days", 10),
        public=body.get("public", False),
        templates=body.get("templates", []),
        active=body.get("active", True),
        created_at=existing.created_at if existing is not None else clock.utcnow(),
        updated_at=clock.utcnow(),
    )
    kind.save()
    after = public_type(kind, full=True)
    if before is None:
        action = "request_type.create"
    elif before["active"] and not after["active"]:
        action = "request_type.deactivate"
    else:
        action = "request_type.update"
    audit.note(staff, "request_type", kind.code, action=action, before=before, after=after)
    return kind


def sorted_attributes(kind: RequestType) -> list[dict[str, Any]]:
    attrs = list(kind.attributes or [])
    return sorted(attrs, key=lambda a: (a.get("order") or 99, a["code"]))


def public_type(kind: RequestType, *, full: bool = False) -> dict[str, Any]:
    out = {
        "code": kind.code,
        "name_el": kind.name_el,
        "name_en": kind.name_en,
        "group": kind.group,
        "group_el": kind.group_el,
        "group_en": kind.group_en,
        "description_el": kind.description_el or "",
        "description_en": kind.description_en or "",
        "keywords": kind.keywords or "",
        "department_id": kind.department_id,
        "attributes": sorted_attributes(kind),
        "location": kind.location,
        "photo": kind.photo,
        "expected_days": int(kind.expected_days),
        "public": bool(kind.public),
        "active": bool(kind.active),
    }
    if full:
        out["templates"] = list(kind.templates or [])
    return out


def check_attributes(kind: RequestType, given: dict[str, Any] | None) -> dict[str, Any]:
    """The submission's extra fields, checked against the type: required ones present, list values
    among the allowed keys, numbers numeric, datetimes ISO 8601, no unknown codes."""
    given = dict(given or {})
    known = {a["code"]: a for a in kind.attributes or []}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ValidationFailed(
            f"Unknown field(s): {', '.join(unknown)}.",
            code="unknown_attribute",
            details={"field": f"attributes.{unknown[0]}"},
        )
    out: dict[str, Any] = {}
    for code, attribute in known.items():
        if attribute.get("variable") is False:
            continue
        value = given.get(code)
        empty = value is None or value == "" or value == []
        if empty:
            if attribute.get("required"):
                raise ValidationFailed(
                    f"The field {code} is required.",
                    code="attribute_required",
                    details={"field": f"attributes.{code}"},
                )
            continue
        out[code] = _check_value(code, attribute, value)
    return out


def _check_value(code: str, attribute: dict[str, Any], value: Any) -> Any:
    datatype = attribute["datatype"]
    field = {"field": f"attributes.{code}"}
    keys = {v["key"] for v in attribute.get("values") or []}
    if datatype == "multivaluelist":
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) and v in keys for v in values) or len(values) > len(keys):
            raise ValidationFailed(
                f"{code}: choose among the listed values.", code="attribute_invalid", details=field
            )
        return sorted(set(values))
    if isinstance(value, list):
        raise ValidationFailed(f"{code}: one value expected.", code="attribute_invalid", details=field)
    if datatype == "singlevaluelist":
        if str(value) not in keys:
            raise ValidationFailed(
                f"{code}: choose among the listed values.", code="attribute_invalid", details=field
            )
        return str(value)
    if datatype == "number":
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationFailed(
                f"{code}: a number is expected.", code="attribute_invalid", details=field
            ) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValidationFailed(f"{code}: a number is expected.", code="attribute_invalid", details=field)
        return int(number) if number.is_integer() else number
    if datatype == "datetime":
        text = str(value)
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationFailed(
                f"{code}: an ISO 8601 date/time is expected.", code="attribute_invalid", details=field
            ) from None
        return text
    text = str(value)
    limit = MAX_TEXT if datatype == "text" else MAX_STRING
    if len(text) > limit or (datatype == "string" and ("\n" in text or "\r" in text)):
        raise ValidationFailed(
            f"{code}: too long or has line breaks.", code="attribute_invalid", details=field
        )
    return text
