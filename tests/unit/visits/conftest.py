"""The visit log's fixture: a KMS key, the fan-out queue, a sender identity and a building."""

from __future__ import annotations

import pytest

from chalicelib.aws import client, reset_clients
from chalicelib.services import visits
from chalicelib.settings import reset_settings
from tests.unit.visits.support import ADMIN, FANOUT_QUEUE, TOWN_HALL


@pytest.fixture
def visit_env(aws, monkeypatch):
    """A KMS key, the fan-out queue and a building (Δημαρχείο, closes 20:00, two entrances)."""
    key_id = client("kms").create_key(Description="test")["KeyMetadata"]["KeyId"]
    url = client("sqs").create_queue(QueueName=FANOUT_QUEUE)["QueueUrl"]
    client("ses").verify_email_identity(EmailAddress="no-reply@dimotis.example.gr")
    monkeypatch.setenv("DIMOTIS_KMS_KEY_ID", key_id)
    monkeypatch.setenv("DIMOTIS_FANOUT_QUEUE_URL", url)
    reset_settings()
    reset_clients()
    visits.save_building(ADMIN, "dimarxeio", TOWN_HALL)
    return {"queue_url": url, "key_id": key_id}
