"""The statistics engine: a stream record is counted at most once, for its department and for the
whole municipality; stream images' times are read as PynamoDB writes them."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.models.queue import QueueTicket
from chalicelib.services.backoffice import stats
from tests.unit.backoffice.stats_data import DAYS


def test_a_record_delivered_twice_is_counted_once(aws):
    # GIVEN a record's increment of 1 (30 seconds) for roads
    inc = [stats.Increment("x.count", "roads", DAYS[0], "all", 1, 30)]
    # WHEN it is applied twice THEN the second is refused
    assert stats.apply_once("event-1", inc) is True
    assert stats.apply_once("event-1", inc) is False
    # AND roads and the whole municipality count it once
    assert stats.read("x.count", "roads", DAYS[0], DAYS[-1]) == [(DAYS[0], "all", 1, 30.0)]
    assert stats.read("x.count", "*", DAYS[0], DAYS[-1]) == [(DAYS[0], "all", 1, 30.0)]


def test_stream_images_parse_pynamodb_datetimes():
    # GIVEN a time as PynamoDB serialises it in a stream image
    at = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
    raw = QueueTicket.issued_at.serialize(at)
    # THEN it is read back as the same instant
    assert stats.when(raw) == at


def test_the_day_of_a_time_is_the_athens_day():
    # GIVEN 22:30 UTC, which is already the next day in Athens in winter (+2) and summer (+3)
    for at in (datetime(2026, 1, 14, 22, 30, tzinfo=UTC), datetime(2026, 7, 14, 22, 30, tzinfo=UTC)):
        # THEN the stream consumers count it on the Athens day
        assert stats.day_of(QueueTicket.issued_at.serialize(at)) == at.date().replace(day=15).isoformat()
    assert stats.day_of(None) is None
