"""Appointments, citizens: the service catalogue, availability, booking, my appointments, cancel,
reschedule, the printable proof and the calendar file."""

from chalice import Blueprint, Response

from chalicelib.auth import require_citizen
from chalicelib.openapi import json_response, op, query_param
from chalicelib.schemas.appointments import (
    APPOINTMENT,
    APPOINTMENT_ID_PARAM,
    APPOINTMENTS,
    AVAILABILITY,
    AVAILABILITY_QUERY,
    BOOK,
    DAY,
    DOCUMENT_QUERY,
    HTML,
    ICS,
    IDEMPOTENCY_KEY_PARAM,
    LANG_PARAM,
    RESCHEDULE,
    SERVICE,
    SERVICE_ID_PARAM,
    SERVICES,
    SERVICES_QUERY,
    SHORT_ID,
)
from chalicelib.services import appointments
from chalicelib.validation import json_body, query, validate

bp = Blueprint(__name__)
HTML_TYPE = {"Content-Type": "text/html; charset=utf-8"}


def _language(request) -> str:
    wanted = validate(query(request), DOCUMENT_QUERY).get("lang")
    return appointments.language_of(wanted, (request.headers or {}).get("accept-language"))


def _idempotency_key(request) -> str | None:
    key = (request.headers or {}).get("idempotency-key")
    return key[:200] if key else None


@bp.route("/api/services", methods=["GET"])
def list_services():
    params = validate(query(bp.current_request), SERVICES_QUERY)
    return appointments.catalogue_view(params.get("department_id"))


@bp.route("/api/services/{service_id}", methods=["GET"])
def get_service(service_id):
    return appointments.service_view(service_id)


@bp.route("/api/services/{service_id}/availability", methods=["GET"])
def service_availability(service_id):
    params = validate(query(bp.current_request), AVAILABILITY_QUERY)
    return appointments.availability(service_id, params.get("from"), params.get("to"))


@bp.route("/api/appointments", methods=["POST"])
def book_appointment():
    request = bp.current_request
    session = require_citizen(request)
    body = validate(json_body(request), BOOK)
    appointment, created = appointments.book(session, **body, idempotency_key=_idempotency_key(request))
    return Response(body=appointments.appointment_public(appointment), status_code=201 if created else 200)


@bp.route("/api/appointments", methods=["GET"])
def my_appointments():
    session = require_citizen(bp.current_request)
    return {"appointments": [appointments.appointment_public(a) for a in appointments.mine(session)]}


@bp.route("/api/appointments/{appointment_id}", methods=["GET"])
def my_appointment(appointment_id):
    session = require_citizen(bp.current_request)
    return appointments.appointment_public(appointments.get_own(session, appointment_id))


@bp.route("/api/appointments/{appointment_id}/cancel", methods=["POST"])
def cancel_appointment(appointment_id):
    session = require_citizen(bp.current_request)
    json_body(bp.current_request, required=False)
    return appointments.appointment_public(appointments.cancel_by_citizen(session, appointment_id))


@bp.route("/api/appointments/{appointment_id}/reschedule", methods=["POST"])
def reschedule_appointment(appointment_id):
    session = require_citizen(bp.current_request)
    body = validate(json_body(bp.current_request), RESCHEDULE)
    return appointments.appointment_public(appointments.reschedule(session, appointment_id, body["start"]))


@bp.route("/api/appointments/{appointment_id}/proof", methods=["GET"])
def appointment_proof(appointment_id):
    session = require_citizen(bp.current_request)
    html = appointments.own_proof(session, appointment_id, _language(bp.current_request))
    return Response(body=html, status_code=200, headers=HTML_TYPE)


@bp.route("/api/appointments/{appointment_id}/calendar.ics", methods=["GET"])
def appointment_calendar(appointment_id):
    session = require_citizen(bp.current_request)
    filename, text = appointments.own_calendar(session, appointment_id, _language(bp.current_request))
    headers = {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename}"',
    }
    return Response(body=text, status_code=200, headers=headers)


OPENAPI = {
    "/api/services": {
        "get": op(
            "Bookable services (optionally of one department), with documents and service point",
            "appointments",
            params=[query_param("department_id", SHORT_ID)],
            responses={"200": json_response(SERVICES)},
        )
    },
    "/api/services/{service_id}": {
        "get": op(
            "One bookable service",
            "appointments",
            params=[SERVICE_ID_PARAM],
            responses={"200": json_response(SERVICE)},
            errors=(404,),
        )
    },
    "/api/services/{service_id}/availability": {
        "get": op(
            "Each day's bookable slots with remaining capacity (Europe/Athens); the range is cut to "
            f"the booking window and {appointments.MAX_RANGE_DAYS} days (from/to say the days covered)",
            "appointments",
            params=[SERVICE_ID_PARAM, query_param("from", DAY), query_param("to", DAY)],
            responses={"200": json_response(AVAILABILITY)},
            errors=(404,),
        )
    },
    "/api/appointments": {
        "post": op(
            "Book a slot (one transaction; 409 slot_full, daily_limit_reached, upcoming_limit_reached "
            "or slot_not_bookable)",
            "appointments",
            auth="citizen",
            body=BOOK,
            params=[IDEMPOTENCY_KEY_PARAM],
            responses={
                "201": json_response(APPOINTMENT, "Booked"),
                "200": json_response(APPOINTMENT, "Booked before with this Idempotency-Key"),
            },
            errors=(404, 409),
        ),
        "get": op(
            "My appointments, newest first",
            "appointments",
            auth="citizen",
            responses={"200": json_response(APPOINTMENTS)},
        ),
    },
    "/api/appointments/{appointment_id}": {
        "get": op(
            "One of my appointments",
            "appointments",
            auth="citizen",
            params=[APPOINTMENT_ID_PARAM],
            responses={"200": json_response(APPOINTMENT)},
            errors=(404,),
        )
    },
    "/api/appointments/{appointment_id}/cancel": {
        "post": op(
            "Cancel my appointment (before the service's cut-off)",
            "appointments",
            auth="citizen",
            params=[APPOINTMENT_ID_PARAM],
            responses={"200": json_response(APPOINTMENT)},
            errors=(404, 409),
        )
    },
    "/api/appointments/{appointment_id}/reschedule": {
        "post": op(
            "Move my appointment to another slot (one transaction)",
            "appointments",
            auth="citizen",
            params=[APPOINTMENT_ID_PARAM],
            body=RESCHEDULE,
            responses={"200": json_response(APPOINTMENT)},
            errors=(404, 409),
        )
    },
    "/api/appointments/{appointment_id}/proof": {
        "get": op(
            "Printable proof with a QR code of the reference",
            "appointments",
            auth="citizen",
            params=[APPOINTMENT_ID_PARAM, LANG_PARAM],
            responses={"200": HTML},
            errors=(404,),
        )
    },
    "/api/appointments/{appointment_id}/calendar.ics": {
        "get": op(
            "The appointment as an iCalendar file (RFC 5545)",
            "appointments",
            auth="citizen",
            params=[APPOINTMENT_ID_PARAM, LANG_PARAM],
            responses={"200": ICS},
            errors=(404,),
        )
    },
}
