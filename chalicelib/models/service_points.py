"""Service points: the places where citizens are served (a KEP counter hall, the civil registry
office, the cleaning depot), each with its names, address, map position, contacts and opening
hours (table ``service_points``). Services (``models/service_catalog.py``) and queues
(``models/queue.py``) refer to one by ``service_point_id``.

| question | key |
| --- | --- |
| one point (service page, proof, kiosk; cached per container) | ``service_point_id`` (GetItem; many: BatchGetItem) |
| every point (the catalogue page, the choice of a service's point) | ``ServicePoint.by_catalog`` (``catalog`` = ``"points"``, service_point_id) |

``hours`` are the point's weekly opening hours as intervals, like a service's (``{"1": [["08:00",
"15:00"]]}``); ``hours_el``/``hours_en`` say them in words for people ("Monday to Friday 08:00-15:00,
Wednesday also 17:00-19:00"). A point is deactivated, never deleted: old appointments and tickets
name it.
"""

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import CreatedAt, Model, meta

CATALOG = "points"


class PointsByCatalog(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_catalog"
        projection = AllProjection()

    catalog = UnicodeAttribute(hash_key=True)
    service_point_id = UnicodeAttribute(range_key=True)


class ServicePoint(Model):
    """A place where citizens are served, owned (edited) by one department."""

    Meta = meta("service_points")

    service_point_id = UnicodeAttribute(hash_key=True)  # "kep-dimarxeio": in kiosk and board addresses
    department_id = UnicodeAttribute()
    name_el = UnicodeAttribute()
    name_en = UnicodeAttribute()
    address_el = UnicodeAttribute(default="")
    address_en = UnicodeAttribute(default="")
    lat = NumberAttribute(null=True)
    lng = NumberAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    hours_el = UnicodeAttribute(default="")
    hours_en = UnicodeAttribute(default="")
    hours = JSONAttribute(default=dict)
    active = BooleanAttribute(default=True)
    catalog = UnicodeAttribute(default=CATALOG)
    version = NumberAttribute(default=1)
    created_at = CreatedAt()
    updated_at = UTCDateTimeAttribute(null=True)

    by_catalog = PointsByCatalog()
