"""Open311's own formats: JSON or the spec's XML (lists as repeated child elements, ``true`` and
``false``, empty elements for null), its error list, and its errors as an exception.

Every text written into the XML first loses the characters XML 1.0 forbids (``xml_safe``: control
characters other than tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF), so a
description typed with a stray control character still gives a document every parser reads; the
JSON keeps the text as stored (``json.dumps`` escapes them).

Example::

    to_xml("services", [{"service_code": "pothole", "metadata": True}])
    # <services><service><service_code>pothole</service_code><metadata>true</metadata>...
    error_body([(404, "service_code x was not found.")], "json")
    # [{"code": 404, "description": "service_code x was not found."}]

Limitation: the XML has no namespace and no schema (the spec gives none); a value that is a dict
inside a list item is written as nested elements, which the spec never needs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
LIST_ITEMS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "errors": "error",
}


# what XML 1.0 allows (https://www.w3.org/TR/xml/#charsets); everything else is dropped
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Open311Error(Exception):
    """An error in the GeoReport format (``code`` is the HTTP status; ``headers`` go with it, e.g.
    ``Retry-After`` on a 429)."""

    def __init__(self, code: int, description: str, headers: dict[str, str] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.headers = headers or {}


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (control characters but tab, LF and CR)."""
    return _NOT_XML.sub("", text)


def language_of(accept_language: str | None) -> str:
    """The answer's language from an ``Accept-Language`` header: English when it asks for it
    first, Greek otherwise."""
    return "en" if (accept_language or "").lower().startswith("en") else "el"


def to_xml(root: str, data: Any) -> str:
    """The spec's XML: lists as repeated child elements, ``true``/``false``, empty for null."""
    element = ET.Element(root)
    _fill(element, root, data)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")


def _fill(element: ET.Element, name: str, data: Any) -> None:
    if isinstance(data, list):
        child_name = LIST_ITEMS.get(name, "item")
        for item in data:
            _fill(ET.SubElement(element, child_name), child_name, item)
    elif isinstance(data, dict):
        if (
            name == "attributes"
            and data
            and not any(isinstance(v, (dict, list)) and k == "code" for k, v in data.items())
        ):
            # request attribute values (extensions): <attribute><code/><value/></attribute>
            for code, value in data.items():
                attribute = ET.SubElement(element, "attribute")
                ET.SubElement(attribute, "code").text = xml_safe(code)
                for one in value if isinstance(value, list) else [value]:
                    ET.SubElement(attribute, "value").text = _text(one)
            return
        for key, value in data.items():
            _fill(ET.SubElement(element, key), key, value)
    else:
        element.text = _text(data)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_safe(str(value))


def error_body(errors: list[tuple[int, str]], fmt: str) -> str | list[dict[str, Any]]:
    """The spec's error list: a list of ``{code, description}`` for JSON, its XML text for XML."""
    items = [{"code": code, "description": description} for code, description in errors]
    return to_xml("errors", items) if fmt == "xml" else items
