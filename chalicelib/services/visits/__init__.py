"""The visit log: registration and passes, buildings and entrances, check-in and out, exposure
incidents and the notices they send."""

from chalicelib.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "exposure": ("declare", "handle_sqs_batch", "incident_detail", "list_incidents"),
        "passes": (
            "TZ",
            "building_day",
            "building_view",
            "check_building_id",
            "close_due",
            "closes_at_for",
            "contact_context",
            "delete_registration",
            "get_building",
            "iso",
            "list_buildings",
            "new_pass_id",
            "pass_qr",
            "pass_view",
            "register",
            "save_building",
            "scan_pass",
        ),
    },
)
