"""Registration and passes: the contact stored only sealed, what registration refuses, pass codes
as people type them, and erasure."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib.models.visits import Visitor
from chalicelib.services.platform import crypto
from chalicelib.services.visits import passes
from tests.unit.visits.support import EMAIL, MOBILE, NAME, VISIT_TABLES, raw_items, register


def test_contact_is_stored_only_sealed_and_opens_only_with_its_pass_id(visit_env):
    # GIVEN a registered visitor
    pass_id = register()

    # THEN no stored item of the visit log holds the name, mobile or email in clear text
    raw = raw_items(*VISIT_TABLES)
    for secret in (NAME, EMAIL, MOBILE, "6912345678", "eleni"):
        assert secret not in raw
    # AND the blob opens with its own pass id as context, and not with another
    v = Visitor.get(pass_id)
    sealed = crypto.Sealed(v.contact_key, v.contact_nonce, v.contact_ct)
    assert json.loads(crypto.open_sealed(sealed, passes.contact_context(pass_id)))["email"] == EMAIL
    with pytest.raises(crypto.CryptoError):
        crypto.open_sealed(sealed, passes.contact_context("0" * 16))
    # AND it expires with the visit TTL (14 days by default)
    assert timedelta(days=13) < v.expires_at - v.created_at <= timedelta(days=14, seconds=5)


def test_registration_needs_consent_and_a_contact_and_writes_nothing_otherwise(visit_env, client):
    # GIVEN bodies without consent, without a contact, with a bad email, with a blank name
    bad = [
        {"name": "A", "email": EMAIL, "consent": False},
        {"name": "A", "consent": True},
        {"name": "A", "email": "not-an-email", "consent": True},
        {"name": " ", "email": EMAIL, "consent": True},
    ]
    for body in bad:
        # WHEN registering
        resp = client.http.post(
            "/api/visits/registrations", body=json.dumps(body), headers={"Content-Type": "application/json"}
        )
        # THEN 400 with the error shape
        assert resp.status_code == 400, body
        assert "error" in json.loads(resp.body)
    # AND nothing was stored
    assert json.loads(raw_items("visitors")) == []


def test_pass_code_normalises_what_people_type():
    # GIVEN a new pass id, THEN its display code typed in lower case reads back as the id
    pass_id = passes.new_pass_id()
    assert passes.normalise_code(passes.display_code(pass_id).lower()) == pass_id
    # AND spaces are ignored, O and I read as 0 and 1, and what cannot be an id is refused
    assert passes.normalise_code("ABCD EFGH JKMN PQRO") == "ABCDEFGHJKMNPQR0"
    assert passes.normalise_code("ABCDEFGHJKMNPQRI") == "ABCDEFGHJKMNPQR1"
    assert passes.normalise_code("too-short") is None
    assert passes.normalise_code("ABCDEFGHJKMNPQRU") is None  # U is not in the alphabet
