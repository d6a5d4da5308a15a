"""Signed-out citizen session tokens, kept until the token would have expired anyway."""

from pynamodb.attributes import TTLAttribute, UnicodeAttribute

from chalicelib.models.base import Model, meta


class RevokedSession(Model):
    Meta = meta("revoked_sessions")

    jti = UnicodeAttribute(hash_key=True)
    subject = UnicodeAttribute()
    expires_at = TTLAttribute()
