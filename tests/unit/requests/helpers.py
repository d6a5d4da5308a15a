"""What the requests tests share: a staff member as the services see one, filing a request straight
through the service, and counting the DynamoDB calls a block makes."""

from __future__ import annotations

from typing import Any

from chalicelib import ddb
from chalicelib.models import all_models
from chalicelib.models.requests import RequestType
from chalicelib.services.platform.staff_auth import StaffMember
from chalicelib.services.requests import submission

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


class count_calls:  # noqa: N801 - used as a context manager
    """Count DynamoDB requests in this block with botocore event hooks (``before-call``) on every
    client: each model's connection and the transaction connection (``ddb.connection()``)."""

    def __enter__(self) -> list[str]:
        self.calls: list[str] = []
        clients = {id(c): c for c in [m._get_connection().connection.client for m in all_models()]}
        tx_client = ddb.connection().client
        clients[id(tx_client)] = tx_client
        self.clients = list(clients.values())
        for c in self.clients:
            c.meta.events.register("before-call.dynamodb", self._record)
        return self.calls

    def _record(self, model, **_):
        self.calls.append(model.name)

    def __exit__(self, *exc):
        for c in self.clients:
            c.meta.events.unregister("before-call.dynamodb", self._record)
        return False
