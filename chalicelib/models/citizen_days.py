"""Per citizen, service and day: how many active appointments (table ``appointment_citizen_days``).

Hash ``key`` = ``"<taxid>#<service_id>#<YYYY-MM-DD>"``. The booking transaction adds 1 on the
condition ``count < max_per_day``; cancellation subtracts 1. Expires (TTL) a few days after the day.
"""

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute

from chalicelib.models.base import Model, meta


def day_key(taxid: str, service_id: str, day: str) -> str:
    return f"{taxid}#{service_id}#{day}"


class CitizenDay(Model):
    Meta = meta("appointment_citizen_days")

    key = UnicodeAttribute(hash_key=True)
    count = NumberAttribute(default=0)
    expires_at = TTLAttribute(null=True)
