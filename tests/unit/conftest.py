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
