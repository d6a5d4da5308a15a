"""Schemas of the municipality's own catalogue (``handlers/catalogue_admin.py``,
``handlers/municipality.py``): service points, queues, the municipality's settings. A service's
schemas are the appointments' (``schemas/appointments.py``: ``SERVICE_NEW``, ``SERVICE_EDIT``), a
request type's the requests' (``schemas/requests.py``: ``REQUEST_TYPE``).

What a schema cannot say (an interval that closes before it opens, a map whose centre is outside
its bounds) the services answer with 409 naming the field, so a request this document accepts is
never a 400.
"""

from __future__ import annotations

from chalicelib.models.queue import KINDS
from chalicelib.schemas.appointments import DEPARTMENT, NAME, POINT_ID, WEEK
from chalicelib.validation import EMAIL

TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
PHONE = {"type": ["string", "null"], "pattern": r"^\+?[0-9 ]{5,20}$"}
MAIL = {"anyOf": [EMAIL, {"type": "null"}]}
LAT = {"type": ["number", "null"], "minimum": -90, "maximum": 90}
LNG = {"type": ["number", "null"], "minimum": -180, "maximum": 180}
QUEUE_ID = r"^[a-z0-9][a-z0-9-]{1,59}-[A-Z]{1,2}$"

# -- service points ----------------------------------------------------------------------------------
POINT_FIELDS = {
    "department_id": DEPARTMENT,
    "name_el": {**NAME, "maxLength": 200},
    "name_en": {**NAME, "maxLength": 200},
    "address_el": {"type": "string", "maxLength": 300},
    "address_en": {"type": "string", "maxLength": 300},
    "lat": LAT,
    "lng": LNG,
    "phone": PHONE,
    "email": MAIL,
    "hours_el": {"type": "string", "maxLength": 500},
    "hours_en": {"type": "string", "maxLength": 500},
    "hours": WEEK,
}
SERVICE_POINT_NEW = {
    "type": "object",
    "required": ["service_point_id", "department_id", "name_el", "name_en"],
    "additionalProperties": False,
    "properties": {"service_point_id": {"type": "string", "pattern": POINT_ID}, **POINT_FIELDS},
}
SERVICE_POINT_EDIT = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {**POINT_FIELDS, "active": {"type": "boolean", "description": "false deactivates"}},
}
SERVICE_POINT = {
    "type": "object",
    "required": ["service_point_id", "department_id", "name_el", "name_en", "active"],
    "properties": {
        "service_point_id": TEXT,
        "department_id": TEXT,
        "name_el": TEXT,
        "name_en": TEXT,
        "address_el": TEXT,
        "address_en": TEXT,
        "lat": {"type": ["number", "null"]},
        "lng": {"type": ["number", "null"]},
        "phone": NULLABLE_TEXT,
        "email": NULLABLE_TEXT,
        "hours_el": TEXT,
        "hours_en": TEXT,
        "hours": {"type": "object"},
        "active": {"type": "boolean"},
        "version": {"type": "integer"},
        "updated_at": NULLABLE_TEXT,
    },
}
SERVICE_POINTS = {
    "type": "object",
    "required": ["service_points"],
    "properties": {"service_points": {"type": "array", "items": SERVICE_POINT}},
}

# -- queues (lines of a service point) ---------------------------------------------------------------
QUEUE_FIELDS = {
    "department_id": DEPARTMENT,
    "name_el": NAME,
    "name_en": {"type": "string", "maxLength": 120},
    "service_ids": {
        "type": "array",
        "maxItems": 30,
        "uniqueItems": True,
        "items": {"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,120}$"},
    },
    "kinds": {
        "type": "array",
        "minItems": 1,
        "uniqueItems": True,
        "items": {"enum": list(KINDS)},
        "description": "The tickets it takes: walk-ins at the kiosk, appointment holders who check in",
    },
}
QUEUE_NEW = {
    "type": "object",
    "required": ["service_point_id", "prefix", "department_id", "name_el"],
    "additionalProperties": False,
    "properties": {
        "service_point_id": {"type": "string", "pattern": POINT_ID},
        "prefix": {"type": "string", "pattern": r"^[A-Z]{1,2}$", "description": "Tickets A001, A002..."},
        **QUEUE_FIELDS,
    },
}
QUEUE_EDIT = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {**QUEUE_FIELDS, "active": {"type": "boolean", "description": "false deactivates"}},
}
QUEUE = {
    "type": "object",
    "required": ["queue_id", "service_point_id", "prefix", "department_id", "name_el", "kinds", "active"],
    "properties": {
        "queue_id": TEXT,
        "service_point_id": TEXT,
        "prefix": TEXT,
        "department_id": TEXT,
        "name_el": TEXT,
        "name_en": TEXT,
        "service_ids": {"type": "array", "items": TEXT},
        "kinds": {"type": "array", "items": TEXT},
        "active": {"type": "boolean"},
    },
}
QUEUES = {
    "type": "object",
    "required": ["queues"],
    "properties": {"queues": {"type": "array", "items": QUEUE}},
}

# -- the municipality ---------------------------------------------------------------------------------
_COORDINATE = {"type": "number"}
MAP = {
    "type": "object",
    "required": ["centre", "zoom", "bounds"],
    "additionalProperties": False,
    "properties": {
        "centre": {
            "type": "object",
            "required": ["lat", "lng"],
            "additionalProperties": False,
            "properties": {
                "lat": {**_COORDINATE, "minimum": -90, "maximum": 90},
                "lng": {**_COORDINATE, "minimum": -180, "maximum": 180},
            },
        },
        "zoom": {"type": "integer", "minimum": 3, "maximum": 19},
        "bounds": {
            "type": "object",
            "required": ["south", "west", "north", "east"],
            "additionalProperties": False,
            "properties": {
                "south": {**_COORDINATE, "minimum": -90, "maximum": 90},
                "north": {**_COORDINATE, "minimum": -90, "maximum": 90},
                "west": {**_COORDINATE, "minimum": -180, "maximum": 180},
                "east": {**_COORDINATE, "minimum": -180, "maximum": 180},
            },
        },
    },
}
MUNICIPALITY_EDIT = {
    "type": "object",
    "required": ["name_el", "name_en", "map"],
    "additionalProperties": False,
    "properties": {
        "name_el": {**NAME, "maxLength": 200},
        "name_en": {**NAME, "maxLength": 200},
        "address_el": {"type": "string", "maxLength": 300},
        "address_en": {"type": "string", "maxLength": 300},
        "phone": PHONE,
        "email": MAIL,
        "website": {"type": ["string", "null"], "maxLength": 300, "pattern": r"^https?://[^\s]+$"},
        "map": MAP,
    },
}
MUNICIPALITY = {
    "type": "object",
    "required": ["name_el", "name_en", "map", "configured"],
    "properties": {
        "name_el": TEXT,
        "name_en": TEXT,
        "address_el": TEXT,
        "address_en": TEXT,
        "phone": NULLABLE_TEXT,
        "email": NULLABLE_TEXT,
        "website": NULLABLE_TEXT,
        "map": {"type": "object", "required": ["centre", "zoom", "bounds"]},
        "configured": {"type": "boolean", "description": "false until an administrator saves them"},
        "updated_at": NULLABLE_TEXT,
    },
}
