"""Requests on the running local stack: 50 parallel submissions get 50 distinct consecutive protocol
numbers; the spec-only GeoReport client works over HTTP with the demo key."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.open311_client import GeoReportClient, url_transport

pytestmark = pytest.mark.integration


def test_fifty_parallel_submissions_get_fifty_consecutive_numbers(local_stack):
    token = local_stack.citizen_token("444555666")
    headers = {"Authorization": f"Bearer {token}"}
    body = {"type_code": "general", "description": "Δοκιμή ταυτόχρονων υποβολών"}

    def submit(_):
        return local_stack.request("POST", "/api/requests", body, headers, timeout=120)

    # WHEN 50 submissions run at once
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(submit, range(50)))
    # THEN all succeed with distinct numbers that follow each other without a gap
    assert [status for status, _ in results] == [200] * 50, [r for r in results if r[0] != 200][:3]
    numbers = sorted(int(r["request"]["protocol"].split("/")[1]) for _, r in results)
    assert len(set(numbers)) == 50
    assert numbers == list(range(numbers[0], numbers[0] + 50))
    # AND the citizen sees all 50
    status, mine = local_stack.get("/api/requests/mine", headers)
    assert status == 200 and len(mine["requests"]) >= 50


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_spec_client_over_http(local_stack, fmt):
    from devstack.demo.requests import DEMO_OPEN311_KEY

    geo = GeoReportClient(url_transport(local_stack.url), fmt=fmt, api_key=DEMO_OPEN311_KEY)
    assert len(geo.services()) >= 20
    assert geo.service_definition("streetlight")["attributes"][1]["code"] == "LIGHT_STATE"
    created = geo.create(
        "streetlight",
        {"LIGHT_STATE": "flickering", "POLE_NUMBER": "A-17"},
        lat=37.9761,
        long=23.7339,
        description="Αναβοσβήνει",
    )
    got = geo.request(created[0]["service_request_id"])[0]
    assert (got["service_code"], got["status"], got["description"]) == ("streetlight", "open", "Αναβοσβήνει")
