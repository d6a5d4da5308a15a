"""Live queue, staff: counters (open, close, call next, recall, start, served, no-show, transfer),
the waiting list, check-in at the counter, statistics."""

from chalice import Blueprint

from chalicelib.auth import require_staff
from chalicelib.openapi import json_response, op, path_param, query_param
from chalicelib.schemas.live_queue import (
    CALL,
    CHECK_IN,
    COUNTER,
    DAY,
    DEPARTMENT_ID,
    OPEN_COUNTER,
    SERVICE_POINT_ID,
    STAFF_TICKET,
    TRANSFER,
)
from chalicelib.services import live_queue
from chalicelib.validation import json_body, query, validate

bp = Blueprint(__name__)

ROLES = ("clerk", "manager")


def _staff():
    return require_staff(bp.current_request, *ROLES)


@bp.route("/api/staff/queue/points", methods=["GET"])
def staff_queue_points():
    staff = _staff()
    return {"points": live_queue.service_points_for(staff, query(bp.current_request).get("department_id"))}


@bp.route("/api/staff/queue/points/{service_point_id}", methods=["GET"])
def staff_queue_point(service_point_id):
    return live_queue.staff_point(_staff(), service_point_id)


@bp.route("/api/staff/queue/points/{service_point_id}/counters", methods=["POST"])
def staff_open_counter(service_point_id):
    staff = _staff()
    body = validate(json_body(bp.current_request), OPEN_COUNTER)
    return live_queue.public_counter(live_queue.open_counter(staff, service_point_id, **body))


@bp.route("/api/staff/queue/points/{service_point_id}/check-in", methods=["POST"])
def staff_check_in(service_point_id):
    staff = _staff()
    body = validate(json_body(bp.current_request), CHECK_IN)
    ticket, existing = live_queue.check_in(service_point_id, staff=staff, **body)
    return {**live_queue.staff_ticket(ticket), "already_checked_in": existing}


@bp.route("/api/staff/queue/counters/{counter_id}/close", methods=["POST"])
def staff_close_counter(counter_id):
    return live_queue.public_counter(live_queue.close_counter(_staff(), counter_id))


@bp.route("/api/staff/queue/counters/{counter_id}/next", methods=["POST"])
def staff_call_next(counter_id):
    ticket = live_queue.call_next(_staff(), counter_id)
    return {"ticket": live_queue.staff_ticket(ticket) if ticket else None}


@bp.route("/api/staff/queue/counters/{counter_id}/recall", methods=["POST"])
def staff_recall(counter_id):
    return {"ticket": live_queue.staff_ticket(live_queue.recall(_staff(), counter_id))}


@bp.route("/api/staff/queue/counters/{counter_id}/start", methods=["POST"])
def staff_start(counter_id):
    return {"ticket": live_queue.staff_ticket(live_queue.start_service(_staff(), counter_id))}


@bp.route("/api/staff/queue/counters/{counter_id}/served", methods=["POST"])
def staff_served(counter_id):
    return {"ticket": live_queue.staff_ticket(live_queue.finish(_staff(), counter_id, "served"))}


@bp.route("/api/staff/queue/counters/{counter_id}/no-show", methods=["POST"])
def staff_no_show(counter_id):
    return {"ticket": live_queue.staff_ticket(live_queue.finish(_staff(), counter_id, "no_show"))}


@bp.route("/api/staff/queue/counters/{counter_id}/transfer", methods=["POST"])
def staff_transfer(counter_id):
    staff = _staff()
    body = validate(json_body(bp.current_request), TRANSFER)
    return {"ticket": live_queue.staff_ticket(live_queue.transfer(staff, counter_id, body["queue_id"]))}


@bp.route("/api/staff/queue/stats", methods=["GET"])
def staff_queue_stats():
    staff = require_staff(bp.current_request, "manager", "clerk")
    params = query(bp.current_request)
    return live_queue.statistics(staff, params.get("department_id"), params.get("from"), params.get("to"))


_POINT = path_param("service_point_id", "A service point", pattern=SERVICE_POINT_ID)
_COUNTER = path_param("counter_id", "A counter (service point and label)")
_CALL = {"200": json_response(CALL)}


def _counter_op(summary: str, errors: tuple[int, ...] = (404, 409), body=None) -> dict:
    return op(
        summary, "queue staff", auth="staff", params=[_COUNTER], body=body, responses=_CALL, errors=errors
    )


OPENAPI = {
    "/api/staff/queue/points": {
        "get": op(
            "Service points with queues of my department (admins: ?department_id=)",
            "queue staff",
            auth="staff",
            params=[query_param("department_id", DEPARTMENT_ID)],
        )
    },
    "/api/staff/queue/points/{service_point_id}": {
        "get": op(
            "Queues with their first 30 waiting tickets in call order and how many wait "
            "(waiting_count), and counters",
            "queue staff",
            auth="staff",
            params=[_POINT],
            errors=(404,),
        )
    },
    "/api/staff/queue/points/{service_point_id}/counters": {
        "post": op(
            "Open a counter for one or more queues",
            "queue staff",
            auth="staff",
            params=[_POINT],
            body=OPEN_COUNTER,
            responses={"200": json_response(COUNTER)},
            errors=(404, 409),
        )
    },
    "/api/staff/queue/points/{service_point_id}/check-in": {
        "post": op(
            "Check in an appointment holder at the counter",
            "queue staff",
            auth="staff",
            params=[_POINT],
            body=CHECK_IN,
            responses={"200": json_response(STAFF_TICKET)},
            errors=(404, 409),
        )
    },
    "/api/staff/queue/counters/{counter_id}/close": {
        "post": op(
            "Close a counter (its ticket must be finished)",
            "queue staff",
            auth="staff",
            params=[_COUNTER],
            responses={"200": json_response(COUNTER)},
            errors=(404, 409),
        )
    },
    "/api/staff/queue/counters/{counter_id}/next": {
        "post": _counter_op("Call the next ticket (finishes the current one as served)")
    },
    "/api/staff/queue/counters/{counter_id}/recall": {"post": _counter_op("Call the current ticket again")},
    "/api/staff/queue/counters/{counter_id}/start": {
        "post": _counter_op("The citizen is at the desk: service starts")
    },
    "/api/staff/queue/counters/{counter_id}/served": {"post": _counter_op("The current ticket was served")},
    "/api/staff/queue/counters/{counter_id}/no-show": {
        "post": _counter_op("The current ticket did not show up (after the configured minutes)")
    },
    "/api/staff/queue/counters/{counter_id}/transfer": {
        "post": _counter_op("Transfer the current ticket to another queue", body=TRANSFER)
    },
    "/api/staff/queue/stats": {
        "get": op(
            "Waiting and service times per service, queue, counter, staff member and hour; no-shows "
            f"(at most {live_queue.MAX_DAYS} days, else 409 period_too_long)",
            "queue staff",
            auth="staff",
            params=[
                query_param("department_id", DEPARTMENT_ID),
                query_param("from", DAY),
                query_param("to", DAY),
            ],
            errors=(409,),
        )
    },
}
