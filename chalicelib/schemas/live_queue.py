"""Request and response schemas of the live queue (kiosk, ticket page, board, counters), shared by
``handlers/queue_public.py``, ``handlers/queue_staff.py`` and the OpenAPI document.

The API calls a line of a service point a queue (``queue_id``, ``queues``); so do these schemas.
"""

from chalicelib.schemas.messages import NOT_SENT

SERVICE_POINT_ID = r"^[A-Za-z0-9_-]{1,80}$"

MOBILE = {"type": ["string", "null"], "pattern": r"^\+?[0-9]{10,15}$"}
LANGUAGE = {"enum": ["el", "en"]}
ID = {"type": "string", "minLength": 1, "maxLength": 120}
DAY = {"type": "string", "format": "date"}
DEPARTMENT_ID = {"type": "string", "maxLength": 80}

# -- requests ------------------------------------------------------------------------------------
WALK_IN = {
    "type": "object",
    "required": ["queue_id"],
    "additionalProperties": False,
    "properties": {"queue_id": ID, "service_id": ID, "mobile": MOBILE, "language": LANGUAGE},
}
CHECK_IN = {
    "type": "object",
    "required": ["reference"],
    "additionalProperties": False,
    "properties": {
        "reference": {"type": "string", "minLength": 3, "maxLength": 200},
        "mobile": MOBILE,
        "language": LANGUAGE,
    },
}
OPEN_COUNTER = {
    "type": "object",
    "required": ["label", "queue_ids"],
    "additionalProperties": False,
    "properties": {
        "label": {"type": "string", "pattern": r"^[0-9A-Za-z]{1,8}$"},
        "queue_ids": {"type": "array", "minItems": 1, "maxItems": 10, "items": ID},
    },
}
TRANSFER = {
    "type": "object",
    "required": ["queue_id"],
    "additionalProperties": False,
    "properties": {"queue_id": ID},
}

# -- responses -----------------------------------------------------------------------------------
QUEUE = {
    "type": "object",
    "required": ["queue_id", "prefix", "name_el", "name_en"],
    "properties": {
        "queue_id": {"type": "string"},
        "prefix": {"type": "string"},
        "name_el": {"type": "string"},
        "name_en": {"type": "string"},
        "service_ids": {"type": "array", "items": {"type": "string"}},
    },
}
TICKET = {
    "type": "object",
    "required": ["ticket_id", "code", "status", "queue_id", "url"],
    "properties": {
        "ticket_id": {"type": "string"},
        "code": {"type": "string"},
        "status": {"type": "string"},
        "kind": {"enum": ["walk_in", "appointment"]},
        "queue_id": {"type": "string"},
        "url": {"type": "string"},
        "already_checked_in": {"type": "boolean"},
        "not_sent": NOT_SENT,
    },
}
TICKET_VIEW = {
    "type": "object",
    "required": ["ticket_id", "code", "status", "queue", "position", "estimated_wait_minutes"],
    "properties": {
        "ticket_id": {"type": "string"},
        "code": {"type": "string"},
        "status": {"type": "string"},
        "queue": QUEUE,
        "position": {"type": ["integer", "null"]},
        "people_ahead": {"type": ["integer", "null"]},
        "estimated_wait_minutes": {"type": ["integer", "null"]},
        "open_counters": {"type": ["integer", "null"]},
        "counter": {"type": ["string", "null"]},
    },
}
POINT = {
    "type": "object",
    "required": ["service_point_id", "name_el", "name_en", "queues"],
    "properties": {
        "service_point_id": {"type": "string"},
        "name_el": {"type": "string"},
        "name_en": {"type": "string"},
        "queues": {"type": "array", "items": QUEUE},
    },
}
BOARD = {
    "type": "object",
    "required": ["calls", "recent", "queues", "version"],
    "properties": {
        "calls": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["counter", "code"],
                "properties": {"counter": {"type": "string"}, "code": {"type": "string"}},
            },
        },
        "recent": {"type": "array"},
        "queues": {"type": "array"},
        "version": {"type": "string"},
    },
}
COUNTER = {
    "type": "object",
    "required": ["counter_id", "label", "status", "queue_ids"],
    "properties": {
        "counter_id": {"type": "string"},
        "label": {"type": "string"},
        "status": {"enum": ["open", "closed"]},
        "queue_ids": {"type": "array", "items": {"type": "string"}},
        "current_ticket_id": {"type": ["string", "null"]},
        "current_code": {"type": ["string", "null"]},
    },
}
STAFF_TICKET = {
    "type": "object",
    "required": ["ticket_id", "code", "status", "queue_id"],
    "properties": {
        "ticket_id": {"type": "string"},
        "code": {"type": "string"},
        "status": {"type": "string"},
        "queue_id": {"type": "string"},
        "counter": {"type": ["string", "null"]},
    },
}
CALL = {
    "type": "object",
    "required": ["ticket"],
    "properties": {"ticket": {"oneOf": [STAFF_TICKET, {"type": "null"}]}},
}
