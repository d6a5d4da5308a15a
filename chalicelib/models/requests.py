"""Citizen requests and reports: request types, requests, their timelines, the protocol counter
and the Open311 API keys. Every read the feature makes is a GetItem or a Query on these keys:

| question | key |
| --- | --- |
| the request types (catalogue, Open311 services) | ``RequestType.by_catalog`` (``catalog``, code) |
| a request by protocol number ``2026/000123`` | ``CitizenRequest`` hash ``2026-000123`` |
| a department's inbox by status, newest first | ``CitizenRequest.by_department_status`` (``department_status``, created_key) |
| a citizen's requests | ``CitizenRequest.by_citizen`` (taxid, created_key), sparse |
| open located public reports near a point | ``CitizenRequest.by_geo`` (``geo_cell`` = type#geohash6, geohash), sparse: only while open |
| public reports by month (Open311 GET requests) | ``CitizenRequest.by_feed`` (``feed_month``, created_key), sparse: public types only |
| an Open311 token | ``CitizenRequest.by_token`` (token), sparse |
| a request's timeline in order | ``TimelineEntry`` (request_id, seq) |
| the next protocol number of a year | ``ProtocolCounter`` (year): ``last_number`` |
| an Open311 key | ``Open311Key`` (key_id); all keys ``Open311Key.by_roster`` |

The status sets (``OPEN``, ``CLOSED``, ``STATUSES``, ``TRANSITIONS``), the channels and the
attribute datatypes live here and only here; services and schemas import them.
"""

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection

from chalicelib.models.base import CreatedAt, Model, meta

CATALOG = "types"
KEYS_ROSTER = "keys"

# a request's life: the open statuses, then the finished ones
OPEN = ("submitted", "received", "assigned", "in_progress", "on_hold")
CLOSED = ("resolved", "rejected", "closed")
STATUSES = OPEN + CLOSED
# where each status may go next (staff)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "submitted": ("received", "assigned", "in_progress", "on_hold", "resolved", "rejected"),
    "received": ("assigned", "in_progress", "on_hold", "resolved", "rejected"),
    "assigned": ("received", "in_progress", "on_hold", "resolved", "rejected"),
    "in_progress": ("assigned", "on_hold", "resolved", "rejected"),
    "on_hold": ("assigned", "in_progress", "resolved", "rejected"),
    "resolved": ("in_progress", "closed"),
    "rejected": ("closed",),
    "closed": (),
}
# how a request came in; staff record the last four on a citizen's behalf
CHANNELS = ("web", "phone", "in_person", "written", "press", "open311")
STAFF_CHANNELS = ("phone", "in_person", "written", "press")
# the Open311 datatypes of a request type's extra fields (``RequestType.attributes``)
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


class RequestTypeCatalog(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_catalog"
        projection = AllProjection()

    catalog = UnicodeAttribute(hash_key=True)
    code = UnicodeAttribute(range_key=True)


class RequestType(Model):
    """A kind of request or report (an Open311 service).

    ``attributes`` are Open311 attributes: ``[{"code", "datatype" (string | number | datetime |
    text | singlevaluelist | multivaluelist), "required", "order", "description_el",
    "description_en", "datatype_description", "values": [{"key", "name_el", "name_en"}]}]``.
    ``templates`` are staff response templates: ``[{"id", "title", "text_el", "text_en"}]``.
    """

    Meta = meta("request_types")

    code = UnicodeAttribute(hash_key=True)
    catalog = UnicodeAttribute(default=CATALOG)
    name_el = UnicodeAttribute()
    name_en = UnicodeAttribute()
    group = UnicodeAttribute()  # a stable key: "roads", "cleaning"...
    group_el = UnicodeAttribute()
    group_en = UnicodeAttribute()
    description_el = UnicodeAttribute(default="")
    description_en = UnicodeAttribute(default="")
    keywords = UnicodeAttribute(default="")
    department_id = UnicodeAttribute()
    attributes = JSONAttribute(default=list)
    location = UnicodeAttribute(default="none")  # none | optional | required
    photo = UnicodeAttribute(default="none")  # none | optional | required
    expected_days = NumberAttribute(default=10)
    public = BooleanAttribute(default=False)  # a public report (on the map) or a private request
    templates = JSONAttribute(default=list)
    active = BooleanAttribute(default=True)
    created_at = CreatedAt()
    updated_at = UTCDateTimeAttribute(null=True)

    by_catalog = RequestTypeCatalog()


class RequestsByDepartmentStatus(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_department_status"
        projection = AllProjection()

    department_status = UnicodeAttribute(hash_key=True)  # "<department_id>#<status>"
    created_key = UnicodeAttribute(range_key=True)  # "<created iso>#<request_id>"


class RequestsByCitizen(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_citizen"
        projection = AllProjection()

    taxid = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class RequestsByGeo(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_geo"
        projection = AllProjection()

    geo_cell = UnicodeAttribute(hash_key=True)  # "<type_code>#<geohash 6>"
    geohash = UnicodeAttribute(range_key=True)  # full geohash (9)


class RequestsByFeed(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_feed"
        projection = AllProjection()

    feed_month = UnicodeAttribute(hash_key=True)  # "YYYY-MM" of submission
    created_key = UnicodeAttribute(range_key=True)


class RequestsByToken(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_token"
        projection = KeysOnlyProjection()

    token = UnicodeAttribute(hash_key=True)


class CitizenRequest(Model):
    """A request or report, from its submission to its closing. ``version`` counts its changes; the
    timeline entry of change ``n`` is ``TimelineEntry(request_id, n)``, written in the same
    transaction as the change."""

    Meta = meta("citizen_requests")

    request_id = UnicodeAttribute(hash_key=True)  # "2026-000123"
    protocol = UnicodeAttribute()  # "2026/000123"
    year = NumberAttribute()
    number = NumberAttribute()
    type_code = UnicodeAttribute()
    department_id = UnicodeAttribute()
    status = UnicodeAttribute(default="submitted")
    public = BooleanAttribute(default=False)
    channel = UnicodeAttribute(default="web")  # web | phone | in_person | written | press | open311
    description = UnicodeAttribute(default="")
    attributes = JSONAttribute(default=dict)
    lat = NumberAttribute(null=True)
    lon = NumberAttribute(null=True)
    address = UnicodeAttribute(null=True)
    photos = ListAttribute(of=UnicodeAttribute, default=list)
    # who asked (personal data: never in public answers)
    taxid = UnicodeAttribute(null=True)
    requester_name = UnicodeAttribute(null=True)
    contact_email = UnicodeAttribute(null=True)
    contact_phone = UnicodeAttribute(null=True)
    language = UnicodeAttribute(default="el")
    # how the signed-in citizen chose to be told ("email", "sms"; [] none); absent: the profile's choices
    notify = ListAttribute(of=UnicodeAttribute, null=True)
    created_by = UnicodeAttribute(null=True)  # the staff member who took it on a citizen's behalf
    api_key_id = UnicodeAttribute(null=True)
    # work
    assigned_to = UnicodeAttribute(null=True)
    assigned_name = UnicodeAttribute(null=True)
    status_notes = UnicodeAttribute(null=True)  # the latest public note
    version = NumberAttribute(default=1)
    created_at = CreatedAt()
    updated_at = UTCDateTimeAttribute()
    due_at = UTCDateTimeAttribute()
    resolved_at = UTCDateTimeAttribute(null=True)
    # index keys
    department_status = UnicodeAttribute()
    created_key = UnicodeAttribute()
    geo_cell = UnicodeAttribute(null=True)
    geohash = UnicodeAttribute(null=True)
    feed_month = UnicodeAttribute(null=True)
    token = UnicodeAttribute(null=True)

    by_department_status = RequestsByDepartmentStatus()
    by_citizen = RequestsByCitizen()
    by_geo = RequestsByGeo()
    by_feed = RequestsByFeed()
    by_token = RequestsByToken()


class TimelineEntry(Model):
    """One change of a request: who, when, what, and a note. ``public`` entries are what the
    citizen sees (and is told about); ``note_public`` says whether the note is part of that."""

    Meta = meta("request_timeline")

    request_id = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(range_key=True)
    action = UnicodeAttribute()  # submitted | status | assigned | routed | note
    actor_kind = UnicodeAttribute()  # citizen | staff | open311
    actor = UnicodeAttribute(null=True)  # staff username, or "citizen"/api key id
    actor_name = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)  # the status after the change
    from_status = UnicodeAttribute(null=True)
    department_id = UnicodeAttribute(null=True)
    from_department_id = UnicodeAttribute(null=True)
    assigned_to = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    note_public = BooleanAttribute(default=False)
    public = BooleanAttribute(default=False)
    at = UTCDateTimeAttribute()


class ProtocolCounter(Model):
    """The last protocol number given in a year. Moved only inside the transaction that puts the
    request it numbers, on the condition that it still holds the value read (never reused, never
    skipped)."""

    Meta = meta("request_counters")

    year = NumberAttribute(hash_key=True)
    last_number = NumberAttribute(default=0)


class Open311KeyRoster(GlobalSecondaryIndex):
    class Meta:
        index_name = "roster"
        projection = AllProjection()

    roster = UnicodeAttribute(hash_key=True)
    key_id = UnicodeAttribute(range_key=True)


class Open311Key(Model):
    """An API key of a third-party app. The key given out is ``<key_id>.<secret>``; only the
    SHA-256 of the secret is kept."""

    Meta = meta("open311_keys")

    key_id = UnicodeAttribute(hash_key=True)
    secret_hash = UnicodeAttribute()
    name = UnicodeAttribute()
    contact = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = CreatedAt()
    revoked_at = UTCDateTimeAttribute(null=True)
    revoked_by = UnicodeAttribute(null=True)
    roster = UnicodeAttribute(default=KEYS_ROSTER)

    by_roster = Open311KeyRoster()


class FollowersByCitizen(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_citizen"
        projection = AllProjection()

    taxid = UnicodeAttribute(hash_key=True)
    followed_at_key = UnicodeAttribute(range_key=True)


class RequestFollower(Model):
    """A citizen who follows a public report (instead of filing a duplicate): told of its public
    changes like its author."""

    Meta = meta("request_followers")

    request_id = UnicodeAttribute(hash_key=True)
    taxid = UnicodeAttribute(range_key=True)
    followed_at_key = UnicodeAttribute()  # "<iso>#<request_id>"
    notify = ListAttribute(of=UnicodeAttribute, null=True)  # as ``CitizenRequest.notify``
    created_at = CreatedAt()

    by_citizen = FollowersByCitizen()
