"""Appointments, staff: the department's calendar and list, complete, no-show, cancel with a reason,
the day's list to print; the services of the catalogue (managers create and edit them: names,
documents, point, hours, periods, exceptions, capacity, limits, deactivation). Staff act only
within their own department unless admin."""

from chalice import Blueprint, Response

from chalicelib.auth import require_staff
from chalicelib.openapi import json_response, op, query_param
from chalicelib.schemas.appointments import (
    APPOINTMENT_ID_PARAM,
    COMMENT,
    DAY,
    DAY_LIST_QUERY,
    FILTER_PARAMS,
    HTML,
    LANG,
    LIST_QUERY,
    REASON,
    SERVICE,
    SERVICE_EDIT,
    SERVICE_ID_PARAM,
    SERVICE_NEW,
    SERVICES,
    SERVICES_QUERY,
    STAFF_APPOINTMENT,
    STAFF_LIST,
)
from chalicelib.services import appointments
from chalicelib.validation import json_body, query, validate

bp = Blueprint(__name__)

ROLES = ("clerk", "manager")


def _staff():
    return require_staff(bp.current_request, *ROLES)


def _comment() -> str | None:
    return validate(json_body(bp.current_request, required=False), COMMENT).get("comment")


@bp.route("/api/staff/appointments", methods=["GET"])
def staff_appointments():
    staff = _staff()
    params = validate(query(bp.current_request), LIST_QUERY)
    return appointments.staff_calendar(
        staff, **_filters(params), from_day=params.get("from"), to_day=params.get("to")
    )


@bp.route("/api/staff/appointments/day-list", methods=["GET"])
def staff_day_list():
    staff = _staff()
    params = validate(query(bp.current_request), DAY_LIST_QUERY)
    html = appointments.staff_day_list(
        staff, **_filters(params), day=params.get("date"), language=params.get("lang")
    )
    return Response(body=html, status_code=200, headers={"Content-Type": "text/html; charset=utf-8"})


@bp.route("/api/staff/appointments/{appointment_id}", methods=["GET"])
def staff_appointment(appointment_id):
    return appointments.appointment_staff(appointments.staff_read(_staff(), appointment_id))


@bp.route("/api/staff/appointments/{appointment_id}/complete", methods=["POST"])
def staff_complete(appointment_id):
    staff = _staff()
    return appointments.appointment_staff(appointments.complete(staff, appointment_id, _comment()))


@bp.route("/api/staff/appointments/{appointment_id}/no-show", methods=["POST"])
def staff_no_show(appointment_id):
    staff = _staff()
    return appointments.appointment_staff(appointments.no_show(staff, appointment_id, _comment()))


@bp.route("/api/staff/appointments/{appointment_id}/cancel", methods=["POST"])
def staff_cancel(appointment_id):
    staff = _staff()
    body = validate(json_body(bp.current_request), REASON)
    return appointments.appointment_staff(appointments.cancel_by_staff(staff, appointment_id, body["reason"]))


@bp.route("/api/staff/services", methods=["GET"])
def staff_services():
    staff = _staff()
    params = validate(query(bp.current_request), SERVICES_QUERY)
    services = appointments.staff_services(staff, params.get("department_id"))
    return {"services": appointments.services_public(services)}


@bp.route("/api/staff/services", methods=["POST"])
def staff_create_service():
    staff = require_staff(bp.current_request, "manager")
    body = validate(json_body(bp.current_request), SERVICE_NEW)
    service = appointments.create_service(staff, body)
    return Response(body=appointments.service_public(service), status_code=201)


@bp.route("/api/staff/services/{service_id}", methods=["GET"])
def staff_service(service_id):
    return appointments.service_public(appointments.staff_service(_staff(), service_id))


@bp.route("/api/staff/services/{service_id}", methods=["PUT"])
def staff_update_service(service_id):
    staff = require_staff(bp.current_request, "manager")
    body = validate(json_body(bp.current_request), SERVICE_EDIT)
    return appointments.service_public(appointments.update_service(staff, service_id, body))


def _filters(params: dict) -> dict:
    return {name: params.get(name) for name in ("department_id", "service_id", "status")}


def _on_one(summary: str, *, body: dict | None = None, errors: tuple[int, ...] = (404, 409)) -> dict:
    """The operation of a route on one appointment of the department, answering it."""
    responses = {"200": json_response(STAFF_APPOINTMENT)}
    return op(
        summary,
        "appointments",
        auth="staff",
        params=[APPOINTMENT_ID_PARAM],
        body=body,
        responses=responses,
        errors=errors,
    )


OPENAPI = {
    "/api/staff/appointments": {
        "get": op(
            "A department's appointments between two days (calendar day/week and list), by service and "
            f"status; a range longer than {appointments.MAX_RANGE_DAYS} days is cut, and the answer's "
            "from/to are the days covered",
            "appointments",
            auth="staff",
            params=[*FILTER_PARAMS, query_param("from", DAY), query_param("to", DAY)],
            responses={"200": json_response(STAFF_LIST)},
        )
    },
    "/api/staff/appointments/day-list": {
        "get": op(
            "The day's list to print (HTML)",
            "appointments",
            auth="staff",
            params=[*FILTER_PARAMS, query_param("date", DAY), query_param("lang", LANG)],
            responses={"200": HTML},
        )
    },
    "/api/staff/appointments/{appointment_id}": {
        "get": _on_one("One appointment of the department", errors=(404,)),
    },
    "/api/staff/appointments/{appointment_id}/complete": {
        "post": _on_one("Mark completed, with an optional comment (body optional)", errors=(400, 404, 409)),
    },
    "/api/staff/appointments/{appointment_id}/no-show": {
        "post": _on_one("Mark no-show (body optional)", errors=(400, 404, 409)),
    },
    "/api/staff/appointments/{appointment_id}/cancel": {
        "post": _on_one("Cancel with a reason (the citizen is told)", body=REASON),
    },
    "/api/staff/services": {
        "get": op(
            "The services of a department (default: your own), active or not",
            "appointments",
            auth="staff",
            params=[FILTER_PARAMS[0]],
            responses={"200": json_response(SERVICES)},
        ),
        "post": op(
            "Create a service: names, description, documents, department, service point, duration, "
            "capacity, hours, named periods, limits (managers of its department, admins)",
            "catalogue",
            auth="staff",
            body=SERVICE_NEW,
            responses={"201": json_response(SERVICE)},
            errors=(404, 409),
        ),
    },
    "/api/staff/services/{service_id}": {
        "get": op(
            "One service with its hours, exceptions and limits",
            "appointments",
            auth="staff",
            params=[SERVICE_ID_PARAM],
            responses={"200": json_response(SERVICE)},
            errors=(404,),
        ),
        "put": op(
            "Edit a service: the fields given change (names, description, documents, department, "
            "service point, hours, periods, exceptions, capacity, limits; active false deactivates); "
            "managers of its department, admins",
            "appointments",
            auth="staff",
            params=[SERVICE_ID_PARAM],
            body=SERVICE_EDIT,
            responses={"200": json_response(SERVICE)},
            errors=(404, 409),
        ),
    },
}
