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
    """Which of a staff member's tokens are refused before they expire (``staff_revocation``):
    every one issued until ``revoked_at_ms`` (sign-out, disabling), and every one issued until
    ``changed_at_ms`` that names other roles or another department than ``roles``/``department``
    (a change of role or department). Kept a day, the longest a Cognito ID token can live."""

    Meta = meta("staff_revocations")

    username = UnicodeAttribute(hash_key=True)
    revoked_at_ms = NumberAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    changed_at_ms = NumberAttribute(null=True)
    roles = UnicodeAttribute(null=True)  # the roles since the change, comma-separated and sorted
    department = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()
