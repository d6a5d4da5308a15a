"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): API keys, the services (request
types) and service requests in the spec's shapes, JSON and XML, and its error format.

Reached as a module of its own, ``from chalicelib.services.requests import open311``, because its
names only mean something in the spec's terms (``open311.services``, ``open311.search``,
``open311.error_body``); ``chalicelib/middleware.py`` uses ``error_body`` and ``FORMATS`` for a
413 in the GeoReport format.

| module | what |
| --- | --- |
| ``keys`` | API keys: issue, revoke, list, check |
| ``definitions`` | discovery, the services a third party may use (public types), a definition |
| ``service_requests`` | search, one request, a token, create (form-encoded POST, limited per key) |
| ``media`` | ``media_url``: fetched safely, kept in the uploads bucket, served by our own address |
| ``formats`` | JSON/XML (no character XML 1.0 forbids), the error list, ``Open311Error``, language |

Limitation: a service request has at most one picture through Open311 (the spec's one
``media_url``).
"""

from chalicelib.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "keys": ("check_key", "issue_key", "list_keys", "public_key", "revoke_key"),
        "definitions": ("definition", "discovery", "service_type", "services"),
        "service_requests": ("by_token", "create", "get_one", "post_limit", "search"),
        "media": ("media_link",),
        "formats": ("FORMATS", "Open311Error", "error_body", "language_of", "to_xml", "xml_safe"),
    },
)
