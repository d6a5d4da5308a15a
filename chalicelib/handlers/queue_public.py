"""Live queue, public: the kiosk (walk-in tickets, appointment check-in), the ticket page, the board."""

from chalice import Blueprint

from chalicelib.openapi import json_response, op, path_param
from chalicelib.services import live_queue
from chalicelib.validation import json_body, validate

bp = Blueprint(__name__)

MOBILE = {"type": ["string", "null"], "pattern": r"^\+?[0-9]{10,15}$"}
LANGUAGE = {"enum": ["el", "en"]}
ID = {"type": "string", "minLength": 1, "maxLength": 120}
WALK_IN = {
    "type": "object",
    "required": ["queue_id"],
    "additionalProperties": False,
    "properties": {"queue_id": ID, "service_id": ID, "mobile": MOBILE, "language": LANGUAGE},
}
CHECK_IN = {
    "type": "object",
    "required": ["reference"],
    "additionalProperties": False,
    "properties": {
        "reference": {"type": "string", "minLength": 3, "maxLength": 200},
        "mobile": MOBILE,
        "language": LANGUAGE,
    },
}
QUEUE = {
    "type": "object",
    "required": ["queue_id", "prefix", "name_el", "name_en"],
    "properties": {
        "queue_id": {"type": "string"},
        "prefix": {"type": "string"},
        "name_el": {"type": "string"},
        "name_en": {"type": "string"},
        "service_ids": {"type": "array", "items": {"type": "string"}},
    },
}
TICKET = {
    "type": "object",
    "required": ["ticket_id", "code", "status", "queue_id", "url"],
    "properties": {
        "ticket_id": {"type": "string"},
        "code": {"type": "string"},
        "status": {"type": "string"},
        "kind": {"enum": ["walk_in", "appointment"]},
        "queue_id": {"type": "string"},
        "url": {"type": "string"},
        "already_checked_in": {"type": "boolean"},
    },
}
TICKET_VIEW = {
    "type": "object",
    "required": ["ticket_id", "code", "status", "queue", "position", "estimated_wait_minutes"],
    "properties": {
        "ticket_id": {"type": "string"},
        "code": {"type": "string"},
        "status": {"type": "string"},
        "queue": QUEUE,
        "position": {"type": ["integer", "null"]},
        "people_ahead": {"type": ["integer", "null"]},
        "estimated_wait_minutes": {"type": ["integer", "null"]},
        "open_counters": {"type": ["integer", "null"]},
        "counter": {"type": ["string", "null"]},
    },
}
POINT = {
    "type": "object",
    "required": ["service_point_id", "name_el", "name_en", "queues"],
    "properties": {
        "service_point_id": {"type": "string"},
        "name_el": {"type": "string"},
        "name_en": {"type": "string"},
        "queues": {"type": "array", "items": QUEUE},
    },
}
BOARD = {
    "type": "object",
    "required": ["calls", "recent", "queues", "version"],
    "properties": {
        "calls": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["counter", "code"],
                "properties": {"counter": {"type": "string"}, "code": {"type": "string"}},
            },
        },
        "recent": {"type": "array"},
        "queues": {"type": "array"},
        "version": {"type": "string"},
    },
}


@bp.route("/api/queue/points/{service_point_id}", methods=["GET"])
def queue_point(service_point_id):
    return live_queue.point_view(service_point_id)


@bp.route("/api/queue/points/{service_point_id}/board", methods=["GET"])
def queue_board(service_point_id):
    return live_queue.board(service_point_id)


@bp.route("/api/queue/points/{service_point_id}/tickets", methods=["POST"])
def queue_take_ticket(service_point_id):
    body = validate(json_body(bp.current_request), WALK_IN)
    ticket = live_queue.issue_walk_in(
        service_point_id,
        body["queue_id"],
        mobile=body.get("mobile"),
        language=body.get("language", "el"),
        service_id=body.get("service_id"),
    )
    return live_queue.public_ticket(ticket)


@bp.route("/api/queue/points/{service_point_id}/check-in", methods=["POST"])
def queue_check_in(service_point_id):
    body = validate(json_body(bp.current_request), CHECK_IN)
    ticket, existing = live_queue.check_in(
        service_point_id, body["reference"], mobile=body.get("mobile"), language=body.get("language")
    )
    return {**live_queue.public_ticket(ticket), "already_checked_in": existing}


@bp.route("/api/queue/tickets/{ticket_id}", methods=["GET"])
def queue_ticket(ticket_id):
    return live_queue.ticket_view(ticket_id)


_POINT = path_param("service_point_id", "A service point", pattern=r"^[A-Za-z0-9_-]{1,80}$")

OPENAPI = {
    "/api/queue/points/{service_point_id}": {
        "get": op(
            "The queues of a service point (kiosk)",
            "queue",
            params=[_POINT],
            responses={"200": json_response(POINT)},
            errors=(404,),
        )
    },
    "/api/queue/points/{service_point_id}/board": {
        "get": op(
            "Display board: calls per counter, latest calls, next numbers (poll every 1-2 s)",
            "queue",
            params=[_POINT],
            responses={"200": json_response(BOARD)},
            errors=(404,),
        )
    },
    "/api/queue/points/{service_point_id}/tickets": {
        "post": op(
            "Take a walk-in ticket (optional mobile for SMS)",
            "queue",
            params=[_POINT],
            body=WALK_IN,
            responses={"200": json_response(TICKET)},
            errors=(404,),
        )
    },
    "/api/queue/points/{service_point_id}/check-in": {
        "post": op(
            "Check in with an appointment reference (typed or from the proof's QR)",
            "queue",
            params=[_POINT],
            body=CHECK_IN,
            responses={"200": json_response(TICKET)},
            errors=(404, 409),
        )
    },
    "/api/queue/tickets/{ticket_id}": {
        "get": op(
            "A ticket: status, position, estimated wait, counter",
            "queue",
            params=[path_param("ticket_id", "The ticket id from its QR")],
            responses={"200": json_response(TICKET_VIEW)},
            errors=(404,),
        )
    },
}
