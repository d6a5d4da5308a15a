"""The stream router: records routed by table, partial batch failure, each consumer retried on its
own, and streams on exactly the tables a consumer reads."""

from __future__ import annotations

import subprocess
import sys

import pytest
from moto.backends import get_backend

from app import app
from chalicelib.aws import client
from chalicelib.models import all_models, streamed_models
from chalicelib.models.base import meta
from chalicelib.models.citizens import Citizen
from chalicelib.models.stream_marks import ConsumerDone
from chalicelib.services.platform import stream_router as streams
from chalicelib.settings import get_settings
from tests.conftest import ROOT
from tests.events import FakeContext, stream_event, stream_record

SENDER_TO = "someone@example.gr"


def _deliver(records):
    return app.handler_map["table_stream"](stream_event(records), FakeContext())


def _citizen_record(taxid="111111111"):
    return stream_record(Citizen(taxid, first_name="a", last_name="b"))


@pytest.fixture
def consumers(aws, monkeypatch):
    """``consumers(first, second)``: the citizens table read by these functions, in this order."""

    def install(*funcs):
        paths = []
        for n, func in enumerate(funcs):
            path = f"tests.fake:consumer_{n}"
            monkeypatch.setitem(streams._resolved, path, func)
            paths.append(path)
        monkeypatch.setitem(streams.CONSUMERS, "citizens", paths)
        return paths

    return install


def _sent_emails():
    return get_backend("ses")["123456789012"]["eu-central-1"].sent_messages


# -- which tables have a stream --------------------------------------------------------------------
def test_the_streamed_tables_are_exactly_the_tables_with_a_consumer():
    # GIVEN the models and the router's consumers
    # WHEN the tables with a stream are listed
    streamed = {m.Meta.table_key for m in streamed_models()}
    # THEN they are the tables a consumer reads, no more, no fewer
    assert streamed == set(streams.CONSUMERS)
    assert set(streams.CONSUMERS) <= {m.Meta.table_key for m in all_models()}


def test_every_consumer_path_names_a_function():
    # GIVEN every consumer listed; WHEN each is resolved; THEN it is a function of one record
    for paths in streams.CONSUMERS.values():
        for path in paths:
            assert callable(streams._consumer(path)), path


def test_a_table_has_a_stream_exactly_when_it_has_a_consumer():
    # GIVEN a table with a consumer and one without
    # THEN only the first gets a stream (the models no longer say it themselves)
    assert meta("outbox").stream_view_type == "NEW_AND_OLD_IMAGES"
    assert not hasattr(meta("stats"), "stream_view_type")


def test_table_key_of_strips_the_stage_prefix():
    arn = f"arn:aws:dynamodb:eu-central-1:1:table/{get_settings().table_prefix}outbox/stream/label"
    assert streams.table_key_of(arn) == "outbox"


# -- partial batch failure ---------------------------------------------------------------------
def test_a_failing_consumer_reports_only_its_record(consumers):
    # GIVEN a table whose one consumer fails on one record
    seen = []

    def consumer(record):
        taxid = record["dynamodb"]["Keys"]["taxid"]["S"]
        if taxid == "222222222":
            raise ValueError("poison")
        seen.append(taxid)

    consumers(consumer)
    records = [_citizen_record(t) for t in ("111111111", "222222222", "333333333")]
    # WHEN the batch is handled
    result = _deliver(records)
    # THEN only the poison record is reported, the others were processed
    assert result == {"batchItemFailures": [{"itemIdentifier": records[1]["dynamodb"]["SequenceNumber"]}]}
    assert seen == ["111111111", "333333333"]


# -- each consumer on its own -----------------------------------------------------------------------
def test_when_the_second_consumer_fails_once_the_retry_runs_only_the_second(consumers):
    # GIVEN two consumers of a table, the second failing on its first call
    calls = {"first": 0, "second": 0}

    def first(record):
        calls["first"] += 1

    def second(record):
        calls["second"] += 1
        if calls["second"] == 1:
            raise RuntimeError("throttled")

    consumers(first, second)
    record = _citizen_record()
    # WHEN the record is delivered, reported failed, and delivered again (Lambda's retry)
    failed = _deliver([record])
    retried = _deliver([record])
    # THEN the first delivery reports the record, the retry succeeds
    assert failed == {"batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}]}
    assert retried == {"batchItemFailures": []}
    # AND the first consumer ran exactly once, the second twice
    assert calls == {"first": 1, "second": 2}


def test_a_consumer_that_always_fails_never_makes_another_send_twice(consumers):
    # GIVEN a consumer that sends an email (with no outbox to catch a second run) and one that
    # always fails
    ses = client("ses")
    ses.verify_email_identity(EmailAddress=get_settings().email_sender)

    def sends(record):
        ses.send_email(
            Source=get_settings().email_sender,
            Destination={"ToAddresses": [SENDER_TO]},
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
        )

    def always_fails(record):
        raise RuntimeError("broken")

    consumers(sends, always_fails)
    record = _citizen_record()
    # WHEN Lambda delivers the record again and again until it gives it up
    results = [_deliver([record]) for _ in range(6)]
    # THEN the record is reported failed each time, and the email went out once
    assert all(r["batchItemFailures"] for r in results)
    assert len(_sent_emails()) == 1


def test_marks_name_the_record_and_the_consumers_that_finished(consumers):
    # GIVEN three consumers, the middle one failing
    def ok(record):
        return None

    def fails(record):
        raise RuntimeError("x")

    paths = consumers(ok, fails, ok)
    record = _citizen_record()
    # WHEN the record is delivered
    _deliver([record])
    # THEN the two that finished are marked done for this record, with an expiry
    marks = list(ConsumerDone.query(record["eventID"]))
    assert sorted(m.consumer for m in marks) == [paths[0], paths[2]]
    assert all(m.expires_at is not None for m in marks)
    # AND marking again leaves them as they are
    streams.mark_done(record["eventID"], [paths[0]])
    assert len(list(ConsumerDone.query(record["eventID"]))) == 2


def test_a_table_with_one_consumer_reads_no_marks(consumers, monkeypatch):
    # GIVEN a table with one consumer, and marks that would fail if read
    ran = []
    consumers(ran.append)

    def no_marks(event_id):
        raise AssertionError("marks read for a table with one consumer")

    monkeypatch.setattr(streams, "done_consumers", no_marks)
    # WHEN a record is delivered; THEN it is handled without reading marks
    assert _deliver([_citizen_record()]) == {"batchItemFailures": []}
    assert len(ran) == 1


def test_a_record_every_consumer_handles_leaves_no_marks(consumers):
    # GIVEN two consumers that both succeed
    consumers(lambda r: None, lambda r: None)
    record = _citizen_record()
    # WHEN the record is delivered; THEN nothing is written to the marks table
    assert _deliver([record]) == {"batchItemFailures": []}
    assert list(ConsumerDone.query(record["eventID"])) == []


def test_the_router_imports_no_consumer_and_no_model():
    # WHEN a fresh process imports the router (the models read CONSUMERS from it)
    code = (
        "import sys; import chalicelib.services.platform.stream_router as r; "
        "paths = {p.partition(':')[0] for ps in r.CONSUMERS.values() for p in ps}; "
        "print(sorted(m for m in sys.modules if m in paths or m.startswith(('pynamodb', 'chalicelib.models'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    # THEN neither a consumer nor a model (nor PynamoDB) was imported with it
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"
