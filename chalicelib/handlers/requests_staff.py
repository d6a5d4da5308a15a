"""Requests and reports, staff: the department inbox, the map of open located reports, a request
with its whole timeline, status changes, notes, assignment (one or many), re-routing, requests taken
on a citizen's behalf; admins: request types and Open311 API keys."""

from chalice import Blueprint

from chalicelib.auth import require_staff
from chalicelib.errors import Conflict
from chalicelib.handlers.requests_citizen import ATTRIBUTES, LOCATION, PHOTO_KEYS, PRESIGN, REQUEST_ID
from chalicelib.models.org import Employee
from chalicelib.openapi import json_response, op, path_param, query_param
from chalicelib.services import requests
from chalicelib.services.requests import open311
from chalicelib.validation import json_body, query, validate

bp = Blueprint(__name__)

ROLES = ("clerk", "manager")
_ONE_STATUS = "(" + "|".join(requests.STATUSES) + ")"
_STATUS_LIST = f"^{_ONE_STATUS}(,{_ONE_STATUS})*$"
NOTE = {"type": "string", "maxLength": 2000}
USERNAME = {"type": "string", "pattern": r"^[A-Za-z0-9._@-]{1,128}$"}
DEPARTMENT = {"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,80}$"}
ON_BEHALF = {
    "type": "object",
    "required": ["type_code", "channel", "citizen"],
    "additionalProperties": False,
    "properties": {
        "type_code": {"type": "string", "pattern": r"^[a-z0-9_-]{2,40}$"},
        "channel": {"enum": list(requests.STAFF_CHANNELS)},
        "citizen": {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {
                "taxid": {"type": "string", "pattern": r"^[0-9]{9}$"},
                "name": {"type": "string", "minLength": 1, "maxLength": 200},
                "email": {"type": "string", "format": "email", "maxLength": 200},
                "phone": {"type": "string", "pattern": r"^\+?[0-9 ]{6,20}$"},
                "language": {"enum": ["el", "en"]},
            },
        },
        "description": {"type": "string", "maxLength": 4000},
        "attributes": ATTRIBUTES,
        **LOCATION,
        "photos": PHOTO_KEYS,
    },
}
STATUS = {
    "type": "object",
    "required": ["status"],
    "additionalProperties": False,
    "properties": {
        "status": {"enum": [s for s in requests.STATUSES if s != "submitted"]},
        "note": NOTE,
        "note_public": {"type": "boolean"},
        "reason": NOTE,
    },
}
ASSIGN = {
    "type": "object",
    "required": ["username"],
    "additionalProperties": False,
    "properties": {"username": USERNAME, "note": NOTE},
}
BULK_ASSIGN = {
    "type": "object",
    "required": ["request_ids", "username"],
    "additionalProperties": False,
    "properties": {
        "request_ids": {
            "type": "array",
            "minItems": 1,
            "maxItems": 100,
            "items": {"type": "string", "pattern": REQUEST_ID},
        },
        "username": USERNAME,
        "note": NOTE,
    },
}
ROUTE = {
    "type": "object",
    "required": ["department_id", "note"],
    "additionalProperties": False,
    "properties": {
        "department_id": DEPARTMENT,
        "note": {"type": "string", "minLength": 1, "maxLength": 2000},
    },
}
ADD_NOTE = {
    "type": "object",
    "required": ["note", "public"],
    "additionalProperties": False,
    "properties": {
        "note": {"type": "string", "minLength": 1, "maxLength": 2000},
        "public": {"type": "boolean"},
    },
}
NEW_KEY = {
    "type": "object",
    "required": ["name"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "contact": {"type": "string", "maxLength": 200},
    },
}
STAFF_REQUEST = {
    "type": "object",
    "required": ["request_id", "protocol", "status", "department_id"],
    "properties": {
        "request_id": {"type": "string"},
        "protocol": {"type": "string"},
        "status": {"type": "string"},
        "department_id": {"type": "string"},
        "overdue": {"type": "boolean"},
    },
}
STAFF_DETAIL = {
    "type": "object",
    "required": ["request", "timeline"],
    "properties": {"request": STAFF_REQUEST, "timeline": {"type": "array"}, "type": {"type": "object"}},
}


def _staff():
    return require_staff(bp.current_request, *ROLES)


def _detail(req) -> dict:
    try:
        kind = requests.public_type(
            requests.get_type(req.type_code, include_inactive=True), full=True
        )
    except Exception:  # noqa: BLE001 - a type removed since: the request still shows
        kind = None
    return {
        "request": requests.staff_view(req),
        "timeline": [requests.staff_entry(e) for e in requests.timeline(req.request_id, public_only=False)],
        "type": kind,
        "photo_urls": [requests.view_url(k) for k in req.photos or []],
    }


def _int(params: dict, name: str) -> int | None:
    """A documented integer parameter (the middleware has checked it against the document)."""
    raw = params.get(name)
    return int(raw) if raw not in (None, "") else None


@bp.route("/api/staff/requests", methods=["GET"])
def staff_requests_inbox():
    staff = _staff()
    params = query(bp.current_request)
    # every parameter was checked against the document below by the middleware
    statuses = [s for s in (params.get("status") or "").split(",") if s] or None
    found = requests.inbox(
        staff,
        department_id=params.get("department_id") or None,
        statuses=statuses,
        type_code=params.get("type_code") or None,
        min_age_days=_int(params, "min_age_days"),
        max_age_days=_int(params, "max_age_days"),
        overdue=params.get("overdue") in ("1", "true"),
        assigned_to=params.get("assigned_to") or None,
    )
    return {"requests": [requests.staff_view(r) for r in found]}


@bp.route("/api/staff/requests-map", methods=["GET"])
def staff_requests_map():
    staff = _staff()
    found = requests.open_located(staff, query(bp.current_request).get("department_id") or None)
    return {"reports": [requests.staff_view(r) for r in found]}


@bp.route("/api/staff/requests", methods=["POST"])
def staff_requests_on_behalf():
    staff = _staff()
    body = validate(json_body(bp.current_request), ON_BEHALF)
    kind = requests.get_type(body["type_code"])
    requests.check_attributes(kind, body.get("attributes"))
    photos = requests.check_keys(
        requests.owner_prefix("staff", staff.username), body.get("photos")
    )
    who = body["citizen"]
    req = requests.submit(
        kind,
        requester=requests.Requester(
            taxid=who.get("taxid"),
            name=who["name"],
            email=who.get("email"),
            phone=who.get("phone"),
            language=who.get("language", "el"),
        ),
        actor=requests.staff_actor(staff),
        channel=body["channel"],
        description=body.get("description", ""),
        attributes=body.get("attributes"),
        lat=body.get("lat"),
        lon=body.get("lon"),
        address=body.get("address"),
        photos=photos,
    )
    return _detail(req)


@bp.route("/api/staff/request-photos", methods=["POST"])
def staff_requests_photo_form():
    staff = _staff()
    body = validate(json_body(bp.current_request), PRESIGN)
    return requests.presign(requests.owner_prefix("staff", staff.username), body["content_type"])


@bp.route("/api/staff/requests/{request_id}", methods=["GET"])
def staff_request_get(request_id):
    return _detail(requests.for_staff(_staff(), request_id))


@bp.route("/api/staff/requests/{request_id}/status", methods=["POST"])
def staff_request_status(request_id):
    staff = _staff()
    body = validate(json_body(bp.current_request), STATUS)
    req = requests.change_status(
        staff,
        request_id,
        body["status"],
        note=body.get("note"),
        note_public=body.get("note_public", True),
        reason=body.get("reason"),
    )
    return _detail(req)


@bp.route("/api/staff/requests/{request_id}/assign", methods=["POST"])
def staff_request_assign(request_id):
    staff = _staff()
    body = validate(json_body(bp.current_request), ASSIGN)
    return _detail(requests.assign(staff, request_id, body["username"], note=body.get("note")))


@bp.route("/api/staff/requests/{request_id}/route", methods=["POST"])
def staff_request_route(request_id):
    staff = _staff()
    body = validate(json_body(bp.current_request), ROUTE)
    return _detail(requests.reroute(staff, request_id, body["department_id"], body["note"]))


@bp.route("/api/staff/requests/{request_id}/notes", methods=["POST"])
def staff_request_note(request_id):
    staff = _staff()
    body = validate(json_body(bp.current_request), ADD_NOTE)
    return _detail(requests.add_note(staff, request_id, body["note"], public=body["public"]))


@bp.route("/api/staff/requests-bulk-assign", methods=["POST"])
def staff_requests_bulk_assign():
    staff = _staff()
    body = validate(json_body(bp.current_request), BULK_ASSIGN)
    return {"results": requests.bulk_assign(staff, body["request_ids"], body["username"], body.get("note"))}


@bp.route("/api/staff/request-colleagues", methods=["GET"])
def staff_request_colleagues():
    staff = _staff()
    department = query(bp.current_request).get("department_id") or staff.department_id or ""
    from chalicelib.access import ensure_department

    ensure_department(staff, department)
    return {
        "colleagues": [
            {"username": e.username, "name": e.full_name, "role": e.role}
            for e in Employee.by_department.query(department)
            if e.active
        ]
    }


@bp.route("/api/staff/request-types", methods=["GET"])
def staff_request_types():
    _staff()
    return {
        "types": [
            requests.public_type(t, full=True) for t in requests.list_types(include_inactive=True)
        ]
    }


@bp.route("/api/admin/request-types/{code}", methods=["PUT"])
def admin_request_type_put(code):
    staff = require_staff(bp.current_request, "admin")
    body = validate(json_body(bp.current_request), requests.TYPE_SCHEMA)
    if body["code"] != code:
        raise Conflict("The code in the path and the body differ.", code="code_mismatch")
    return requests.public_type(requests.save_type(staff, body), full=True)


@bp.route("/api/admin/open311/keys", methods=["GET"])
def admin_open311_keys():
    require_staff(bp.current_request, "admin")
    return {"keys": [open311.public_key(k) for k in open311.list_keys()]}


@bp.route("/api/admin/open311/keys", methods=["POST"])
def admin_open311_key_issue():
    staff = require_staff(bp.current_request, "admin")
    body = validate(json_body(bp.current_request), NEW_KEY)
    key, api_key = open311.issue_key(staff, body["name"], body.get("contact"))
    return {**open311.public_key(key), "api_key": api_key}


@bp.route("/api/admin/open311/keys/{key_id}/revoke", methods=["POST"])
def admin_open311_key_revoke(key_id):
    staff = require_staff(bp.current_request, "admin")
    return open311.public_key(open311.revoke_key(staff, key_id))


_RID = path_param("request_id", "The protocol number with a dash: 2026-000123", pattern=REQUEST_ID)
_DETAIL = {"200": json_response(STAFF_DETAIL)}
_LIST = {
    "200": json_response(
        {
            "type": "object",
            "required": ["requests"],
            "properties": {"requests": {"type": "array", "items": STAFF_REQUEST}},
        }
    )
}
_KEY = {"type": "object", "required": ["key_id", "name", "active"]}


def _act(summary: str, body: dict) -> dict:
    return op(
        summary,
        "requests staff",
        auth="staff",
        params=[_RID],
        body=body,
        responses=_DETAIL,
        errors=(404, 409),
    )


OPENAPI = {
    "/api/staff/requests": {
        "get": op(
            f"The inbox of a department (default: mine), newest first (at most {requests.INBOX_LIMIT})",
            "requests staff",
            auth="staff",
            params=[
                query_param("department_id", DEPARTMENT),
                query_param(
                    "status",
                    {"type": "string", "pattern": _STATUS_LIST},
                    description="comma-separated; default: the open ones",
                ),
                query_param("type_code", {"type": "string", "pattern": r"^[a-z0-9_-]{2,40}$"}),
                query_param("min_age_days", {"type": "integer", "minimum": 0, "maximum": 3650}),
                query_param("max_age_days", {"type": "integer", "minimum": 0, "maximum": 3650}),
                query_param("overdue", {"enum": ["true", "false", "1", "0"]}),
                query_param("assigned_to", USERNAME),
            ],
            responses=_LIST,
        ),
        "post": op(
            "Take a request on a citizen's behalf (phone, in person, written, press)",
            "requests staff",
            auth="staff",
            body=ON_BEHALF,
            responses=_DETAIL,
            errors=(404, 409),
        ),
    },
    "/api/staff/requests-map": {
        "get": op(
            "Open located requests of a department (the map)",
            "requests staff",
            auth="staff",
            params=[query_param("department_id", DEPARTMENT)],
            responses={"200": json_response({"type": "object", "required": ["reports"]})},
        ),
    },
    "/api/staff/request-photos": {
        "post": op(
            "A presigned S3 POST for one photo",
            "requests staff",
            auth="staff",
            body=PRESIGN,
            responses={"200": json_response({"type": "object", "required": ["url", "fields", "key"]})},
        ),
    },
    "/api/staff/requests/{request_id}": {
        "get": op(
            "A request with its whole timeline and the type's response templates",
            "requests staff",
            auth="staff",
            params=[_RID],
            responses=_DETAIL,
            errors=(404,),
        ),
    },
    "/api/staff/requests/{request_id}/status": {"post": _act("Change the status, with a note", STATUS)},
    "/api/staff/requests/{request_id}/assign": {"post": _act("Assign to a colleague", ASSIGN)},
    "/api/staff/requests/{request_id}/route": {"post": _act("Re-route to another department", ROUTE)},
    "/api/staff/requests/{request_id}/notes": {"post": _act("Add a public or internal note", ADD_NOTE)},
    "/api/staff/requests-bulk-assign": {
        "post": op(
            "Assign several requests to a colleague (result per request)",
            "requests staff",
            auth="staff",
            body=BULK_ASSIGN,
            responses={"200": json_response({"type": "object", "required": ["results"]})},
        ),
    },
    "/api/staff/request-colleagues": {
        "get": op(
            "Colleagues of a department (to assign to)",
            "requests staff",
            auth="staff",
            params=[query_param("department_id", DEPARTMENT)],
            responses={"200": json_response({"type": "object", "required": ["colleagues"]})},
        ),
    },
    "/api/staff/request-types": {
        "get": op(
            "Every request type with its response templates",
            "requests staff",
            auth="staff",
            responses={"200": json_response({"type": "object", "required": ["types"]})},
        ),
    },
    "/api/admin/request-types/{code}": {
        "put": op(
            "Create or replace a request type (admins)",
            "requests admin",
            auth="staff",
            params=[path_param("code", "A type code", pattern=r"^[a-z0-9_-]{2,40}$")],
            body=requests.TYPE_SCHEMA,
            responses={"200": json_response({"type": "object"})},
            errors=(404, 409),
        ),
    },
    "/api/admin/open311/keys": {
        "get": op(
            "Open311 API keys (admins)",
            "requests admin",
            auth="staff",
            responses={"200": json_response({"type": "object", "required": ["keys"]})},
        ),
        "post": op(
            "Issue an Open311 API key (shown once)",
            "requests admin",
            auth="staff",
            body=NEW_KEY,
            responses={"200": json_response({**_KEY, "required": ["key_id", "api_key"]})},
        ),
    },
    "/api/admin/open311/keys/{key_id}/revoke": {
        "post": op(
            "Revoke an Open311 API key",
            "requests admin",
            auth="staff",
            params=[path_param("key_id", "A key id", pattern=r"^[a-f0-9]{16}$")],
            responses={"200": json_response(_KEY)},
            errors=(404,),
        ),
    },
}
