"""What the stack keeps, and for how long: the visit log's visitors (and the outbox, which may carry a
visitor's address until it is sent) without point-in-time recovery, so nothing outlives its promise;
uploads no request took expire in a day; a table restored from point-in-time recovery takes its
table's place with its stream, TTL and PITR turned on, and the code finds it by its logical name."""

from __future__ import annotations

import json

import pytest

from chalicelib.services.platform import stream_router
from chalicelib.services.requests.photos import INCOMING_RULE
from chalicelib.settings import get_settings, reset_settings
from tests.unit.infra.conftest import PREFIX, RESTORED_KEY, RESTORED_NAME
from tests.unit.infra.templates import resources

pytestmark = pytest.mark.xdist_group("infra")


def tables(template):
    return {
        v["Properties"]["TableName"]: v["Properties"]
        for v in resources(template, "AWS::DynamoDB::Table").values()
    }


def test_visitors_and_the_outbox_have_no_point_in_time_recovery_every_other_table_has(synth):
    found = tables(synth["template"])
    without = {
        name[len(PREFIX) :]
        for name, p in found.items()
        if not p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]
    }
    # THEN a deleted visitor is gone after 14 days at most, not kept 35 in a PITR copy
    assert without == {"visitors", "outbox"}
    # AND the visitors' items still expire with TTL
    assert found[f"{PREFIX}visitors"]["TimeToLiveSpecification"]["Enabled"] is True


def test_uploads_no_request_took_expire_after_a_day(synth):
    [bucket] = [
        b["Properties"]
        for b in resources(synth["template"], "AWS::S3::Bucket").values()
        if "CorsConfiguration" in b["Properties"]
    ]
    rules = {r["Id"]: r for r in bucket["LifecycleConfiguration"]["Rules"]}
    rule = rules[INCOMING_RULE["ID"]]
    # THEN the rule the code defines (and the local stack applies): incoming/ after one day
    assert rule["Prefix"] == INCOMING_RULE["Filter"]["Prefix"] == "incoming/"
    assert rule["ExpirationInDays"] == 1 and rule["Status"] == "Enabled"
    # AND no other expiry touches what requests keep
    assert all("ExpirationInDays" not in r for k, r in rules.items() if k != INCOMING_RULE["ID"])


def test_a_restored_table_gets_its_stream_ttl_and_pitr_turned_on_at_deploy(synth):
    template = synth["template"]
    text = json.dumps(
        {
            k: v["Properties"]
            for k, v in template["Resources"].items()
            if k.startswith("RestoredExposureIncidents")
        }
    )
    # THEN the stack turns on what a restore leaves off, on the restored table
    for action in ("updateContinuousBackups", "updateTimeToLive", "updateTable", "describeTable"):
        assert action in text, action
    assert RESTORED_NAME in text and "NEW_AND_OLD_IMAGES" in text and "expires_at" in text
    # AND the stack creates no table of that name itself (the restore made it)
    assert f"{PREFIX}{RESTORED_KEY}" not in tables(template) and RESTORED_NAME not in tables(template)


def test_the_code_finds_a_restored_table_by_its_logical_name(monkeypatch):
    # GIVEN the stage re-pointed at a restored outbox
    monkeypatch.setenv("DIMOTIS_TABLE_NAMES", "outbox=dimotis-test-outbox-restored-20260301")
    reset_settings()
    try:
        settings = get_settings()
        # THEN the models name it, and its stream's records reach the outbox's consumers
        assert settings.table_name("outbox") == "dimotis-test-outbox-restored-20260301"
        assert settings.table_name("visits") == f"{settings.table_prefix}visits"
        arn = "arn:aws:dynamodb:eu-central-1:1:table/dimotis-test-outbox-restored-20260301/stream/2026"
        assert stream_router.table_key_of(arn) == "outbox"
    finally:
        monkeypatch.delenv("DIMOTIS_TABLE_NAMES")
        reset_settings()
