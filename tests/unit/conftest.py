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
