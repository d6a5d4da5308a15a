"""Appointments, citizens: the service catalogue, availability, booking, my appointments, cancel,
reschedule, the printable proof and the calendar file."""

from chalice import Blueprint, Response

from chalicelib.auth import require_citizen
from chalicelib.openapi import json_response, op, path_param, query_param
from chalicelib.services import appointments
from chalicelib.validation import json_body, query, validate

bp = Blueprint(__name__)

START = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:00)?(Z|[+-]\d{2}:\d{2})?$",
    "description": "Slot start, Europe/Athens local time (YYYY-MM-DDTHH:MM) or with an offset",
}
DAY = {"type": "string", "pattern": r"^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", "format": "date"}
SHORT_ID = {"type": "string", "maxLength": 120}
SERVICES_QUERY = {"type": "object", "properties": {"department_id": SHORT_ID}}
AVAILABILITY_QUERY = {"type": "object", "properties": {"from": DAY, "to": DAY}}
DOCUMENT_QUERY = {"type": "object", "properties": {"lang": {"enum": ["el", "en"]}}}
BOOK = {
    "type": "object",
    "required": ["service_id", "start"],
    "additionalProperties": False,
    "properties": {
        "service_id": {"type": "string", "minLength": 1, "maxLength": 120},
        "start": START,
        "subject": {"type": "string", "maxLength": 200},
        "notes": {"type": "string", "maxLength": 1000},
    },
}
RESCHEDULE = {
    "type": "object",
    "required": ["start"],
    "additionalProperties": False,
    "properties": {"start": START},
}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
APPOINTMENT = {
    "type": "object",
    "required": [
        "appointment_id",
        "reference",
        "service_id",
        "start",
        "starts_at",
        "ends_at",
        "status",
        "version",
        "history",
        "can_change",
    ],
    "properties": {
        "appointment_id": TEXT,
        "reference": TEXT,
        "service_id": TEXT,
        "service_name_el": TEXT,
        "service_name_en": TEXT,
        "department_id": TEXT,
        "service_point_id": NULLABLE_TEXT,
        "start": TEXT,
        "starts_at": TEXT,
        "ends_at": TEXT,
        "subject": TEXT,
        "notes": TEXT,
        "status": {"enum": list(appointments.STATUSES)},
        "staff_comment": NULLABLE_TEXT,
        "cancel_reason": NULLABLE_TEXT,
        "version": {"type": "integer"},
        "history": {"type": "array", "items": {"type": "object"}},
        "can_change": {"type": "boolean"},
        "point": {"type": "object"},
    },
}
SERVICE = {
    "type": "object",
    "required": ["service_id", "department_id", "name_el", "name_en", "documents", "point", "capacity"],
    "properties": {
        "service_id": TEXT,
        "department_id": TEXT,
        "department_name_el": NULLABLE_TEXT,
        "department_name_en": NULLABLE_TEXT,
        "name_el": TEXT,
        "name_en": TEXT,
        "description_el": TEXT,
        "description_en": TEXT,
        "documents": {"type": "array", "items": {"type": "object"}},
        "service_point_id": TEXT,
        "point": {"type": "object"},
        "duration_minutes": {"type": "integer"},
        "slot_minutes": {"type": "integer"},
        "capacity": {"type": "integer"},
        "min_notice_minutes": {"type": "integer"},
        "max_days_ahead": {"type": "integer"},
        "cancel_cutoff_minutes": {"type": "integer"},
        "max_per_day": {"type": "integer"},
        "hours": {"type": "object"},
        "exceptions": {"type": "object"},
        "active": {"type": "boolean"},
    },
}
AVAILABILITY = {
    "type": "object",
    "required": ["service_id", "from", "to", "days"],
    "properties": {
        "service_id": TEXT,
        "from": TEXT,
        "to": TEXT,
        "timezone": TEXT,
        "days": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["date", "open", "slots"],
                "properties": {
                    "date": TEXT,
                    "open": {"type": "boolean"},
                    "holiday_el": NULLABLE_TEXT,
                    "holiday_en": NULLABLE_TEXT,
                    "slots": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["start", "starts_at", "remaining", "capacity"],
                            "properties": {
                                "start": TEXT,
                                "starts_at": TEXT,
                                "ends_at": TEXT,
                                "remaining": {"type": "integer"},
                                "capacity": {"type": "integer"},
                            },
                        },
                    },
                },
            },
        },
    },
}


def _lang(request) -> str:
    wanted = validate(query(request), DOCUMENT_QUERY).get("lang") or ""
    if wanted in ("el", "en"):
        return wanted
    accept = (request.headers or {}).get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "el"


@bp.route("/api/services", methods=["GET"])
def list_services():
    params = validate(query(bp.current_request), SERVICES_QUERY)
    services = appointments.catalogue(params.get("department_id"))
    names = appointments.department_names({s.department_id for s in services})
    return {"services": [appointments.service_public(s, names) for s in services]}


@bp.route("/api/services/{service_id}", methods=["GET"])
def get_service(service_id):
    service = appointments.get_service(service_id)
    return appointments.service_public(service, appointments.department_names({service.department_id}))


@bp.route("/api/services/{service_id}/availability", methods=["GET"])
def service_availability(service_id):
    params = validate(query(bp.current_request), AVAILABILITY_QUERY)
    return appointments.availability(service_id, params.get("from"), params.get("to"))


@bp.route("/api/appointments", methods=["POST"])
def book_appointment():
    request = bp.current_request
    session = require_citizen(request)
    body = validate(json_body(request), BOOK)
    key = (request.headers or {}).get("idempotency-key")
    appointment, created = appointments.book(
        session,
        body["service_id"],
        body["start"],
        subject=body.get("subject", ""),
        notes=body.get("notes", ""),
        idempotency_key=key[:200] if key else None,
    )
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
    appointment = appointments.get_own(session, appointment_id)
    service = appointments.get_service(appointment.service_id, include_inactive=True)
    html = appointments.proof_html(appointment, service, _lang(bp.current_request))
    return Response(body=html, status_code=200, headers={"Content-Type": "text/html; charset=utf-8"})


@bp.route("/api/appointments/{appointment_id}/calendar.ics", methods=["GET"])
def appointment_calendar(appointment_id):
    session = require_citizen(bp.current_request)
    appointment = appointments.get_own(session, appointment_id)
    service = appointments.get_service(appointment.service_id, include_inactive=True)
    return Response(
        body=appointments.ics(appointment, service, _lang(bp.current_request)),
        status_code=200,
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="appointment-{appointment.reference}.ics"',
        },
    )


_SERVICE_ID = path_param("service_id", "A bookable service", pattern=r"^[A-Za-z0-9_-]{1,120}$")
_APPOINTMENT_ID = path_param("appointment_id", "An appointment", pattern=r"^[A-Za-z0-9_-]{1,80}$")
_LANG = query_param("lang", {"enum": ["el", "en"]}, description="Language of the document")
_TEXT_RESPONSE = {"description": "OK", "content": {"text/html": {"schema": {"type": "string"}}}}
_ICS_RESPONSE = {"description": "OK", "content": {"text/calendar": {"schema": {"type": "string"}}}}
_IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Repeat a booking safely: the same key books once (the repeat answers 200 with it)",
    "schema": {"type": "string", "maxLength": 200},
}

OPENAPI = {
    "/api/services": {
        "get": op(
            "Bookable services (optionally of one department), with documents and service point",
            "appointments",
            params=[query_param("department_id", SHORT_ID)],
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
    "/api/services/{service_id}": {
        "get": op(
            "One bookable service",
            "appointments",
            params=[_SERVICE_ID],
            responses={"200": json_response(SERVICE)},
            errors=(404,),
        )
    },
    "/api/services/{service_id}/availability": {
        "get": op(
            "Each day's bookable slots with remaining capacity (Europe/Athens); the range is cut to "
            f"the booking window and {appointments.MAX_RANGE_DAYS} days (from/to say the days covered)",
            "appointments",
            params=[_SERVICE_ID, query_param("from", DAY), query_param("to", DAY)],
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
            params=[_IDEMPOTENCY],
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
            responses={
                "200": json_response(
                    {
                        "type": "object",
                        "required": ["appointments"],
                        "properties": {"appointments": {"type": "array", "items": APPOINTMENT}},
                    }
                )
            },
        ),
    },
    "/api/appointments/{appointment_id}": {
        "get": op(
            "One of my appointments",
            "appointments",
            auth="citizen",
            params=[_APPOINTMENT_ID],
            responses={"200": json_response(APPOINTMENT)},
            errors=(404,),
        )
    },
    "/api/appointments/{appointment_id}/cancel": {
        "post": op(
            "Cancel my appointment (before the service's cut-off)",
            "appointments",
            auth="citizen",
            params=[_APPOINTMENT_ID],
            responses={"200": json_response(APPOINTMENT)},
            errors=(404, 409),
        )
    },
    "/api/appointments/{appointment_id}/reschedule": {
        "post": op(
            "Move my appointment to another slot (one transaction)",
            "appointments",
            auth="citizen",
            params=[_APPOINTMENT_ID],
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
            params=[_APPOINTMENT_ID, _LANG],
            responses={"200": _TEXT_RESPONSE},
            errors=(404,),
        )
    },
    "/api/appointments/{appointment_id}/calendar.ics": {
        "get": op(
            "The appointment as an iCalendar file (RFC 5545)",
            "appointments",
            auth="citizen",
            params=[_APPOINTMENT_ID, _LANG],
            responses={"200": _ICS_RESPONSE},
            errors=(404,),
        )
    },
}
