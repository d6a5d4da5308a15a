"""Mobiles: E.164 as stored, SMS only to the mobiles of the countries allowed (a setting), and the
profile refuses a mobile SMS may not go to."""

from __future__ import annotations

import json

import pytest

from chalicelib.services.platform import addresses
from chalicelib.settings import reset_settings
from tests.conftest import bearer


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("6912345678", "+306912345678"),
        ("69 1234 5678", "+306912345678"),
        ("0030 691-234-5678", "+306912345678"),
        ("+306912345678", "+306912345678"),
        ("+44 7700 900123", "+447700900123"),
        ("12", None),
        ("", None),
    ],
)
def test_a_mobile_is_stored_in_e164_form(typed, stored):
    assert addresses.e164(typed) == stored


@pytest.mark.parametrize(
    ("number", "allowed"),
    [
        ("+306912345678", True),
        ("+302101234567", False),  # a Greek landline
        ("+30691234567", False),  # a digit short
        ("+447700900123", False),
        ("+35799123456", False),
        (None, False),
    ],
)
def test_sms_go_only_to_mobiles_of_the_countries_allowed(number, allowed):
    # GIVEN the default setting (Greece)
    assert addresses.sms_allowed(number) is allowed


def test_the_allow_list_takes_countries_and_prefixes(monkeypatch):
    # GIVEN Greece, Cyprus and a prefix
    monkeypatch.setenv("DIMOTIS_SMS_COUNTRIES", "GR, cy, +4477009")
    reset_settings()
    # THEN their mobiles are allowed, others not
    assert addresses.sms_allowed("+35799123456") and addresses.sms_allowed("+447700900123")
    assert not addresses.sms_allowed("+447911123456")
    reset_settings()


def test_the_profile_refuses_a_mobile_sms_may_not_go_to(client, make_citizen):
    # GIVEN a signed-in citizen
    token = make_citizen("123456789")
    headers = {**bearer(token), "Content-Type": "application/json"}
    # WHEN she gives a UK mobile; THEN 409 mobile_not_allowed on the mobile field
    resp = client.http.put("/api/me", headers=headers, body=json.dumps({"mobile": "+447700900123"}))
    assert resp.status_code == 409
    error = resp.json_body["error"]
    assert (error["code"], error["details"]) == ("mobile_not_allowed", {"field": "mobile"})
    # AND a Greek mobile is stored in E.164 form
    resp = client.http.put("/api/me", headers=headers, body=json.dumps({"mobile": "6912345678"}))
    assert resp.status_code == 200 and resp.json_body["mobile"] == "+306912345678"
