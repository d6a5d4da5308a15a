"""Appointments, staff: the department's calendar and list, complete, no-show, cancel with a reason,
the day's list to print, and a service's hours, exceptions, capacity and limits. Staff act only
within their own department unless admin."""

from chalice import Blueprint, Response

from chalicelib.auth import require_staff
from chalicelib.handlers.appointments import APPOINTMENT, DAY, SERVICE, SERVICES_QUERY, SHORT_ID
from chalicelib.openapi import json_response, op, path_param, query_param
from chalicelib.services import appointments
from chalicelib.validation import json_body, query, validate

bp = Blueprint(__name__)

ROLES = ("clerk", "manager")
COMMENT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"comment": {"type": "string", "maxLength": 1000}},
}
REASON = {
    "type": "object",
    "required": ["reason"],
    "additionalProperties": False,
    "properties": {"reason": {"type": "string", "minLength": 3, "maxLength": 500}},
}
HHMM = {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$"}
INTERVALS = {
    "type": "array",
    "maxItems": 8,
    "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": HHMM},
}
SERVICE_EDIT = {
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": {
        "hours": {
            "type": "object",
            "additionalProperties": False,
            "patternProperties": {"^[1-7]$": INTERVALS},
        },
        "exceptions": {
            "type": "object",
            "maxProperties": 400,
            "additionalProperties": False,
            "patternProperties": {r"^\d{4}-\d{2}-\d{2}$": INTERVALS},
        },
        "capacity": {"type": "integer", "minimum": 1, "maximum": 100},
        "max_per_day": {"type": "integer", "minimum": 1, "maximum": 20},
        "slot_minutes": {"type": "integer", "minimum": 5, "maximum": 240},
        "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 480},
        "min_notice_minutes": {"type": "integer", "minimum": 0, "maximum": 20160},
        "max_days_ahead": {"type": "integer", "minimum": 1, "maximum": 365},
        "cancel_cutoff_minutes": {"type": "integer", "minimum": 0, "maximum": 10080},
        "active": {"type": "boolean"},
    },
}
STAFF_APPOINTMENT = {
    **APPOINTMENT,
    "properties": {
        **APPOINTMENT["properties"],
        "taxid": {"type": "string"},
        "citizen_name": {"type": "string"},
    },
}
LIST = {
    "type": "object",
    "required": ["appointments", "department_id", "from", "to"],
    "properties": {
        "appointments": {"type": "array", "items": STAFF_APPOINTMENT},
        "department_id": {"type": "string"},
        "from": {"type": "string"},
        "to": {"type": "string"},
    },
}


FILTERS = {"department_id": SHORT_ID, "service_id": SHORT_ID, "status": {"enum": list(appointments.STATUSES)}}
LIST_QUERY = {"type": "object", "properties": {**FILTERS, "from": DAY, "to": DAY}}
DAY_LIST_QUERY = {"type": "object", "properties": {**FILTERS, "date": DAY, "lang": {"enum": ["el", "en"]}}}


def _staff():
    return require_staff(bp.current_request, *ROLES)


def _listing(staff, params):
    rows = appointments.staff_list(
        staff,
        department_id=params.get("department_id"),
        service_id=params.get("service_id"),
        status=params.get("status"),
        from_day=params.get("from"),
        to_day=params.get("to") or params.get("from"),
    )
    return rows


@bp.route("/api/staff/appointments", methods=["GET"])
def staff_appointments():
    staff = _staff()
    params = validate(query(bp.current_request), LIST_QUERY)
    rows = _listing(staff, params)
    start, end = appointments.staff_range(params.get("from"), params.get("to") or params.get("from"))
    return {
        "appointments": [appointments.appointment_staff(a) for a in rows],
        "department_id": params.get("department_id") or staff.department_id or "",
        "from": start.isoformat(),
        "to": end.isoformat(),
    }


@bp.route("/api/staff/appointments/day-list", methods=["GET"])
def staff_day_list():
    staff = _staff()
    params = validate(query(bp.current_request), DAY_LIST_QUERY)
    rows = _listing(staff, {**params, "to": params.get("date"), "from": params.get("date")})
    html = appointments.day_list_html(rows, params.get("date") or "", params.get("lang") or "el")
    return Response(body=html, status_code=200, headers={"Content-Type": "text/html; charset=utf-8"})


@bp.route("/api/staff/appointments/{appointment_id}", methods=["GET"])
def staff_appointment(appointment_id):
    return appointments.appointment_staff(appointments.staff_get(_staff(), appointment_id))


@bp.route("/api/staff/appointments/{appointment_id}/complete", methods=["POST"])
def staff_complete(appointment_id):
    staff = _staff()
    body = validate(json_body(bp.current_request, required=False), COMMENT)
    return appointments.appointment_staff(appointments.complete(staff, appointment_id, body.get("comment")))


@bp.route("/api/staff/appointments/{appointment_id}/no-show", methods=["POST"])
def staff_no_show(appointment_id):
    staff = _staff()
    body = validate(json_body(bp.current_request, required=False), COMMENT)
    return appointments.appointment_staff(appointments.no_show(staff, appointment_id, body.get("comment")))


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
    return {"services": [appointments.service_public(s) for s in services]}


@bp.route("/api/staff/services/{service_id}", methods=["GET"])
def staff_service(service_id):
    return appointments.service_public(appointments.staff_service(_staff(), service_id))


@bp.route("/api/staff/services/{service_id}", methods=["PUT"])
def staff_update_service(service_id):
    staff = require_staff(bp.current_request, "manager")
    body = validate(json_body(bp.current_request), SERVICE_EDIT)
    return appointments.service_public(appointments.update_service(staff, service_id, body))


_APPOINTMENT_ID = path_param("appointment_id", "An appointment", pattern=r"^[A-Za-z0-9_-]{1,80}$")
_SERVICE_ID = path_param("service_id", "A bookable service", pattern=r"^[A-Za-z0-9_-]{1,120}$")
_FILTERS = [
    query_param("department_id", SHORT_ID, description="Default: your own"),
    query_param("service_id", SHORT_ID),
    query_param("status", FILTERS["status"]),
]
_ONE = {"200": json_response(STAFF_APPOINTMENT)}

OPENAPI = {
    "/api/staff/appointments": {
        "get": op(
            "A department's appointments between two days (calendar day/week and list), by service and "
            f"status; a range longer than {appointments.MAX_RANGE_DAYS} days is cut, and the answer's "
            "from/to are the days covered",
            "appointments",
            auth="staff",
            params=[*_FILTERS, query_param("from", DAY), query_param("to", DAY)],
            responses={"200": json_response(LIST)},
        )
    },
    "/api/staff/appointments/day-list": {
        "get": op(
            "The day's list to print (HTML)",
            "appointments",
            auth="staff",
            params=[*_FILTERS, query_param("date", DAY), query_param("lang", {"enum": ["el", "en"]})],
            responses={
                "200": {"description": "OK", "content": {"text/html": {"schema": {"type": "string"}}}}
            },
        )
    },
    "/api/staff/appointments/{appointment_id}": {
        "get": op(
            "One appointment of the department",
            "appointments",
            auth="staff",
            params=[_APPOINTMENT_ID],
            responses=_ONE,
            errors=(404,),
        )
    },
    "/api/staff/appointments/{appointment_id}/complete": {
        "post": op(
            "Mark completed, with an optional comment (body optional)",
            "appointments",
            auth="staff",
            params=[_APPOINTMENT_ID],
            responses=_ONE,
            errors=(400, 404, 409),
        )
    },
    "/api/staff/appointments/{appointment_id}/no-show": {
        "post": op(
            "Mark no-show (body optional)",
            "appointments",
            auth="staff",
            params=[_APPOINTMENT_ID],
            responses=_ONE,
            errors=(400, 404, 409),
        )
    },
    "/api/staff/appointments/{appointment_id}/cancel": {
        "post": op(
            "Cancel with a reason (the citizen is told)",
            "appointments",
            auth="staff",
            params=[_APPOINTMENT_ID],
            body=REASON,
            responses=_ONE,
            errors=(404, 409),
        )
    },
    "/api/staff/services": {
        "get": op(
            "The services of a department (default: your own)",
            "appointments",
            auth="staff",
            params=[_FILTERS[0]],
            responses={
                "200": json_response(
                    {
                        "type": "object",
                        "required": ["services"],
                        "properties": {"services": {"type": "array", "items": SERVICE}},
                    }
                )
            },
        )
    },
    "/api/staff/services/{service_id}": {
        "get": op(
            "One service with its hours, exceptions and limits",
            "appointments",
            auth="staff",
            params=[_SERVICE_ID],
            responses={"200": json_response(SERVICE)},
            errors=(404,),
        ),
        "put": op(
            "Edit hours, exceptions, capacity and limits (managers)",
            "appointments",
            auth="staff",
            params=[_SERVICE_ID],
            body=SERVICE_EDIT,
            responses={"200": json_response(SERVICE)},
            errors=(404,),
        ),
    },
}
