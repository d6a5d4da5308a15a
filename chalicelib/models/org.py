"""The organisation chart: directorates, departments, employees.

Each table has a ``roster`` index (hash ``roster``, always ``"org"``) so that the org chart import
lists the whole chart with a Query, never a scan (a municipality has hundreds of rows, not millions).
"""

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import CreatedAt, Model, meta

ROSTER = "org"


class DirectorateRoster(GlobalSecondaryIndex):
    class Meta:
        index_name = "roster"
        projection = AllProjection()

    roster = UnicodeAttribute(hash_key=True)
    directorate_id = UnicodeAttribute(range_key=True)


class DepartmentRoster(GlobalSecondaryIndex):
    class Meta:
        index_name = "roster"
        projection = AllProjection()

    roster = UnicodeAttribute(hash_key=True)
    department_id = UnicodeAttribute(range_key=True)


class EmployeeRoster(GlobalSecondaryIndex):
    class Meta:
        index_name = "roster"
        projection = AllProjection()

    roster = UnicodeAttribute(hash_key=True)
    employee_number = UnicodeAttribute(range_key=True)


class Directorate(Model):
    Meta = meta("directorates")

    directorate_id = UnicodeAttribute(hash_key=True)
    name_el = UnicodeAttribute()
    name_en = UnicodeAttribute(null=True)
    active = BooleanAttribute(default=True)
    created_at = CreatedAt()
    roster = UnicodeAttribute(default=ROSTER)
    updated_at = UTCDateTimeAttribute(null=True)

    by_roster = DirectorateRoster()


class Department(Model):
    Meta = meta("departments")

    department_id = UnicodeAttribute(hash_key=True)
    directorate_id = UnicodeAttribute(null=True)
    parent_id = UnicodeAttribute(null=True)
    name_el = UnicodeAttribute()
    name_en = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    active = BooleanAttribute(default=True)
    created_at = CreatedAt()
    roster = UnicodeAttribute(default=ROSTER)
    updated_at = UTCDateTimeAttribute(null=True)

    by_roster = DepartmentRoster()


class EmployeesByDepartment(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_department"
        projection = AllProjection()

    department_id = UnicodeAttribute(hash_key=True)
    employee_number = UnicodeAttribute(range_key=True)


class Employee(Model):
    """A member of staff. ``username`` is their Cognito user name. An administrator may belong to
    no department (``department_id`` None: not in the ``by_department`` index)."""

    Meta = meta("employees")

    employee_number = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute()
    full_name = UnicodeAttribute()
    email = UnicodeAttribute()
    department_id = UnicodeAttribute(null=True)
    role = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    created_at = CreatedAt()
    updated_at = UTCDateTimeAttribute(null=True)
    roster = UnicodeAttribute(default=ROSTER)
    deactivated_at = UTCDateTimeAttribute(null=True)

    by_department = EmployeesByDepartment()
    by_roster = EmployeeRoster()
