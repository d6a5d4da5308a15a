"""Back office: org chart import (admins), the chart and employees, audit log search and export,
statistics dashboards and their export."""

from chalice import Blueprint, Response

from chalicelib.auth import require_staff
from chalicelib.openapi import json_response, op
from chalicelib.schemas.backoffice import (
    AUDIT_MAX_DAYS,
    AUDIT_MAX_ROWS,
    AUDIT_PAGE_ROWS,
    AUDIT_PARAMS,
    CSV_RESPONSE,
    DASHBOARD_MAX_DAYS,
    EMPLOYEES_PARAMS,
    ORG_IMPORT,
    ORG_REPORT,
    STATS_PARAMS,
)
from chalicelib.services import backoffice
from chalicelib.validation import MAX_IMPORT_BYTES, json_body, query, validate

bp = Blueprint(__name__)


# service keyword -> query parameter
AUDIT_FILTERS = {
    "entity_type": "entity_type",
    "entity_id": "entity_id",
    "actor": "actor",
    "department_id": "department_id",
    "date_from": "from",
    "date_to": "to",
}
STATS_FILTERS = {"department_id": "department_id", "date_from": "from", "date_to": "to"}


def _filters(names: dict[str, str]) -> dict:
    """The query parameters as the service's keyword arguments (absent or empty: ``None``)."""
    params = query(bp.current_request)
    return {name: params.get(param) or None for name, param in names.items()}


def _csv(text: str, filename: str) -> Response:
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
    options = {"fmt": body.get("format"), "filename": body.get("filename"), "dry_run": body["dry_run"]}
    return backoffice.import_org(body["content"], staff=staff, **options)


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
    return {"entries": backoffice.search_audit(staff, **_filters(AUDIT_FILTERS))}


@bp.route("/api/staff/audit/export", methods=["GET"])
def staff_audit_export():
    staff = require_staff(bp.current_request, "manager")
    return _csv(backoffice.export_audit_csv(staff, **_filters(AUDIT_FILTERS)), "audit.csv")


@bp.route("/api/staff/stats/{dashboard}", methods=["GET"])
def staff_stats(dashboard):
    staff = require_staff(bp.current_request, "manager")
    return backoffice.dashboard(staff, dashboard, **_filters(STATS_FILTERS))


@bp.route("/api/staff/stats/{dashboard}/export", methods=["GET"])
def staff_stats_export(dashboard):
    staff = require_staff(bp.current_request, "manager")
    return _csv(backoffice.export_dashboard_csv(staff, dashboard, **_filters(STATS_FILTERS)), f"{dashboard}.csv")


OPENAPI = {
    "/api/staff/stats/{dashboard}": {
        "get": op(
            "A statistics dashboard (aggregates only) for a period and department "
            f"(at most {DASHBOARD_MAX_DAYS} days, else 409 period_too_long)",
            "back office",
            auth="staff",
            params=STATS_PARAMS,
            errors=(404, 409),
        )
    },
    "/api/staff/stats/{dashboard}/export": {
        "get": op(
            f"The same dashboard as CSV (UTF-8 with BOM; at most {DASHBOARD_MAX_DAYS} days, else 409 "
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
            params=EMPLOYEES_PARAMS,
        )
    },
    "/api/staff/audit": {
        "get": op(
            "Search the audit log by entity, staff member and date (managers: their department); at most "
            f"{AUDIT_MAX_DAYS} days (else 409 period_too_long), the newest {AUDIT_PAGE_ROWS} entries",
            "back office",
            auth="staff",
            params=AUDIT_PARAMS,
            errors=(409,),
        )
    },
    "/api/staff/audit/export": {
        "get": op(
            f"The audit search as CSV (at most {AUDIT_MAX_DAYS} days, else 409 period_too_long; "
            f"the newest {AUDIT_MAX_ROWS} entries)",
            "back office",
            auth="staff",
            params=AUDIT_PARAMS,
            responses=CSV_RESPONSE,
            errors=(409,),
        )
    },
}
