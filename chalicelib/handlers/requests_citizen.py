"""Requests and reports, citizens: the catalogue of types, photo upload forms, nearby open reports,
submitting, my requests with their public timelines, and following by protocol number."""

import re

from chalice import Blueprint

from chalicelib.auth import optional_citizen, require_citizen
from chalicelib.errors import ValidationFailed
from chalicelib.openapi import json_response, op, path_param, query_param
from chalicelib.schemas.requests import (
    DETAIL,
    FOLLOW,
    PRESIGN,
    PROTOCOL,
    REQUEST_ID,
    SUBMIT,
    TYPE_CODE,
    TYPE_SUMMARY,
    TYPES,
    UNFOLLOW,
    UPLOAD_FORM,
)
from chalicelib.services import requests
from chalicelib.validation import json_body, query, validate

bp = Blueprint(__name__)


def _point(params: dict) -> tuple[str, float, float]:
    """``type_code``, ``lat`` and ``lon`` of the nearby query (checked against the document)."""
    try:
        lat, lon = float(params.get("lat", "")), float(params.get("lon", ""))
    except ValueError:
        raise ValidationFailed("lat and lon are numbers.", details={"field": "lat"}) from None
    code = params.get("type_code") or ""
    if not re.fullmatch(TYPE_CODE, code):
        raise ValidationFailed("type_code is required.", details={"field": "type_code"})
    return code, lat, lon


@bp.route("/api/request-types", methods=["GET"])
def request_types_list():
    return {"types": [requests.public_type(t) for t in requests.list_types()]}


@bp.route("/api/request-types/{code}", methods=["GET"])
def request_type_get(code):
    return requests.public_type(requests.get_type(code))


@bp.route("/api/requests/nearby", methods=["GET"])
def requests_nearby():
    found = requests.nearby(*_point(query(bp.current_request)))
    return {"reports": [requests.nearby_view(r, d) for r, d in found]}


@bp.route("/api/requests/photos", methods=["POST"])
def requests_photo_form():
    session = require_citizen(bp.current_request)
    body = validate(json_body(bp.current_request), PRESIGN)
    return requests.upload_form("citizen", session.taxid, body["content_type"])


@bp.route("/api/requests", methods=["POST"])
def requests_submit():
    session = require_citizen(bp.current_request)
    body = validate(json_body(bp.current_request), SUBMIT)
    return requests.citizen_detail(requests.submit_for_citizen(session, body))


@bp.route("/api/requests/mine", methods=["GET"])
def requests_mine():
    session = require_citizen(bp.current_request)
    return {
        "requests": [requests.citizen_view(r) for r in requests.filed_by(session.taxid)],
        "followed": [requests.public_view(r) for r in requests.followed_by(session.taxid)],
    }


@bp.route("/api/requests/mine/{request_id}", methods=["GET"])
def requests_mine_one(request_id):
    session = require_citizen(bp.current_request)
    return requests.citizen_detail(requests.get_for_citizen(session.taxid, request_id))


@bp.route("/api/requests/follow", methods=["GET"])
def requests_follow_view():
    session = optional_citizen(bp.current_request)
    protocol = query(bp.current_request).get("protocol", "")
    return requests.public_detail(requests.find_by_protocol(protocol, session.taxid if session else None))


@bp.route("/api/requests/follow", methods=["POST"])
def requests_follow():
    session = require_citizen(bp.current_request)
    body = validate(json_body(bp.current_request), FOLLOW)
    return requests.public_detail(requests.follow(session.taxid, body["protocol"], body.get("notify")))


@bp.route("/api/requests/unfollow", methods=["POST"])
def requests_unfollow():
    session = require_citizen(bp.current_request)
    body = validate(json_body(bp.current_request), UNFOLLOW)
    requests.unfollow(session.taxid, body["protocol"])
    return {"following": False}


_REQUEST_ID = path_param("request_id", "The protocol number with a dash: 2026-000123", pattern=REQUEST_ID)


def _op(summary: str, answer: dict, **kwargs) -> dict:
    return op(summary, "requests", responses={"200": json_response(answer)}, **kwargs)


def _mine(summary: str, answer: dict, **kwargs) -> dict:
    return _op(summary, answer, auth="citizen", **kwargs)


OPENAPI = {
    "/api/request-types": {"get": _op("Request and report types", TYPES)},
    "/api/request-types/{code}": {
        "get": _op(
            "One request type with its extra fields",
            TYPE_SUMMARY,
            params=[path_param("code", "A type code", pattern=TYPE_CODE)],
            errors=(404,),
        )
    },
    "/api/requests/nearby": {
        "get": _op(
            "Open public reports of a type within about 100 m",
            {"type": "object", "required": ["reports"]},
            params=[
                query_param("type_code", {"type": "string", "pattern": TYPE_CODE}, True),
                query_param("lat", {"type": "number", "minimum": -90, "maximum": 90}, True),
                query_param("lon", {"type": "number", "minimum": -180, "maximum": 180}, True),
            ],
            errors=(404,),
        )
    },
    "/api/requests/photos": {
        "post": _mine(
            "A presigned S3 POST for one photo (JPEG/PNG, size-limited); 429 daily_limit with "
            "Retry-After past the citizen's forms of the day",
            UPLOAD_FORM,
            body=PRESIGN,
            errors=(429,),
        )
    },
    "/api/requests": {
        "post": _mine(
            "Submit a request or report; answers its protocol number; 429 daily_limit with "
            "Retry-After past the citizen's requests of the day",
            DETAIL,
            body=SUBMIT,
            errors=(404, 409, 429),
        )
    },
    "/api/requests/mine": {
        "get": _mine("My requests, and the reports I follow", {"type": "object", "required": ["requests"]})
    },
    "/api/requests/mine/{request_id}": {
        "get": _mine(
            "One of my requests with its public timeline", DETAIL, params=[_REQUEST_ID], errors=(404,)
        )
    },
    "/api/requests/follow": {
        "get": _op(
            "Look up a public report (or my own request) by protocol number",
            DETAIL,
            params=[query_param("protocol", PROTOCOL, True)],
            errors=(404,),
        ),
        "post": _mine(
            "Follow a public report: its public changes reach me on the channels I choose (notify)",
            DETAIL,
            body=FOLLOW,
            errors=(404, 409),
        ),
    },
    "/api/requests/unfollow": {
        "post": _mine("Stop following a report", {"type": "object"}, body=UNFOLLOW, errors=(404,))
    },
}
