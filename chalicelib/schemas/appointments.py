"""Appointments: the request and response schemas of the citizens' and the staff's routes
(``handlers/appointments.py``, ``handlers/appointments_staff.py``), validated on each request and
published in the OpenAPI document.

Example::

    body = validate(json_body(request), BOOK)
    op("Book a slot", "appointments", body=BOOK, responses={"201": json_response(APPOINTMENT)})

Limitation: the status enum is the model's ``STATUSES``; a new status changes the published
document (and ``tests/unit/test_openapi.py`` says so).
"""

from chalicelib.models.appointments import STATUSES
from chalicelib.openapi import path_param, query_param
from chalicelib.schemas.contacts import CHANNEL, NOTIFY

# -- pieces ---------------------------------------------------------------------------------------
START = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:00)?(Z|[+-]\d{2}:\d{2})?$",
    "description": "Slot start, Europe/Athens local time (YYYY-MM-DDTHH:MM) or with an offset",
}
DAY = {"type": "string", "pattern": r"^[1-9]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", "format": "date"}
SHORT_ID = {"type": "string", "maxLength": 120}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
LANG = {"enum": ["el", "en"]}
STATUS = {"enum": list(STATUSES)}
HHMM = {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$"}
INTERVALS = {
    "type": "array",
    "maxItems": 8,
    "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": HHMM},
}

# -- queries --------------------------------------------------------------------------------------
SERVICES_QUERY = {"type": "object", "properties": {"department_id": SHORT_ID}}
AVAILABILITY_QUERY = {"type": "object", "properties": {"from": DAY, "to": DAY}}
DOCUMENT_QUERY = {"type": "object", "properties": {"lang": LANG}}
FILTERS = {"department_id": SHORT_ID, "service_id": SHORT_ID, "status": STATUS}
LIST_QUERY = {"type": "object", "properties": {**FILTERS, "from": DAY, "to": DAY}}
DAY_LIST_QUERY = {"type": "object", "properties": {**FILTERS, "date": DAY, "lang": LANG}}

# -- bodies ---------------------------------------------------------------------------------------
BOOK = {
    "type": "object",
    "required": ["service_id", "start"],
    "additionalProperties": False,
    "properties": {
        "service_id": {"type": "string", "minLength": 1, "maxLength": 120},
        "start": START,
        "subject": {"type": "string", "maxLength": 200},
        "notes": {"type": "string", "maxLength": 1000},
        "notify": NOTIFY,
    },
}
RESCHEDULE = {
    "type": "object",
    "required": ["start"],
    "additionalProperties": False,
    "properties": {"start": START},
}
COMMENT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"comment": {"type": "string", "maxLength": 1000}},
}
REASON = {
    "type": "object",
    "required": ["reason"],
    "additionalProperties": False,
    "properties": {"reason": {"type": "string", "minLength": 3, "maxLength": 500}},
}
NAME = {"type": "string", "minLength": 1, "maxLength": 120, "pattern": r"\S"}
SERVICE_ID = r"^[a-z0-9][a-z0-9-]{1,59}$"
POINT_ID = r"^[a-z0-9][a-z0-9-]{1,59}$"
DEPARTMENT = {"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,80}$"}
WEEK = {
    "type": "object",
    "additionalProperties": False,
    "patternProperties": {"^[1-7]$": INTERVALS},
    "description": "ISO weekday (1 Monday ... 7 Sunday) -> open intervals [[HH:MM, HH:MM], ...], local time",
}
DOCUMENT = {
    "type": "object",
    "required": ["name_el"],
    "additionalProperties": False,
    "properties": {
        "name_el": {**NAME, "maxLength": 300},
        "name_en": {"type": "string", "maxLength": 300},
        "where_el": {"type": "string", "maxLength": 300},
        "where_en": {"type": "string", "maxLength": 300},
    },
}
PERIOD = {
    "type": "object",
    "required": ["id", "name_el", "from", "to"],
    "additionalProperties": False,
    "description": "A named date range with other hours (summer hours) or closed (the feast day, a closure)",
    "properties": {
        "id": {"type": "string", "pattern": r"^[a-z0-9_-]{1,40}$"},
        "name_el": NAME,
        "name_en": {"type": "string", "maxLength": 120},
        "from": DAY,
        "to": DAY,
        "closed": {"type": "boolean"},
        "hours": WEEK,
    },
}
SERVICE_FIELDS = {
    "name_el": {**NAME, "maxLength": 200},
    "name_en": {**NAME, "maxLength": 200},
    "description_el": {"type": "string", "maxLength": 2000},
    "description_en": {"type": "string", "maxLength": 2000},
    "documents": {"type": "array", "maxItems": 30, "items": DOCUMENT},
    "department_id": DEPARTMENT,
    "service_point_id": {"type": "string", "pattern": POINT_ID},
    "hours": WEEK,
    "periods": {"type": "array", "maxItems": 50, "items": PERIOD},
    "exceptions": {
        "type": "object",
        "maxProperties": 400,
        "additionalProperties": False,
        "patternProperties": {r"^\d{4}-\d{2}-\d{2}$": INTERVALS},
        "description": "A single date -> that day's intervals ([] = closed); kept beside the periods",
    },
    "capacity": {"type": "integer", "minimum": 1, "maximum": 100},
    "max_per_day": {"type": "integer", "minimum": 1, "maximum": 20},
    "slot_minutes": {"type": "integer", "minimum": 5, "maximum": 240},
    "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 480},
    "min_notice_minutes": {"type": "integer", "minimum": 0, "maximum": 20160},
    "max_days_ahead": {"type": "integer", "minimum": 1, "maximum": 365},
    "cancel_cutoff_minutes": {"type": "integer", "minimum": 0, "maximum": 10080},
    "active": {"type": "boolean"},
}
SERVICE_NEW = {
    "type": "object",
    "required": ["service_id", "department_id", "service_point_id", "name_el", "name_en"],
    "additionalProperties": False,
    "properties": {"service_id": {"type": "string", "pattern": SERVICE_ID}, **SERVICE_FIELDS},
}
SERVICE_EDIT = {
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "properties": SERVICE_FIELDS,
}

# -- responses ------------------------------------------------------------------------------------
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
        "status": STATUS,
        "notify": {
            "type": ["array", "null"],
            "items": CHANNEL,
            "description": "The channels chosen for its messages (null: the profile's choices)",
        },
        "staff_comment": NULLABLE_TEXT,
        "cancel_reason": NULLABLE_TEXT,
        "version": {"type": "integer"},
        "history": {"type": "array", "items": {"type": "object"}},
        "can_change": {"type": "boolean"},
        "point": {"type": "object"},
    },
}
APPOINTMENTS = {
    "type": "object",
    "required": ["appointments"],
    "properties": {"appointments": {"type": "array", "items": APPOINTMENT}},
}
STAFF_APPOINTMENT = {
    **APPOINTMENT,
    "properties": {
        **APPOINTMENT["properties"],
        "taxid": {"type": "string"},
        "citizen_name": {"type": "string"},
    },
}
STAFF_LIST = {
    "type": "object",
    "required": ["appointments", "department_id", "from", "to"],
    "properties": {
        "appointments": {"type": "array", "items": STAFF_APPOINTMENT},
        "department_id": {"type": "string"},
        "from": {"type": "string"},
        "to": {"type": "string"},
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
        "periods": {"type": "array", "items": {"type": "object"}},
        "exceptions": {"type": "object"},
        "active": {"type": "boolean"},
    },
}
SERVICES = {
    "type": "object",
    "required": ["services"],
    "properties": {"services": {"type": "array", "items": SERVICE}},
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
                    "period_el": NULLABLE_TEXT,
                    "period_en": NULLABLE_TEXT,
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
HTML = {"description": "OK", "content": {"text/html": {"schema": {"type": "string"}}}}
ICS = {"description": "OK", "content": {"text/calendar": {"schema": {"type": "string"}}}}

# -- OpenAPI parameters ---------------------------------------------------------------------------
SERVICE_ID_PARAM = path_param("service_id", "A bookable service", pattern=r"^[A-Za-z0-9_-]{1,120}$")
APPOINTMENT_ID_PARAM = path_param("appointment_id", "An appointment", pattern=r"^[A-Za-z0-9_-]{1,80}$")
LANG_PARAM = query_param("lang", LANG, description="Language of the document")
IDEMPOTENCY_KEY_PARAM = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Repeat a booking safely: the same key books once (the repeat answers 200 with it)",
    "schema": {"type": "string", "maxLength": 200},
}
FILTER_PARAMS = [
    query_param("department_id", SHORT_ID, description="Default: your own"),
    query_param("service_id", SHORT_ID),
    query_param("status", STATUS),
]
