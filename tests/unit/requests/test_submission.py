"""Submission (``services/requests/submission.py``): protocol numbers per year, consecutive, never
skipped; a lost race for the counter; nothing written on bad input."""

from __future__ import annotations

import pytest

from chalicelib import clock, ddb
from chalicelib.errors import ValidationFailed
from chalicelib.models.requests import CitizenRequest, ProtocolCounter
from chalicelib.services.requests import records
from tests.unit.requests.helpers import file_request


def test_protocol_numbers_are_per_year_consecutive_and_routed(catalogue):
    # GIVEN one moment of filing (its year numbers the requests)
    now = clock.utcnow()
    # WHEN three requests are filed
    filed = [file_request(now=now) for _ in range(3)]
    # THEN they are numbered 1, 2, 3 of that year and sit in the type's department, submitted
    assert [r.protocol for r in filed] == [f"{now.year}/00000{i}" for i in (1, 2, 3)]
    assert {r.department_id for r in filed} == {"roads"}
    entries = records.timeline(filed[0].request_id, public_only=False)
    assert [(e.seq, e.action, e.status) for e in entries] == [(1, "submitted", "submitted")]


def test_a_lost_race_for_the_counter_retries_with_the_next_number_and_skips_none(catalogue, monkeypatch):
    # GIVEN one request filed (counter at 1) and a reader that sees the counter stale once
    first = file_request()
    real_get = ProtocolCounter.get
    calls = {"n": 0}

    def stale_once(year, **kw):
        calls["n"] += 1
        if calls["n"] == 1:
            return ProtocolCounter(year, last_number=0)  # as if read before the first commit
        return real_get(year, **kw)

    monkeypatch.setattr(ProtocolCounter, "get", staticmethod(stale_once))
    monkeypatch.setattr(ddb, "backoff", lambda attempt: None)
    # WHEN the next request is filed
    second = file_request()
    # THEN its first transaction was refused (the number was taken) and it got the next one
    assert calls["n"] == 2
    assert second.number == first.number + 1
    assert int(real_get(first.year).last_number) == 2


def test_bad_input_writes_nothing(catalogue):
    # WHEN a pothole has no size, or no location, or a size that is not one of the listed values
    with pytest.raises(ValidationFailed) as missing:
        file_request(attributes={})
    with pytest.raises(ValidationFailed) as nowhere:
        file_request(at=None)
    with pytest.raises(ValidationFailed) as bad_value:
        file_request(attributes={"SIZE": "<script>"})
    # THEN clear errors, and no number was used and no request stored
    assert missing.value.code == "attribute_required"
    assert nowhere.value.code == "location_required"
    assert bad_value.value.code == "attribute_invalid"
    year = clock.utcnow().year
    assert not list(ProtocolCounter.query(year)) and not list(ProtocolCounter.query(year + 1))
    assert ProtocolCounter.count() == 0
    assert CitizenRequest.count() == 0
