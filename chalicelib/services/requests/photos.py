"""Photos of requests: the browser uploads straight to S3 with a presigned POST, under
``incoming/``; a request that takes the photo moves it to the kept prefix and keeps that key.
Whatever no request takes expires with the bucket's lifecycle rule (``INCOMING_RULE``: a day after
the upload), in AWS (``infra/``) and on the local stack (``devstack/stack.py``) alike.

The POST policy allows one key (under the uploader's own prefix), one content type (JPEG or PNG)
and a size range (``content-length-range``); S3 refuses anything else. When the request is
submitted, each key is checked again (under the uploader's own incoming prefix, present, of an
allowed type and size: a HEAD on the object), then ``attach`` copies it to its kept key (the same
key without ``incoming/``) before the request is stored, and deletes the incoming object once the
request is; a submission that fails takes its copies back (``release``), and the incoming objects
stay for a retry.

Example::

    form = upload_form("citizen", "123456789", "image/jpeg")
    # -> {"url": ..., "fields": {...}, "key": "incoming/requests/c/<hash>/<uuid>.jpg", ...}
    keys = check_keys(owner_prefix("citizen", "123456789"), [form["key"]])
    done = attach(keys)          # done.kept: ["requests/c/<hash>/<uuid>.jpg"], what the request keeps
    ...                          # store the request with done.kept (release(done) if that fails)
    forget_incoming(keys)

Limitation: a function that dies between the copy and storing the request leaves a kept copy that
no request names (the incoming object still expires); a photo can be attached to one request.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
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
# Uploads land here; the bucket's lifecycle rule removes what is still here a day later.
INCOMING_PREFIX = "incoming/"
KEPT_PREFIX = f"{PREFIX}/"
INCOMING_RULE = {
    "ID": "expire-unattached-uploads",
    "Filter": {"Prefix": INCOMING_PREFIX},
    "Status": "Enabled",
    "Expiration": {"Days": 1},
}


def owner_prefix(kind: str, owner: str) -> str:
    """``requests/c/<hash of the tax id>/`` for citizens, ``requests/s/<hash>/`` for staff: where
    the owner's photos are kept (uploads go under ``incoming/`` + this)."""
    digest = hashlib.sha256(f"{kind}:{owner}".encode()).hexdigest()[:24]
    return f"{PREFIX}/{'c' if kind == 'citizen' else 's'}/{digest}/"


def presign(prefix: str, content_type: str) -> dict[str, Any]:
    """An upload form for one new object under ``incoming/`` + ``prefix``."""
    if content_type not in CONTENT_TYPES:
        raise ValidationFailed(
            "Only JPEG or PNG photos.", code="photo_type", details={"field": "content_type"}
        )
    key = f"{INCOMING_PREFIX}{prefix}{uuid.uuid4().hex}.{CONTENT_TYPES[content_type]}"
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
    """The uploaded photos' keys, each under ``incoming/`` + ``prefix``, present, JPEG/PNG and
    within the size.

    A key outside the owner's prefix (someone else's photo), a key already attached to a request
    and a key with nothing uploaded get the same 404 ``photo_not_found``: another person's photo
    must not even seem to exist."""
    keys = list(dict.fromkeys(keys or []))
    if len(keys) > MAX_PHOTOS:
        raise ValidationFailed(
            f"At most {MAX_PHOTOS} photos.", code="too_many_photos", details={"field": "photos"}
        )
    s3 = client("s3")
    bucket = get_settings().uploads_bucket
    for key in keys:
        if not isinstance(key, str) or not key.startswith(INCOMING_PREFIX + prefix) or ".." in key:
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


def kept_key(incoming_key: str) -> str:
    """Where an uploaded photo is kept once a request takes it."""
    if not incoming_key.startswith(INCOMING_PREFIX):
        raise ValueError(f"not an upload: {incoming_key!r}")
    return incoming_key[len(INCOMING_PREFIX) :]


@dataclass
class Attached:
    """What ``attach`` did: the kept keys (in order), and which of them it copied just now."""

    kept: list[str]
    copied: list[str]


def attach(keys: list[str]) -> Attached:
    """Copy checked uploads (``check_keys``) to their kept keys. A kept key that exists already
    (an earlier attempt that died before the request was stored) is used as it is; a key the
    server stored itself under the kept prefix passes through. Safe to repeat."""
    done = Attached(kept=[k for k in keys if not k.startswith(INCOMING_PREFIX)], copied=[])
    if len(done.kept) == len(keys):
        return Attached(kept=list(keys), copied=[])
    s3 = client("s3")
    bucket = get_settings().uploads_bucket
    done.kept = []
    try:
        for key in keys:
            if not key.startswith(INCOMING_PREFIX):
                done.kept.append(key)
                continue
            target = kept_key(key)
            if not _exists(s3, bucket, target):
                s3.copy_object(
                    Bucket=bucket,
                    Key=target,
                    CopySource={"Bucket": bucket, "Key": key},
                    MetadataDirective="COPY",
                )
                done.copied.append(target)
            done.kept.append(target)
    except Exception:
        release(done)
        raise
    return done


def release(done: Attached) -> None:
    """Take back the copies ``attach`` made for a request that was not stored (never a kept
    photo it found there already: another request may name it)."""
    _delete(done.copied)


def _exists(s3: Any, bucket: str, key: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


def forget_incoming(keys: list[str]) -> None:
    """Delete the uploads once the request that took them is stored (the lifecycle rule would,
    a day later)."""
    _delete([k for k in keys if k.startswith(INCOMING_PREFIX)])


def _delete(keys: list[str]) -> None:
    if not keys:
        return
    s3 = client("s3")
    bucket = get_settings().uploads_bucket
    for key in keys:
        try:
            s3.delete_object(Bucket=bucket, Key=key)
        except Exception:  # noqa: BLE001 - best effort: the lifecycle rule or an operator finishes it
            from chalicelib.log import logger

            logger().warning("upload not deleted", extra={"key": key})


def view_url(key: str) -> str:
    """A short-lived link to look at a kept photo (for the request's owner and its staff)."""
    return client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": get_settings().uploads_bucket, "Key": key}, ExpiresIn=VIEW_SECONDS
    )
