"""Least privilege (issue 13 item 4, DESIGN invariant 8): one role per function, each granted what
its code reaches (``infra/dimotis_infra/reach.py``); only the exposure sender may decrypt visitor
contacts. The reach is read from the source, so one test also runs the code under moto and checks
that every table and service it touched at run time is within its function's reach."""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from botocore.client import BaseClient

from chalicelib.aws import client as aws_client
from chalicelib.settings import get_settings
from tests.events import sqs_event, stream_event, stream_record
from tests.unit.appointments.conftest import booked  # noqa: F401 - the fixture, shared
from tests.unit.infra.conftest import PREFIX, RESTORED_KEY, RESTORED_NAME
from tests.unit.infra.templates import (
    as_list,
    may,
    resources,
    role_of,
    role_statements,
    table_ids,
    table_resources,
)

pytestmark = pytest.mark.xdist_group("infra")


def spec_of(name: str):
    from dimotis_infra.code import function_specs

    return next(s for s in function_specs() if s.name == name)


def key_arn(template: dict[str, Any]) -> dict[str, Any]:
    [key] = resources(template, "AWS::KMS::Key")
    return {"Fn::GetAtt": [key, "Arn"]}


def test_each_function_has_a_role_of_its_own(synth):
    from dimotis_infra.code import function_specs

    template = synth["template"]
    roles = [role_of(template, s.resource) for s in function_specs()]
    assert len(roles) == len(set(roles)) == len(function_specs())
    assert all(template["Resources"][r]["Type"] == "AWS::IAM::Role" for r in roles)


def test_only_the_exposure_and_outbox_senders_may_decrypt_the_visit_log_key(synth):
    from dimotis_infra.code import function_specs

    # GIVEN the visit-log key and every function's role
    template = synth["template"]
    key = key_arn(template)
    decrypters = {
        spec.name
        for spec in function_specs()
        if may(role_statements(template, role_of(template, spec.resource)), "kms:Decrypt", key)
    }
    # THEN the API function's role cannot decrypt; only the two senders' can (the exposure sender
    # opens visitors' contacts, the outbox sender a visitor's sealed recipient)
    assert decrypters == {"exposure_sender", "outbox_sender"}
    # AND the API may still seal a registration (a data key to encrypt with, never to decrypt)
    api = role_statements(template, role_of(template, "APIHandler"))
    assert may(api, "kms:GenerateDataKey", key)
    assert not may(api, "kms:ReEncryptFrom", key) and not may(api, "kms:CreateGrant", key)


def test_synth_refuses_a_function_outside_the_decrypters_that_reaches_decryption(monkeypatch):
    from dimotis_infra import role
    from dimotis_infra.reach import Reach

    # GIVEN a schedule whose code would reach crypto.open_sealed
    reach = Reach(frozenset(), frozenset({"kms"}), frozenset({role.OPEN}))
    monkeypatch.setattr(role, "function_reach", lambda spec: reach)
    stack = mock.MagicMock(functions={"visits_close_open": spec_of("visits_close_open")})
    # WHEN its roles are made THEN the synth stops, naming the function
    with pytest.raises(ValueError, match="visits_close_open reaches crypto.open_sealed"):
        role.RoleParts._lambda_roles(stack)


def test_each_role_reaches_only_the_tables_its_code_reaches(synth):
    from dimotis_infra.code import function_specs, table_specs
    from dimotis_infra.reach import function_reach

    template = synth["template"]
    by_id = {logical: name[len(PREFIX) :] for name, logical in table_ids(template).items()}

    def table_of(resource):
        if isinstance(resource, dict) and "Fn::GetAtt" in resource:
            return by_id.get(resource["Fn::GetAtt"][0])
        text = json.dumps(resource)
        return RESTORED_KEY if RESTORED_NAME in text and "/index/" not in text else None

    every = {s.key for s in table_specs()}
    for spec in function_specs():
        granted = table_resources(role_statements(template, role_of(template, spec.resource)))
        expected = every if spec.kind == "api" else function_reach(spec).tables
        assert {table_of(r) for r in granted} - {None} == expected, spec.name
    # AND a schedule that closes visits cannot read the citizens or the outbox
    assert not {"citizens", "outbox", "sessions"} & function_reach(spec_of("visits_close_open")).tables


def test_only_the_functions_that_send_may_send(synth):
    from dimotis_infra.code import function_specs
    from dimotis_infra.reach import function_reach

    # GIVEN every function's role and what its code reaches
    template = synth["template"]
    sender_ids = []
    for spec in function_specs():
        statements = role_statements(template, role_of(template, spec.resource))
        services = function_reach(spec).services
        # THEN it may publish SMS and send e-mail exactly when its code does
        assert may(statements, "sns:Publish", "*") == ("sns" in services), spec.name
        mail = [s for s in statements if s["Effect"] == "Allow" and s.get("Sid") == "SendEmail"]
        assert bool(mail) == ("ses" in services), spec.name
        assert not [
            s for s in statements if s.get("Sid") != "SendEmail" and any(
                a.startswith("ses:") for a in as_list(s.get("Action", [])))
        ], spec.name
        if mail:
            sender_ids.append(spec.name)
            [statement] = mail
            assert set(as_list(statement["Action"])) == {"ses:SendEmail", "ses:SendRawEmail"}
            # only with this deployment's identity and its configuration set (bounces, complaints)
            assert "identity/palaiofaliro.gr" in json.dumps(statement["Resource"])
            [configuration_set] = resources(template, "AWS::SES::ConfigurationSet")
            assert json.dumps({"Ref": configuration_set}) in json.dumps(statement["Resource"])
    # AND the stream function only queues the outbox's rows: the outbox sender alone sends them
    assert sender_ids == ["outbox_sender"]
    assert not may(role_statements(template, role_of(template, "TableStream")), "sns:Publish", "*")
    assert not may(role_statements(template, role_of(template, "APIHandler")), "sns:Publish", "*")
    assert may(role_statements(template, role_of(template, "OutboxSender")), "sns:Publish", "*")


def test_the_api_writes_uploads_under_incoming_and_deletes_nothing_kept(synth):
    template = synth["template"]
    statements = role_statements(template, role_of(template, "APIHandler"))
    by_sid = {s.get("Sid"): s for s in statements}
    assert set(by_sid["UploadsIncoming"]["Action"]) == {"s3:PutObject", "s3:GetObject", "s3:DeleteObject"}
    assert "/incoming/*" in str(by_sid["UploadsIncoming"]["Resource"])
    assert set(by_sid["UploadsKept"]["Action"]) == {"s3:PutObject", "s3:GetObject"}
    assert "/requests/*" in str(by_sid["UploadsKept"]["Resource"])
    # AND no other function touches the uploads
    for name in ("TableStream", "ExposureSender", "SendReminders"):
        assert not [
            s for s in role_statements(template, role_of(template, name)) if "Uploads" in s.get("Sid", "")
        ]


# -- what the code does at run time is within its reach --------------------------------------------
@contextmanager
def recording():
    """Every AWS call made in the block: (service, operation, parameters)."""
    seen: list[tuple[str, str, dict[str, Any]]] = []
    real = BaseClient._make_api_call

    def spy(self, operation, params):
        seen.append((self.meta.service_model.service_name, operation, params))
        return real(self, operation, params)

    with mock.patch.object(BaseClient, "_make_api_call", spy):
        yield seen


def touched(calls) -> tuple[set[str], set[str]]:
    """The tables (logical keys) of ``calls``, and their operations on no table (``ses:SendEmail``,
    ``dynamodb:ListTables``...)."""
    prefix = get_settings().table_prefix
    tables, operations = set(), set()
    for service, operation, params in calls:
        names = [params.get("TableName")] + list(params.get("RequestItems", {}))
        names += [op.get("TableName") for item in params.get("TransactItems", []) for op in item.values()]
        names = [n for n in names if n]
        if service == "dynamodb" and names:
            tables |= {n[len(prefix) :] for n in names}
        else:
            operations.add(f"{service}:{operation}")
    return tables, operations


def within_reach(function: str, calls) -> None:
    from dimotis_infra.reach import function_reach

    reach = function_reach(spec_of(function))
    tables, operations = touched(calls)
    assert tables and tables <= reach.tables, (function, tables - reach.tables)
    services = {o.split(":")[0] for o in operations}
    assert services <= reach.services, (function, services - reach.services)
    if "kms:Decrypt" in operations:
        assert "chalicelib.services.platform.crypto:open_sealed" in reach.operations


def test_a_booking_its_stream_and_its_messages_stay_within_each_functions_reach(booked, client, outbox_pipeline):  # noqa: F811
    from chalicelib.models.outbox import OutboxMessage

    # GIVEN Maria's booking (made as the API route makes it: e-mail and SMS wanted), the outbox
    # queue and a verified sender (the outbox_pipeline fixture)
    # WHEN the API answers its health page (which lists the tables) and the services
    with recording() as api_calls:
        assert client.http.get("/api/health").status_code in (200, 503)
        assert client.http.get("/api/services").status_code == 200
    # AND the stream function handles the booking's record, then the outbox rows it wrote
    with recording() as stream_calls:
        out = client.lambda_.invoke(
            "table_stream", stream_event([stream_record(booked, event_name="INSERT")])
        )
        assert out.payload == {"batchItemFailures": []}
        rows = aws_client("dynamodb").scan(TableName=get_settings().table_name("outbox"))["Items"]
        assert {r["channel"]["S"] for r in rows} == {"email", "sms"}
        records = [stream_record(OutboxMessage.get(r["message_id"]["S"]), event_name="INSERT") for r in rows]
        out = client.lambda_.invoke("table_stream", stream_event(records))
        assert out.payload == {"batchItemFailures": []}
    # AND the outbox sender takes the rows' ids off the outbox queue
    queued = outbox_pipeline.receive()
    assert len(queued) == 2
    with recording() as sender_calls:
        out = client.lambda_.invoke("outbox_sender", sqs_event(queued))
        assert out.payload == {"batchItemFailures": []}
    # THEN each touched only tables and services its reach (and so its role) grants
    within_reach("api_handler", api_calls)
    within_reach("table_stream", stream_calls)
    within_reach("outbox_sender", sender_calls)
    assert "dynamodb:ListTables" in touched(api_calls)[1]  # granted on "*" to the API alone
    # AND the stream only queued the rows (on the queue its environment names); the sender sent them
    stream_operations = touched(stream_calls)[1]
    assert "sqs:SendMessage" in stream_operations and not {o for o in stream_operations if o[:4] in ("ses:", "sns:")}
    queued_on = {p["QueueUrl"] for service, op, p in stream_calls if (service, op) == ("sqs", "SendMessage")}
    assert queued_on == {get_settings().outbox_queue_url}
    assert {"ses:SendRawEmail", "sns:Publish"} <= touched(sender_calls)[1] or {
        "ses:SendEmail", "sns:Publish"} <= touched(sender_calls)[1]  # the messages did go out
