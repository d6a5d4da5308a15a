"""Who is asking, as an address: the client of a request, for per-client limits and the audit log.

Behind CloudFront, API Gateway's ``requestContext.identity.sourceIp`` is an address of
CloudFront's, shared by everyone near the same edge; the viewer's own address is in the
``CloudFront-Viewer-Address`` header CloudFront adds (``198.51.100.10:46532``,
``[2001:db8::1]:46532`` or ``2001:db8::1:46532``: the address and the source port). Anyone can send
that header straight to the API, so it is believed only when the request also carries
``X-Dimotis-Origin`` equal to the deployment's secret (setting ``DIMOTIS_ORIGIN_SECRET``), which
CloudFront adds on the way to the origin and no viewer knows; otherwise the source address is used.

An IPv6 client is its ``/64``: one home or phone gets a whole /64 and may use any address in it,
so counting single addresses would give one person billions of buckets.

Example::

    client_address(request)       # "203.0.113.7", or "2001:db8:1:2::/64"
    viewer_address(request)       # IPv6Address('2001:db8:1:2::9'): the whole address, for the audit log
    is_trusted("203.0.113.7")     # True when in DIMOTIS_LIMITS_TRUSTED_CLIENTS (a kiosk's office)

Limitation: a header without a port (never sent by CloudFront) whose IPv6 address ends in digits
only would lose its last group as if it were the port; the /64 is the same unless the address is
written with ``::`` in its first half.
"""

from __future__ import annotations

import hmac
import ipaddress
from functools import lru_cache
from typing import Any

from chalicelib.settings import get_settings

VIEWER_HEADER = "cloudfront-viewer-address"
ORIGIN_HEADER = "x-dimotis-origin"
IPV6_PREFIX = 64
UNKNOWN = "unknown"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_address(request: Any) -> str:
    """The client of ``request`` (a Chalice request or the middleware's event), as limits count
    it: an IPv4 address, an IPv6 /64 in CIDR form, or ``"unknown"``."""
    address = viewer_address(request)
    return client_key(address) if address is not None else UNKNOWN


def viewer_address(request: Any) -> Address | None:
    """The address the request came from, whole (the audit log keeps it): the viewer's behind
    CloudFront, else the source's; ``None`` when neither holds one."""
    headers = {k.lower(): v for k, v in (getattr(request, "headers", None) or {}).items()}
    address = None
    if _from_cloudfront(headers.get(ORIGIN_HEADER)):
        address = parse_viewer_address(headers.get(VIEWER_HEADER) or "")
    if address is None:
        context = getattr(request, "context", None) or {}
        address = _parse_ip((context.get("identity") or {}).get("sourceIp") or "")
    return address


def _from_cloudfront(value: str | None) -> bool:
    secret = get_settings().origin_secret
    return bool(secret) and value is not None and hmac.compare_digest(value.encode(), secret.encode())


def parse_viewer_address(value: str) -> Address | None:
    """The address in a ``CloudFront-Viewer-Address`` value (``ip:port``, IPv6 with or without
    brackets), or ``None`` when it holds none."""
    text = value.strip()
    if text.startswith("["):
        inside, _, _port = text[1:].partition("]")
        return _parse_ip(inside)
    if text.count(":") == 1:  # IPv4 and a port
        return _parse_ip(text.split(":", 1)[0])
    head, _, tail = text.rpartition(":")
    if tail.isdigit() and (address := _parse_ip(head)) is not None:
        return address
    return _parse_ip(text)


def _parse_ip(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_key(address: Address) -> str:
    """An IPv4 address as it is; an IPv6 address as its /64."""
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False))
    return str(address)


def is_trusted(client: str) -> bool:
    """Whether ``client`` (as ``client_address`` gives it) lies in one of the networks of
    ``DIMOTIS_LIMITS_TRUSTED_CLIENTS``: the municipality's own kiosks and offices, which skip the
    per-client buckets (the per-line and per-pass ones still hold). An IPv6 entry trusts the
    whole /64 it touches, since that is what a client is."""
    networks = _trusted_networks(get_settings().limits_trusted_clients)
    if not networks or client == UNKNOWN:
        return False
    try:
        mine = ipaddress.ip_network(client, strict=False)
    except ValueError:
        return False
    return any(mine.version == net.version and mine.overlaps(net) for net in networks)


@lru_cache(maxsize=4)
def _trusted_networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
