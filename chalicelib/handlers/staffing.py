"""Absences, staff of each service, capacity that follows the staff present, and the appointments
flagged when an absence leaves a slot over capacity."""

from chalice import Blueprint

from chalicelib.auth import require_staff
from chalicelib.openapi import op, path_param, query_param
from chalicelib.schemas.staffing import (
    ABSENCE,
    ABSENCE_IMPORT,
    ASSIGNMENT,
    COVER,
    DAY,
    DEPARTMENT_PARAM,
    FLAG_RESPONSE,
    FLAGGED_APPOINTMENT_PARAM,
    MOVE,
    SERVICE_PARAM,
)
from chalicelib.services import backoffice
from chalicelib.validation import MAX_IMPORT_BYTES, json_body, query, validate

bp = Blueprint(__name__)

MANAGER = ("manager",)
CLERK = ("clerk", "manager")


@bp.route("/api/staff/absences", methods=["GET"])
def staff_absences():
    staff = require_staff(bp.current_request, *MANAGER)
    params = query(bp.current_request)
    return {"absences": backoffice.list_absences(staff, params.get("department_id"), params.get("from"))}


@bp.route("/api/staff/absences", methods=["POST"])
def staff_add_absence():
    staff = require_staff(bp.current_request, *MANAGER)
    return backoffice.add_absence(staff, validate(json_body(bp.current_request), ABSENCE))


@bp.route("/api/staff/absences/import", methods=["POST"])
def staff_import_absences():
    staff = require_staff(bp.current_request, *MANAGER)
    body = validate(json_body(bp.current_request, max_bytes=MAX_IMPORT_BYTES), ABSENCE_IMPORT)
    return backoffice.import_absences(staff, body["content"])


@bp.route("/api/staff/absences/{absence_id}", methods=["DELETE"])
def staff_remove_absence(absence_id):
    return backoffice.remove_absence(require_staff(bp.current_request, *MANAGER), absence_id)


@bp.route("/api/staff/staffing/services/{service_id}", methods=["GET"])
def staff_service_staff(service_id):
    staff = require_staff(bp.current_request, *MANAGER)
    return {"service_id": service_id, "staff": backoffice.list_service_staff(staff, service_id)}


@bp.route("/api/staff/staffing/services/{service_id}", methods=["PUT"])
def staff_set_service_staff(service_id):
    staff = require_staff(bp.current_request, *MANAGER)
    numbers = validate(json_body(bp.current_request), ASSIGNMENT)["employee_numbers"]
    return {"service_id": service_id, "staff": backoffice.set_service_staff(staff, service_id, numbers)}


@bp.route("/api/staff/staffing/availability/{service_id}", methods=["GET"])
def staff_staffed_availability(service_id):
    staff = require_staff(bp.current_request, *CLERK)
    params = query(bp.current_request)
    return backoffice.staffed_availability(staff, service_id, params.get("from"), params.get("to"))


@bp.route("/api/staff/capacity-flags", methods=["GET"])
def staff_capacity_flags():
    staff = require_staff(bp.current_request, *CLERK)
    return {"flags": backoffice.list_capacity_flags(staff, query(bp.current_request).get("department_id"))}


@bp.route("/api/staff/capacity-flags/{appointment_id}/move", methods=["POST"])
def staff_flag_move(appointment_id):
    staff = require_staff(bp.current_request, *CLERK)
    body = validate(json_body(bp.current_request), MOVE)
    return backoffice.move_flagged_appointment(staff, appointment_id, body["start"])


@bp.route("/api/staff/capacity-flags/{appointment_id}/cover", methods=["POST"])
def staff_flag_cover(appointment_id):
    staff = require_staff(bp.current_request, *MANAGER)
    body = validate(json_body(bp.current_request), COVER)
    return backoffice.cover_flagged_day(staff, appointment_id, body["employee_number"])


@bp.route("/api/staff/capacity-flags/{appointment_id}/dismiss", methods=["POST"])
def staff_flag_dismiss(appointment_id):
    return backoffice.dismiss_capacity_flag(require_staff(bp.current_request, *CLERK), appointment_id)


OPENAPI = {
    "/api/staff/absences": {
        "get": op(
            "Absences of my department (admins: ?department_id=)",
            "staffing",
            auth="staff",
            params=[DEPARTMENT_PARAM, query_param("from", DAY)],
            errors=(409,),
        ),
        "post": op(
            "Enter an absence: capacity follows, appointments beyond it are flagged",
            "staffing",
            auth="staff",
            body=ABSENCE,
            errors=(404, 409),
        ),
    },
    "/api/staff/absences/import": {
        "post": op(
            "Import absences (CSV employee_number,kind,start_day,end_day,note), all or nothing",
            "staffing",
            auth="staff",
            body=ABSENCE_IMPORT,
            errors=(409, 413),
        ),
    },
    "/api/staff/absences/{absence_id}": {
        "delete": op(
            "Remove an absence",
            "staffing",
            auth="staff",
            params=[path_param("absence_id", "An absence")],
            errors=(404,),
        ),
    },
    "/api/staff/staffing/services/{service_id}": {
        "get": op("Staff assigned to a service", "staffing", auth="staff", params=[SERVICE_PARAM], errors=(404,)),
        "put": op(
            "Set the staff who serve a service",
            "staffing",
            auth="staff",
            params=[SERVICE_PARAM],
            body=ASSIGNMENT,
            errors=(404, 409),
        ),
    },
    "/api/staff/staffing/availability/{service_id}": {
        "get": op(
            "Availability with each day's capacity following the staff present; the range is cut as the "
            "citizens' availability cuts it (from/to say the days covered)",
            "staffing",
            auth="staff",
            params=[SERVICE_PARAM, query_param("from", DAY), query_param("to", DAY)],
            errors=(404, 409),
        ),
    },
    "/api/staff/capacity-flags": {
        "get": op(
            "Open flags: appointments beyond capacity after an absence, with suggestions",
            "staffing",
            auth="staff",
            params=[DEPARTMENT_PARAM],
        ),
    },
    "/api/staff/capacity-flags/{appointment_id}/move": {
        "post": op(
            "Move the flagged appointment to another slot (the citizen is then told)",
            "staffing",
            auth="staff",
            params=[FLAGGED_APPOINTMENT_PARAM],
            body=MOVE,
            responses=FLAG_RESPONSE,
            errors=(404, 409),
        ),
    },
    "/api/staff/capacity-flags/{appointment_id}/cover": {
        "post": op(
            "A colleague covers that day: capacity up",
            "staffing",
            auth="staff",
            params=[FLAGGED_APPOINTMENT_PARAM],
            body=COVER,
            responses=FLAG_RESPONSE,
            errors=(404, 409),
        ),
    },
    "/api/staff/capacity-flags/{appointment_id}/dismiss": {
        "post": op(
            "Dismiss the flag",
            "staffing",
            auth="staff",
            params=[FLAGGED_APPOINTMENT_PARAM],
            responses=FLAG_RESPONSE,
            errors=(404, 409),
        ),
    },
}
