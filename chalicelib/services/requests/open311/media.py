"""Open311 ``media_url``: the server fetches the picture an app names, keeps a copy in the uploads
bucket beside the request's photos, and gives its own address for it on read.

Fetching (``fetch``) is where a URL from a third party meets the network, so it is narrow:

- ``http`` and ``https`` only, no user name or password in the URL;
- the host is resolved first and *every* address it resolves to must be a public one (not private,
  loopback, link-local such as the instance metadata address, multicast or reserved; IPv4 inside
  IPv6 is judged as IPv4); the connection then goes to the address that was checked, never to a
  second lookup (a name that answers differently the second time changes nothing). Loopback is
  allowed only in the local and test stages, so tests and the local stack can serve a picture;
- at most ``MAX_REDIRECTS`` redirects, each checked the same way;
- a timeout per connection and read (``DIMOTIS_MEDIA_FETCH_TIMEOUT_SECONDS``), and a deadline for
  the whole download of twice that;
- the same checks as a photo uploaded through the site (``requests.photos``): JPEG or PNG, between
  ``MIN_BYTES`` and ``MAX_BYTES``; the declared type must match the file's first bytes, and the
  download stops as soon as it passes the size.

The copy is stored under ``requests/o/<hash of the key id>/`` (``owner_prefix``) and named in the
request's ``photos`` like any photo, so staff see it with the others. Citizens' own photos are not
published through Open311 (the site's public view does not show them either): ``media_url`` on
read is the address of the copy of the media an Open311 app sent, ``/open311/v2/media/<id>.<ext>``,
which answers with a short-lived link to it (``media_link``), for public requests only.

Example::

    key = store(fetch("https://app.example/p/1.jpg"), key_id)   # "requests/o/<hash>/<uuid>.jpg"
    media_url_of(req, "https://dimotis.example.gr")            # ".../open311/v2/media/2026-000042.jpg"

Limitation: one picture per request (the spec has one ``media_url``); a page that embeds the
picture (a Twitpic-style page, which the spec mentions) is refused as not an image.
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import ApiError
from chalicelib.models.requests import CitizenRequest
from chalicelib.services.requests import photos, records
from chalicelib.services.requests.open311.formats import Open311Error
from chalicelib.settings import get_settings

MAX_REDIRECTS = 3
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024
MAGIC = {"image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",)}
LOOPBACK_STAGES = ("local", "test")
USER_AGENT = "Dimotis-Open311/1.0 (media_url fetch)"


@dataclass(frozen=True)
class Media:
    content: bytes
    content_type: str


def _refuse(reason: str) -> Open311Error:
    return Open311Error(400, f"media_url {reason}")


# -- where a URL may lead ------------------------------------------------------------------------
def address_allowed(address: str, *, loopback: bool) -> bool:
    """Whether a resolved address may be connected to: a public one, or loopback where allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return loopback
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def resolve(host: str, port: int, *, loopback: bool) -> tuple[Any, ...]:
    """The socket address to connect to for ``host``: every address it resolves to must be allowed
    (one bad answer refuses the URL), the first one is used."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refuse("names a host that does not resolve.") from None
    if not found or not all(address_allowed(info[4][0], loopback=loopback) for info in found):
        raise _refuse("must point to a public internet address.")
    return found[0][4]


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to an address resolved and checked beforehand (the Host header keeps the name)."""

    def __init__(self, host: str, port: int, address: tuple[Any, ...], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection(self._address[:2], self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address; the certificate is verified against the name in the URL."""

    def __init__(self, host: str, port: int, address: tuple[Any, ...], timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection(self._address[:2], self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


# -- fetching ------------------------------------------------------------------------------------
def fetch(url: str, *, timeout: float | None = None, loopback: bool | None = None) -> Media:
    """Download the picture at ``url`` under the rules in the module's docstring, or Open311Error 400
    saying which rule it broke."""
    settings = get_settings()
    timeout = timeout if timeout is not None else float(settings.media_fetch_timeout_seconds)
    loopback = settings.stage in LOOPBACK_STAGES if loopback is None else loopback
    deadline = time.monotonic() + 2 * timeout
    for _ in range(MAX_REDIRECTS + 1):
        parts = _parts(url)
        address = resolve(parts.hostname or "", _port(parts), loopback=loopback)
        kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        conn = kind(parts.hostname or "", _port(parts), address, timeout)
        try:
            target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
            conn.request("GET", target, headers={"User-Agent": USER_AGENT, "Accept": "image/jpeg, image/png"})
            resp = conn.getresponse()
            if resp.status in REDIRECTS and resp.getheader("Location"):
                url = urllib.parse.urljoin(url, resp.getheader("Location") or "")
                continue
            if resp.status != 200:
                raise _refuse(f"answered HTTP {resp.status}.")
            return _read_image(resp, deadline)
        except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
            raise _refuse(f"could not be fetched ({type(exc).__name__}).") from None
        finally:
            conn.close()
    raise _refuse(f"redirects more than {MAX_REDIRECTS} times.")


def _parts(url: str) -> urllib.parse.SplitResult:
    try:
        parts = urllib.parse.urlsplit(url.strip())
        host = (parts.hostname or "").encode("idna").decode("ascii")  # an international name, as DNS has it
        port = parts.port
    except (ValueError, UnicodeError):
        raise _refuse("is not a URL that can be fetched (its host or port).") from None
    if parts.scheme not in ("http", "https") or not host:
        raise _refuse("must be an http or https URL.")
    if parts.username or parts.password:
        raise _refuse("must not carry a user name or password.")
    netloc = f"[{host}]" if ":" in host else host
    return parts._replace(netloc=netloc if port is None else f"{netloc}:{port}")


def _port(parts: urllib.parse.SplitResult) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def _read_image(resp: http.client.HTTPResponse, deadline: float) -> Media:
    content_type = (resp.getheader("Content-Type") or "").split(";", 1)[0].strip().lower()
    if content_type not in photos.CONTENT_TYPES:
        raise _refuse("is not a JPEG or PNG image.")
    declared = resp.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > photos.MAX_BYTES:
        raise _refuse(f"is larger than {photos.MAX_BYTES} bytes.")
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise _refuse("took too long to download.")
        chunk = resp.read1(CHUNK)  # one read from the socket: a trickle cannot outlast the deadline
        if not chunk:
            break
        size += len(chunk)
        if size > photos.MAX_BYTES:
            raise _refuse(f"is larger than {photos.MAX_BYTES} bytes.")
        chunks.append(chunk)
    content = b"".join(chunks)
    if size < photos.MIN_BYTES:
        raise _refuse("is too small to be a photo.")
    if not content.startswith(MAGIC[content_type]):
        raise _refuse("is not the image its Content-Type says.")
    return Media(content, content_type)


# -- keeping and showing it ----------------------------------------------------------------------
def owner_prefix(key_id: str) -> str:
    """``requests/o/<hash of the Open311 key id>/``: where the media of one app's requests go."""
    digest = hashlib.sha256(f"open311:{key_id}".encode()).hexdigest()[:24]
    return f"{photos.PREFIX}/o/{digest}/"


def is_open311_media(key: str) -> bool:
    return key.startswith(f"{photos.PREFIX}/o/")


def store(media: Media, key_id: str) -> str:
    """Put the picture in the uploads bucket; returns its key."""
    from chalicelib.aws import client

    key = f"{owner_prefix(key_id)}{uuid.uuid4().hex}.{photos.CONTENT_TYPES[media.content_type]}"
    client("s3").put_object(
        Bucket=get_settings().uploads_bucket, Key=key, Body=media.content, ContentType=media.content_type
    )
    return key


def discard(key: str) -> None:
    """Remove a stored picture whose request was not filed after all (best effort)."""
    from chalicelib.aws import client

    try:
        client("s3").delete_object(Bucket=get_settings().uploads_bucket, Key=key)
    except Exception:  # noqa: BLE001 - an orphan picture is harmless; the refusal is what matters
        pass


def _media_key(req: CitizenRequest) -> str | None:
    return next((k for k in req.photos or [] if is_open311_media(k)), None)


def media_url_of(req: CitizenRequest, base_url: str) -> str | None:
    """The ``media_url`` of a request: our own address of the media an Open311 app sent, or None."""
    key = _media_key(req)
    if key is None:
        return None
    return f"{base_url}/open311/v2/media/{req.request_id}.{key.rsplit('.', 1)[-1]}"


def media_link(media_id: str) -> str:
    """A short-lived link to the media ``<request_id>.<ext>`` of a public request, or 404."""
    request_id, _, ext = media_id.rpartition(".")
    missing = Open311Error(404, f"media {media_id} was not found.")
    try:
        req = records.get_request(request_id)
    except ApiError:
        raise missing from None
    key = _media_key(req) if req.public else None
    if key is None or not key.endswith(f".{ext}"):
        raise missing
    return photos.view_url(key)
