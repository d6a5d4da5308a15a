"""Visit log, staff: register a visitor at the entrance, buildings and entrances (admins),
exposure incidents (admins and health officers). Incidents show progress and counts only."""

from chalice import Blueprint, Response

from chalicelib.auth import require_staff
from chalicelib.handlers.visits_public import _BUILDING, BUILDING, PASS, REGISTRATION, _register
from chalicelib.openapi import json_response, op, path_param
from chalicelib.services import visits
from chalicelib.validation import json_body, validate

bp = Blueprint(__name__)

STAFF_ROLES = ("clerk", "manager", "health_officer")
SLUG = {"type": "string", "pattern": r"^[a-z0-9-]{1,60}$"}
TEXT = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"}
BUILDING_BODY = {
    "type": "object",
    "required": ["name_el", "closing_time", "entrances"],
    "additionalProperties": False,
    "properties": {
        "name_el": TEXT,
        "name_en": {"type": "string", "maxLength": 200},
        "address": {"type": "string", "maxLength": 300},
        "closing_time": {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$"},
        "entrances": {
            "type": "array",
            "minItems": 1,
            "maxItems": 20,
            "items": {
                "type": "object",
                "required": ["entrance_id", "name_el"],
                "additionalProperties": False,
                "properties": {
                    "entrance_id": SLUG,
                    "name_el": TEXT,
                    "name_en": {"type": "string", "maxLength": 200},
                },
            },
        },
    },
}
INCIDENT_BODY = {
    "type": "object",
    "required": ["building_id", "window_start", "window_end", "message_el"],
    "additionalProperties": False,
    "properties": {
        "building_id": {"type": "string", "pattern": r"^[a-z0-9-]{2,60}$"},
        "window_start": {"type": "string", "format": "date-time"},
        "window_end": {"type": "string", "format": "date-time"},
        "message_el": {"type": "string", "minLength": 1, "maxLength": 600, "pattern": r"\S"},
        "message_en": {"type": "string", "maxLength": 600},
    },
}
COUNTS = {
    "type": "object",
    "required": ["matched", "queued", "sent", "failed"],
    "properties": {k: {"type": "integer"} for k in ("matched", "queued", "sent", "failed")},
}
INCIDENT = {
    "type": "object",
    "required": ["incident_id", "building_id", "window_start", "window_end", "status", "counts"],
    "properties": {
        "incident_id": {"type": "string"},
        "building_id": {"type": "string"},
        "window_start": {"type": "string"},
        "window_end": {"type": "string"},
        "message_el": {"type": "string"},
        "message_en": {"type": ["string", "null"]},
        "status": {"enum": ["declared", "matching", "queued", "done"]},
        "counts": COUNTS,
        "declared_by": {"type": "string"},
        "created_at": {"type": "string"},
        "finished_at": {"type": ["string", "null"]},
    },
}


@bp.route("/api/staff/visits/registrations", methods=["POST"])
def staff_visits_register():
    staff = require_staff(bp.current_request, *STAFF_ROLES)
    body = validate(json_body(bp.current_request), REGISTRATION)
    return Response(body=_register(body, staff), status_code=201)


@bp.route("/api/staff/visits/buildings/{building_id}", methods=["PUT"])
def staff_visits_building_save(building_id):
    staff = require_staff(bp.current_request, "admin")
    body = validate(json_body(bp.current_request), BUILDING_BODY)
    return visits.save_building(staff, visits.check_building_id(building_id), body)


@bp.route("/api/staff/visits/incidents", methods=["POST"])
def staff_visits_incident_declare():
    staff = require_staff(bp.current_request, "health_officer")
    body = validate(json_body(bp.current_request), INCIDENT_BODY)
    return Response(body=visits.declare(staff, body), status_code=201)


@bp.route("/api/staff/visits/incidents", methods=["GET"])
def staff_visits_incidents():
    require_staff(bp.current_request, "health_officer")
    return {"incidents": visits.list_incidents()}


@bp.route("/api/staff/visits/incidents/{incident_id}", methods=["GET"])
def staff_visits_incident(incident_id):
    require_staff(bp.current_request, "health_officer")
    return visits.incident_detail(incident_id)


_INCIDENT = path_param("incident_id", "An incident id", pattern=r"^[0-9a-f]{32}$")

OPENAPI = {
    "/api/staff/visits/registrations": {
        "post": op(
            "Register a visitor at the entrance (any staff): returns the pass, never the contact",
            "visits",
            auth="staff",
            body=REGISTRATION,
            responses={"201": json_response(PASS, "Registered")},
        )
    },
    "/api/staff/visits/buildings/{building_id}": {
        "put": op(
            "Create or replace a building, its entrances and closing time (admins)",
            "visits",
            auth="staff",
            params=[_BUILDING],
            body=BUILDING_BODY,
            responses={"200": json_response(BUILDING)},
            errors=(409,),
        )
    },
    "/api/staff/visits/incidents": {
        "post": op(
            "Declare an exposure window at a building (admins, health officers); visitors are told",
            "visits",
            auth="staff",
            body=INCIDENT_BODY,
            responses={"201": json_response(INCIDENT, "Declared")},
            errors=(404, 409),
        ),
        "get": op(
            "Recent incidents with progress and counts",
            "visits",
            auth="staff",
            responses={
                "200": json_response(
                    {
                        "type": "object",
                        "required": ["incidents"],
                        "properties": {"incidents": {"type": "array", "items": INCIDENT}},
                    }
                )
            },
        ),
    },
    "/api/staff/visits/incidents/{incident_id}": {
        "get": op(
            "An incident: progress and counts only",
            "visits",
            auth="staff",
            params=[_INCIDENT],
            responses={"200": json_response(INCIDENT)},
            errors=(404,),
        )
    },
}
