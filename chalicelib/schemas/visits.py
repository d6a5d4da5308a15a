"""Request and response schemas of the visit log (public and staff routes), shared by the
handlers (``validate``) and the OpenAPI document (``op``).

No response schema has a field for a visitor's name, mobile or email: a pass is its id, its code
and which channels exist; an incident is its window, its message and its counts.
"""

from chalicelib.models.visits import INCIDENT_STATUSES
from chalicelib.openapi import path_param
from chalicelib.schemas.messages import NOT_SENT
from chalicelib.validation import EMAIL

# -- registration and passes ---------------------------------------------------------------------
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
        "not_sent": NOT_SENT,
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

QR_QUERY = {"type": "object", "properties": {"format": QR_FORMAT}}
DELETED = {"type": "object", "required": ["pass_id", "deleted"]}
BUILDINGS = {
    "type": "object",
    "required": ["buildings"],
    "properties": {"buildings": {"type": "array", "items": BUILDING}},
}
PASS_ID = path_param(
    "pass_id", "The pass id (16 characters of Crockford base32)", pattern=r"^[0-9A-HJKMNP-TV-Z]{16}$"
)
BUILDING_ID = path_param("building_id", "A building", pattern=r"^[a-z0-9-]{2,60}$")

# -- staff: buildings and exposure incidents -----------------------------------------------------
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
        "status": {"enum": list(INCIDENT_STATUSES)},
        "counts": COUNTS,
        "declared_by": {"type": "string"},
        "decided_by": {"type": ["string", "null"]},
        "decided_at": {"type": ["string", "null"]},
        "decision_note": {"type": ["string", "null"]},
        "created_at": {"type": "string"},
        "finished_at": {"type": ["string", "null"]},
    },
}

REJECTION = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"reason": {"type": "string", "maxLength": 300}},
}

INCIDENTS = {
    "type": "object",
    "required": ["incidents"],
    "properties": {"incidents": {"type": "array", "items": INCIDENT}},
}
INCIDENT_ID = path_param("incident_id", "An incident id", pattern=r"^[0-9a-f]{32}$")
