"""Which consumers of a stream record are done, for tables with more than one consumer.

One item per (stream record ``eventID``, consumer) that finished while another consumer of the
same record failed; the record's retry skips the consumers marked here
(``chalicelib/services/platform/stream_router.py``). Written with a conditional put, gone after
``stream_router.MARK_LIFETIME`` (DynamoDB TTL): a stream keeps its records 24 hours, so a retry
never outlives its marks.
"""

from pynamodb.attributes import TTLAttribute, UnicodeAttribute

from chalicelib.models.base import Model, meta


class ConsumerDone(Model):
    Meta = meta("stream_marks")

    event_id = UnicodeAttribute(hash_key=True)  # the stream record's eventID
    consumer = UnicodeAttribute(range_key=True)  # "module:function", as in CONSUMERS
    expires_at = TTLAttribute()
