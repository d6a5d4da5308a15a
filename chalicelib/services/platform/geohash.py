"""Geohash encoding, a cell's neighbours and distances: what the nearby-reports index needs.

A geohash of 7 characters is a cell of about 153 m x 153 m at the equator (narrower in longitude
further north), so every point within 100 m of a point lies in the point's 7-character cell or one
of its 8 neighbours. Query those 9 cells, then keep what is within the radius.

Example::

    encode(37.9838, 23.7275, 9)   # "swbb5ftzn"
    neighbours("swbb5ft")         # the 8 cells around it
"""

from __future__ import annotations

import math

BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"
_DECODE = {c: i for i, c in enumerate(BASE32)}
EARTH_RADIUS_M = 6_371_000.0


def encode(lat: float, lon: float, precision: int = 9) -> str:
    lat_lo, lat_hi, lon_lo, lon_hi = -90.0, 90.0, -180.0, 180.0
    out, bits, value, even = [], 0, 0, True
    while len(out) < precision:
        if even:
            mid = (lon_lo + lon_hi) / 2
            if lon >= mid:
                value, lon_lo = (value << 1) | 1, mid
            else:
                value, lon_hi = value << 1, mid
        else:
            mid = (lat_lo + lat_hi) / 2
            if lat >= mid:
                value, lat_lo = (value << 1) | 1, mid
            else:
                value, lat_hi = value << 1, mid
        even = not even
        bits += 1
        if bits == 5:
            out.append(BASE32[value])
            bits, value = 0, 0
    return "".join(out)


def bounds(cell: str) -> tuple[float, float, float, float]:
    """``(lat_lo, lat_hi, lon_lo, lon_hi)`` of a cell."""
    lat_lo, lat_hi, lon_lo, lon_hi = -90.0, 90.0, -180.0, 180.0
    even = True
    for char in cell:
        value = _DECODE[char]
        for shift in range(4, -1, -1):
            bit = (value >> shift) & 1
            if even:
                mid = (lon_lo + lon_hi) / 2
                lon_lo, lon_hi = (mid, lon_hi) if bit else (lon_lo, mid)
            else:
                mid = (lat_lo + lat_hi) / 2
                lat_lo, lat_hi = (mid, lat_hi) if bit else (lat_lo, mid)
            even = not even
    return lat_lo, lat_hi, lon_lo, lon_hi


def neighbours(cell: str) -> list[str]:
    """The 8 cells around ``cell`` (same precision), found from its centre and size."""
    lat_lo, lat_hi, lon_lo, lon_hi = bounds(cell)
    dlat, dlon = lat_hi - lat_lo, lon_hi - lon_lo
    clat, clon = (lat_lo + lat_hi) / 2, (lon_lo + lon_hi) / 2
    out = []
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dx == 0 and dy == 0:
                continue
            lat = max(-89.999999, min(89.999999, clat + dy * dlat))
            lon = ((clon + dx * dlon + 180.0) % 360.0) - 180.0
            found = encode(lat, lon, len(cell))
            if found not in out and found != cell:
                out.append(found)
    return out


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
