"""Citizen requests and reports: the catalogue of types, submission with a protocol number, the
staff work on a request, lists, what each audience sees, following, photos, notices; and the
Open311 GeoReport v2 API as the module ``requests.open311``.

| module | what |
| --- | --- |
| ``catalogue`` | request types (Open311 services), their extra fields checked |
| ``records`` | a request's ids and index keys; loading it, by who may (invariant 4); its timeline |
| ``submission`` | submit with the year's next protocol number (web, on a citizen's behalf, Open311) |
| ``changes`` | status, notes, assignment (one or many), re-routing: one transaction each |
| ``lists`` | the inbox, the map, a citizen's requests, nearby open reports |
| ``views`` | what citizens, followers and staff see of a request and its timeline |
| ``following`` | follow a public report by protocol number |
| ``photos`` | presigned uploads, their check, short-lived links |
| ``notices`` | the stream consumer that tells citizens of each public change |
| ``citizen_records`` | a citizen's requests and follows for their export; kept without them on closing |
| ``open311`` | the GeoReport v2 API (a package of its own) |
"""

from chalicelib.lazy import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(
    __name__,
    {
        "catalogue": ("check_attributes", "get_type", "list_types", "public_type", "save_type"),
        "photos": ("check_keys", "owner_prefix", "presign", "upload_form", "view_url"),
        "records": (
            "get_for_citizen",
            "get_for_staff",
            "get_request",
            "read_for_staff",
            "request_id_of",
            "timeline",
        ),
        "submission": (
            "Actor",
            "Requester",
            "staff_actor",
            "submit",
            "submit_for_citizen",
            "submit_on_behalf",
        ),
        "changes": ("add_note", "assign", "bulk_assign", "change_status", "colleagues", "reroute"),
        "lists": ("INBOX_LIMIT", "filed_by", "inbox", "nearby", "open_on_map"),
        "views": (
            "citizen_detail",
            "citizen_view",
            "nearby_view",
            "public_detail",
            "public_entry",
            "public_view",
            "staff_detail",
            "staff_entry",
            "staff_view",
        ),
        "following": ("find_by_protocol", "follow", "followed_by", "followers", "unfollow"),
        "citizen_records": ("citizen_follows", "citizen_requests", "forget_citizen_requests"),
    },
)
