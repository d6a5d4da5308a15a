"""What every table shares: name from settings, region, on-demand billing, and a stream exactly
when a consumer reads it.

A model names its table by a logical key (``table_key = "appointments"``); the physical name
comes from settings when the model module is imported, so set the environment first. A table has a
stream (new and old images) when the stream router lists a consumer for it
(``chalicelib.services.platform.stream_router.CONSUMERS``): the local stack's pump, ``infra/``'s
event source mappings and the health page all read the models, so adding a consumer there is the
one change that turns a table's stream on everywhere.

Example::

    class Appointment(Model):
        Meta = meta("appointments")   # streamed: CONSUMERS["appointments"] exists

Limitation: the models read ``CONSUMERS`` when they are imported; a test that adds a consumer for
another table gets its records from the factory in ``tests/events``, not from a stream.
"""

from __future__ import annotations

from pynamodb.attributes import UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.botocore_session import share_per_thread
from chalicelib.clock import utcnow  # the one clock (kept here for the models' callers)
from chalicelib.services.platform.stream_router import CONSUMERS
from chalicelib.settings import get_settings

share_per_thread()  # one botocore session per thread for all models: cold start, see bench/

STREAM_VIEW = "NEW_AND_OLD_IMAGES"


def meta(table_key: str) -> type:
    """Build a PynamoDB ``Meta`` class for the table named ``table_key``.

    The table has a stream when the stream router's ``CONSUMERS`` has ``table_key``, and only then.
    """
    streamed = table_key in CONSUMERS
    settings = get_settings()
    attrs = {
        "table_name": settings.table_name(table_key),
        "region": settings.region,
        "billing_mode": "PAY_PER_REQUEST",
        "table_key": table_key,
    }
    if streamed:
        attrs["stream_view_type"] = STREAM_VIEW
    return type("Meta", (), attrs)


class CreatedAt(UTCDateTimeAttribute):
    """A creation time that defaults to now."""

    def __init__(self, **kwargs):
        kwargs.setdefault("default_for_new", utcnow)
        super().__init__(**kwargs)


__all__ = ["Model", "meta", "utcnow", "CreatedAt"]
