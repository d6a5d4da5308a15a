"""Addresses that must not be written to again: an SES bounce (permanent) or complaint arrived for
them (``services/platform/suppression.py``). Keyed by the address's HMAC (``limits.subject_key``),
so the table holds no address in clear; ``mask`` is what the citizen and staff see."""

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.models.base import Model, meta

REASONS = ("bounce", "complaint")


class SuppressedAddress(Model):
    Meta = meta("suppressed_addresses")

    address_key = UnicodeAttribute(hash_key=True)  # "<channel>#<hmac of the address>"
    channel = UnicodeAttribute()  # "email"
    reason = UnicodeAttribute()  # REASONS
    detail = UnicodeAttribute(null=True)  # "Permanent/General", "abuse", ...
    mask = UnicodeAttribute(null=True)
    feedback_id = UnicodeAttribute(null=True)
    events = NumberAttribute(default=1)
    first_at = UTCDateTimeAttribute()
    last_at = UTCDateTimeAttribute()
