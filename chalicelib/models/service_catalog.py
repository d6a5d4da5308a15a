"""Bookable services: one item per service, with the id of its service point, weekly hours, named
periods, date exceptions and booking limits (table ``services``).

| question | key |
| --- | --- |
| one service (availability, booking; cached per container) | ``service_id`` (GetItem) |
| every active service (citizens' catalogue) | ``Service.by_catalog`` (``catalog`` = ``"all"``, service_id) |
| the services of a department (staff) | ``Service.by_department`` (department_id, service_id) |
| the services at a service point (before the point is deactivated) | ``Service.by_service_point`` (service_point_id, service_id) |

``hours`` maps ISO weekday (``"1"`` Monday ... ``"7"`` Sunday) to open intervals in local time
(Europe/Athens), breaks being the gaps: ``{"1": [["08:00", "11:00"], ["11:30", "14:30"]]}``.
``periods`` are named date ranges with other hours, or closed: ``[{"id": "summer", "name_el":
"Θερινό ωράριο", "name_en": "Summer hours", "from": "2026-07-01", "to": "2026-08-31", "closed":
false, "hours": {"1": [["08:00", "13:00"]], ...}}, {"id": "feast", ..., "from": "2026-08-06",
"to": "2026-08-06", "closed": true}]``. ``exceptions`` maps a single date to the intervals of that
day (``[]`` = closed): ``{"2026-12-24": [["08:00", "12:00"]]}``. Which rule decides a day is
written once, in ``services/appointments/opening_hours.py``.

The service point itself (names, address, map position, contacts) is a ``ServicePoint`` item
(``models/service_points.py``), read when a service is shown.
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

CATALOG = "all"


class ServicesByCatalog(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_catalog"
        projection = AllProjection()

    catalog = UnicodeAttribute(hash_key=True)
    service_id = UnicodeAttribute(range_key=True)


class ServicesByDepartment(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_department"
        projection = AllProjection()

    department_id = UnicodeAttribute(hash_key=True)
    service_id = UnicodeAttribute(range_key=True)


class ServicesByServicePoint(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_service_point"
        projection = AllProjection()

    service_point_id = UnicodeAttribute(hash_key=True)
    service_id = UnicodeAttribute(range_key=True)


class Service(Model):
    """A service citizens book (e.g. a certificate at the KEP), at one service point."""

    Meta = meta("services")

    service_id = UnicodeAttribute(hash_key=True)
    department_id = UnicodeAttribute()
    name_el = UnicodeAttribute()
    name_en = UnicodeAttribute()
    description_el = UnicodeAttribute(default="")
    description_en = UnicodeAttribute(default="")
    # [{"name_el", "name_en", "where_el", "where_en"}]
    documents = JSONAttribute(default=list)
    service_point_id = UnicodeAttribute()
    duration_minutes = NumberAttribute(default=15)
    slot_minutes = NumberAttribute(default=15)
    capacity = NumberAttribute(default=1)
    min_notice_minutes = NumberAttribute(default=120)
    max_days_ahead = NumberAttribute(default=30)
    cancel_cutoff_minutes = NumberAttribute(default=60)
    max_per_day = NumberAttribute(default=1)
    hours = JSONAttribute(default=dict)
    periods = JSONAttribute(default=list)
    exceptions = JSONAttribute(default=dict)
    active = BooleanAttribute(default=True)
    catalog = UnicodeAttribute(default=CATALOG)
    created_at = CreatedAt()
    updated_at = UTCDateTimeAttribute(null=True)

    by_catalog = ServicesByCatalog()
    by_department = ServicesByDepartment()
    by_service_point = ServicesByServicePoint()
