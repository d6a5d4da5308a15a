"""A GeoReport v2 client written from the spec alone (http://wiki.open311.org/GeoReport_v2): it knows
the resource names, the ``.json``/``.xml`` suffixes, the form-encoded POST with ``attribute[code]``
(and ``attribute[code][]`` for a multivaluelist), the two error formats and HTTP's ``Retry-After``,
and nothing of Dimotis. ``transport(method, path, body, headers)`` returns ``(status, content_type,
bytes)`` or ``(status, content_type, bytes, response headers)``: urllib against a server, or
Chalice's test client.

``answers(definition)`` fills a service definition's attributes the way an app's form would, from
the definition alone: its datatypes and, for lists, its values."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

Transport = Callable[[str, str, bytes | None, dict[str, str]], tuple[int, str, bytes]]
XML_LISTS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


class GeoReportError(Exception):
    def __init__(self, status: int, errors: list[dict[str, Any]], headers: dict[str, str] | None = None):
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors
        self.headers = {k.lower(): v for k, v in (headers or {}).items()}

    @property
    def retry_after(self) -> int | None:
        """Seconds to wait before trying again (HTTP ``Retry-After``, in seconds), if given."""
        value = self.headers.get("retry-after")
        return int(value) if value and value.isdigit() else None


def url_transport(base_url: str) -> Transport:
    def send(method: str, path: str, body: bytes | None, headers: dict[str, str]):
        req = urllib.request.Request(base_url + path, data=body, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
                return resp.status, resp.headers.get("Content-Type", ""), resp.read(), dict(resp.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Content-Type", ""), exc.read(), dict(exc.headers)

    return send


def chalice_transport(client: Any) -> Transport:
    """The transport over Chalice's test client (``chalice.test.Client``)."""

    def send(method: str, path: str, body: bytes | None, headers: dict[str, str]):
        resp = getattr(client.http, method.lower())(path, body=body, headers=headers)
        return resp.status_code, resp.headers.get("Content-Type", ""), resp.body, dict(resp.headers)

    return send


SAMPLE_DATETIME = "2026-01-15T10:30:00Z"


def answer(attribute: dict[str, Any]) -> Any:
    """A value for one attribute of a service definition, from its datatype (and values)."""
    datatype = attribute.get("datatype")
    values = [v["key"] for v in attribute.get("values") or []]
    if datatype == "singlevaluelist":
        return str(values[0])
    if datatype == "multivaluelist":
        return [str(v) for v in values[:2]]
    if datatype == "number":
        return "2"
    if datatype == "datetime":
        return SAMPLE_DATETIME
    if datatype == "text":
        return "Γραμμή πρώτη\nΓραμμή δεύτερη"
    return "Τιμή"  # string: no line breaks


def answers(definition: dict[str, Any], *, optional: bool = False) -> dict[str, Any]:
    """Values for the attributes that take input (``variable``): the required ones, and with
    ``optional`` every one."""
    return {
        a["code"]: answer(a)
        for a in definition.get("attributes") or []
        if a.get("variable", True) and (optional or a.get("required"))
    }


def _xml_value(element: ET.Element) -> Any:
    name = element.tag
    children = list(element)
    if name in XML_LISTS and (not children or all(c.tag == XML_LISTS[name] for c in children)):
        return [_xml_value(c) for c in children]
    if children:
        return {c.tag: _xml_value(c) for c in children}
    text = element.text
    if text in ("true", "false"):
        return text == "true"
    return text


class GeoReportClient:
    def __init__(
        self,
        transport: Transport,
        endpoint: str = "/open311/v2",
        fmt: str = "json",
        api_key: str | None = None,
    ):
        self.transport = transport
        self.endpoint = endpoint
        self.fmt = fmt
        self.api_key = api_key

    def _parse(
        self, status: int, content_type: str, raw: bytes, headers: dict[str, str] | None = None
    ) -> Any:
        if self.fmt == "xml":
            assert "xml" in content_type, content_type
            assert raw.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), raw[:60]
            data = _xml_value(ET.fromstring(raw))
        else:
            assert "json" in content_type, content_type
            data = json.loads(raw)
        if status >= 400:
            raise GeoReportError(status, data, headers)
        return data

    def _get(self, resource: str, params: dict[str, str] | None = None) -> Any:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        path = f"{self.endpoint}/{resource}.{self.fmt}{query}"
        return self._parse(*self.transport("GET", path, None, {}))

    def discovery(self) -> Any:
        return self._get("discovery")

    def services(self) -> list[dict[str, Any]]:
        return self._get("services")

    def service_definition(self, code: str) -> dict[str, Any]:
        return self._get(f"services/{code}")

    def requests(self, **params: str) -> list[dict[str, Any]]:
        return self._get("requests", params)

    def request(self, service_request_id: str) -> list[dict[str, Any]]:
        return self._get(f"requests/{service_request_id}")

    def token(self, token: str) -> list[dict[str, Any]]:
        return self._get(f"tokens/{token}")

    def create(self, service_code: str, attributes: dict[str, Any] | None = None, **fields: Any) -> Any:
        form: list[tuple[str, str]] = [("api_key", self.api_key or ""), ("service_code", service_code)]
        form += [(k, str(v)) for k, v in fields.items()]
        for code, value in (attributes or {}).items():
            if isinstance(value, list):
                form += [(f"attribute[{code}][]", str(v)) for v in value]
            else:
                form.append((f"attribute[{code}]", str(value)))
        body = urllib.parse.urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        return self._parse(*self.transport("POST", f"{self.endpoint}/requests.{self.fmt}", body, headers))

    def file(self, service_code: str, attributes: dict[str, Any] | None = None, **fields: Any) -> str:
        """POST a request and return its ``service_request_id``; a server that answers with a token
        instead (a ``batch`` service) is asked for the id through the token."""
        created = self.create(service_code, attributes, **fields)[0]
        if created.get("service_request_id") not in (None, ""):
            return str(created["service_request_id"])
        return str(self.token(str(created["token"]))[0]["service_request_id"])
