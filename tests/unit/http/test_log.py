"""The shared Powertools Logger is made once, even when the first requests come in together (the
local stack's gateway serves them in threads): a second Logger of the service would take Chalice's
plain handler as its own and fail on every ``set_correlation_id``."""

from __future__ import annotations

import json
import subprocess
import sys

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
