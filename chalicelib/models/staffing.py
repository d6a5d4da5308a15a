"""Staffing: absences, who serves which service, the staff present per service and day, and the
appointments flagged when an absence leaves a slot over capacity.

| question | key |
| --- | --- |
| an employee's absences by date | ``Absence.by_employee`` (employee_number, start_day) |
| a department's absences by date | ``Absence.by_department`` (department_id, start_day) |
| staff assigned to a service | ``ServiceAssignment`` (service_id, employee_number) |
| services of an employee | ``ServiceAssignment.by_employee`` (employee_number, service_id) |
| staff present for a service on a day (capacity) | ``StaffingDay`` (service_id, day): only days that differ |
| a department's open flags, by slot | ``CapacityFlag.by_department_status`` (``<department>#<status>``, start) |
"""

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import CreatedAt, Model, meta

FLAG_STATUSES = ("open", "moved", "covered", "dismissed", "cleared")  # CapacityFlag.status


class AbsencesByEmployee(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_employee"
        projection = AllProjection()

    employee_number = UnicodeAttribute(hash_key=True)
    start_day = UnicodeAttribute(range_key=True)


class AbsencesByDepartment(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_department"
        projection = AllProjection()

    department_id = UnicodeAttribute(hash_key=True)
    start_day = UnicodeAttribute(range_key=True)


class Absence(Model):
    """Leave or sickness of one employee, whole days ``start_day`` .. ``end_day`` (local)."""

    Meta = meta("absences")

    absence_id = UnicodeAttribute(hash_key=True)
    employee_number = UnicodeAttribute()
    department_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # one of schemas/staffing.ABSENCE_KINDS: leave | sickness | other
    start_day = UnicodeAttribute()
    end_day = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    source = UnicodeAttribute(default="entered")  # entered | imported
    created_by = UnicodeAttribute()
    created_at = CreatedAt()

    by_employee = AbsencesByEmployee()
    by_department = AbsencesByDepartment()


class AssignmentsByEmployee(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_employee"
        projection = AllProjection()

    employee_number = UnicodeAttribute(hash_key=True)
    service_id = UnicodeAttribute(range_key=True)


class ServiceAssignment(Model):
    Meta = meta("service_assignments")

    service_id = UnicodeAttribute(hash_key=True)
    employee_number = UnicodeAttribute(range_key=True)
    department_id = UnicodeAttribute()
    created_at = CreatedAt()

    by_employee = AssignmentsByEmployee()


class StaffingDay(Model):
    """Staff present for a service on a day when it differs from everyone assigned: the slot
    capacity that day is ``min(service capacity, present + len(covers))``."""

    Meta = meta("staffing_days")

    service_id = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)
    assigned = NumberAttribute()
    present = NumberAttribute()
    absent = ListAttribute(of=UnicodeAttribute, default=list)
    covers = ListAttribute(of=UnicodeAttribute, default=list)  # colleagues covering that day
    updated_at = UTCDateTimeAttribute(null=True)


class FlagsByDepartmentStatus(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_department_status"
        projection = AllProjection()

    department_status = UnicodeAttribute(hash_key=True)  # "<department_id>#<status>"
    start = UnicodeAttribute(range_key=True)


class CapacityFlag(Model):
    """An appointment beyond its slot's capacity after an absence. ``status``: open, then moved
    (staff moved it to another slot: the citizen is told), covered (a colleague covers) or
    dismissed; ``cleared`` when the capacity came back by itself."""

    Meta = meta("capacity_flags")

    appointment_id = UnicodeAttribute(hash_key=True)
    service_id = UnicodeAttribute()
    department_id = UnicodeAttribute()
    start = UnicodeAttribute()
    day = UnicodeAttribute()
    capacity = NumberAttribute()
    booked = NumberAttribute()
    status = UnicodeAttribute(default="open")  # one of FLAG_STATUSES
    department_status = UnicodeAttribute()
    resolution = UnicodeAttribute(null=True)
    resolved_by = UnicodeAttribute(null=True)
    created_at = CreatedAt()
    updated_at = UTCDateTimeAttribute(null=True)

    by_department_status = FlagsByDepartmentStatus()
