"""Photos of requests: the browser uploads straight to S3 with a presigned POST; the request keeps
the object key.

The POST policy allows one key (under the uploader's own prefix), one content type (JPEG or PNG)
and a size range (``content-length-range``); S3 refuses anything else. When the request is
submitted, each key is checked again: under the uploader's prefix, present, of an allowed type
and size (a HEAD on the object).

Example::

    form = presign(owner_prefix("citizen", "123456789"), "image/jpeg")
    # -> {"url": ..., "fields": {...}, "key": "requests/c/<hash>/<uuid>.jpg", "max_bytes": ...}

Limitation: an upload that no request ever names stays in the bucket (no rule removes it).
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from chalicelib.aws import client
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.settings import get_settings

CONTENT_TYPES = {"image/jpeg": "jpg", "image/png": "png"}
MAX_BYTES = 5 * 1024 * 1024
MIN_BYTES = 100
MAX_PHOTOS = 3
EXPIRES_SECONDS = 600
VIEW_SECONDS = 300
PREFIX = "requests"


def owner_prefix(kind: str, owner: str) -> str:
    """``requests/c/<hash of the tax id>/`` for citizens, ``requests/s/<hash>/`` for staff."""
    digest = hashlib.sha256(f"{kind}:{owner}".encode()).hexdigest()[:24]
    return f"{PREFIX}/{'c' if kind == 'citizen' else 's'}/{digest}/"


def presign(prefix: str, content_type: str) -> dict[str, Any]:
    if content_type not in CONTENT_TYPES:
        raise ValidationFailed(
            "Only JPEG or PNG photos.", code="photo_type", details={"field": "content_type"}
        )
    key = f"{prefix}{uuid.uuid4().hex}.{CONTENT_TYPES[content_type]}"
    bucket = get_settings().uploads_bucket
    post = client("s3").generate_presigned_post(
        Bucket=bucket,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[
            {"Content-Type": content_type},
            ["content-length-range", MIN_BYTES, MAX_BYTES],
            {"key": key},
        ],
        ExpiresIn=EXPIRES_SECONDS,
    )
    return {
        "url": post["url"],
        "fields": post["fields"],
        "key": key,
        "max_bytes": MAX_BYTES,
        "content_type": content_type,
    }


def upload_form(owner_kind: str, owner: str, content_type: str) -> dict[str, Any]:
    """The upload form for a photo under its owner's prefix (``citizen`` tax id, ``staff`` name).
    A citizen gets at most ``photo_forms_citizen_day`` forms a day (429 ``daily_limit``)."""
    form = presign(owner_prefix(owner_kind, owner), content_type)  # checks the type; writes nothing
    if owner_kind == "citizen":
        from chalicelib.services.platform import limits

        limits.check_daily("photo_forms_citizen_day", owner)
    return form


def check_keys(prefix: str, keys: list[str] | None) -> list[str]:
    """The uploaded photos' keys, each under ``prefix``, present, JPEG/PNG and within the size.

    A key outside ``prefix`` (someone else's photo) and a key with nothing uploaded get the same
    404 ``photo_not_found``: another person's photo must not even seem to exist."""
    keys = list(dict.fromkeys(keys or []))
    if len(keys) > MAX_PHOTOS:
        raise ValidationFailed(
            f"At most {MAX_PHOTOS} photos.", code="too_many_photos", details={"field": "photos"}
        )
    s3 = client("s3")
    bucket = get_settings().uploads_bucket
    for key in keys:
        if not isinstance(key, str) or not key.startswith(prefix) or ".." in key:
            raise NotFound("No such photo.", code="photo_not_found", details={"field": "photos"})
        try:
            head = s3.head_object(Bucket=bucket, Key=key)
        except Exception:  # noqa: BLE001 - missing object, or S3 refused
            raise NotFound(
                "No such photo: it was not uploaded.", code="photo_not_found", details={"field": "photos"}
            ) from None
        if head.get("ContentType") not in CONTENT_TYPES or not (
            MIN_BYTES <= int(head.get("ContentLength", 0)) <= MAX_BYTES
        ):
            raise ValidationFailed(
                "A photo is not a JPEG/PNG of an allowed size.",
                code="photo_type",
                details={"field": "photos"},
            )
    return keys


def view_url(key: str) -> str:
    """A short-lived link to look at a photo (for the request's owner and its staff)."""
    return client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": get_settings().uploads_bucket, "Key": key}, ExpiresIn=VIEW_SECONDS
    )
