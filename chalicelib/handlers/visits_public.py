"""Visit log, public: registration, the pass (view, QR, delete), buildings, kiosk scans.

No route here returns a contact detail: a pass is its id, its code and which channels exist.
"""

from chalice import Blueprint, Response

from chalicelib.openapi import json_response, op, path_param, query_param
from chalicelib.services import visits
from chalicelib.validation import EMAIL, json_body, query, validate

bp = Blueprint(__name__)

NAME = {"type": "string", "minLength": 1, "maxLength": 120, "pattern": r"\S"}
MOBILE = {"type": "string", "pattern": r"^\+?[0-9]{10,15}$"}
REGISTRATION = {
    "type": "object",
    "required": ["name", "consent"],
    "additionalProperties": False,
    "anyOf": [{"required": ["mobile"]}, {"required": ["email"]}],
    "properties": {
        "name": NAME,
        "mobile": MOBILE,
        "email": EMAIL,
        "consent": {"const": True},
        "language": {"enum": ["el", "en"]},
        "send_pass": {
            "type": "array",
            "uniqueItems": True,
            "maxItems": 2,
            "items": {"enum": ["email", "sms"]},
        },
    },
}
SCAN = {
    "type": "object",
    "required": ["code"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string", "minLength": 1, "maxLength": 64},
        "entrance_id": {"type": "string", "pattern": r"^[a-z0-9-]{1,60}$"},
    },
}
PASS = {
    "type": "object",
    "required": ["pass_id", "code", "channels", "created_at", "expires_at", "pass_url", "qr_svg_url"],
    "properties": {
        "pass_id": {"type": "string"},
        "code": {"type": "string"},
        "channels": {"type": "array", "items": {"enum": ["email", "sms"]}},
        "language": {"enum": ["el", "en"]},
        "created_at": {"type": "string"},
        "expires_at": {"type": "string"},
        "pass_url": {"type": "string"},
        "qr_svg_url": {"type": "string"},
        "qr_png_url": {"type": "string"},
        "sent": {"type": "array", "items": {"enum": ["email", "sms"]}},
    },
}
ENTRANCE = {
    "type": "object",
    "required": ["entrance_id", "name_el", "name_en"],
    "properties": {
        "entrance_id": {"type": "string"},
        "name_el": {"type": "string"},
        "name_en": {"type": "string"},
    },
}
BUILDING = {
    "type": "object",
    "required": ["building_id", "name_el", "name_en", "closing_time", "entrances"],
    "properties": {
        "building_id": {"type": "string"},
        "name_el": {"type": "string"},
        "name_en": {"type": "string"},
        "address": {"type": ["string", "null"]},
        "closing_time": {"type": "string"},
        "entrances": {"type": "array", "items": ENTRANCE},
    },
}
SCAN_RESULT = {
    "type": "object",
    "required": ["action", "repeated", "visit"],
    "properties": {
        "action": {"enum": ["checked_in", "checked_out"]},
        "repeated": {"type": "boolean"},
        "visit": {
            "type": "object",
            "required": ["building_id", "code", "check_in", "check_out", "closes_at"],
            "properties": {
                "building_id": {"type": "string"},
                "building_name_el": {"type": "string"},
                "building_name_en": {"type": "string"},
                "code": {"type": "string"},
                "check_in": {"type": "string"},
                "check_out": {"type": ["string", "null"]},
                "closes_at": {"type": "string"},
            },
        },
    },
}
QR_FORMAT = {"enum": ["svg", "png"]}


@bp.route("/api/visits/registrations", methods=["POST"])
def visits_register():
    body = validate(json_body(bp.current_request), REGISTRATION)
    return Response(body=_register(body, None), status_code=201)


def _register(body, staff):
    return visits.register(
        name=body["name"],
        mobile=body.get("mobile"),
        email=body.get("email"),
        consent=body["consent"],
        language=body.get("language", "el"),
        send_pass=body.get("send_pass", []),
        staff=staff,
    )


@bp.route("/api/visits/passes/{pass_id}", methods=["GET"])
def visits_pass(pass_id):
    return visits.pass_view(pass_id)


@bp.route("/api/visits/passes/{pass_id}", methods=["DELETE"])
def visits_pass_delete(pass_id):
    return visits.delete_registration(pass_id)


@bp.route("/api/visits/passes/{pass_id}/qr", methods=["GET"])
def visits_pass_qr(pass_id):
    kind = validate(query(bp.current_request), {"type": "object", "properties": {"format": QR_FORMAT}})
    body, content_type = visits.pass_qr(pass_id, kind.get("format", "svg"))
    headers = {"Content-Type": content_type, "Cache-Control": "private, max-age=3600"}
    if content_type == "image/png":
        headers["Content-Disposition"] = f'attachment; filename="pass-{pass_id}.png"'
    return Response(body=body, headers=headers)


@bp.route("/api/visits/buildings", methods=["GET"])
def visits_buildings():
    return {"buildings": visits.list_buildings()}


@bp.route("/api/visits/buildings/{building_id}", methods=["GET"])
def visits_building(building_id):
    return visits.building_view(visits.get_building(building_id))


@bp.route("/api/visits/buildings/{building_id}/scans", methods=["POST"])
def visits_scan(building_id):
    body = validate(json_body(bp.current_request), SCAN)
    return visits.scan_pass(building_id, body["code"], body.get("entrance_id"))


_PASS = path_param(
    "pass_id", "The pass id (16 characters of Crockford base32)", pattern=r"^[0-9A-HJKMNP-TV-Z]{16}$"
)
_BUILDING = path_param("building_id", "A building", pattern=r"^[a-z0-9-]{2,60}$")

OPENAPI = {
    "/api/visits/registrations": {
        "post": op(
            "Register as a visitor (name, mobile or email, consent): returns the pass, never the contact",
            "visits",
            body=REGISTRATION,
            responses={"201": json_response(PASS, "Registered")},
        )
    },
    "/api/visits/passes/{pass_id}": {
        "get": op(
            "A pass: id, code, which channels exist",
            "visits",
            params=[_PASS],
            responses={"200": json_response(PASS)},
            errors=(404,),
        ),
        "delete": op(
            "Delete the registration at once (the encrypted contact and its key go)",
            "visits",
            params=[_PASS],
            responses={"200": json_response({"type": "object", "required": ["pass_id", "deleted"]})},
            errors=(404,),
        ),
    },
    "/api/visits/passes/{pass_id}/qr": {
        "get": op(
            "The pass QR code (it holds only the pass id), SVG or PNG",
            "visits",
            params=[_PASS, query_param("format", QR_FORMAT)],
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
            responses={
                "200": json_response(
                    {
                        "type": "object",
                        "required": ["buildings"],
                        "properties": {"buildings": {"type": "array", "items": BUILDING}},
                    }
                )
            },
        )
    },
    "/api/visits/buildings/{building_id}": {
        "get": op(
            "A building (kiosk page)",
            "visits",
            params=[_BUILDING],
            responses={"200": json_response(BUILDING)},
            errors=(404,),
        )
    },
    "/api/visits/buildings/{building_id}/scans": {
        "post": op(
            "Kiosk: a pass scanned or typed at an entrance checks in, the next scan checks out",
            "visits",
            params=[_BUILDING],
            body=SCAN,
            responses={"200": json_response(SCAN_RESULT)},
            errors=(404, 409),
        )
    },
}
