"""One botocore session per thread, one client per service and settings in it, a new session when
the AWS environment changes; PynamoDB's models and ``chalicelib.aws`` both take it."""

from __future__ import annotations

import threading

import botocore.client
import botocore.loaders
import botocore.session
import pytest
from botocore.exceptions import UnknownServiceError
from pynamodb.settings import get_settings_value

from chalicelib import botocore_session
from chalicelib.aws import client as aws_client
from chalicelib.aws import reset_clients
from chalicelib.botocore_session import thread_session
from chalicelib.models.citizens import Citizen
from chalicelib.models.outbox import OutboxMessage


def test_one_session_per_thread_and_one_client_per_settings():
    # GIVEN this thread's session
    session = thread_session()
    # WHEN clients are asked for twice with the same settings, and with other settings
    first = session.create_client("sqs", "eu-central-1")
    again = session.create_client("sqs", "eu-central-1")
    elsewhere = session.create_client("sqs", "eu-west-1")
    configured = session.create_client("sqs", "eu-central-1", config=botocore.client.Config(read_timeout=3))
    # THEN the same settings get the same client, other settings their own
    assert thread_session() is session
    assert again is first
    assert elsewhere is not first and configured is not first
    # AND another thread has a session of its own
    other = []
    thread = threading.Thread(target=lambda: other.append(thread_session()))
    thread.start()
    thread.join()
    assert other[0] is not session


def test_a_changed_endpoint_gets_a_new_client_from_the_same_session(monkeypatch):
    # GIVEN a client of this thread's session, and a hook registered on the session
    session = thread_session()
    seen = []
    session.register("before-call.sqs", lambda **kw: seen.append(kw["model"].name))
    before = session.create_client("sqs", "eu-central-1")
    # WHEN the endpoint in the environment changes
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    after = thread_session().create_client("sqs", "eu-central-1")
    # THEN the session is the same (with its hook), and the new client talks to the new endpoint
    assert thread_session() is session
    assert after is not before and after.meta.endpoint_url == "http://127.0.0.1:4566"
    assert after.meta.events is not before.meta.events and seen == []


def test_a_client_without_credentials_is_not_handed_out_again():
    # GIVEN a shared client whose credentials botocore found empty
    session = thread_session()
    first = session.create_client("sns", "eu-central-1")
    first._request_signer._credentials = None
    # WHEN the same client is asked for; THEN a new one is made
    assert session.create_client("sns", "eu-central-1") is not first


def test_every_model_shares_the_threads_dynamodb_client(aws):
    # GIVEN two models of different tables, each with its own PynamoDB connection
    Citizen("123456789", first_name="a", last_name="b").save()
    OutboxMessage.count()
    # THEN both connections use one botocore client
    citizens = Citizen._get_connection().connection.client
    outbox = OutboxMessage._get_connection().connection.client
    assert citizens is outbox
    # AND no extra headers are configured (the hook every connection adds to it does nothing)
    assert get_settings_value("extra_headers") is None


def test_aws_clients_come_from_the_threads_session(aws, monkeypatch):
    # GIVEN no client made yet, and every new botocore session counted
    made = []
    real = botocore.session.get_session
    monkeypatch.setattr(botocore.session, "get_session", lambda *a, **k: made.append(1) or real(*a, **k))
    monkeypatch.setattr(botocore_session._local, "session", None, raising=False)
    reset_clients()
    # WHEN three services' clients are asked for
    ses, sns, sqs = aws_client("ses"), aws_client("sns"), aws_client("sqs")
    # THEN one session was made for all three, and each service's client is kept
    assert len(made) == 1
    assert aws_client("ses") is ses
    assert {sns.meta.service_model.service_name, sqs.meta.service_model.service_name} == {"sns", "sqs"}


def test_the_session_outlives_changes_of_the_environment(monkeypatch):
    # GIVEN this thread's session; WHEN Chalice's test client names the execution environment and
    # moto sets its credentials
    session = thread_session()
    monkeypatch.setenv("AWS_EXECUTION_ENV", "AWS_Lambda aws-chalice/1.34.0")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "FOOBARKEY")
    # THEN the session (and the hooks registered on it) stays
    assert thread_session() is session


def test_a_service_is_known_by_its_own_directory_and_the_list_is_botocores(monkeypatch):
    # GIVEN this thread's session and a plain botocore session
    session, plain = thread_session(), botocore.session.get_session()
    loader = session.get_component("data_loader")
    # THEN both know the same services, and neither knows a made-up one
    assert list(session.get_available_services()) == plain.get_available_services()
    assert "dynamodb" in loader.list_available_services("service-2")
    assert "no-such-service" not in loader.list_available_services("service-2")
    with pytest.raises(UnknownServiceError):
        session.create_client("no-such-service", "eu-central-1")
    # AND a client is made without listing every service
    monkeypatch.setattr(botocore.loaders.Loader, "list_available_services", _no_listing, raising=True)
    fresh = botocore.session.get_session()
    botocore_session._known_services_by_directory(fresh)
    assert fresh.create_client("kms", "eu-central-1").meta.service_model.service_name == "kms"


def _no_listing(self, type_name):
    raise AssertionError("every service directory listed")
