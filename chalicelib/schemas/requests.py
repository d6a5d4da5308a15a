"""Schemas of the requests routes (citizens, staff, admins), shared by the handlers
(``validate(json_body(request), SUBMIT)``) and the OpenAPI document (``op(body=SUBMIT)``).

The status, channel and datatype sets come from ``chalicelib.models.requests``, the photo types from
``services.requests.photos``: a schema lists what the domain accepts, it never decides it.
"""

from __future__ import annotations

from chalicelib.models.requests import DATATYPES, STAFF_CHANNELS, STATUSES
from chalicelib.schemas.contacts import NOTIFY
from chalicelib.services.requests.photos import CONTENT_TYPES

# -- pieces --------------------------------------------------------------------------------------
REQUEST_ID = r"^[0-9]{4}[-/][0-9]{1,9}$"
TYPE_CODE = r"^[a-z0-9_-]{2,40}$"
PROTOCOL = {"type": "string", "pattern": REQUEST_ID}
LOCATION = {
    "lat": {"type": "number", "minimum": -90, "maximum": 90},
    "lon": {"type": "number", "minimum": -180, "maximum": 180},
    "address": {"type": "string", "maxLength": 300},
}
ATTRIBUTES = {
    "type": "object",
    "maxProperties": 20,
    "propertyNames": {"pattern": r"^[A-Za-z0-9_]{1,40}$"},
    "additionalProperties": {
        "oneOf": [
            {"type": "string", "maxLength": 4000},
            {"type": "number"},
            {"type": "array", "maxItems": 50, "items": {"type": "string", "maxLength": 40}},
        ]
    },
}
PHOTO_KEYS = {"type": "array", "maxItems": 3, "items": {"type": "string", "maxLength": 200}}
NOTE = {"type": "string", "maxLength": 2000}
USERNAME = {"type": "string", "pattern": r"^[A-Za-z0-9._@-]{1,128}$"}
DEPARTMENT = {"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,80}$"}
_ONE_STATUS = "(" + "|".join(STATUSES) + ")"
STATUS_LIST = f"^{_ONE_STATUS}(,{_ONE_STATUS})*$"

# -- citizens ------------------------------------------------------------------------------------
SUBMIT = {
    "type": "object",
    "required": ["type_code"],
    "additionalProperties": False,
    "properties": {
        "type_code": {"type": "string", "pattern": TYPE_CODE},
        "description": {"type": "string", "maxLength": 4000},
        "attributes": ATTRIBUTES,
        **LOCATION,
        "photos": PHOTO_KEYS,
        "notify": NOTIFY,
    },
}
PRESIGN = {
    "type": "object",
    "required": ["content_type"],
    "additionalProperties": False,
    "properties": {"content_type": {"enum": list(CONTENT_TYPES)}},
}
UPLOAD_FORM = {"type": "object", "required": ["url", "fields", "key"]}
FOLLOW = {
    "type": "object",
    "required": ["protocol"],
    "additionalProperties": False,
    "properties": {"protocol": PROTOCOL, "notify": NOTIFY},
}
UNFOLLOW = {
    "type": "object",
    "required": ["protocol"],
    "additionalProperties": False,
    "properties": {"protocol": PROTOCOL},
}
PUBLIC_REQUEST = {
    "type": "object",
    "required": ["request_id", "protocol", "status", "type_code"],
    "properties": {
        "request_id": {"type": "string"},
        "protocol": {"type": "string"},
        "status": {"type": "string"},
        "type_code": {"type": "string"},
        "open": {"type": "boolean"},
    },
}
ENTRY = {
    "type": "object",
    "required": ["seq", "at", "action"],
    "properties": {"seq": {"type": "integer"}, "at": {"type": "string"}, "action": {"type": "string"}},
}
DETAIL = {
    "type": "object",
    "required": ["request", "timeline"],
    "properties": {"request": PUBLIC_REQUEST, "timeline": {"type": "array", "items": ENTRY}},
}
TYPE_SUMMARY = {"type": "object", "required": ["code", "name_el", "department_id"]}
TYPES = {
    "type": "object",
    "required": ["types"],
    "properties": {"types": {"type": "array", "items": TYPE_SUMMARY}},
}

# -- staff ---------------------------------------------------------------------------------------
ON_BEHALF = {
    "type": "object",
    "required": ["type_code", "channel", "citizen"],
    "additionalProperties": False,
    "properties": {
        "type_code": {"type": "string", "pattern": TYPE_CODE},
        "channel": {"enum": list(STAFF_CHANNELS)},
        "citizen": {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {
                "taxid": {"type": "string", "pattern": r"^[0-9]{9}$"},
                "name": {"type": "string", "minLength": 1, "maxLength": 200},
                "email": {"type": "string", "format": "email", "maxLength": 200},
                "phone": {"type": "string", "pattern": r"^\+?[0-9 ]{6,20}$"},
                "language": {"enum": ["el", "en"]},
            },
        },
        "description": {"type": "string", "maxLength": 4000},
        "attributes": ATTRIBUTES,
        **LOCATION,
        "photos": PHOTO_KEYS,
    },
}
STATUS = {
    "type": "object",
    "required": ["status"],
    "additionalProperties": False,
    "properties": {
        "status": {"enum": [s for s in STATUSES if s != "submitted"]},
        "note": NOTE,
        "note_public": {"type": "boolean"},
        "reason": NOTE,
    },
}
ASSIGN = {
    "type": "object",
    "required": ["username"],
    "additionalProperties": False,
    "properties": {"username": USERNAME, "note": NOTE},
}
BULK_ASSIGN = {
    "type": "object",
    "required": ["request_ids", "username"],
    "additionalProperties": False,
    "properties": {
        "request_ids": {
            "type": "array",
            "minItems": 1,
            "maxItems": 100,
            "items": {"type": "string", "pattern": REQUEST_ID},
        },
        "username": USERNAME,
        "note": NOTE,
    },
}
ROUTE = {
    "type": "object",
    "required": ["department_id", "note"],
    "additionalProperties": False,
    "properties": {
        "department_id": DEPARTMENT,
        "note": {"type": "string", "minLength": 1, "maxLength": 2000},
    },
}
ADD_NOTE = {
    "type": "object",
    "required": ["note", "public"],
    "additionalProperties": False,
    "properties": {
        "note": {"type": "string", "minLength": 1, "maxLength": 2000},
        "public": {"type": "boolean"},
    },
}
STAFF_REQUEST = {
    "type": "object",
    "required": ["request_id", "protocol", "status", "department_id"],
    "properties": {
        "request_id": {"type": "string"},
        "protocol": {"type": "string"},
        "status": {"type": "string"},
        "department_id": {"type": "string"},
        "overdue": {"type": "boolean"},
    },
}
STAFF_DETAIL = {
    "type": "object",
    "required": ["request", "timeline"],
    "properties": {"request": STAFF_REQUEST, "timeline": {"type": "array"}, "type": {"type": "object"}},
}
STAFF_LIST = {
    "type": "object",
    "required": ["requests"],
    "properties": {"requests": {"type": "array", "items": STAFF_REQUEST}},
}

# -- admins: a request type (an Open311 service) -------------------------------------------------
_ATTRIBUTE = {
    "type": "object",
    "required": ["code", "datatype"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string", "pattern": r"^[A-Za-z0-9_]{1,40}$"},
        "datatype": {"enum": list(DATATYPES)},
        "required": {"type": "boolean"},
        "variable": {"type": "boolean"},
        "order": {"type": "integer", "minimum": 1, "maximum": 100},
        "description_el": {"type": "string", "maxLength": 300},
        "description_en": {"type": "string", "maxLength": 300},
        "datatype_description": {"type": "string", "maxLength": 300},
        "values": {
            "type": "array",
            "maxItems": 50,
            "items": {
                "type": "object",
                "required": ["key", "name_el"],
                "additionalProperties": False,
                "properties": {
                    "key": {"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,40}$"},
                    "name_el": {"type": "string", "minLength": 1, "maxLength": 120},
                    "name_en": {"type": "string", "maxLength": 120},
                },
            },
        },
    },
}
_TEMPLATE = {
    "type": "object",
    "required": ["id", "title", "text_el"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": r"^[a-z0-9_-]{1,40}$"},
        "title": {"type": "string", "minLength": 1, "maxLength": 120},
        "text_el": {"type": "string", "minLength": 1, "maxLength": 2000},
        "text_en": {"type": "string", "maxLength": 2000},
    },
}
REQUEST_TYPE = {
    "type": "object",
    "required": ["code", "name_el", "name_en", "group", "group_el", "group_en", "department_id"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string", "pattern": TYPE_CODE},
        "name_el": {"type": "string", "minLength": 1, "maxLength": 120},
        "name_en": {"type": "string", "minLength": 1, "maxLength": 120},
        "group": {"type": "string", "pattern": TYPE_CODE},
        "group_el": {"type": "string", "minLength": 1, "maxLength": 120},
        "group_en": {"type": "string", "minLength": 1, "maxLength": 120},
        "description_el": {"type": "string", "maxLength": 1000},
        "description_en": {"type": "string", "maxLength": 1000},
        "keywords": {"type": "string", "maxLength": 300},
        "department_id": DEPARTMENT,
        "attributes": {"type": "array", "maxItems": 20, "items": _ATTRIBUTE},
        "location": {"enum": ["none", "optional", "required"]},
        "photo": {"enum": ["none", "optional", "required"]},
        "expected_days": {"type": "integer", "minimum": 1, "maximum": 365},
        "public": {"type": "boolean"},
        "templates": {"type": "array", "maxItems": 20, "items": _TEMPLATE},
        "active": {"type": "boolean"},
    },
}
