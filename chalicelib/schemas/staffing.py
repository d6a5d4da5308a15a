"""Request and response schemas of staffing (``handlers/staffing.py``): absences and their import,
the staff of a service, and the actions on capacity flags.

Example::

    from chalicelib.schemas.staffing import ABSENCE
    body = validate(json_body(request), ABSENCE)

Limitation: the absence kinds are listed here (the ``Absence.kind`` values); the import of a CSV
checks its rows against the same list.
"""

from chalicelib.openapi import json_response, path_param, query_param

ABSENCE_KINDS = ("leave", "sickness", "other")
_EMPLOYEE_NUMBER = {"type": "string", "minLength": 1, "maxLength": 80}
DAY = {"type": "string", "format": "date"}

ABSENCE = {
    "type": "object",
    "required": ["employee_number", "kind", "start_day", "end_day"],
    "additionalProperties": False,
    "properties": {
        "employee_number": _EMPLOYEE_NUMBER,
        "kind": {"enum": list(ABSENCE_KINDS)},
        "start_day": DAY,
        "end_day": DAY,
        "note": {"type": "string", "maxLength": 300},
    },
}
ABSENCE_IMPORT = {
    "type": "object",
    "required": ["content"],
    "additionalProperties": False,
    "properties": {"content": {"type": "string", "minLength": 1, "maxLength": 200_000}},
}
ASSIGNMENT = {
    "type": "object",
    "required": ["employee_numbers"],
    "additionalProperties": False,
    "properties": {
        "employee_numbers": {"type": "array", "maxItems": 100, "uniqueItems": True, "items": _EMPLOYEE_NUMBER}
    },
}
MOVE = {
    "type": "object",
    "required": ["start"],
    "additionalProperties": False,
    "properties": {"start": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"}},
}
COVER = {
    "type": "object",
    "required": ["employee_number"],
    "additionalProperties": False,
    "properties": {"employee_number": _EMPLOYEE_NUMBER},
}

DEPARTMENT_PARAM = query_param("department_id", {"type": "string", "maxLength": 80})
SERVICE_PARAM = path_param("service_id", "A bookable service")
FLAGGED_APPOINTMENT_PARAM = path_param("appointment_id", "A flagged appointment")
FLAG_RESPONSE = {"200": json_response({"type": "object", "required": ["appointment_id", "status"]})}
