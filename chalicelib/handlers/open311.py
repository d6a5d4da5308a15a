"""Open311 GeoReport v2 under ``/open311/v2/``: discovery, services, a service definition, service
requests (GET, and POST form-encoded with ``api_key``), one request, tokens; each in ``.json`` and
``.xml``; and the media an app sent with ``media_url`` (a redirect to a short-lived link). Errors
use the GeoReport format (the HTTP middleware leaves ``/open311/*`` alone), with their headers
(``Retry-After`` on a 429)."""

from __future__ import annotations

import functools
import json
import urllib.parse
from collections.abc import Callable
from typing import Any

from chalice import Blueprint, Response

from chalicelib.errors import ApiError
from chalicelib.log import logger
from chalicelib.schemas.open311 import (
    FORM,
    MEDIA_ID,
    POST,
    REDIRECT,
    REQUESTS,
    SEARCH,
    SERVICES,
    SUFFIX,
    georeport_op,
    path_arg,
    query_arg,
)
from chalicelib.services.requests import open311
from chalicelib.settings import get_settings
from chalicelib.validation import query

bp = Blueprint(__name__)
# what Chalice lets through to the handler, which answers anything but the form with a GeoReport 400
# (Chalice's own 415 would not be in the GeoReport format)
ACCEPTED = [
    FORM,
    "application/json",
    "multipart/form-data",
    "text/plain",
    "application/xml",
    "text/xml",
    "application/octet-stream",
]


def _respond(data: Any, fmt: str, root: str, status: int = 200) -> Response:
    if fmt == "xml":
        body = open311.to_xml(root, data)
    else:
        body = json.dumps(data, ensure_ascii=False)
    return Response(body=body, status_code=status, headers={"Content-Type": open311.FORMATS[fmt]})


def _error(status: int, description: str, fmt: str, headers: dict[str, str] | None = None) -> Response:
    body = open311.error_body([(status, description)], fmt)
    if fmt != "xml":
        body = json.dumps(body, ensure_ascii=False)
    return Response(
        body=body, status_code=status, headers={**(headers or {}), "Content-Type": open311.FORMATS[fmt]}
    )


def _split(name: str) -> tuple[str, str]:
    """``pothole.json`` -> (``pothole``, ``json``); an unknown format -> Open311Error 404."""
    stem, dot, fmt = name.rpartition(".")
    if not dot or fmt not in open311.FORMATS or not stem:
        raise open311.Open311Error(404, "Add .json or .xml to the resource.")
    return stem, fmt


def georeport(fmt: str | None = None) -> Callable:
    """Wrap a route: every error comes out in the GeoReport format of the requested format."""

    def wrap(func: Callable) -> Callable:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Response:
            given = [*args, *kwargs.values()]
            chosen = fmt or ("xml" if given and str(given[0]).endswith(".xml") else "json")
            try:
                return func(*args, **kwargs)
            except open311.Open311Error as exc:
                return _error(exc.code, exc.description, chosen, exc.headers)
            except ApiError as exc:
                return _error(exc.status, exc.message, chosen, exc.headers)
            except Exception:  # noqa: BLE001 - the spec's "general service error", logged
                logger().exception("open311 error")
                return _error(500, "General service error.", chosen)

        return inner

    return wrap


def _lang() -> str:
    return open311.language_of((bp.current_request.headers or {}).get("accept-language"))


def _base() -> str:
    return get_settings().public_base_url


def _discovery(fmt: str) -> Response:
    return _respond(open311.discovery(_base()), fmt, "discovery")


@bp.route("/open311/v2/discovery.json", methods=["GET"])
@georeport("json")
def open311_discovery_json():
    return _discovery("json")


@bp.route("/open311/v2/discovery.xml", methods=["GET"])
@georeport("xml")
def open311_discovery_xml():
    return _discovery("xml")


@bp.route("/open311/v2/services.json", methods=["GET"])
@georeport("json")
def open311_services_json():
    return _respond(open311.services(_lang()), "json", "services")


@bp.route("/open311/v2/services.xml", methods=["GET"])
@georeport("xml")
def open311_services_xml():
    return _respond(open311.services(_lang()), "xml", "services")


@bp.route("/open311/v2/services/{code}", methods=["GET"])
@georeport()
def open311_service_definition(code):
    stem, fmt = _split(code)
    return _respond(open311.definition(stem, _lang()), fmt, "service_definition")


def _search(fmt: str) -> Response:
    return _respond(open311.search(query(bp.current_request), _lang()), fmt, "service_requests")


@bp.route("/open311/v2/requests.json", methods=["GET"])
@georeport("json")
def open311_requests_json():
    return _search("json")


@bp.route("/open311/v2/requests.xml", methods=["GET"])
@georeport("xml")
def open311_requests_xml():
    return _search("xml")


def _form() -> dict[str, list[str]]:
    content_type = (bp.current_request.headers or {}).get("content-type", "")
    if not content_type.lower().startswith(FORM):
        raise open311.Open311Error(400, f"Send the request as {FORM}.")
    raw = bp.current_request.raw_body or b""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise open311.Open311Error(400, "The form is not UTF-8.") from None
    return urllib.parse.parse_qs(text, keep_blank_values=True)


def _create(fmt: str) -> Response:
    return _respond(open311.create(_form()), fmt, "service_requests")


@bp.route("/open311/v2/requests.json", methods=["POST"], content_types=ACCEPTED)
@georeport("json")
def open311_create_json():
    return _create("json")


@bp.route("/open311/v2/requests.xml", methods=["POST"], content_types=ACCEPTED)
@georeport("xml")
def open311_create_xml():
    return _create("xml")


@bp.route("/open311/v2/requests/{request_id}", methods=["GET"])
@georeport()
def open311_request(request_id):
    stem, fmt = _split(request_id)
    return _respond(open311.get_one(stem, query(bp.current_request), _lang()), fmt, "service_requests")


@bp.route("/open311/v2/media/{media_id}", methods=["GET"])
@georeport("json")
def open311_media(media_id):
    return Response(body="", status_code=302, headers={"Location": open311.media_link(media_id)})


@bp.route("/open311/v2/tokens/{token}", methods=["GET"])
@georeport()
def open311_token(token):
    stem, fmt = _split(token)
    return _respond(open311.by_token(stem), fmt, "service_requests")


_OBJECT = {"type": "object"}
_FOUND = georeport_op("Public service requests (default: the last 90 days)", "json", REQUESTS, params=SEARCH)
_CREATE = (
    "Create a service request of a public type (api_key required; per key a burst, then so many an "
    "hour: 429 with Retry-After beyond; media_url fetched, JPEG/PNG up to 5 MiB)"
)
_MEDIA = georeport_op(
    "The picture an app sent with media_url (public requests): a redirect to a short-lived link",
    "json",
    {},
    params=[path_arg("media_id", MEDIA_ID)],
    errors=(404,),
    success=REDIRECT,
)

OPENAPI = {
    "/open311/v2/discovery.json": {"get": georeport_op("Service discovery", "json", _OBJECT, errors=())},
    "/open311/v2/discovery.xml": {"get": georeport_op("Service discovery", "xml", {}, errors=())},
    "/open311/v2/services.json": {
        "get": georeport_op("The services (request types)", "json", SERVICES, errors=())
    },
    "/open311/v2/services.xml": {"get": georeport_op("The services (request types)", "xml", {}, errors=())},
    "/open311/v2/services/{code}": {
        "get": georeport_op(
            "A service definition (code with .json or .xml)",
            "both",
            _OBJECT,
            params=[path_arg("code", r"^[a-z0-9_-]{2,40}" + SUFFIX)],
            errors=(404,),
        )
    },
    "/open311/v2/requests.json": {
        "get": _FOUND,
        "post": georeport_op(_CREATE, "json", REQUESTS, body=POST, errors=(400, 403, 404, 429)),
    },
    "/open311/v2/requests.xml": {
        "get": georeport_op("Public service requests (default: the last 90 days)", "xml", {}, params=SEARCH),
        "post": georeport_op(_CREATE, "xml", {}, body=POST, errors=(400, 403, 404, 429)),
    },
    "/open311/v2/media/{media_id}": {"get": _MEDIA},
    "/open311/v2/requests/{request_id}": {
        "get": georeport_op(
            "One service request (id with .json or .xml)",
            "both",
            REQUESTS,
            params=[
                path_arg("request_id", r"^[0-9]{4}-[0-9]{1,9}" + SUFFIX),
                query_arg("extensions", {"enum": ["true", "false"]}),
            ],
            errors=(404,),
        )
    },
    "/open311/v2/tokens/{token}": {
        "get": georeport_op(
            "The service request id of a token",
            "both",
            REQUESTS,
            params=[path_arg("token", r"^[A-Za-z0-9_-]{8,64}" + SUFFIX)],
            errors=(404,),
        )
    },
}
