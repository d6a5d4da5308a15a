"""Open311 discovery, services and service definitions: the request types in the spec's shapes.

- ``discovery``: the one endpoint, its specification, changeset and formats.
- ``services``: what a third party may file: every active *public* type (a report shown on the
  map, such as a pothole). Private types (certificates, social help, tax matters) need the citizen
  signed in with Taxisnet, so they are not offered: their code answers as unknown everywhere
  (``service_type``: 404 ``service_code ... was not found``, the spec's error for an unknown code),
  in the list, the definition and a POST alike. ``metadata`` is true when the type has attributes;
  ``type`` is ``realtime`` (the id is returned at once).
- ``definition``: a type's Open311 attributes, in order, with their values.

Example::

    services("en")        # [{"service_code": "pothole", "service_name": "Pothole", ...}]
    definition("pothole", "el")["attributes"][0]["code"]     # "SIZE"

Limitation: names come in Greek or English only (``Accept-Language``); a type without an English
text shows its Greek one.
"""

from __future__ import annotations

from typing import Any

from chalicelib.models.requests import RequestType
from chalicelib.services.requests import catalogue
from chalicelib.services.requests.open311.formats import Open311Error
from chalicelib.settings import get_settings

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-23T00:00:00Z"


def discovery(base_url: str) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": get_settings().email_sender,
        "key_service": f"{base_url}/admin/",
        "endpoints": [
            {
                "specification": SPEC,
                "url": f"{base_url}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def service(kind: RequestType, lang: str) -> dict[str, Any]:
    return {
        "service_code": kind.code,
        "service_name": kind.name_en if lang == "en" else kind.name_el,
        "description": (kind.description_en if lang == "en" else kind.description_el) or "",
        "metadata": bool(kind.attributes),
        "type": "realtime",
        "keywords": kind.keywords or "",
        "group": kind.group_en if lang == "en" else kind.group_el,
    }


def offered(kind: RequestType) -> bool:
    """Whether Open311 offers the type: active and public."""
    return bool(kind.active) and bool(kind.public)


def services(lang: str) -> list[dict[str, Any]]:
    return [service(k, lang) for k in catalogue.list_types() if offered(k)]


def service_type(code: str) -> RequestType:
    """The type of a ``service_code`` that Open311 offers, or Open311Error 404 (an unknown, inactive
    or private type alike: a private one must not even seem to exist)."""
    try:
        kind = RequestType.get(code)
    except RequestType.DoesNotExist:
        kind = None
    if kind is None or not offered(kind):
        raise Open311Error(404, f"service_code {code} was not found.")
    return kind


def definition(code: str, lang: str) -> dict[str, Any]:
    kind = service_type(code)
    attributes = []
    for order, attribute in enumerate(catalogue.sorted_attributes(kind), start=1):
        values = [
            {"key": v["key"], "name": (v.get("name_en") if lang == "en" else None) or v["name_el"]}
            for v in attribute.get("values") or []
        ]
        item: dict[str, Any] = {
            "variable": attribute.get("variable", True),
            "code": attribute["code"],
            "datatype": attribute["datatype"],
            "required": bool(attribute.get("required")),
            "datatype_description": attribute.get("datatype_description") or None,
            "order": attribute.get("order") or order,
            "description": (attribute.get("description_en") if lang == "en" else None)
            or attribute.get("description_el")
            or attribute["code"],
        }
        if values:
            item["values"] = values
        attributes.append(item)
    return {"service_code": kind.code, "attributes": attributes}
