"""Open311 POSTs cannot be used to message a number or address at will (issue 13 item 1): the
notices to the phone or e-mail given with an Open311 request count in that address's daily
allowance of anonymous messages, and a foreign phone gets no SMS."""

from __future__ import annotations

import pytest

from chalicelib.models.requests import TimelineEntry
from chalicelib.services.platform.stream_router import handle_batch
from chalicelib.services.requests import open311
from tests.events import stream_event, stream_record
from tests.open311_client import GeoReportClient
from tests.unit.requests.helpers import ATHENS, staff

POSTS = 10


@pytest.fixture
def geo(client, catalogue):
    key = open311.issue_key(staff("kep", roles=("admin",), username="admin"), "Test app")[1]

    def send(method, path, body, headers):
        resp = getattr(client.http, method.lower())(path, body=body, headers=headers)
        return resp.status_code, resp.headers.get("Content-Type", ""), resp.body

    return GeoReportClient(send, fmt="json", api_key=key)


def _post(geo, n: int, **contact) -> str:
    created = geo.create(
        "pothole", {"SIZE": "large"}, lat=ATHENS[0], long=ATHENS[1], description=f"Λακκούβα {n}", **contact
    )
    return created[0]["service_request_id"]


def _stream_timelines() -> None:
    records = [stream_record(e, event_name="INSERT") for e in TimelineEntry.scan()]
    assert handle_batch(stream_event(records)) == {"batchItemFailures": []}


def test_open311_posts_to_one_phone_and_address_send_at_most_the_daily_allowance(geo, outbox_pipeline):
    # GIVEN the default allowance of 3 anonymous messages a day to one address
    # WHEN a key holder posts 10 requests with the same phone and e-mail
    ids = [_post(geo, n, phone="6912345678", email="target@example.gr") for n in range(POSTS)]
    _stream_timelines()
    outbox_pipeline.run()
    # THEN every request was filed
    assert len(set(ids)) == POSTS
    # AND the phone got 3 SMS and the address 3 e-mails, no more
    assert [phone for phone, _ in outbox_pipeline.sent_sms()] == ["+306912345678"] * 3
    emails = [m.destinations["ToAddresses"][0] for m in outbox_pipeline.sent_emails()]
    assert emails == ["target@example.gr"] * 3


def test_open311_posts_with_a_foreign_phone_send_no_sms(geo, outbox_pipeline):
    # GIVEN a phone outside the countries allowed (default: Greek mobiles)
    # WHEN a key holder posts requests with it
    ids = [_post(geo, n, phone="+447700900123") for n in range(3)]
    _stream_timelines()
    outbox_pipeline.run()
    # THEN the requests were filed, and no SMS went out
    assert len(set(ids)) == 3
    assert outbox_pipeline.sent_sms() == []
