"""Per-client limits: token buckets and daily allowances in DynamoDB."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.errors import TooManyRequests
from chalicelib.models.limits import LimitCounter
from chalicelib.services.platform import limits
from chalicelib.settings import LIMIT_DEFAULTS, get_settings
from tests.unit.ddb_requests import dynamodb_requests

WALK_IN = limits.Limit("walk_in", capacity=3, refill_seconds=60)
SMS = limits.Limit("sms_to_number", capacity=2)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


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


def test_a_caller_whose_clock_is_behind_wins_no_token_back(aws):
    # GIVEN a bucket emptied at t=100
    for _ in range(3):
        limits.take(WALK_IN, "client", now=100.0)
    # WHEN a caller on a container whose clock is a minute behind asks; THEN nothing was won back
    with pytest.raises(TooManyRequests):
        limits.take(WALK_IN, "client", now=40.0)
    # AND the bucket still refills from the latest time it saw
    limits.take(WALK_IN, "client", now=160.0)


def test_limits_are_settings_changed_or_switched_off_by_environment(env):
    # GIVEN the defaults, one limit changed and one switched off
    env(
        DIMOTIS_LIMIT_WALK_IN_CLIENT="5/300",
        DIMOTIS_LIMIT_SCAN_PASS="off",
        DIMOTIS_LIMIT_REQUESTS_CITIZEN_DAY="7",
    )
    # THEN each is what the environment says, the others their defaults
    assert limits.configured("walk_in_client") == limits.Limit("walk_in_client", 5, 300.0)
    assert limits.configured("scan_pass") is None
    assert limits.configured("requests_citizen_day").capacity == 7
    capacity, seconds = LIMIT_DEFAULTS["walk_in_line"]
    assert limits.configured("walk_in_line") == limits.Limit("walk_in_line", capacity, seconds)
    # AND a value that cannot be read stops the container at once, naming the variable
    env(DIMOTIS_LIMIT_WALK_IN_LINE="lots")
    with pytest.raises(ValueError, match="DIMOTIS_LIMIT_WALK_IN_LINE"):
        get_settings()


def test_a_switched_off_limit_takes_nothing(aws, env):
    env(DIMOTIS_LIMIT_SCAN_PASS="off")
    for _ in range(50):
        limits.check("scan_pass", "PASS", now=NOW)
    assert list(LimitCounter.scan()) == []


def test_trusted_clients_and_calls_from_inside_skip_the_client_buckets(aws, env):
    # GIVEN a one-token walk-in bucket and the office network trusted
    env(DIMOTIS_LIMIT_WALK_IN_CLIENT="1/3600", DIMOTIS_LIMITS_TRUSTED_CLIENTS="203.0.113.0/24")
    # WHEN the kiosk in the office and a call with no client take many; THEN none is refused
    for _ in range(5):
        limits.check_client("walk_in_client", "203.0.113.20", now=NOW)
        limits.check_client("walk_in_client", None, now=NOW)
    # AND a client outside gets its one token, then 429
    limits.check_client("walk_in_client", "198.51.100.1", now=NOW)
    with pytest.raises(TooManyRequests) as refused:
        limits.check_client("walk_in_client", "198.51.100.1", now=NOW)
    assert refused.value.headers["Retry-After"] == "3600"


def test_a_daily_limit_refuses_until_the_local_midnight(aws, env):
    # GIVEN two requests a day, at 22:00 in Athens (20:00 UTC in winter)
    env(DIMOTIS_LIMIT_REQUESTS_CITIZEN_DAY="2")
    evening = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
    limits.check_daily("requests_citizen_day", "123456789", now=evening)
    limits.check_daily("requests_citizen_day", "123456789", now=evening)
    # WHEN a third is filed; THEN 429 daily_limit, Retry-After the two hours to midnight
    with pytest.raises(TooManyRequests) as refused:
        limits.check_daily("requests_citizen_day", "123456789", now=evening)
    assert refused.value.code == "daily_limit"
    assert refused.value.headers["Retry-After"] == str(2 * 3600)
    # AND after the local midnight (22:00 UTC) the day starts again
    limits.check_daily("requests_citizen_day", "123456789", now=evening + timedelta(hours=2))


def test_the_wait_to_midnight_counts_real_seconds_across_a_clock_change():
    # GIVEN the night the clocks go back (25 October 2026, 04:00 -> 03:00 in Athens)
    before = datetime(2026, 10, 24, 21, 0, tzinfo=UTC)  # 00:00 local on the 25th
    # THEN the local day has 25 hours: midnight is 25 h away
    assert limits.seconds_to_midnight(before) == 25 * 3600


def test_a_bucket_known_empty_refuses_without_reading_until_its_next_token(aws):
    # GIVEN a client that emptied its bucket and was refused once
    for _ in range(3):
        limits.take(WALK_IN, "flood", now=0.0)
    with pytest.raises(TooManyRequests):
        limits.take(WALK_IN, "flood", now=1.0)
    # WHEN it goes on asking in the same container
    with dynamodb_requests() as calls:
        for i in range(100):
            with pytest.raises(TooManyRequests) as refused:
                limits.take(WALK_IN, "flood", now=2.0 + i * 0.1)
    # THEN no DynamoDB request is made, and Retry-After still counts down to the next token
    assert calls == []
    assert refused.value.headers["Retry-After"] == str(math.ceil(60 - (2.0 + 99 * 0.1)))
    # AND once the token is due, the bucket is read again and gives it
    limits.take(WALK_IN, "flood", now=60.0)
