"""The back office: org chart and its import, staff accounts, staffing and absences, audit search,
statistics and dashboards, broadcast alerts."""

from chalicelib.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "alerts": (
            "ALERT_CREATE",
            "create",
            "current",
            "public",
            "recent",
            "send_pending",
            "topics",
            "withdraw",
        ),
        "audit_search": ("AUDIT_MAX_DAYS", "MAX_ROWS", "export_audit_csv", "search"),
        "dashboards": ("DASHBOARD_MAX_DAYS", "dashboard", "export_dashboard_csv"),
        "org_chart": ("departments", "directorates", "employees"),
        "org_import": ("import_org",),
        "staff_directory": ("ensure_user",),
        "staffing": (
            "ABSENCE",
            "ABSENCE_IMPORT",
            "ASSIGNMENT",
            "COVER",
            "MOVE",
            "absences",
            "add_absence",
            "assigned",
            "cover",
            "dismiss",
            "flags",
            "import_absences",
            "move",
            "remove_absence",
            "set_assignments",
        ),
        "stats": ("TZ",),
    },
)
