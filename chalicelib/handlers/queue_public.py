"""Live queue, public: the kiosk (walk-in tickets, appointment check-in), the ticket page, the board."""

from chalice import Blueprint

from chalicelib.openapi import json_response, op, path_param
from chalicelib.schemas.live_queue import (
    BOARD,
    CHECK_IN,
    POINT,
    SERVICE_POINT_ID,
    TICKET,
    TICKET_VIEW,
    WALK_IN,
)
from chalicelib.services import live_queue
from chalicelib.services.platform import clients
from chalicelib.validation import json_body, validate

bp = Blueprint(__name__)


@bp.route("/api/queue/points/{service_point_id}", methods=["GET"])
def queue_point(service_point_id):
    return live_queue.point_view(service_point_id)


@bp.route("/api/queue/points/{service_point_id}/board", methods=["GET"])
def queue_board(service_point_id):
    return live_queue.board(service_point_id)


@bp.route("/api/queue/points/{service_point_id}/tickets", methods=["POST"])
def queue_take_ticket(service_point_id):
    body = validate(json_body(bp.current_request), WALK_IN)
    client = clients.client_address(bp.current_request)
    return live_queue.public_ticket(live_queue.issue_walk_in(service_point_id, client=client, **body))


@bp.route("/api/queue/points/{service_point_id}/check-in", methods=["POST"])
def queue_check_in(service_point_id):
    body = validate(json_body(bp.current_request), CHECK_IN)
    client = clients.client_address(bp.current_request)
    ticket, existing = live_queue.check_in(service_point_id, client=client, **body)
    return {**live_queue.public_ticket(ticket), "already_checked_in": existing}


@bp.route("/api/queue/tickets/{ticket_id}", methods=["GET"])
def queue_ticket(ticket_id):
    return live_queue.ticket_view(ticket_id)


_POINT = path_param("service_point_id", "A service point", pattern=SERVICE_POINT_ID)

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
            "Take a walk-in ticket (optional mobile for SMS); 429 rate_limited with Retry-After past "
            "the client's or the line's limit",
            "queue",
            params=[_POINT],
            body=WALK_IN,
            responses={"200": json_response(TICKET)},
            errors=(404, 429),
        )
    },
    "/api/queue/points/{service_point_id}/check-in": {
        "post": op(
            "Check in with an appointment reference (typed or from the proof's QR); 429 rate_limited "
            "with Retry-After past the client's limit",
            "queue",
            params=[_POINT],
            body=CHECK_IN,
            responses={"200": json_response(TICKET)},
            errors=(404, 409, 429),
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
