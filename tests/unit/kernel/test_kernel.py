"""The kernel: labelled transactions, "did a condition fail?", the clock and the access rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib import access, clock, ddb
from chalicelib.errors import Forbidden
from chalicelib.models.appointment_slots import Slot
from chalicelib.models.stats import StatCounter


def test_transact_names_the_failed_labels_and_writes_nothing(aws):
    # GIVEN a counter item that already exists
    StatCounter("s", "k", count=1).save()

    # WHEN a transaction puts a second item and re-creates the first on "must not exist"
    def build(tx):
        tx.save("fresh", StatCounter("s", "other", count=5))
        tx.save("taken", StatCounter("s", "k", count=9), condition=StatCounter.series.does_not_exist())

    with pytest.raises(ddb.TxFailed) as failed:
        ddb.transact(build)

    # THEN the failure names only the labelled condition, and nothing was written
    assert failed.value.failed == {"taken"}
    assert StatCounter.get("s", "k").count == 1
    assert list(StatCounter.query("s", StatCounter.key == "other")) == []


def test_transact_labels_follow_the_order_dynamodb_sends(aws):
    # GIVEN an update added before a put (PynamoDB sends puts first)
    StatCounter("s", "k", count=1).save()

    def build(tx):
        tx.update("bump", StatCounter("s", "k"), actions=[StatCounter.count.add(1)],
                  condition=StatCounter.count > 5)
        tx.save("new", StatCounter("s", "n", count=1))

    # WHEN the update's condition fails
    with pytest.raises(ddb.TxFailed) as failed:
        ddb.transact(build)

    # THEN the update's label is named, not the put's
    assert failed.value.failed == {"bump"}


def test_transact_retries_a_conflict_then_says_busy(aws, monkeypatch):
    # GIVEN every commit answers TransactionConflict
    calls = []

    def conflict(self):
        calls.append(self._client_request_token)
        raise TransactWriteError("TransactionCanceledException: [TransactionConflict]")

    monkeypatch.setattr(TransactWrite, "_commit", conflict)
    monkeypatch.setattr(ddb, "backoff", lambda attempt: None)

    # WHEN a transaction is run with a token
    with pytest.raises(ddb.TxBusy):
        ddb.transact(lambda tx: tx.save("x", StatCounter("s", "k")), retries=3, token="tok-1")

    # THEN it was tried three times, each with the same ClientRequestToken
    assert calls == ["tok-1", "tok-1", "tok-1"]


def test_condition_failed_tells_a_condition_from_other_errors(aws):
    # GIVEN an item, and a put that must not find it
    start = f"{clock.today()}T09:00"
    Slot("svc", start, booked=1).save()
    try:
        Slot("svc", start).save(condition=Slot.service_id.does_not_exist())
    except PutError as exc:
        failed = exc
    # THEN it is a failed condition; an error of another kind is not
    assert ddb.condition_failed(failed)
    assert not ddb.condition_failed(PutError("ProvisionedThroughputExceededException"))


def test_backoff_grows_and_stays_capped(monkeypatch):
    slept = []
    monkeypatch.setattr(ddb.time, "sleep", slept.append)
    for attempt in range(12):
        ddb.backoff(attempt)
    assert all(0 < s <= ddb.BACKOFF_CAP_SECONDS for s in slept)
    assert max(slept[:2]) <= 0.02


def _clocks_go_back(year: int) -> date:
    """The last Sunday of October: the night Athens (EU rule) goes from UTC+3 to UTC+2."""
    last = date(year, 10, 31)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def test_clock_days_are_athens_days_across_a_clock_change():
    # GIVEN this year's night the clocks go back, and the last minute of the day before it
    change = _clocks_go_back(clock.today().year)
    eve = change - timedelta(days=1)
    before = datetime(eve.year, eve.month, eve.day, 20, 59, tzinfo=UTC)  # 23:59 Athens (UTC+3)
    after = before + timedelta(minutes=1)  # 00:00 Athens
    assert clock.local(after).utcoffset() == timedelta(hours=3)
    assert clock.local(after + timedelta(hours=4)).utcoffset() == timedelta(hours=2)  # gone back
    # THEN the local day turns at Athens midnight, not UTC's
    assert clock.local_day(before) == eve.isoformat()
    assert clock.local_day(after) == change.isoformat()
    assert clock.iso(after) == f"{eve.isoformat()}T21:00:00Z"
    assert clock.iso_micro(after) == f"{eve.isoformat()}T21:00:00.000000Z"


def test_access_rule_admins_anywhere_others_in_their_department_only():
    clerk = SimpleNamespace(username="c", roles=("clerk",), department_id="roads")
    admin = SimpleNamespace(username="a", roles=("admin",), department_id=None)
    nobody = SimpleNamespace(username="n", roles=("manager",), department_id=None)
    assert access.can_act_in(clerk, "roads")
    assert not access.can_act_in(clerk, "kep")
    assert not access.can_act_in(clerk, None)
    assert access.can_act_in(admin, "kep") and access.can_act_in(admin, None)
    assert not access.can_act_in(nobody, "roads") and not access.can_act_in(nobody, None)
    with pytest.raises(Forbidden):
        access.ensure_department(clerk, "kep")
