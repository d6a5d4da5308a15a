"""The deployment's SMS spending per month (``services/platform/sms_budget.py``): parts sent
and which warnings went to the administrators (each once)."""

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, UnicodeSetAttribute

from chalicelib.models.base import Model, meta


class SmsMonth(Model):
    Meta = meta("sms_budget")

    month = UnicodeAttribute(hash_key=True)  # "YYYY-MM" (UTC)
    parts = NumberAttribute(default=0)  # SMS parts taken from the budget
    warned = UnicodeSetAttribute(null=True)  # {"near", "spent"}
    expires_at = TTLAttribute(null=True)
