"""Back office: org chart import (admins), the chart and employees, audit log search and export."""

from chalice import Blueprint, Response

from chalicelib.auth import require_staff
from chalicelib.openapi import json_response, op, path_param, query_param
from chalicelib.services import backoffice
from chalicelib.validation import MAX_IMPORT_BYTES, json_body, query, validate

bp = Blueprint(__name__)

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
TEXT = {"type": "string", "maxLength": 200}
AUDIT_PARAMS = [
    query_param("entity_type", {"type": "string", "maxLength": 80}),
    query_param("entity_id", TEXT),
    query_param("actor", {"type": "string", "maxLength": 128}),
    query_param("department_id", {"type": "string", "maxLength": 80}),
    query_param("from", DAY),
    query_param("to", DAY),
]
CSV_RESPONSE = {
    "200": {"description": "CSV (UTF-8 with BOM)", "content": {"text/csv": {"schema": {"type": "string"}}}}
}


def _audit_filters(params: dict) -> dict:
    return {
        "entity_type": params.get("entity_type") or None,
        "entity_id": params.get("entity_id") or None,
        "actor": params.get("actor") or None,
        "department_id": params.get("department_id") or None,
        "date_from": params.get("from") or None,
        "date_to": params.get("to") or None,
    }


def csv_response(text: str, filename: str) -> Response:
    return Response(
        body=text,
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


@bp.route("/api/admin/org/import", methods=["POST"])
def admin_org_import():
    staff = require_staff(bp.current_request, "admin")
    body = validate(json_body(bp.current_request, max_bytes=MAX_IMPORT_BYTES), ORG_IMPORT)
    return backoffice.import_org(
        body["content"],
        fmt=body.get("format"),
        filename=body.get("filename"),
        staff=staff,
        dry_run=body["dry_run"],
    )


@bp.route("/api/staff/org", methods=["GET"])
def staff_org():
    require_staff(bp.current_request)
    return {"directorates": backoffice.directorates(), "departments": backoffice.departments()}


@bp.route("/api/staff/employees", methods=["GET"])
def staff_employees():
    staff = require_staff(bp.current_request, "manager")
    params = query(bp.current_request)
    rows = backoffice.employees(staff, params.get("department_id") or None, params.get("inactive") == "true")
    return {"employees": rows}


@bp.route("/api/staff/audit", methods=["GET"])
def staff_audit():
    staff = require_staff(bp.current_request, "manager")
    return {"entries": backoffice.search(staff, **_audit_filters(query(bp.current_request)))}


@bp.route("/api/staff/audit/export", methods=["GET"])
def staff_audit_export():
    staff = require_staff(bp.current_request, "manager")
    return csv_response(
        backoffice.export_audit_csv(staff, **_audit_filters(query(bp.current_request))), "audit.csv"
    )


def _stats_filters(params: dict) -> dict:
    return {
        "department_id": params.get("department_id") or None,
        "date_from": params.get("from") or None,
        "date_to": params.get("to") or None,
    }


@bp.route("/api/staff/stats/{dashboard}", methods=["GET"])
def staff_stats(dashboard):
    staff = require_staff(bp.current_request, "manager")
    return backoffice.dashboard(staff, dashboard, **_stats_filters(query(bp.current_request)))


@bp.route("/api/staff/stats/{dashboard}/export", methods=["GET"])
def staff_stats_export(dashboard):
    staff = require_staff(bp.current_request, "manager")
    text = backoffice.export_dashboard_csv(staff, dashboard, **_stats_filters(query(bp.current_request)))
    return csv_response(text, f"{dashboard}.csv")


_DASHBOARD = path_param("dashboard", "appointments, requests, queues or visits", pattern="^[a-z]{1,20}$")
STATS_PARAMS = [
    _DASHBOARD,
    query_param(
        "department_id", {"type": "string", "maxLength": 80}, description="admins: a department or *"
    ),
    query_param("from", DAY),
    query_param("to", DAY),
]

OPENAPI = {
    "/api/staff/stats/{dashboard}": {
        "get": op(
            "A statistics dashboard (aggregates only) for a period and department "
            f"(at most {backoffice.DASHBOARD_MAX_DAYS} days, else 409 period_too_long)",
            "back office",
            auth="staff",
            params=STATS_PARAMS,
            errors=(404, 409),
        )
    },
    "/api/staff/stats/{dashboard}/export": {
        "get": op(
            f"The same dashboard as CSV (UTF-8 with BOM; at most {backoffice.DASHBOARD_MAX_DAYS} days, else 409 "
            "period_too_long)",
            "back office",
            auth="staff",
            params=STATS_PARAMS,
            responses=CSV_RESPONSE,
            errors=(404, 409),
        )
    },
    "/api/admin/org/import": {
        "post": op(
            "Import the org chart from the HR export (CSV or JSON); dry_run reports without writing",
            "back office",
            auth="staff",
            body=ORG_IMPORT,
            responses={"200": json_response(ORG_REPORT)},
            errors=(409, 413),
        )
    },
    "/api/staff/org": {"get": op("Directorates and departments", "back office", auth="staff")},
    "/api/staff/employees": {
        "get": op(
            "Employees of my department (admins: any, or all)",
            "back office",
            auth="staff",
            params=[
                query_param("department_id", {"type": "string", "maxLength": 80}),
                query_param("inactive", {"enum": ["true", "false"]}),
            ],
        )
    },
    "/api/staff/audit": {
        "get": op(
            "Search the audit log by entity, staff member and date (managers: their department); at most "
            f"{backoffice.AUDIT_MAX_DAYS} days (else 409 period_too_long), the newest 200 entries",
            "back office",
            auth="staff",
            params=AUDIT_PARAMS,
            errors=(409,),
        )
    },
    "/api/staff/audit/export": {
        "get": op(
            f"The audit search as CSV (at most {backoffice.AUDIT_MAX_DAYS} days, else 409 period_too_long; "
            f"the newest {backoffice.MAX_ROWS} entries)",
            "back office",
            auth="staff",
            params=AUDIT_PARAMS,
            responses=CSV_RESPONSE,
            errors=(409,),
        )
    },
}
