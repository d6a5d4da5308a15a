"""Per-container caches: each module that keeps state between Lambda invocations empties it on
request, and the ``aws`` fixture asks every one of them before and after each test."""

from __future__ import annotations

import importlib
import json
import sys

import pytest

from chalicelib.aws import client
from chalicelib.errors import NotFound
from chalicelib.models.service_catalog import Service
from chalicelib.services import appointments
from chalicelib.services.platform import health, secrets, staff_auth, stream_router
from tests.conftest import CONTAINER_STATE, forget_container_state


def test_every_reset_the_fixture_names_exists():
    # GIVEN the list of per-container state; THEN each names a function of its module
    for module, function in CONTAINER_STATE:
        importlib.import_module(module)
        assert callable(getattr(sys.modules[module], function)), (module, function)


def test_a_secret_is_read_once_and_forgotten_on_request(aws):
    # GIVEN a secret in Secrets Manager, read once
    sm = client("secretsmanager")
    sm.create_secret(Name="dimotis/test", SecretString=json.dumps({"key": "first"}))
    assert secrets.secret_json("dimotis/test") == {"key": "first"}
    # WHEN it changes; THEN the container keeps the value it read
    sm.put_secret_value(SecretId="dimotis/test", SecretString=json.dumps({"key": "second"}))
    assert secrets.secret_json("dimotis/test") == {"key": "first"}
    # AND after the state is forgotten, the new value is read
    forget_container_state()
    assert secrets.secret_json("dimotis/test") == {"key": "second"}


def test_forgetting_empties_every_platform_cache(aws, monkeypatch):
    # GIVEN each cache holding something
    staff_auth.set_jwks(staff_auth.Jwks(document={"keys": []}))
    health._tables()
    stream_router._consumer(stream_router.CONSUMERS["outbox"][0])
    monkeypatch.setattr(secrets, "_provider", object())
    # WHEN the container state is forgotten
    forget_container_state()
    # THEN nothing is left
    assert staff_auth._jwks is None
    assert health._tables_cache is None
    assert stream_router._resolved == {}
    assert secrets._provider is None


@pytest.mark.parametrize("run", [1, 2])
def test_no_test_sees_the_service_cache_of_the_one_before(aws, run):
    # GIVEN (whichever runs first) a test that read a service into the container's cache
    # THEN a test after it finds no such service: its tables are new, and so is the cache
    with pytest.raises(NotFound):
        appointments.get_service("cached-service")
    Service("cached-service", department_id="d", name_el="α", name_en="a", service_point_id="p").save()
    assert appointments.get_service("cached-service").name_en == "a"
