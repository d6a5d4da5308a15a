"""Open311 ``media_url``: the server fetches the picture into the uploads bucket with the photos'
checks and gives it back as ``media_url``; it never fetches from a private, loopback (outside the
local and test stages) or link-local address, follows few redirects, stops at the size cap and the
timeout, and files nothing when the picture is refused.

A local HTTP server on 127.0.0.1 serves the pictures (loopback is allowed in the test stage only;
the refusals outside it are tested with the stage set to ``prod``)."""

from __future__ import annotations

import http.server
import threading
import time
import urllib.parse

import pytest

from chalicelib.aws import client as aws_client
from chalicelib.models.requests import CitizenRequest, RequestType
from chalicelib.services.requests import open311, photos, records
from chalicelib.services.requests.open311 import media
from chalicelib.settings import get_settings, reset_settings
from tests.open311_client import GeoReportClient, GeoReportError, chalice_transport
from tests.unit.requests.helpers import ATHENS, file_request, staff

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
JPEG = b"\xff\xd8\xff\xe0" + b"\x00JFIF" + bytes(2000)
ROUTES: dict[str, tuple[int, dict[str, str], bytes, float]] = {
    "/pothole.png": (200, {"Content-Type": "image/png"}, PNG, 0),
    "/pothole.jpg": (200, {"Content-Type": "image/jpeg; charset=binary"}, JPEG, 0),
    "/page.html": (200, {"Content-Type": "text/html"}, b"<html>" + bytes(500) + b"</html>", 0),
    "/lying.png": (200, {"Content-Type": "image/png"}, b"<html>" + bytes(500), 0),
    "/tiny.png": (200, {"Content-Type": "image/png"}, PNG[:50], 0),
    "/huge.png": (200, {"Content-Type": "image/png"}, PNG[:8] + bytes(photos.MAX_BYTES + 10), 0),
    "/slow.png": (200, {"Content-Type": "image/png"}, PNG, 3.0),
    "/gone.png": (404, {"Content-Type": "text/plain"}, b"not here", 0),
    "/to-private.png": (302, {"Location": "http://10.1.2.3/pothole.png"}, b"", 0),
    "/to-metadata.png": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"", 0),
    "/to-png.png": (302, {"Location": "/pothole.png"}, b"", 0),
    "/loop.png": (302, {"Location": "/loop.png"}, b"", 0),
}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the standard library's name
        status, headers, body, delay = ROUTES.get(self.path, (404, {}, b"", 0))
        self.server.hits.append(self.path)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if self.path != "/huge.png":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if delay:
            time.sleep(delay)
        try:
            self.wfile.write(body)
        except OSError:
            pass  # the client stopped reading (size cap, timeout): expected

    def log_message(self, *args):
        pass


@pytest.fixture
def pictures():
    """A local HTTP server of pictures; yields its base URL (``server.hits`` lists what was asked)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.hits = []
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def app_key(catalogue):
    s3 = aws_client("s3")
    s3.create_bucket(
        Bucket=get_settings().uploads_bucket,
        CreateBucketConfiguration={"LocationConstraint": get_settings().region},
    )
    return open311.issue_key(staff("kep", roles=("admin",), username="admin"), "Photo app")[1]


def _url(server, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def _objects() -> list[str]:
    listed = aws_client("s3").list_objects_v2(Bucket=get_settings().uploads_bucket)
    return [o["Key"] for o in listed.get("Contents", [])]


@pytest.mark.parametrize(
    ("path", "content_type", "content"),
    [("/pothole.png", "image/png", PNG), ("/pothole.jpg", "image/jpeg", JPEG)],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_media_url_is_fetched_kept_and_returned(client, app_key, pictures, fmt, path, content_type, content):
    # GIVEN an app that sends a picture's address with its report
    geo = GeoReportClient(chalice_transport(client), fmt=fmt, api_key=app_key)
    # WHEN it files a pothole with media_url
    service_request_id = geo.file(
        "pothole", {"SIZE": "large"}, lat=ATHENS[0], long=ATHENS[1], media_url=_url(pictures, path)
    )
    # THEN the server fetched it once and kept a copy in the uploads bucket, named on the request
    assert pictures.hits == [path]
    (key,) = records.get_request(service_request_id).photos
    kept = aws_client("s3").get_object(Bucket=get_settings().uploads_bucket, Key=key)
    assert kept["Body"].read() == content and kept["ContentType"] == content_type
    # AND reading it back gives media_url, our own address, in the search as well
    (got,) = geo.request(service_request_id)
    ext = "png" if content_type == "image/png" else "jpg"
    assert got["media_url"] == f"{get_settings().public_base_url}/open311/v2/media/{service_request_id}.{ext}"
    assert [r["media_url"] for r in geo.requests(service_request_id=service_request_id)] == [got["media_url"]]
    # AND that address sends to a short-lived link to the copy
    resp = client.http.get(urllib.parse.urlsplit(got["media_url"]).path)
    assert resp.status_code == 302
    location = urllib.parse.urlsplit(resp.headers["Location"])
    assert location.path.endswith(key) and "Signature" in location.query


def test_a_redirect_to_a_picture_is_followed(client, app_key, pictures):
    # GIVEN a picture behind one redirect; WHEN filed; THEN both hops were fetched and it was kept
    geo = GeoReportClient(chalice_transport(client), api_key=app_key)
    rid = geo.file(
        "pothole", {"SIZE": "small"}, lat=ATHENS[0], long=ATHENS[1], media_url=_url(pictures, "/to-png.png")
    )
    assert pictures.hits == ["/to-png.png", "/pothole.png"]
    assert len(records.get_request(rid).photos) == 1


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/page.html", "is not a JPEG or PNG image."),
        ("/lying.png", "is not the image its Content-Type says."),
        ("/tiny.png", "is too small to be a photo."),
        ("/huge.png", f"is larger than {photos.MAX_BYTES} bytes."),
        ("/gone.png", "answered HTTP 404."),
        ("/to-private.png", "must point to a public internet address."),
        ("/to-metadata.png", "must point to a public internet address."),
        ("/loop.png", f"redirects more than {media.MAX_REDIRECTS} times."),
    ],
)
def test_a_refused_picture_files_nothing(client, app_key, pictures, path, why):
    # GIVEN an app that sends a picture the checks refuse
    geo = GeoReportClient(chalice_transport(client), api_key=app_key)
    # WHEN it files a pothole with it
    with pytest.raises(GeoReportError) as exc:
        geo.create(
            "pothole", {"SIZE": "large"}, lat=ATHENS[0], long=ATHENS[1], media_url=_url(pictures, path)
        )
    # THEN 400 in the spec's error format says which rule, and nothing was filed or kept
    assert exc.value.status == 400
    assert exc.value.errors == [{"code": 400, "description": f"media_url {why}"}]
    assert list(CitizenRequest.scan()) == [] and _objects() == []
    # AND a redirect to an internal address was never followed
    assert not any(h.startswith("/latest") for h in pictures.hits)


def test_a_slow_picture_meets_the_timeout(client, app_key, pictures, monkeypatch):
    # GIVEN a one-second timeout and a server that waits three before sending
    monkeypatch.setenv("DIMOTIS_MEDIA_FETCH_TIMEOUT_SECONDS", "1")
    reset_settings()  # read here: Chalice's test client would read the stage of its own config
    assert (get_settings().stage, get_settings().media_fetch_timeout_seconds) == ("test", 1)
    geo = GeoReportClient(chalice_transport(client), api_key=app_key)
    # WHEN an app files with it; THEN 400, nothing filed
    with pytest.raises(GeoReportError) as exc:
        geo.create(
            "pothole", {"SIZE": "large"}, lat=ATHENS[0], long=ATHENS[1], media_url=_url(pictures, "/slow.png")
        )
    assert exc.value.status == 400 and "could not be fetched" in exc.value.errors[0]["description"]
    assert list(CitizenRequest.scan()) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/pothole.png",
        "http://localhost:{port}/pothole.png",
        "http://[::1]:{port}/pothole.png",
        "http://[::ffff:127.0.0.1]:{port}/pothole.png",
        "http://10.0.0.8/pothole.png",
        "http://192.168.1.20/pothole.png",
        "http://172.16.5.4/pothole.png",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[fd00::1]/pothole.png",
        "http://0.0.0.0:{port}/pothole.png",
        "http://100.64.0.1/pothole.png",
        "file:///etc/passwd",
        "ftp://example.org/pothole.png",
        "gopher://127.0.0.1:{port}/",
        "http://user:secret@example.org/pothole.png",
        "http://example.org:99999/pothole.png",
        "javascript:alert(1)",
    ],
)
def test_outside_the_local_and_test_stages_no_internal_address_is_fetched(
    client, app_key, pictures, monkeypatch, url
):
    # GIVEN the production stage (no loopback) and a picture served on loopback
    monkeypatch.setenv("DIMOTIS_STAGE", "prod")
    monkeypatch.setenv("DIMOTIS_TABLE_PREFIX", get_settings().table_prefix)
    monkeypatch.setenv("DIMOTIS_UPLOADS_BUCKET", get_settings().uploads_bucket)
    reset_settings()
    assert get_settings().stage == "prod"
    geo = GeoReportClient(chalice_transport(client), api_key=app_key)
    # WHEN an app names an internal address, or a scheme that is not http(s)
    with pytest.raises(GeoReportError) as exc:
        geo.create(
            "pothole",
            {"SIZE": "large"},
            lat=ATHENS[0],
            long=ATHENS[1],
            media_url=url.format(port=pictures.server_address[1]),
        )
    # THEN 400, and the server was never reached
    assert exc.value.status == 400 and exc.value.errors[0]["description"].startswith("media_url ")
    assert pictures.hits == []
    assert list(CitizenRequest.scan()) == []


def test_every_resolved_address_must_be_public():
    # GIVEN addresses as a resolver may answer them; THEN only public ones pass (loopback on request)
    assert media.address_allowed("93.184.216.34", loopback=False)
    assert media.address_allowed("2606:2800:220:1:248:1893:25c8:1946", loopback=False)
    for internal in (
        "127.0.0.1",
        "::1",
        "10.0.0.1",
        "169.254.169.254",
        "fe80::1%eth0",
        "::ffff:10.0.0.1",
        "224.0.0.1",
        "0.0.0.0",
        "240.0.0.1",
        "fc00::5",
    ):
        assert not media.address_allowed(internal, loopback=False), internal
    assert media.address_allowed("127.0.0.1", loopback=True)
    assert not media.address_allowed("10.0.0.1", loopback=True)


def test_media_of_types_that_take_none_or_need_one(client, app_key, pictures):
    # GIVEN a type that takes no picture (traffic light) and one that needs it
    RequestType(
        "traffic-light",
        name_el="Φανάρι",
        name_en="Traffic light",
        group="roads",
        group_el="Ο",
        group_en="R",
        department_id="roads",
        location="required",
        photo="none",
        public=True,
    ).save()
    RequestType(
        "graffiti",
        name_el="Γκράφιτι",
        name_en="Graffiti",
        group="cleaning",
        group_el="Κ",
        group_en="C",
        department_id="cleaning",
        location="required",
        photo="required",
        public=True,
    ).save()
    geo = GeoReportClient(chalice_transport(client), api_key=app_key)
    png = _url(pictures, "/pothole.png")
    # WHEN an app sends a picture to the first, and none to the second; THEN 400 naming media_url
    for code, extra in (("traffic-light", {"media_url": png}), ("graffiti", {})):
        with pytest.raises(GeoReportError) as exc:
            geo.create(code, {}, lat=ATHENS[0], long=ATHENS[1], description="x", **extra)
        assert exc.value.status == 400 and "media_url" in exc.value.errors[0]["description"]
    assert pictures.hits == []
    # AND with a picture the second is filed
    assert geo.file("graffiti", {}, lat=ATHENS[0], long=ATHENS[1], description="Τοίχος", media_url=png)


def test_the_media_address_serves_public_open311_media_only(client, app_key, pictures):
    # GIVEN a citizen's own photo on a report, and unknown ids
    key = f"{photos.owner_prefix('citizen', '123456789')}x.png"
    aws_client("s3").put_object(
        Bucket=get_settings().uploads_bucket, Key=key, Body=PNG, ContentType="image/png"
    )
    report = file_request(photos=[key])
    geo = GeoReportClient(chalice_transport(client), api_key=app_key)
    # WHEN a client reads the report; THEN no media_url: a citizen's photo is not published
    assert geo.request(report.request_id)[0]["media_url"] is None
    # AND its media address, and one of a request that does not exist, answer 404 in the spec's format
    for media_id in (f"{report.request_id}.png", "2020-999999.jpg"):
        resp = client.http.get(f"/open311/v2/media/{media_id}")
        assert resp.status_code == 404 and resp.json_body[0]["code"] == 404
