"""Per-client limits (``services/platform/limits.py``): one item per token bucket or per daily
allowance, keyed by what is limited and whom (a hashed client, number or citizen), expiring with
TTL once it can no longer matter."""

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute

from chalicelib.models.base import Model, meta


class LimitCounter(Model):
    Meta = meta("limits")

    key = UnicodeAttribute(hash_key=True)  # "<limit>#<hashed subject>[#<day>]"
    tokens = NumberAttribute(null=True)  # token bucket: tokens left at ``at``
    at = NumberAttribute(null=True)  # token bucket: when ``tokens`` was computed (epoch seconds)
    count = NumberAttribute(null=True)  # daily allowance: uses so far
    expires_at = TTLAttribute()
