"""The visit log: registration and passes, buildings and entrances, kiosk scans, closing open
visits, exposure incidents, their fan-out and the notices they send.

| module | what |
| --- | --- |
| ``passes`` | register a visitor, the pass (view, QR, delete) |
| ``buildings`` | buildings, entrances, closing time, a building's day partition |
| ``scans`` | check-in and check-out at a kiosk, who is inside |
| ``closing`` | the schedule that closes visits at closing time |
| ``incidents`` | declaring an exposure, the second key (approve, reject), its views and status |
| ``fanout`` | the overlap rule and one SQS message per visitor |
| ``sender`` | decrypt a contact and send the notice, at most once |
| ``retention`` | the TTL and reading only what has not expired |
"""

from chalicelib.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "passes": (
            "contact_context",
            "delete_registration",
            "display_code",
            "new_pass_id",
            "pass_qr",
            "pass_view",
            "register",
        ),
        "buildings": (
            "building_day",
            "building_detail",
            "building_view",
            "check_building_id",
            "closes_at_for",
            "get_building",
            "list_buildings",
            "save_building",
        ),
        "scans": ("scan_pass",),
        "closing": ("close_due",),
        "incidents": ("approve", "declare", "incident_detail", "list_incidents", "reject"),
        "fanout": ("fan_out", "on_incident_record"),
        "sender": ("handle_sqs_batch", "send_one"),
    },
)
