"""A citizen's requests and follows as their own data: read for the export, and what stays of them
when the citizen closes their account (``platform/citizen_account.py`` calls both).

The export of a request is what its citizen sees of it (``views.citizen_view``: their text, extra
fields, location, channel, photos), the name and contacts it holds, and its public timeline (the
entries the citizen is told about, a note only when it was made public): never an internal note or
who among the staff did what. Timelines are read together: the entry of change ``n`` is
``TimelineEntry(request_id, n)``, so one BatchGetItem per hundred changes, never a Query per
request.

Closing an account keeps every request under its protocol number (an incoming document of the
municipality: its archive keeps it, and the department may still be working on it) without who
filed it: the item is rewritten from ``KEPT`` (type, department, status, text, extra fields,
location, photos, dates, work) on the condition that it is the version read, so the tax number, the
name, the e-mail and the phone go (``ERASED``), and so does any attribute added to
``CitizenRequest`` later unless it is classified here (``tests/unit/requests/test_citizen_records.py``
fails until it is). Without its tax number the request leaves the citizen's index: signing in again
does not show it. The citizen's follows are deleted.

Example::

    citizen_requests("123456789")           # [{"request": {...}, "timeline": [...]}, ...]
    forget_citizen_requests("123456789")    # {"kept": 3, "follows_removed": 1}

Limitation: the text and extra fields a citizen wrote stay with the request (they are the
document); what a person wrote about themselves there is the archive's, not the account's.
"""

from __future__ import annotations

from typing import Any

from chalicelib import ddb
from chalicelib.models.requests import CitizenRequest, RequestFollower, TimelineEntry
from chalicelib.services.requests.views import citizen_view, public_entry, public_view

EXPORT_LIMIT = 1000
KEPT = (
    "request_id",
    "protocol",
    "year",
    "number",
    "type_code",
    "department_id",
    "status",
    "public",
    "channel",
    "description",
    "attributes",
    "lat",
    "lon",
    "address",
    "photos",
    "language",
    "created_by",
    "api_key_id",
    "assigned_to",
    "assigned_name",
    "status_notes",
    "version",
    "created_at",
    "updated_at",
    "due_at",
    "resolved_at",
    "department_status",
    "created_key",
    "geo_cell",
    "geohash",
    "feed_month",
    "token",
)
ERASED = ("taxid", "requester_name", "contact_email", "contact_phone", "notify")


# -- the export ----------------------------------------------------------------------------------
def citizen_requests(taxid: str, limit: int = EXPORT_LIMIT) -> list[dict[str, Any]]:
    """The citizen's requests, newest first, each with its public timeline."""
    reqs = list(CitizenRequest.by_citizen.query(taxid, scan_index_forward=False, limit=limit))
    keys = [(r.request_id, n) for r in reqs for n in range(1, int(r.version) + 1)]
    entries: dict[str, list[TimelineEntry]] = {}
    for entry in TimelineEntry.batch_get(keys) if keys else ():
        entries.setdefault(entry.request_id, []).append(entry)
    return [
        {
            "request": {
                **citizen_view(req),
                "requester": {
                    "name": req.requester_name,
                    "email": req.contact_email,
                    "phone": req.contact_phone,
                },
            },
            "timeline": [
                public_entry(e)
                for e in sorted(entries.get(req.request_id, []), key=lambda e: int(e.seq))
                if e.public
            ],
        }
        for req in reqs
    ]


def citizen_follows(taxid: str, limit: int = EXPORT_LIMIT) -> list[dict[str, Any]]:
    """The reports the citizen follows, most recently followed first, as followers see them."""
    follows = list(RequestFollower.by_citizen.query(taxid, scan_index_forward=False, limit=limit))
    ids = [f.request_id for f in follows]
    found = {r.request_id: r for r in CitizenRequest.batch_get(ids)} if ids else {}
    return [
        {"followed_at": f.created_at.isoformat(), "notify": f.notify, **public_view(found[f.request_id])}
        for f in follows
        if f.request_id in found
    ]


# -- closing the account -------------------------------------------------------------------------
def forget_citizen_requests(taxid: str) -> dict[str, int]:
    """Keep the citizen's requests without who filed them; delete their follows."""
    kept = sum(_without_requester(req, taxid) for req in list(CitizenRequest.by_citizen.query(taxid)))
    follows = list(RequestFollower.by_citizen.query(taxid))
    with RequestFollower.batch_write() as batch:
        for follow in follows:
            batch.delete(RequestFollower(follow.request_id, follow.taxid))
    return {"kept": kept, "follows_removed": len(follows)}


def without_requester(req: CitizenRequest) -> CitizenRequest:
    """The request as the archive keeps it once its citizen closed their account."""
    return CitizenRequest(**{name: getattr(req, name) for name in KEPT})


def _without_requester(req: CitizenRequest, taxid: str) -> int:
    """Rewrite one request without its requester, if it is still ``taxid``'s as read."""
    return int(
        ddb.rewrite(
            req,
            without_requester,
            condition=lambda r: (CitizenRequest.version == r.version) & (CitizenRequest.taxid == taxid),
            belongs=lambda r: r.taxid == taxid,
        )
    )
