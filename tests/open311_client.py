"""A GeoReport v2 client written from the spec alone (http://wiki.open311.org/GeoReport_v2): it knows
the resource names, the ``.json``/``.xml`` suffixes, the form-encoded POST with ``attribute[code]``
and the two error formats, and nothing of Dimotis. ``transport(method, path, body, headers)`` returns
``(status, content_type, bytes)``: urllib against a server, or Chalice's test client."""

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
    def __init__(self, status: int, errors: list[dict[str, Any]]):
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors


def url_transport(base_url: str) -> Transport:
    def send(method: str, path: str, body: bytes | None, headers: dict[str, str]):
        req = urllib.request.Request(base_url + path, data=body, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
                return resp.status, resp.headers.get("Content-Type", ""), resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Content-Type", ""), exc.read()

    return send


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

    def _parse(self, status: int, content_type: str, raw: bytes) -> Any:
        if self.fmt == "xml":
            assert "xml" in content_type, content_type
            assert raw.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), raw[:60]
            data = _xml_value(ET.fromstring(raw))
        else:
            assert "json" in content_type, content_type
            data = json.loads(raw)
        if status >= 400:
            raise GeoReportError(status, data)
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
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self._parse(*self.transport("POST", f"{self.endpoint}/requests.{self.fmt}", body, headers))
