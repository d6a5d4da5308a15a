"""What the requests tests share: a staff member as the services see one, filing a request straight
through the service, and counting the DynamoDB calls a block makes."""

from __future__ import annotations

from typing import Any

from chalicelib.models.requests import RequestType
from chalicelib.services.platform.staff_auth import StaffMember
from chalicelib.services.requests import submission
from tests.unit.ddb_requests import count_calls

__all__ = ["count_calls"]  # the tests of this area import it here

ATHENS = (37.97550, 23.73480)


def staff(department="roads", roles=("clerk",), username="clerk.roads", name="Παναγιώτης") -> StaffMember:
    return StaffMember(username, "sub-" + username, tuple(roles), department, name=name)


def file_request(taxid="123456789", code="pothole", at=ATHENS, attributes=None, **kw: Any):
    """A request filed by a citizen on the web (a pothole of size large at Syntagma by default)."""
    lat, lon = at if at else (None, None)
    return submission.submit(
        RequestType.get(code),
        requester=submission.Requester(taxid=taxid, name="Μαρία"),
        actor=submission.Actor("citizen", "citizen"),
        channel=kw.pop("channel", "web"),
        description=kw.pop("description", "Λακκούβα"),
        attributes={"SIZE": "large"} if attributes is None and code == "pothole" else attributes,
        lat=lat,
        lon=lon,
        **kw,
    )
