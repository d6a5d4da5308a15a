"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): API keys, the services (request
types) and service requests in the spec's shapes, JSON and XML, and its error format.

Reached as a module of its own, ``from chalicelib.services.requests import open311``, because its
names only mean something in the spec's terms (``open311.services``, ``open311.search``,
``open311.error_body``); ``chalicelib/middleware.py`` uses ``error_body`` and ``FORMATS`` for a
413 in the GeoReport format.

| module | what |
| --- | --- |
| ``keys`` | API keys: issue, revoke, list, check |
| ``definitions`` | discovery, services, a service definition |
| ``service_requests`` | search, one request, a token, create (form-encoded POST) |
| ``formats`` | JSON/XML, the error list, ``Open311Error``, the answer's language |

Limitation: ``media_url`` is accepted and ignored (photos come through our own upload).
"""

from chalicelib.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "keys": ("check_key", "issue_key", "list_keys", "public_key", "revoke_key"),
        "definitions": ("definition", "discovery", "service_type", "services"),
        "service_requests": ("by_token", "create", "get_one", "search"),
        "formats": ("FORMATS", "Open311Error", "error_body", "language_of", "to_xml"),
    },
)
