"""The append-only audit log of staff actions (DESIGN: back office).

No route updates or deletes an entry; ``infra/`` denies UpdateItem and DeleteItem on this table to
the Lambda role (``append_only = True`` below tells it so). Indexes: by entity, by staff member,
by day, by department and day, each ordered by time.
"""

from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import CreatedAt, Model, meta


class AuditByEntity(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_entity"
        projection = AllProjection()

    entity_key = UnicodeAttribute(hash_key=True)
    at_key = UnicodeAttribute(range_key=True)


class AuditByActor(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_actor"
        projection = AllProjection()

    actor = UnicodeAttribute(hash_key=True)
    at_key = UnicodeAttribute(range_key=True)


class AuditByDay(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_day"
        projection = AllProjection()

    day = UnicodeAttribute(hash_key=True)
    at_key = UnicodeAttribute(range_key=True)


class AuditByDepartmentDay(GlobalSecondaryIndex):
    """A department's entries of one day (sparse: entries of staff without a department are not
    in it), so a manager's search reads only their department's entries."""

    class Meta:
        index_name = "by_department_day"
        projection = AllProjection()

    department_day = UnicodeAttribute(hash_key=True)
    at_key = UnicodeAttribute(range_key=True)


class AuditEntry(Model):
    Meta = meta("audit")
    Meta.append_only = True

    entry_id = UnicodeAttribute(hash_key=True)
    at_key = UnicodeAttribute()  # ISO time + entry id: unique and ordered
    day = UnicodeAttribute()
    actor = UnicodeAttribute()
    role = UnicodeAttribute()
    department_id = UnicodeAttribute(null=True)
    department_day = UnicodeAttribute(null=True)  # department_id#day, when there is a department
    action = UnicodeAttribute()
    entity_type = UnicodeAttribute()
    entity_id = UnicodeAttribute()
    entity_key = UnicodeAttribute()  # entity_type#entity_id
    before = JSONAttribute(null=True)
    after = JSONAttribute(null=True)
    source_ip = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)  # the HTTP status of the action
    correlation_id = UnicodeAttribute(null=True)
    created_at = CreatedAt()

    by_entity = AuditByEntity()
    by_actor = AuditByActor()
    by_day = AuditByDay()
    by_department_day = AuditByDepartmentDay()
