"""The visit log: visitors (an opaque pass id and an encrypted contact), buildings with their
entrances, visits, open visits (presence), exposure incidents and their per-visitor markers.

Every read the visit log makes is a GetItem or a Query on these keys:

| question | key |
| --- | --- |
| a visitor by the pass id on their QR | ``Visitor`` (pass_id) |
| the buildings (kiosk, staff page) | ``Building.by_kind`` (``kind`` = "building", building_id) |
| visits at a building on a day, by check-in time | ``Visit`` (``building_day``, ``visit_key``) |
| is this pass inside this building now | ``VisitPresence`` (``building_pass``) |
| open visits due to close (schedule) | ``VisitPresence.by_due`` (``due_day``, ``closes_key``) |
| the incidents, newest first | ``ExposureIncident.by_kind`` (``kind`` = "incident", created_key) |
| the windows of a building's live incidents (one per building and window) | ``ExposureWindows`` (building_id) |
| was this visitor told about this incident | ``ExposureRecipient`` (incident_id, pass_id) |

Personal data lives only in ``Visitor.contact_*``: the name, mobile and email sealed together with
envelope encryption (``services/platform/crypto.py``). Everything that concerns a visitor carries a
DynamoDB TTL (``DIMOTIS_VISIT_TTL_DAYS``, 14 by default); TTL deletes late, so reads skip items
whose ``expires_at`` has passed (``alive``). Buildings are configuration and do not expire.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import (
    BinaryAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib import clock
from chalicelib.models.base import CreatedAt, Model, meta

# pending (declared, waiting for the second key) -> approved -> matching -> queued -> done;
# or pending -> rejected (a refusal, or the declarer's withdrawal)
PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
INCIDENT_STATUSES = (PENDING, REJECTED, APPROVED, "matching", "queued", "done")
INCIDENT_FANNING = (APPROVED, "matching")  # approved, its fan-out not finished: (re)do it; never others
RECIPIENT_STATUSES = ("sending", "sent", "failed")
RECIPIENT_FINAL = ("sent", "failed")  # a marker in one of these is never sent again


def alive(item: object, now: datetime | None = None) -> bool:
    """Whether an item is not expired (TTL deletes up to days late: reads must check)."""
    expires = getattr(item, "expires_at", None)
    return expires is None or expires > (now or clock.utcnow())


class Visitor(Model):
    """A registered visitor. ``pass_id`` is random and is all their QR holds."""

    Meta = meta("visitors")
    # no point-in-time recovery: a PITR copy would keep a deleted visitor 35 days, the visit log
    # promises 14 (README "Operations"); infra/ reads this
    Meta.point_in_time_recovery = False

    pass_id = UnicodeAttribute(hash_key=True)
    # the sealed contact {"name", "mobile", "email"}: the KMS-encrypted data key, nonce, ciphertext
    contact_key = BinaryAttribute(legacy_encoding=False)
    contact_nonce = BinaryAttribute(legacy_encoding=False)
    contact_ct = BinaryAttribute(legacy_encoding=False)
    channels = ListAttribute(of=UnicodeAttribute, default=list)  # "email", "sms": which exist
    language = UnicodeAttribute(default="el")
    consent_at = UTCDateTimeAttribute()
    registered_by = UnicodeAttribute(default="self")  # "self" or "staff"
    created_at = CreatedAt()
    expires_at = TTLAttribute()


class Entrance(MapAttribute):
    entrance_id = UnicodeAttribute()
    name_el = UnicodeAttribute()
    name_en = UnicodeAttribute(null=True)


class BuildingsByKind(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_kind"
        projection = AllProjection()

    kind = UnicodeAttribute(hash_key=True)
    building_id = UnicodeAttribute(range_key=True)


class Building(Model):
    """A municipal building with entrances (each has a kiosk) and a daily closing time."""

    Meta = meta("buildings")

    building_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(default="building")
    name_el = UnicodeAttribute()
    name_en = UnicodeAttribute(null=True)
    address = UnicodeAttribute(null=True)
    closing_time = UnicodeAttribute()  # "HH:MM", Europe/Athens
    entrances = ListAttribute(of=Entrance, default=list)
    created_at = CreatedAt()
    updated_at = UTCDateTimeAttribute(null=True)

    by_kind = BuildingsByKind()


class Visit(Model):
    """One stay in a building: checked in at an entrance, out by a scan or at closing time.

    ``closes_at`` is the building's closing time on the day of check-in (the end of that day if the
    check-in came after it), so a visit never lasts past its day partition.
    """

    Meta = meta("visits")  # its stream feeds the statistics (visit.count)

    building_day = UnicodeAttribute(hash_key=True)  # "<building_id>#YYYY-MM-DD" (local day)
    visit_key = UnicodeAttribute(range_key=True)  # "<check-in iso UTC>#<pass_id>"
    building_id = UnicodeAttribute()
    day = UnicodeAttribute()  # local day of check-in, YYYY-MM-DD
    pass_id = UnicodeAttribute()
    entrance_in = UnicodeAttribute(null=True)
    entrance_out = UnicodeAttribute(null=True)
    check_in = UTCDateTimeAttribute()
    check_out = UTCDateTimeAttribute(null=True)
    closes_at = UTCDateTimeAttribute()
    closed_by = UnicodeAttribute(null=True)  # "scan" | "schedule" | "next_scan"
    expires_at = TTLAttribute()


class PresenceByDue(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_due"
        projection = AllProjection()

    due_day = UnicodeAttribute(hash_key=True)  # local day of closes_at
    closes_key = UnicodeAttribute(range_key=True)  # "<closes_at iso>#<building_pass>"


class VisitPresence(Model):
    """The one open visit of a pass in a building; its conditional put stops double check-ins."""

    Meta = meta("visit_presence")

    building_pass = UnicodeAttribute(hash_key=True)  # "<building_id>#<pass_id>"
    building_day = UnicodeAttribute()
    visit_key = UnicodeAttribute()
    check_in = UTCDateTimeAttribute()
    closes_at = UTCDateTimeAttribute()
    due_day = UnicodeAttribute()
    closes_key = UnicodeAttribute()
    expires_at = TTLAttribute()

    by_due = PresenceByDue()


class IncidentsByKind(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_kind"
        projection = AllProjection()

    kind = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)  # "<created iso>#<incident_id>"


class ExposureIncident(Model):
    """An exposure window at a building, declared by one officer and sent only once a second one
    (or an admin) approves it: the stream record of the change to ``approved`` starts the
    notification.

    ``status``: pending -> approved -> matching -> queued -> done, or pending -> rejected. Counts
    are changed with ADD (sent, failed) or a monotonic SET (matched, queued), never
    read-modify-write.
    """

    Meta = meta("exposure_incidents")

    incident_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(default="incident")
    created_key = UnicodeAttribute()
    building_id = UnicodeAttribute()
    window_start = UTCDateTimeAttribute()
    window_end = UTCDateTimeAttribute()
    message_el = UnicodeAttribute()
    message_en = UnicodeAttribute(null=True)
    declared_by = UnicodeAttribute()
    status = UnicodeAttribute(default=PENDING)
    decided_by = UnicodeAttribute(null=True)  # who approved or rejected it (never the declarer, to approve)
    decided_at = UTCDateTimeAttribute(null=True)
    decision_note = UnicodeAttribute(null=True)  # why it was rejected
    matched = NumberAttribute(default=0)
    queued = NumberAttribute(default=0)
    sent = NumberAttribute(default=0)
    failed = NumberAttribute(default=0)
    visits_read = NumberAttribute(default=0)
    created_at = CreatedAt()
    finished_at = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute()

    by_kind = IncidentsByKind()


class ExposureWindows(Model):
    """The windows of a building's live incidents (pending or approved; a rejected one is taken
    out), so a new incident is refused when its window overlaps one: declaring reads this item and
    writes it back in the incident's transaction on the condition that ``version`` is still the
    one read. ``windows``: ``[{"incident_id", "start", "end", "expires"}]`` (ISO instants; expired
    ones are dropped at the next write)."""

    Meta = meta("exposure_windows")

    building_id = UnicodeAttribute(hash_key=True)
    version = NumberAttribute(default=0)
    windows = JSONAttribute(default=list)


class ExposureRecipient(Model):
    """A visitor's marker for an incident: put once, so each visitor is told at most once.

    ``status``: sending -> sent | failed. No contact detail, only the pass id.
    """

    Meta = meta("exposure_recipients")

    incident_id = UnicodeAttribute(hash_key=True)
    pass_id = UnicodeAttribute(range_key=True)
    status = UnicodeAttribute(default="sending")
    reason = UnicodeAttribute(null=True)
    channels = NumberAttribute(default=0)
    updated_at = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute()
