"""Sign-outs: citizen session tokens signed out (kept until they would have expired anyway), and
per staff member the time before which their Cognito tokens are refused (``staff_revocation``)."""

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute

from chalicelib.models.base import Model, meta


class RevokedSession(Model):
    Meta = meta("revoked_sessions")

    jti = UnicodeAttribute(hash_key=True)
    subject = UnicodeAttribute()
    expires_at = TTLAttribute()


class StaffRevocation(Model):
    """A staff member's tokens issued before ``revoked_at_ms`` are refused: written by sign-out,
    by disabling the account and by a change of its role or department. Kept a day, the longest a
    Cognito ID token can live."""

    Meta = meta("staff_revocations")

    username = UnicodeAttribute(hash_key=True)
    revoked_at_ms = NumberAttribute()
    reason = UnicodeAttribute()
    expires_at = TTLAttribute()
