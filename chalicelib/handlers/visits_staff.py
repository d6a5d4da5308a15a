"""Visit log, staff: register a visitor at the entrance, buildings and entrances (admins),
exposure incidents under two keys (admins and health officers: one declares, another approves or
rejects). Incidents show progress and counts only."""

from chalice import Blueprint, Response

from chalicelib.auth import require_staff
from chalicelib.openapi import json_response, op
from chalicelib.schemas.visits import (
    BUILDING,
    BUILDING_BODY,
    BUILDING_ID,
    INCIDENT,
    INCIDENT_BODY,
    INCIDENT_ID,
    INCIDENTS,
    PASS,
    REGISTRATION,
    REJECTION,
)
from chalicelib.services import visits
from chalicelib.validation import json_body, validate

bp = Blueprint(__name__)

STAFF_ROLES = ("clerk", "manager", "health_officer")


@bp.route("/api/staff/visits/registrations", methods=["POST"])
def staff_visits_register():
    staff = require_staff(bp.current_request, *STAFF_ROLES)
    body = validate(json_body(bp.current_request), REGISTRATION)
    return Response(body=visits.register(staff=staff, **body), status_code=201)


@bp.route("/api/staff/visits/buildings/{building_id}", methods=["PUT"])
def staff_visits_building_save(building_id):
    staff = require_staff(bp.current_request, "admin")
    body = validate(json_body(bp.current_request), BUILDING_BODY)
    return visits.save_building(staff, building_id, body)


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


@bp.route("/api/staff/visits/incidents/{incident_id}/approve", methods=["POST"])
def staff_visits_incident_approve(incident_id):
    return visits.approve(require_staff(bp.current_request, "health_officer"), incident_id)


@bp.route("/api/staff/visits/incidents/{incident_id}/reject", methods=["POST"])
def staff_visits_incident_reject(incident_id):
    staff = require_staff(bp.current_request, "health_officer")
    body = validate(json_body(bp.current_request, required=False), REJECTION)
    return visits.reject(staff, incident_id, body.get("reason"))


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
            params=[BUILDING_ID],
            body=BUILDING_BODY,
            responses={"200": json_response(BUILDING)},
            errors=(409,),
        )
    },
    "/api/staff/visits/incidents": {
        "post": op(
            "Declare an exposure window at a building (admins, health officers): pending until another "
            "officer approves it; 409 incident_overlaps when one at the building overlaps the window",
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
            responses={"200": json_response(INCIDENTS)},
        ),
    },
    "/api/staff/visits/incidents/{incident_id}": {
        "get": op(
            "An incident: progress and counts only",
            "visits",
            auth="staff",
            params=[INCIDENT_ID],
            responses={"200": json_response(INCIDENT)},
            errors=(404,),
        )
    },
    "/api/staff/visits/incidents/{incident_id}/approve": {
        "post": op(
            "Approve a pending incident (a health officer or an admin who did not declare it: 403 "
            "second_key_required); its visitors are then told",
            "visits",
            auth="staff",
            params=[INCIDENT_ID],
            responses={"200": json_response(INCIDENT)},
            errors=(404, 409),
        )
    },
    "/api/staff/visits/incidents/{incident_id}/reject": {
        "post": op(
            "Reject a pending incident, or withdraw one's own, with an optional reason (body optional); "
            "nothing is sent",
            "visits",
            auth="staff",
            params=[INCIDENT_ID],
            body=REJECTION,
            responses={"200": json_response(INCIDENT)},
            errors=(404, 409),
        )
    },
}
