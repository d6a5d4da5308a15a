"""What every table shares: name from settings, region, on-demand billing, a stream.

A model names its table by a logical key (``table_key = "appointments"``); the physical name
comes from settings when the model module is imported, so set the environment first.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.attributes import UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.botocore_session import share_per_thread
from chalicelib.settings import get_settings

share_per_thread()  # one botocore session per thread for all models: cold start, see bench/

STREAM_VIEW = "NEW_AND_OLD_IMAGES"


def meta(table_key: str, *, stream: bool = True) -> type:
    """Build a PynamoDB ``Meta`` class for the table named ``table_key``."""
    settings = get_settings()
    attrs = {
        "table_name": settings.table_name(table_key),
        "region": settings.region,
        "billing_mode": "PAY_PER_REQUEST",
        "table_key": table_key,
    }
    if stream:
        attrs["stream_view_type"] = STREAM_VIEW
    return type("Meta", (), attrs)


def utcnow() -> datetime:
    return datetime.now(UTC)


class CreatedAt(UTCDateTimeAttribute):
    """A creation time that defaults to now."""

    def __init__(self, **kwargs):
        kwargs.setdefault("default_for_new", utcnow)
        super().__init__(**kwargs)


__all__ = ["Model", "meta", "utcnow", "CreatedAt"]
