"""Citizen requests and reports: the catalogue of types, submission with a protocol number, staff
work, following, photos, notices, and the Open311 GeoReport v2 API."""

from chalicelib.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "catalogue": (
            "TYPE_SCHEMA",
            "check_attributes",
            "get_type",
            "list_types",
            "public_type",
            "save_type",
        ),
        "photos": ("CONTENT_TYPES", "check_keys", "owner_prefix", "presign", "view_url"),
        "workflow": (
            "Actor",
            "INBOX_LIMIT",
            "Requester",
            "STAFF_CHANNELS",
            "STATUSES",
            "add_note",
            "assign",
            "bulk_assign",
            "change_status",
            "citizen_view",
            "follow",
            "follow_view",
            "followed",
            "for_citizen",
            "for_staff",
            "inbox",
            "nearby",
            "of_citizen",
            "open_located",
            "public_entry",
            "public_view",
            "reroute",
            "staff_actor",
            "staff_entry",
            "staff_view",
            "submit",
            "timeline",
            "unfollow",
        ),
    },
)
