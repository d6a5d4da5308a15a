"""The organisation chart: directorates, departments, employees."""

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import CreatedAt, Model, meta


class Directorate(Model):
    Meta = meta("directorates")

    directorate_id = UnicodeAttribute(hash_key=True)
    name_el = UnicodeAttribute()
    name_en = UnicodeAttribute(null=True)
    active = BooleanAttribute(default=True)
    created_at = CreatedAt()


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


class EmployeesByDepartment(GlobalSecondaryIndex):
    class Meta:
        index_name = "by_department"
        projection = AllProjection()

    department_id = UnicodeAttribute(hash_key=True)
    employee_number = UnicodeAttribute(range_key=True)


class Employee(Model):
    """A member of staff. ``username`` is their Cognito user name."""

    Meta = meta("employees")

    employee_number = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute()
    full_name = UnicodeAttribute()
    email = UnicodeAttribute()
    department_id = UnicodeAttribute()
    role = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    created_at = CreatedAt()
    updated_at = UTCDateTimeAttribute(null=True)

    by_department = EmployeesByDepartment()
