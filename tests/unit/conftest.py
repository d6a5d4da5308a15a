"""Unit tests call services as a handler does: inside a request, whose audit notes are collected
(``audit.begin()``, which the HTTP middleware calls for every request) and dropped at the end
unless the test flushes them. A note made outside any request raises (``test_audit.py``)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _inside_a_request():
    from chalicelib.services.platform import audit

    token = audit._current.set(audit._Collection())
    yield
    audit._current.reset(token)


@pytest.fixture(autouse=True)
def _no_running_stack(monkeypatch, tmp_path):
    """``manage.py`` commands called in-process read a running local stack's state file and put its
    addresses in the environment. A browser test's stack (on another worker, or one that was killed)
    leaves ``.devstack/state.json``: a unit test calling ``manage.main`` must not pick it up, or
    every later test of that worker talks to a stack that is gone (CI saw ~100 tests fail so)."""
    monkeypatch.setenv("DIMOTIS_STACK_STATE", str(tmp_path / "no-stack.json"))


@pytest.fixture
def env(monkeypatch):
    """``env(DIMOTIS_LIMIT_SCAN_PASS="off", ...)``: environment variables set and the settings read
    again; both undone after the test."""
    from chalicelib.settings import reset_settings

    def set_(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        reset_settings()

    yield set_
    reset_settings()


@pytest.fixture
def outbox_pipeline(aws, monkeypatch):
    """The outbox end to end under moto (``tests/unit/outbox_pipeline.py``): the ``outbox`` queue,
    a verified SES sender, send rates no test waits for, retries without delay."""
    from chalicelib.aws import client, reset_clients
    from chalicelib.settings import get_settings, reset_settings
    from tests.unit.outbox_pipeline import OutboxPipeline

    url = client("sqs").create_queue(QueueName="outbox")["QueueUrl"]
    monkeypatch.setenv("DIMOTIS_OUTBOX_QUEUE_URL", url)
    monkeypatch.setenv("DIMOTIS_SES_MAX_SEND_RATE", "1000000")
    monkeypatch.setenv("DIMOTIS_SMS_MAX_SEND_RATE", "1000000")
    monkeypatch.setenv("DIMOTIS_OUTBOX_RETRY_SECONDS", "0")
    reset_settings()
    reset_clients()
    client("ses").verify_email_identity(EmailAddress=get_settings().email_sender)
    pipeline = OutboxPipeline(url)
    yield pipeline
    pipeline.close()
    reset_settings()
