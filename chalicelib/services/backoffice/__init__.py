"""The back office: org chart and its import, staff accounts, staffing and absences, audit search,
statistics and dashboards, broadcast alerts.

| module | what |
| --- | --- |
| ``org_chart`` | reading the chart: directorates, departments, employees |
| ``org_file`` / ``org_plan`` / ``org_import`` | the HR export: read and check, compare, write |
| ``staff_directory`` / ``staff_invites`` | staff accounts in Cognito; inviting one staff member |
| ``staffed_capacity`` | who is present, and the slot capacity that follows them |
| ``absences`` / ``service_staff`` / ``capacity_flags`` | absences, the staff of a service, the appointments beyond capacity |
| ``audit_search`` / ``dashboards`` / ``reports`` | audit log search, statistics, what they share |
| ``stats`` / ``stats_consumers`` | the statistics aggregates and the stream consumers that keep them |
| ``alerts`` | broadcast alerts and topic subscriptions |
"""

from chalicelib.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "absences": ("add_absence", "import_absences", "list_absences", "remove_absence"),
        "alerts": (
            "alert_topics",
            "create_alert",
            "current_alerts",
            "public_alert",
            "recent_alerts",
            "send_pending_alerts",
            "withdraw_alert",
        ),
        "audit_search": ("export_audit_csv", "search_audit"),
        "capacity_flags": (
            "cover_flagged_day",
            "dismiss_capacity_flag",
            "follow_absence",
            "list_capacity_flags",
            "move_flagged_appointment",
        ),
        "dashboards": ("dashboard", "export_dashboard_csv"),
        "org_chart": ("departments", "directorates", "employees"),
        "org_import": ("import_org",),
        "service_staff": ("list_service_staff", "set_service_staff", "staffed_availability"),
        "staff_directory": ("ensure_user",),
        "staff_invites": ("invite_staff",),
    },
)
