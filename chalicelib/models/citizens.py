"""Citizens who signed in with Taxisnet, keyed by tax id (ΑΦΜ)."""

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.models.base import CreatedAt, Model, meta


class Citizen(Model):
    Meta = meta("citizens")

    taxid = UnicodeAttribute(hash_key=True)
    userid = UnicodeAttribute(null=True)
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    father_name = UnicodeAttribute(null=True)
    mother_name = UnicodeAttribute(null=True)
    birth_year = NumberAttribute(null=True)
    email = UnicodeAttribute(null=True)
    mobile = UnicodeAttribute(null=True)
    language = UnicodeAttribute(default="el")
    notify_email = BooleanAttribute(default=True)
    notify_sms = BooleanAttribute(default=False)
    topics = UnicodeAttribute(null=True)  # comma-separated alert topics
    created_at = CreatedAt()
    updated_at = UTCDateTimeAttribute(null=True)
    last_login_at = UTCDateTimeAttribute(null=True)
