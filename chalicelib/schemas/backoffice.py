"""Request and response schemas of the back office (``handlers/backoffice.py``): the org chart
import and its report, the audit search and the statistics dashboards, with the limits their
summaries state.

Example::

    from chalicelib.schemas.backoffice import ORG_IMPORT
    body = validate(json_body(request, max_bytes=MAX_IMPORT_BYTES), ORG_IMPORT)

Limitation: the limits (``AUDIT_MAX_DAYS``, ``AUDIT_MAX_ROWS``, ``DASHBOARD_MAX_DAYS``) are part of
the API's contract, so they are set here and the services read them from here.
"""

from chalicelib.openapi import path_param, query_param

AUDIT_MAX_DAYS = 92
AUDIT_MAX_ROWS = 2000
AUDIT_PAGE_ROWS = 200
DASHBOARD_MAX_DAYS = 366

ORG_IMPORT = {
    "type": "object",
    "required": ["content"],
    "additionalProperties": False,
    "properties": {
        "content": {"type": "string", "minLength": 1, "maxLength": 250_000},
        "format": {"enum": ["csv", "json"]},
        "filename": {"type": "string", "maxLength": 200},
        "dry_run": {"type": "boolean", "default": False},
    },
}
_IDS = {"type": "object", "additionalProperties": {"type": "array"}}
ORG_REPORT = {
    "type": "object",
    "required": ["dry_run", "added", "changed", "deactivated", "unchanged", "changes"],
    "properties": {
        "dry_run": {"type": "boolean"},
        "added": _IDS,
        "changed": _IDS,
        "deactivated": _IDS,
        "unchanged": {"type": "object"},
        "cognito": {"type": "object"},
        "changes": {"type": "integer"},
    },
}

DAY = {"type": "string", "format": "date"}
_DEPARTMENT = {"type": "string", "maxLength": 80}
AUDIT_PARAMS = [
    query_param("entity_type", {"type": "string", "maxLength": 80}),
    query_param("entity_id", {"type": "string", "maxLength": 200}),
    query_param("actor", {"type": "string", "maxLength": 128}),
    query_param("department_id", _DEPARTMENT),
    query_param("from", DAY),
    query_param("to", DAY),
]
STATS_PARAMS = [
    path_param("dashboard", "appointments, requests, queues or visits", pattern="^[a-z]{1,20}$"),
    query_param("department_id", _DEPARTMENT, description="admins: a department or *"),
    query_param("from", DAY),
    query_param("to", DAY),
]
EMPLOYEES_PARAMS = [
    query_param("department_id", _DEPARTMENT),
    query_param("inactive", {"enum": ["true", "false"]}),
]
CSV_RESPONSE = {
    "200": {"description": "CSV (UTF-8 with BOM)", "content": {"text/csv": {"schema": {"type": "string"}}}}
}
