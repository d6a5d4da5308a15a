"""Requests on the running local stack: 50 parallel submissions get 50 distinct consecutive protocol
numbers; the spec-only GeoReport client works over HTTP with the demo key: it sees the public types
only, and a picture it names with media_url is fetched by the stack and served back."""

from __future__ import annotations

import http.server
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from devstack.demo import requests as demo
from tests.open311_client import GeoReportClient, GeoReportError, url_transport

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


class _Picture(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the standard library's name
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args):
        pass

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
    # THEN the public demo types are offered, and a private one is unknown
    public = {row[0] for row in demo.TYPES if row[5]}
    assert public <= {s["service_code"] for s in geo.services()}
    assert not {row[0] for row in demo.TYPES if not row[5]} & {s["service_code"] for s in geo.services()}
    with pytest.raises(GeoReportError) as private:
        geo.service_definition("birth-certificate")
    assert private.value.status == 404
    assert geo.service_definition("streetlight")["attributes"][1]["code"] == "LIGHT_STATE"
    # WHEN it files a street light with a picture served by the app (loopback: the local stage)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Picture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        service_request_id = geo.file(
            "streetlight",
            {"LIGHT_STATE": "flickering", "POLE_NUMBER": "A-17"},
            lat=37.9761,
            long=23.7339,
            description="Αναβοσβήνει",
            media_url=f"http://127.0.0.1:{server.server_address[1]}/light.png",
        )
    finally:
        server.shutdown()
        server.server_close()
    # THEN it reads it back, and its media_url serves the picture the stack fetched
    got = geo.request(service_request_id)[0]
    assert (got["service_code"], got["status"], got["description"]) == ("streetlight", "open", "Αναβοσβήνει")
    with urllib.request.urlopen(got["media_url"], timeout=30) as picture:  # noqa: S310 - the local stack
        assert picture.read() == PNG
