"""The shared Powertools Logger is made once, even when the first requests come in together (the
local stack's gateway serves them in threads): a second Logger of the service would take Chalice's
plain handler as its own and fail on every ``set_correlation_id``. Every line it writes is redacted:
no e-mail address, phone number or visitor contact reaches the logs, error texts included."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from chalicelib.log import redact
from tests.conftest import ROOT

FIRST_REQUESTS_AT_ONCE = r"""
import threading
import app  # Chalice configures its own handler on the "dimotis" logger first, as in the stack
from chalicelib import log

barrier = threading.Barrier(16)
made, failed = [], []

def first_request(n):
    barrier.wait()
    try:
        logger = log.logger()
        logger.set_correlation_id(f"request-{n}")
        made.append(id(logger))
    except Exception as exc:
        failed.append(repr(exc))

threads = [threading.Thread(target=first_request, args=(n,)) for n in range(16)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(set(made)), len(made), failed)
"""


def test_sixteen_first_requests_at_once_share_one_logger_that_works():
    # WHEN sixteen threads ask for the logger at the same moment, in a fresh process
    out = subprocess.run(
        [sys.executable, "-c", FIRST_REQUESTS_AT_ONCE], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    # THEN they all got the same Logger and each could set its correlation id
    assert out.stdout.split("\n")[-2] == "1 16 []", out.stdout[-2000:]


QUIET_REQUEST = r"""
import json, sys
import app
from chalice.test import Client

with Client(app.app) as client:
    assert client.http.get("/api/openapi.json", headers={"X-Correlation-Id": "quiet-1"}).status_code == 200
print("LOGGING_LOADED" if "aws_lambda_powertools.logging" in sys.modules else "LOGGING_NOT_LOADED")
from chalicelib import log
log.logger().warning("first words")
"""


def test_a_request_that_logs_nothing_makes_no_logger_and_the_first_record_has_its_correlation_id():
    # WHEN a fresh process serves a request that logs nothing, then logs a line
    out = subprocess.run(
        [sys.executable, "-c", QUIET_REQUEST], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    # THEN Powertools' logging was not loaded for the request
    assert lines[0] == "LOGGING_NOT_LOADED", out.stdout[-2000:]
    # AND the line logged afterwards carries the request's correlation id
    record = json.loads(lines[-1])
    assert record["message"] == "first words" and record["correlation_id"] == "quiet-1"


EXCEPTION_WITH_CONTACTS = r"""
import app  # Chalice adds its plain handler to the same logger, as in Lambda
from chalicelib import log

try:
    raise RuntimeError("SES refused maria.papadopoulou@example.gr; SNS refused +306912345678")
except RuntimeError:
    log.logger().exception(
        "outbox send failed for giannis@example.gr or 6987654321",
        extra={"message_id": "m-2026-000123", "recipient": "6900000001",
               "contact": {"name": "ΕΛΕΝΗ", "mobile": "+306900000002", "email": "eleni@example.gr"}},
    )
"""
CONTACTS = (
    "maria.papadopoulou",
    "example.gr",
    "306912345678",
    "6987654321",
    "6900000001",
    "306900000002",
    "eleni",
    "\\u0395\\u039b\\u0395\\u039d\\u0397",  # ΕΛΕΝΗ as the JSON line escapes it
    "ΕΛΕΝΗ",
)


def test_an_exception_carrying_a_phone_and_an_email_is_logged_without_them():
    # WHEN a fresh process logs an exception whose text carries an e-mail and a phone number,
    # with a message and extra keys carrying more (a visitor's contact among them)
    out = subprocess.run(
        [sys.executable, "-c", EXCEPTION_WITH_CONTACTS], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    # THEN one JSON line was written (Chalice's plain handler no longer writes it a second time)
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1, out.stdout
    record = json.loads(lines[0])
    # AND none of the contacts is in it, in the message, the exception, the traceback or the keys
    for contact in CONTACTS:
        assert contact not in lines[0], contact
    assert record["message"] == "outbox send failed for [email] or [phone]"
    assert "SES refused [email]; SNS refused [phone]" in record["exception"]
    assert record["exception_name"] == "RuntimeError"
    assert record["recipient"] == record["contact"] == "[redacted]"
    # AND what is not a contact is kept
    assert record["message_id"] == "m-2026-000123" and record["level"] == "ERROR"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("to +30 691 234 5678.", "to [phone]."),
        ("+44 20 7946 0958", "[phone]"),
        ("0030 6912345678", "[phone]"),
        ("call 210 1234567 or 2101234567", "call [phone] or [phone]"),
        ("a.b-c+d@mail.example.com,", "[email],"),
        # not contacts: times, protocol numbers, request ids, epoch milliseconds, uuids, hex ids
        ("2026-03-01 10:00:00,123+0000", "2026-03-01 10:00:00,123+0000"),
        ("2026/000123 2026-000123", "2026/000123 2026-000123"),
        ("1767225600000 a3f2123456789012bc", "1767225600000 a3f2123456789012bc"),
        ("12345678-1234-1234-1234-123456789012", "12345678-1234-1234-1234-123456789012"),
    ],
)
def test_redact_finds_phone_numbers_and_addresses_and_leaves_the_rest(text, expected):
    assert redact(text) == expected
