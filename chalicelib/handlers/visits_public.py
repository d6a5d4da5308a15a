"""Visit log, public: registration, the pass (view, QR, delete), buildings, kiosk scans.

No route here returns a contact detail: a pass is its id, its code and which channels exist.
"""

from chalice import Blueprint, Response

from chalicelib.openapi import json_response, op, query_param
from chalicelib.schemas.visits import (
    BUILDING,
    BUILDING_ID,
    BUILDINGS,
    DELETED,
    PASS,
    PASS_ID,
    QR_FORMAT,
    QR_QUERY,
    REGISTRATION,
    SCAN,
    SCAN_RESULT,
)
from chalicelib.services import visits
from chalicelib.services.platform import clients
from chalicelib.validation import json_body, query, validate

bp = Blueprint(__name__)


@bp.route("/api/visits/registrations", methods=["POST"])
def visits_register():
    body = validate(json_body(bp.current_request), REGISTRATION)
    client = clients.client_address(bp.current_request)
    return Response(body=visits.register(staff=None, client=client, **body), status_code=201)


@bp.route("/api/visits/passes/{pass_id}", methods=["GET"])
def visits_pass(pass_id):
    return visits.pass_view(pass_id)


@bp.route("/api/visits/passes/{pass_id}", methods=["DELETE"])
def visits_pass_delete(pass_id):
    return visits.delete_registration(pass_id)


@bp.route("/api/visits/passes/{pass_id}/qr", methods=["GET"])
def visits_pass_qr(pass_id):
    kind = validate(query(bp.current_request), QR_QUERY).get("format", "svg")
    body, content_type = visits.pass_qr(pass_id, kind)
    return Response(body=body, headers=_qr_headers(pass_id, content_type))


def _qr_headers(pass_id: str, content_type: str) -> dict[str, str]:
    headers = {"Content-Type": content_type, "Cache-Control": "private, max-age=3600"}
    if content_type == "image/png":
        headers["Content-Disposition"] = f'attachment; filename="pass-{pass_id}.png"'
    return headers


@bp.route("/api/visits/buildings", methods=["GET"])
def visits_buildings():
    return {"buildings": visits.list_buildings()}


@bp.route("/api/visits/buildings/{building_id}", methods=["GET"])
def visits_building(building_id):
    return visits.building_detail(building_id)


@bp.route("/api/visits/buildings/{building_id}/scans", methods=["POST"])
def visits_scan(building_id):
    body = validate(json_body(bp.current_request), SCAN)
    client = clients.client_address(bp.current_request)
    return visits.scan_pass(building_id, body["code"], body.get("entrance_id"), client=client)


OPENAPI = {
    "/api/visits/registrations": {
        "post": op(
            "Register as a visitor (name, mobile or email, consent): returns the pass, never the "
            "contact; 429 rate_limited with Retry-After past the client's limit",
            "visits",
            body=REGISTRATION,
            responses={"201": json_response(PASS, "Registered")},
            errors=(429,),
        )
    },
    "/api/visits/passes/{pass_id}": {
        "get": op(
            "A pass: id, code, which channels exist",
            "visits",
            params=[PASS_ID],
            responses={"200": json_response(PASS)},
            errors=(404,),
        ),
        "delete": op(
            "Delete the registration at once (the encrypted contact and its key go)",
            "visits",
            params=[PASS_ID],
            responses={"200": json_response(DELETED)},
            errors=(404,),
        ),
    },
    "/api/visits/passes/{pass_id}/qr": {
        "get": op(
            "The pass QR code (it holds only the pass id), SVG or PNG",
            "visits",
            params=[PASS_ID, query_param("format", QR_FORMAT)],
            responses={
                "200": {
                    "description": "The QR code",
                    "content": {
                        "image/svg+xml": {"schema": {"type": "string"}},
                        "image/png": {"schema": {"type": "string", "format": "binary"}},
                    },
                }
            },
            errors=(404,),
        )
    },
    "/api/visits/buildings": {
        "get": op(
            "Buildings with entrances and closing time",
            "visits",
            responses={"200": json_response(BUILDINGS)},
        )
    },
    "/api/visits/buildings/{building_id}": {
        "get": op(
            "A building (kiosk page)",
            "visits",
            params=[BUILDING_ID],
            responses={"200": json_response(BUILDING)},
            errors=(404,),
        )
    },
    "/api/visits/buildings/{building_id}/scans": {
        "post": op(
            "Kiosk: a pass scanned or typed at an entrance checks in, the next scan checks out; 429 "
            "rate_limited with Retry-After past the client's or the pass's limit",
            "visits",
            params=[BUILDING_ID],
            body=SCAN,
            responses={"200": json_response(SCAN_RESULT)},
            errors=(404, 409, 429),
        )
    },
}
