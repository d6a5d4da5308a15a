"""Following a public report by its protocol number, instead of filing a duplicate: anyone may look
one up; a signed-in citizen may follow it and is then told of its public changes like its author
(``notices.on_timeline_record`` asks ``followers``).

Example::

    req = find_by_protocol("2026/000123", taxid=None)   # a public report, or 404
    follow("987654321", "2026/000123", notify=["sms"])
    followed_by("987654321")                            # [req]

Limitation: a finished report cannot be followed any more (409 ``request_finished``); following
one's own request changes nothing (the author is told anyway).
"""

from __future__ import annotations

from chalicelib import clock
from chalicelib.errors import Conflict, NotFound
from chalicelib.models.requests import OPEN, CitizenRequest, RequestFollower
from chalicelib.services.requests.records import get_request, request_id_of

FOLLOWED_LIMIT = 50


def find_by_protocol(protocol: str, taxid: str | None = None) -> CitizenRequest:
    """A request looked up by protocol number: any public report, or the caller's own request."""
    req = get_request(protocol)
    if req.public or (taxid and req.taxid == taxid):
        return req
    raise NotFound("No such request.", code="request_not_found")


def follow(taxid: str, protocol: str, notify: list[str] | None = None) -> CitizenRequest:
    """Follow a public report: its public changes reach the follower too, on the channels chosen
    (``notify``; ``None``: the profile's choices). Following again changes the choice."""
    req = find_by_protocol(protocol, taxid)
    if req.taxid == taxid:
        return req
    if req.status not in OPEN:
        raise Conflict("This report is finished.", code="request_finished")
    key = f"{clock.iso_micro(clock.utcnow())}#{req.request_id}"
    chosen = list(notify) if notify is not None else None
    RequestFollower(req.request_id, taxid, followed_at_key=key, notify=chosen).save()
    return req


def unfollow(taxid: str, protocol: str) -> None:
    RequestFollower(request_id_of(protocol), taxid).delete()


def followed_by(taxid: str, limit: int = FOLLOWED_LIMIT) -> list[CitizenRequest]:
    """The reports a citizen follows, most recently followed first (one Query, one BatchGetItem)."""
    ids = [
        f.request_id for f in RequestFollower.by_citizen.query(taxid, scan_index_forward=False, limit=limit)
    ]
    found = {r.request_id: r for r in CitizenRequest.batch_get(ids)} if ids else {}
    return [found[i] for i in ids if i in found]


def followers(request_id: str) -> dict[str, list[str] | None]:
    """The tax ids of those who follow a report, each with the channels they chose."""
    return {f.taxid: f.notify for f in RequestFollower.query(request_id)}
