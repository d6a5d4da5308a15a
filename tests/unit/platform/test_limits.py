"""Per-client limits: token buckets and daily allowances in DynamoDB."""

from __future__ import annotations

import pytest

from chalicelib.errors import TooManyRequests
from chalicelib.models.limits import LimitCounter
from chalicelib.services.platform import limits

WALK_IN = limits.Limit("walk_in", capacity=3, refill_seconds=60)
SMS = limits.Limit("sms_to_number", capacity=2)


def test_a_bucket_gives_its_capacity_then_refuses_with_retry_after(aws):
    # GIVEN a client that takes three tokens at once
    for _ in range(3):
        limits.take(WALK_IN, "203.0.113.7", now=1000.0)
    # WHEN it asks for a fourth in the same second
    with pytest.raises(TooManyRequests) as refused:
        limits.take(WALK_IN, "203.0.113.7", now=1000.5)
    # THEN 429 rate_limited, and Retry-After says when a token is back (60 s per token)
    assert refused.value.status == 429 and refused.value.code == "rate_limited"
    assert refused.value.headers["Retry-After"] == "60"
    # AND another client is not affected
    limits.take(WALK_IN, "198.51.100.9", now=1000.5)


def test_a_bucket_refills_one_token_per_period(aws):
    for _ in range(3):
        limits.take(WALK_IN, "client", now=0.0)
    with pytest.raises(TooManyRequests):
        limits.take(WALK_IN, "client", now=59.0)
    # WHEN a minute has passed THEN one token is back, and only one
    limits.take(WALK_IN, "client", now=60.0)
    with pytest.raises(TooManyRequests) as refused:
        limits.take(WALK_IN, "client", now=61.0)
    assert refused.value.headers["Retry-After"] == "59"


def test_a_lost_race_reads_again_instead_of_spending_a_token_twice(aws, monkeypatch):
    # GIVEN a bucket with one token left, and another caller who takes it between our read and write
    for _ in range(2):
        limits.take(WALK_IN, "client", now=0.0)
    real_get = LimitCounter.get
    raced = {"done": False}

    def get_then_race(*args, **kwargs):
        item = real_get(*args, **kwargs)
        if not raced["done"]:
            raced["done"] = True
            LimitCounter(item.key, tokens=0, at=0.5, expires_at=item.expires_at).save()
        return item

    monkeypatch.setattr(LimitCounter, "get", get_then_race)
    # WHEN we take THEN the write fails on its condition, the bucket is read again and is empty
    with pytest.raises(TooManyRequests):
        limits.take(WALK_IN, "client", now=1.0)


def test_an_allowance_counts_per_subject_and_day(aws):
    assert limits.use_allowance(SMS, "+306912345678", "2026-05-04")
    assert limits.use_allowance(SMS, "+306912345678", "2026-05-04")
    # THEN the third use that day is refused and not counted
    assert not limits.use_allowance(SMS, "+306912345678", "2026-05-04")
    assert limits.allowance_used(SMS, "+306912345678", "2026-05-04") == 2
    # AND the next day, or another number, starts again
    assert limits.use_allowance(SMS, "+306912345678", "2026-05-05")
    assert limits.use_allowance(SMS, "+306900000000", "2026-05-04")


def test_the_table_holds_no_subject_in_clear(aws):
    limits.use_allowance(SMS, "+306912345678", "2026-05-04")
    limits.take(WALK_IN, "203.0.113.7", now=0.0)
    keys = [LimitCounter.get(f"sms_to_number#{limits.subject_key('+306912345678')}#2026-05-04").key,
            LimitCounter.get(f"walk_in#{limits.subject_key('203.0.113.7')}").key]
    assert all("6912345678" not in k and "203.0.113" not in k for k in keys)
    # AND the same subject written differently (case, spaces) is the same subject
    assert limits.subject_key(" Maria@Example.org ") == limits.subject_key("maria@example.org")
