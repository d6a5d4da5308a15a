"""Citizens who signed in with Taxisnet, keyed by tax id (ΑΦΜ), and the contacts they are
verifying (``services/platform/contacts.py``).

A contact on the profile is *verified* when its fingerprint (``citizens.fingerprint``: a hash of
the channel and the address) is stored beside it: ``email_verified`` for ``email``,
``mobile_verified`` for ``mobile``. A changed address no longer matches its fingerprint, so it is
unverified until confirmed again, whichever code path changed it. ``contacts_checked`` is set by
every write that knows of verification; a profile without it was written before verification
existed, and its contacts count as verified (the migration rule, ``citizens.verified``).
"""

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

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
    email_verified = UnicodeAttribute(null=True)  # fingerprint of the email address confirmed
    mobile_verified = UnicodeAttribute(null=True)  # fingerprint of the mobile number confirmed
    contacts_checked = BooleanAttribute(null=True)  # absent: a profile from before verification
    language = UnicodeAttribute(default="el")
    notify_email = BooleanAttribute(default=True)
    notify_sms = BooleanAttribute(default=False)
    topics = UnicodeAttribute(null=True)  # comma-separated alert topics
    created_at = CreatedAt()
    updated_at = UTCDateTimeAttribute(null=True)
    last_login_at = UTCDateTimeAttribute(null=True)


class ContactVerification(Model):
    """A contact a citizen is confirming: one per citizen and channel (starting again replaces it).

    ``verification_id`` is an HMAC of (tax id, channel) with the deployment key, so the e-mail link
    that carries it names no tax number and needs no index. Only hashes of the code and of the
    link's token are kept; ``attempts`` counts the codes typed (bounded); the item expires with TTL
    a day after ``valid_until``.
    """

    Meta = meta("contact_verifications")

    verification_id = UnicodeAttribute(hash_key=True)
    taxid = UnicodeAttribute()
    channel = UnicodeAttribute()  # email | sms
    address = UnicodeAttribute()  # the address being confirmed, normalised
    code_hash = UnicodeAttribute()
    link_hash = UnicodeAttribute(null=True)  # e-mail only: the link's token, hashed
    attempts = NumberAttribute(default=0)
    created_at = CreatedAt()
    valid_until = UTCDateTimeAttribute()
    expires_at = TTLAttribute()
