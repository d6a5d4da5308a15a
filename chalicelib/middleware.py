"""HTTP middleware: correlation id, the one error shape, size limits, what another site may not
send (``guard``), safe headers, the audit of staff writes, of reads of personal data and of
refused calls of staff routes.

``guard`` refuses, before any route runs, what a page on another site could make a browser send
with the user's cookies: a state-changing call (POST, PUT, PATCH, DELETE) with a body must say
the body's type as the OpenAPI document does (``application/json`` unless the operation documents
another; 415 ``unsupported_media_type``: an HTML form can only send form or text bodies); and a
state-changing call authenticated by a cookie (citizen or staff, no ``Authorization`` header)
must come with an ``Origin`` (else a ``Referer``) of this site, ``settings.public_base_url``
(403 ``cross_origin``). A bearer token is not sent by a browser on its own, so it needs neither.

Imported with ``app.py``, so it imports only what every request needs: the audit capture (and the
PynamoDB models behind it), Open311's error format and the staff token check are imported by the
functions that use them, and the Powertools Logger is made only when something is logged
(``chalicelib/log.py``, ``bench/cold_start.py``).

Limitation: Open311 routes keep the GeoReport error format; only their 413 is shaped here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from chalice import Response

from chalicelib.errors import ApiError, error_body
from chalicelib.log import logger, set_correlation_id
from chalicelib.openapi import audience_of, document
from chalicelib.validation import check_query

MAX_REQUEST_BYTES = 1024 * 1024

_CHALICE_CODES = {
    "BadRequestError": "bad_request",
    "UnauthorizedError": "unauthorized",
    "ForbiddenError": "forbidden",
    "NotFoundError": "not_found",
    "ConflictError": "conflict",
    "UnprocessableEntityError": "unprocessable",
    "TooManyRequestsError": "too_many_requests",
    "RequestTimeoutError": "timeout",
    "MethodNotAllowedError": "method_not_allowed",
    "UnsupportedMediaType": "unsupported_media_type",
    "InternalServerError": "internal_error",
}


def http(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """Wrap every route: errors become ``{"error": {...}}`` (Open311 keeps its own format)."""
    headers = {k.lower(): v for k, v in (event.headers or {}).items()}
    context = getattr(event, "context", None) or {}
    correlation_id = headers.get("x-correlation-id") or context.get("requestId") or str(uuid.uuid4())
    set_correlation_id(correlation_id)
    is_open311 = (event.path or "").startswith("/open311")
    raw = event.raw_body if event.method in ("POST", "PUT", "PATCH") else b""
    if raw and len(raw) > MAX_REQUEST_BYTES:
        response = _too_large(event.path or "", is_open311)
    else:
        from chalicelib.services.platform import audit

        collecting = audit.begin()
        try:
            if not is_open311:  # GeoReport checks its own arguments and answers in its own format
                guard(event, headers, context.get("resourcePath") or event.path)
                check_query(context.get("resourcePath") or event.path, event.method, event.query_params)
            response = get_response(event)
        except ApiError as exc:
            response = Response(body=exc.body(), status_code=exc.status, headers=exc.headers)
        except Exception:  # noqa: BLE001 - the last line of defence
            logger().exception("unhandled error")
            response = Response(
                body=error_body("internal_error", "An internal server error occurred."),
                status_code=500,
            )
        _audit(event, context, response, correlation_id)
        audit.end(collecting)
    if not is_open311:
        response = _normalise(response)
    if isinstance(response.body, (dict, list)) and not any(
        k.lower() == "content-type" for k in response.headers
    ):
        response.headers["Content-Type"] = "application/json"
    response.headers.setdefault("X-Correlation-Id", correlation_id)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
AUTH_COOKIES = ("dimotis_session", "dimotis_staff", "dimotis_staff_access", "dimotis_staff_refresh")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def guard(event: Any, headers: dict[str, str], route: str) -> None:
    """Refuse a state-changing call whose body type the document does not name (415), or that a
    cookie authenticates without an ``Origin``/``Referer`` of this site (403 ``cross_origin``)."""
    if event.method not in STATE_CHANGING:
        return
    if (event.raw_body or b"").strip():
        wanted = _body_type(route, event.method)
        given = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if given != wanted:
            raise ApiError(f"Send the request body as {wanted}.", code="unsupported_media_type", status=415)
    if "authorization" not in headers and _cookie_authenticated(event, headers):
        if not _from_this_site(headers):
            raise ApiError("This request did not come from this site.", code="cross_origin", status=403)


def _body_type(route: str, method: str) -> str:
    from chalicelib.openapi import document

    operation = document()["paths"].get(route, {}).get(method.lower()) or {}
    content = (operation.get("requestBody") or {}).get("content") or {"application/json": {}}
    return next(iter(content))


def _cookie_authenticated(event: Any, headers: dict[str, str]) -> bool:
    raw = headers.get("cookie", "")
    if not any(name in raw for name in AUTH_COOKIES):
        return False
    from chalicelib.auth import cookies

    found = cookies(event)
    return any(found.get(name) for name in AUTH_COOKIES)


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of ``url`` (lower case, default port left out), or ``None``."""
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    suffix = f":{port}" if port and port != _DEFAULT_PORTS[scheme] else ""
    return f"{scheme}://{parts.hostname.lower()}{suffix}"


def _from_this_site(headers: dict[str, str]) -> bool:
    from chalicelib.settings import get_settings

    site = origin_of(get_settings().public_base_url)
    given = headers.get("origin")
    if given is None:
        given = headers.get("referer")
    return bool(given) and site is not None and origin_of(given) == site


def _too_large(path: str, is_open311: bool) -> Response:
    """413 before any route runs: in our error shape, or GeoReport's on ``/open311/*``."""
    message = f"The request body is larger than {MAX_REQUEST_BYTES} bytes."
    if not is_open311:
        return Response(body=error_body("payload_too_large", message), status_code=413)
    import json

    from chalicelib.services.requests import open311

    fmt = "xml" if path.endswith(".xml") else "json"
    body = open311.error_body([(413, message)], fmt)
    return Response(
        body=body if fmt == "xml" else json.dumps(body),
        status_code=413,
        headers={"Content-Type": open311.FORMATS[fmt]},
    )


def _audit(event: Any, context: dict[str, Any], response: Response, correlation_id: str) -> None:
    """Every successful staff write, every read of personal data a service noted and every refused
    call of a staff route go to the audit log (see ``services/platform/audit.py``)."""
    from chalicelib.services.platform import audit

    route = context.get("resourcePath") or event.path
    body = response.body if isinstance(response.body, dict) else {}
    try:
        audit.flush(
            method=event.method,
            route=route,
            path_params=getattr(event, "uri_params", None),
            status=response.status_code,
            source_ip=lambda: _viewer(event),
            correlation_id=correlation_id,
            actor=(lambda: _staff_of(event)) if _is_staff_route(route, event.method) else None,
            error_code=(body.get("error") or {}).get("code") if isinstance(body.get("error"), dict) else None,
            client=lambda: _client(event),
        )
    except Exception:  # noqa: BLE001 - the change is done; the failure must be visible, not fatal
        logger().exception("audit write failed")


STAFF_PREFIXES = ("/api/staff/", "/api/admin/")


def _is_staff_route(route: str, method: str) -> bool:
    """A route of the staff side: documented with staff security, or under the staff prefixes
    (sign-in included), and known to the document (an unknown path is nobody's route)."""
    if audience_of(route, method) == "staff":
        return True
    return route.startswith(STAFF_PREFIXES) and method.lower() in document()["paths"].get(route, {})


def _viewer(event: Any) -> str | None:
    from chalicelib.services.platform.clients import viewer_address

    address = viewer_address(event)
    return str(address) if address is not None else None


def _client(event: Any) -> str:
    from chalicelib.services.platform.clients import client_address

    return client_address(event)


def _staff_of(event: Any) -> Any:
    from chalicelib.auth import staff_of  # token libraries only where a staff write needs them

    return staff_of(event)


def _normalise(response: Response) -> Response:
    """Chalice's own errors (``{"Code", "Message"}``) in our shape."""
    if response.status_code < 400:
        return response
    body = response.body
    if isinstance(body, dict) and "error" in body:
        return response
    if isinstance(body, dict) and "Code" in body:
        code = _CHALICE_CODES.get(body["Code"], "error")
        message = body.get("Message") or code
        if response.status_code >= 500:
            message = "An internal server error occurred."
        return Response(
            body=error_body(code, message),
            status_code=response.status_code,
            headers={k: v for k, v in response.headers.items() if k.lower() != "content-type"},
        )
    if response.status_code >= 500:
        logger().error("server error body replaced", extra={"status": response.status_code})
        return Response(
            body=error_body("internal_error", "An internal server error occurred."),
            status_code=response.status_code,
        )
    return response
