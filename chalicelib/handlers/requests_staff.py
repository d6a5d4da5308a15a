"""Requests and reports, staff: the department inbox, the map of open located reports, a request
with its whole timeline, status changes, notes, assignment (one or many), re-routing, requests taken
on a citizen's behalf; request types (admins, and managers for their department); admins: Open311
API keys."""

from chalice import Blueprint

from chalicelib.auth import require_staff
from chalicelib.openapi import json_response, op, path_param, query_param
from chalicelib.schemas.open311 import KEY, NEW_KEY
from chalicelib.schemas.requests import (
    ADD_NOTE,
    ASSIGN,
    BULK_ASSIGN,
    DEPARTMENT,
    ON_BEHALF,
    PRESIGN,
    REQUEST_ID,
    REQUEST_TYPE,
    ROUTE,
    STAFF_DETAIL,
    STAFF_LIST,
    STATUS,
    STATUS_LIST,
    TYPE_CODE,
    UPLOAD_FORM,
    USERNAME,
)
from chalicelib.services import requests
from chalicelib.services.requests import open311
from chalicelib.validation import json_body, query, validate

bp = Blueprint(__name__)

ROLES = ("clerk", "manager")


def _staff():
    return require_staff(bp.current_request, *ROLES)


def _body(schema: dict) -> dict:
    return validate(json_body(bp.current_request), schema)


def _inbox_filters(params: dict) -> dict:
    """The inbox's query parameters (each already checked against the document by the middleware)."""

    def number(name: str) -> int | None:
        raw = params.get(name)
        return int(raw) if raw not in (None, "") else None

    return {
        "department_id": params.get("department_id") or None,
        "statuses": [s for s in (params.get("status") or "").split(",") if s] or None,
        "type_code": params.get("type_code") or None,
        "min_age_days": number("min_age_days"),
        "max_age_days": number("max_age_days"),
        "overdue": params.get("overdue") in ("1", "true"),
        "assigned_to": params.get("assigned_to") or None,
    }


@bp.route("/api/staff/requests", methods=["GET"])
def staff_requests_inbox():
    staff = _staff()
    found = requests.inbox(staff, **_inbox_filters(query(bp.current_request)))
    return {"requests": [requests.staff_view(r) for r in found]}


@bp.route("/api/staff/requests-map", methods=["GET"])
def staff_requests_map():
    staff = _staff()
    found = requests.open_on_map(staff, query(bp.current_request).get("department_id") or None)
    return {"reports": [requests.staff_view(r) for r in found]}


@bp.route("/api/staff/requests", methods=["POST"])
def staff_requests_on_behalf():
    staff = _staff()
    return requests.staff_detail(requests.submit_on_behalf(staff, _body(ON_BEHALF)))


@bp.route("/api/staff/request-photos", methods=["POST"])
def staff_requests_photo_form():
    staff = _staff()
    return requests.upload_form("staff", staff.username, _body(PRESIGN)["content_type"])


@bp.route("/api/staff/requests/{request_id}", methods=["GET"])
def staff_request_get(request_id):
    return requests.staff_detail(requests.read_for_staff(_staff(), request_id))


@bp.route("/api/staff/requests/{request_id}/status", methods=["POST"])
def staff_request_status(request_id):
    staff = _staff()
    body = _body(STATUS)
    note = {
        "note": body.get("note"),
        "note_public": body.get("note_public", True),
        "reason": body.get("reason"),
    }
    return requests.staff_detail(requests.change_status(staff, request_id, body["status"], **note))


@bp.route("/api/staff/requests/{request_id}/assign", methods=["POST"])
def staff_request_assign(request_id):
    staff = _staff()
    body = _body(ASSIGN)
    return requests.staff_detail(requests.assign(staff, request_id, body["username"], note=body.get("note")))


@bp.route("/api/staff/requests/{request_id}/route", methods=["POST"])
def staff_request_route(request_id):
    staff = _staff()
    body = _body(ROUTE)
    return requests.staff_detail(requests.reroute(staff, request_id, body["department_id"], body["note"]))


@bp.route("/api/staff/requests/{request_id}/notes", methods=["POST"])
def staff_request_note(request_id):
    staff = _staff()
    body = _body(ADD_NOTE)
    return requests.staff_detail(requests.add_note(staff, request_id, body["note"], public=body["public"]))


@bp.route("/api/staff/requests-bulk-assign", methods=["POST"])
def staff_requests_bulk_assign():
    staff = _staff()
    body = _body(BULK_ASSIGN)
    return {"results": requests.bulk_assign(staff, body["request_ids"], body["username"], body.get("note"))}


@bp.route("/api/staff/request-colleagues", methods=["GET"])
def staff_request_colleagues():
    staff = _staff()
    return {"colleagues": requests.colleagues(staff, query(bp.current_request).get("department_id"))}


@bp.route("/api/staff/request-types", methods=["GET"])
def staff_request_types():
    _staff()
    return {"types": [requests.public_type(t, full=True) for t in requests.list_types(include_inactive=True)]}


@bp.route("/api/admin/request-types/{code}", methods=["PUT"])
def admin_request_type_put(code):
    staff = require_staff(bp.current_request, "manager")
    return requests.public_type(requests.save_type(staff, code, _body(REQUEST_TYPE)), full=True)


@bp.route("/api/admin/open311/keys", methods=["GET"])
def admin_open311_keys():
    require_staff(bp.current_request, "admin")
    return {"keys": [open311.public_key(k) for k in open311.list_keys()]}


@bp.route("/api/admin/open311/keys", methods=["POST"])
def admin_open311_key_issue():
    staff = require_staff(bp.current_request, "admin")
    body = _body(NEW_KEY)
    key, api_key = open311.issue_key(staff, body["name"], body.get("contact"))
    return {**open311.public_key(key), "api_key": api_key}


@bp.route("/api/admin/open311/keys/{key_id}/revoke", methods=["POST"])
def admin_open311_key_revoke(key_id):
    staff = require_staff(bp.current_request, "admin")
    return open311.public_key(open311.revoke_key(staff, key_id))


_RID = path_param("request_id", "The protocol number with a dash: 2026-000123", pattern=REQUEST_ID)
_DETAIL = {"200": json_response(STAFF_DETAIL)}


def _staff_op(summary: str, **kwargs) -> dict:
    return op(summary, "requests staff", auth="staff", **kwargs)


def _act(summary: str, body: dict) -> dict:
    return _staff_op(summary, params=[_RID], body=body, responses=_DETAIL, errors=(404, 409))


def _listing(summary: str, key: str, **kwargs) -> dict:
    return _staff_op(
        summary, responses={"200": json_response({"type": "object", "required": [key]})}, **kwargs
    )


OPENAPI = {
    "/api/staff/requests": {
        "get": _staff_op(
            f"The inbox of a department (default: mine), newest first (at most {requests.INBOX_LIMIT})",
            params=[
                query_param("department_id", DEPARTMENT),
                query_param(
                    "status",
                    {"type": "string", "pattern": STATUS_LIST},
                    description="comma-separated; default: the open ones",
                ),
                query_param("type_code", {"type": "string", "pattern": TYPE_CODE}),
                query_param("min_age_days", {"type": "integer", "minimum": 0, "maximum": 3650}),
                query_param("max_age_days", {"type": "integer", "minimum": 0, "maximum": 3650}),
                query_param("overdue", {"enum": ["true", "false", "1", "0"]}),
                query_param("assigned_to", USERNAME),
            ],
            responses={"200": json_response(STAFF_LIST)},
        ),
        "post": _staff_op(
            "Take a request on a citizen's behalf (phone, in person, written, press)",
            body=ON_BEHALF,
            responses=_DETAIL,
            errors=(404, 409),
        ),
    },
    "/api/staff/requests-map": {
        "get": _listing(
            "Open located requests of a department (the map)",
            "reports",
            params=[query_param("department_id", DEPARTMENT)],
        ),
    },
    "/api/staff/request-photos": {
        "post": _staff_op(
            "A presigned S3 POST for one photo", body=PRESIGN, responses={"200": json_response(UPLOAD_FORM)}
        ),
    },
    "/api/staff/requests/{request_id}": {
        "get": _staff_op(
            "A request with its whole timeline and the type's response templates",
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
        "post": _listing(
            "Assign several requests to a colleague (result per request)", "results", body=BULK_ASSIGN
        ),
    },
    "/api/staff/request-colleagues": {
        "get": _listing(
            "Colleagues of a department (to assign to)",
            "colleagues",
            params=[query_param("department_id", DEPARTMENT)],
        ),
    },
    "/api/staff/request-types": {
        "get": _listing("Every request type with its response templates", "types"),
    },
    "/api/admin/request-types/{code}": {
        "put": op(
            "Create or replace a request type: department, names, extra fields, expected days, public or "
            "private, response templates; active false deactivates (admins; managers for their department)",
            "requests admin",
            auth="staff",
            params=[path_param("code", "A type code", pattern=TYPE_CODE)],
            body=REQUEST_TYPE,
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
            responses={"200": json_response({**KEY, "required": ["key_id", "api_key"]})},
        ),
    },
    "/api/admin/open311/keys/{key_id}/revoke": {
        "post": op(
            "Revoke an Open311 API key",
            "requests admin",
            auth="staff",
            params=[path_param("key_id", "A key id", pattern=r"^[a-f0-9]{16}$")],
            responses={"200": json_response(KEY)},
            errors=(404,),
        ),
    },
}
