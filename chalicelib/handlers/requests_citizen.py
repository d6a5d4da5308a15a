"""Requests and reports, citizens: the catalogue of types, photo upload forms, nearby open reports,
submitting, my requests with their public timelines, and following by protocol number."""

import re

from chalice import Blueprint

from chalicelib.auth import optional_citizen, require_citizen
from chalicelib.errors import ValidationFailed
from chalicelib.openapi import json_response, op, path_param, query_param
from chalicelib.services import requests
from chalicelib.validation import json_body, query, validate

bp = Blueprint(__name__)

REQUEST_ID = r"^[0-9]{4}[-/][0-9]{1,9}$"
PROTOCOL = {"type": "string", "pattern": REQUEST_ID}
LOCATION = {
    "lat": {"type": "number", "minimum": -90, "maximum": 90},
    "lon": {"type": "number", "minimum": -180, "maximum": 180},
    "address": {"type": "string", "maxLength": 300},
}
ATTRIBUTES = {
    "type": "object",
    "maxProperties": 20,
    "propertyNames": {"pattern": r"^[A-Za-z0-9_]{1,40}$"},
    "additionalProperties": {
        "oneOf": [
            {"type": "string", "maxLength": 4000},
            {"type": "number"},
            {"type": "array", "maxItems": 50, "items": {"type": "string", "maxLength": 40}},
        ]
    },
}
PHOTO_KEYS = {"type": "array", "maxItems": 3, "items": {"type": "string", "maxLength": 200}}
SUBMIT = {
    "type": "object",
    "required": ["type_code"],
    "additionalProperties": False,
    "properties": {
        "type_code": {"type": "string", "pattern": r"^[a-z0-9_-]{2,40}$"},
        "description": {"type": "string", "maxLength": 4000},
        "attributes": ATTRIBUTES,
        **LOCATION,
        "photos": PHOTO_KEYS,
    },
}
PRESIGN = {
    "type": "object",
    "required": ["content_type"],
    "additionalProperties": False,
    "properties": {"content_type": {"enum": list(requests.CONTENT_TYPES)}},
}
FOLLOW = {
    "type": "object",
    "required": ["protocol"],
    "additionalProperties": False,
    "properties": {"protocol": PROTOCOL},
}
PUBLIC_REQUEST = {
    "type": "object",
    "required": ["request_id", "protocol", "status", "type_code"],
    "properties": {
        "request_id": {"type": "string"},
        "protocol": {"type": "string"},
        "status": {"type": "string"},
        "type_code": {"type": "string"},
        "open": {"type": "boolean"},
    },
}
ENTRY = {
    "type": "object",
    "required": ["seq", "at", "action"],
    "properties": {"seq": {"type": "integer"}, "at": {"type": "string"}, "action": {"type": "string"}},
}
DETAIL = {
    "type": "object",
    "required": ["request", "timeline"],
    "properties": {"request": PUBLIC_REQUEST, "timeline": {"type": "array", "items": ENTRY}},
}


def _my_prefix(session) -> str:
    return requests.owner_prefix("citizen", session.taxid)


def _detail(req, public_only: bool, view) -> dict:
    entries = requests.timeline(req.request_id, public_only=True)
    out = {"request": view(req), "timeline": [requests.public_entry(e) for e in entries]}
    if not public_only:
        out["photo_urls"] = [requests.view_url(k) for k in req.photos or []]
    return out


@bp.route("/api/request-types", methods=["GET"])
def request_types_list():
    return {"types": [requests.public_type(t) for t in requests.list_types()]}


@bp.route("/api/request-types/{code}", methods=["GET"])
def request_type_get(code):
    return requests.public_type(requests.get_type(code))


@bp.route("/api/requests/nearby", methods=["GET"])
def requests_nearby():
    params = query(bp.current_request)
    try:
        lat, lon = float(params.get("lat", "")), float(params.get("lon", ""))
    except ValueError:
        raise ValidationFailed("lat and lon are numbers.", details={"field": "lat"}) from None
    code = params.get("type_code") or ""
    if not re.fullmatch(r"[a-z0-9_-]{2,40}", code):
        raise ValidationFailed("type_code is required.", details={"field": "type_code"})
    requests.get_type(code)
    found = requests.nearby(code, lat, lon)
    return {"reports": [{**requests.public_view(r), "distance_m": round(d, 1)} for r, d in found]}


@bp.route("/api/requests/photos", methods=["POST"])
def requests_photo_form():
    session = require_citizen(bp.current_request)
    body = validate(json_body(bp.current_request), PRESIGN)
    return requests.presign(_my_prefix(session), body["content_type"])


@bp.route("/api/requests", methods=["POST"])
def requests_submit():
    session = require_citizen(bp.current_request)
    body = validate(json_body(bp.current_request), SUBMIT)
    return requests_detail_of(requests_submit_as(session, body), session)


def requests_submit_as(session, body):
    from chalicelib.models.citizens import Citizen

    kind = requests.get_type(body["type_code"])
    requests.check_attributes(kind, body.get("attributes"))
    photos = requests.check_keys(_my_prefix(session), body.get("photos"))
    try:
        citizen = Citizen.get(session.taxid)
        name = f"{citizen.first_name} {citizen.last_name}".strip()
        language = citizen.language or "el"
    except Citizen.DoesNotExist:
        name, language = session.name, "el"
    return requests.submit(
        kind,
        requester=requests.Requester(taxid=session.taxid, name=name, language=language),
        actor=requests.Actor("citizen", "citizen"),
        channel="web",
        description=body.get("description", ""),
        attributes=body.get("attributes"),
        lat=body.get("lat"),
        lon=body.get("lon"),
        address=body.get("address"),
        photos=photos,
    )


def requests_detail_of(req, session):
    return _detail(req, False, requests.citizen_view)


@bp.route("/api/requests/mine", methods=["GET"])
def requests_mine():
    session = require_citizen(bp.current_request)
    return {
        "requests": [requests.citizen_view(r) for r in requests.of_citizen(session.taxid)],
        "followed": [requests.public_view(r) for r in requests.followed(session.taxid)],
    }


@bp.route("/api/requests/mine/{request_id}", methods=["GET"])
def requests_mine_one(request_id):
    session = require_citizen(bp.current_request)
    return _detail(requests.for_citizen(session.taxid, request_id), False, requests.citizen_view)


@bp.route("/api/requests/follow", methods=["GET"])
def requests_follow_view():
    session = optional_citizen(bp.current_request)
    protocol = query(bp.current_request).get("protocol", "")
    req = requests.follow_view(protocol, session.taxid if session else None)
    return _detail(req, True, requests.public_view)


@bp.route("/api/requests/follow", methods=["POST"])
def requests_follow():
    session = require_citizen(bp.current_request)
    body = validate(json_body(bp.current_request), FOLLOW)
    return _detail(requests.follow(session.taxid, body["protocol"]), True, requests.public_view)


@bp.route("/api/requests/unfollow", methods=["POST"])
def requests_unfollow():
    session = require_citizen(bp.current_request)
    body = validate(json_body(bp.current_request), FOLLOW)
    requests.unfollow(session.taxid, body["protocol"])
    return {"following": False}


_TYPE = {"type": "object", "required": ["code", "name_el", "department_id"]}
_REQUEST_ID = path_param("request_id", "The protocol number with a dash: 2026-000123", pattern=REQUEST_ID)

OPENAPI = {
    "/api/request-types": {
        "get": op(
            "Request and report types",
            "requests",
            responses={
                "200": json_response(
                    {
                        "type": "object",
                        "required": ["types"],
                        "properties": {"types": {"type": "array", "items": _TYPE}},
                    }
                )
            },
        )
    },
    "/api/request-types/{code}": {
        "get": op(
            "One request type with its extra fields",
            "requests",
            params=[path_param("code", "A type code", pattern=r"^[a-z0-9_-]{2,40}$")],
            responses={"200": json_response(_TYPE)},
            errors=(404,),
        )
    },
    "/api/requests/nearby": {
        "get": op(
            "Open public reports of a type within about 100 m",
            "requests",
            params=[
                query_param("type_code", {"type": "string", "pattern": r"^[a-z0-9_-]{2,40}$"}, True),
                query_param("lat", {"type": "number", "minimum": -90, "maximum": 90}, True),
                query_param("lon", {"type": "number", "minimum": -180, "maximum": 180}, True),
            ],
            responses={"200": json_response({"type": "object", "required": ["reports"]})},
            errors=(404,),
        )
    },
    "/api/requests/photos": {
        "post": op(
            "A presigned S3 POST for one photo (JPEG/PNG, size-limited)",
            "requests",
            auth="citizen",
            body=PRESIGN,
            responses={"200": json_response({"type": "object", "required": ["url", "fields", "key"]})},
        )
    },
    "/api/requests": {
        "post": op(
            "Submit a request or report; answers its protocol number",
            "requests",
            auth="citizen",
            body=SUBMIT,
            responses={"200": json_response(DETAIL)},
            errors=(404, 409),
        )
    },
    "/api/requests/mine": {
        "get": op(
            "My requests, and the reports I follow",
            "requests",
            auth="citizen",
            responses={"200": json_response({"type": "object", "required": ["requests"]})},
        )
    },
    "/api/requests/mine/{request_id}": {
        "get": op(
            "One of my requests with its public timeline",
            "requests",
            auth="citizen",
            params=[_REQUEST_ID],
            responses={"200": json_response(DETAIL)},
            errors=(404,),
        )
    },
    "/api/requests/follow": {
        "get": op(
            "Look up a public report (or my own request) by protocol number",
            "requests",
            params=[query_param("protocol", PROTOCOL, True)],
            responses={"200": json_response(DETAIL)},
            errors=(404,),
        ),
        "post": op(
            "Follow a public report: its public changes reach me",
            "requests",
            auth="citizen",
            body=FOLLOW,
            responses={"200": json_response(DETAIL)},
            errors=(404, 409),
        ),
    },
    "/api/requests/unfollow": {
        "post": op(
            "Stop following a report",
            "requests",
            auth="citizen",
            body=FOLLOW,
            responses={"200": json_response({"type": "object"})},
            errors=(404,),
        )
    },
}
