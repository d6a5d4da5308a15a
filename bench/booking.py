"""Appointments: DynamoDB requests per booking and per availability call, and booking throughput.

    .venv/bin/python bench/booking.py                 # counts (in-process, moto) + throughput (local stack)
    .venv/bin/python bench/booking.py --json
    .venv/bin/python bench/booking.py --bookings 300 --threads 8

1. **Requests per call** — in one process under moto, through the real Chalice app (test client):
   every DynamoDB request is counted with a botocore event hook (``before-call.dynamodb``)
   registered on the botocore session that every PynamoDB connection of the thread shares (so the
   hook is inherited by every client created after it). Reported per route and per operation, and
   for the domain function alone (``services.appointments.book``) without the HTTP layer.
2. **Throughput** — against a local stack of its own (moto behind the gateway, one request at a time
   inside moto): ``--threads`` clients book ``--bookings`` different (citizen, slot) pairs as fast as
   they can; bookings per second and latency. Note: moto serialises requests and copies whole tables
   on every TransactWriteItems, so this is a floor, not DynamoDB's number.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.latency import summary  # noqa: E402

SERVICES = ("kep-certificates", "kep-signature", "revenue-settlement", "cleaning-bulky")


def token_for(taxid: str, key: str) -> str:
    import jwt

    now = int(time.time())
    claims = {
        "iss": "dimotis",
        "aud": "dimotis-citizen",
        "sub": taxid,
        "name": f"BENCH {taxid}",
        "iat": now,
        "nbf": now - 5,
        "exp": now + 3600,
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode(claims, key, algorithm="HS256")


# -- 1. requests per call -------------------------------------------------------------------------
class Calls:
    """Counts DynamoDB operations through a botocore ``before-call`` hook."""

    def __init__(self) -> None:
        self.ops: list[str] = []

    def __call__(self, model, **_):
        self.ops.append(model.name)

    def take(self) -> Counter:
        out = Counter(self.ops)
        self.ops.clear()
        return out


def count_requests(samples: int) -> dict:
    os.environ.update(
        {
            "DIMOTIS_STAGE": "bench",
            "AWS_ACCESS_KEY_ID": "x",
            "AWS_SECRET_ACCESS_KEY": "x",
            "AWS_REGION": "eu-central-1",
            "AWS_DEFAULT_REGION": "eu-central-1",
            "DIMOTIS_SESSION_KEY": "bench-session-key-0123456789-0123456789-0123456789",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": "ERROR",
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    from moto import mock_aws

    with mock_aws():
        from chalicelib.botocore_session import thread_session

        calls = Calls()
        thread_session().register("before-call.dynamodb", calls)  # before any client exists

        from chalice.test import Client

        from app import app
        from chalicelib.models import create_all_tables
        from chalicelib.services import appointments
        from devstack.demo import appointments as demo

        create_all_tables()
        demo.seed()
        service_id = "kep-certificates"
        days = {}
        with Client(app) as client:
            # warm the container's service cache, as a warm Lambda has it
            first = client.http.get(f"/api/services/{service_id}/availability").json_body
            calls.take()
            start_day = first["from"]
            avail: Counter = Counter()
            for _ in range(samples):
                resp = client.http.get(f"/api/services/{service_id}/availability?from={start_day}")
                assert resp.status_code == 200
                days = resp.json_body
                avail += calls.take()
            slots = [s["start"] for d in days["days"] for s in d["slots"]]
            key = os.environ["DIMOTIS_SESSION_KEY"]
            route: Counter = Counter()
            for i in range(samples):
                headers = {
                    "Authorization": f"Bearer {token_for(f'7{i:08d}', key)}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": uuid.uuid4().hex,
                }
                body = json.dumps({"service_id": service_id, "start": slots[i]})
                resp = client.http.post("/api/appointments", headers=headers, body=body)
                assert resp.status_code == 201, resp.body
                route += calls.take()
            retried: Counter = Counter()
            headers = {
                "Authorization": f"Bearer {token_for('799999999', key)}",
                "Content-Type": "application/json",
                "Idempotency-Key": "same",
            }
            body = json.dumps({"service_id": service_id, "start": slots[samples]})
            client.http.post("/api/appointments", headers=headers, body=body)
            calls.take()
            assert client.http.post("/api/appointments", headers=headers, body=body).status_code == 200
            retried += calls.take()

        class Session:
            def __init__(self, taxid):
                self.taxid, self.name = taxid, ""

        domain: Counter = Counter()
        for i in range(samples):
            appointments.book(Session(f"8{i:08d}"), service_id, slots[samples + 1 + i])
            domain += calls.take()
    per = lambda c: {k: round(v / samples, 2) for k, v in sorted(c.items())}  # noqa: E731
    return {
        "samples": samples,
        "availability_route": per(avail),
        "booking_route": per(route),
        "booking_domain": per(domain),
        "booking_retried_same_key": dict(retried),
    }


# -- 2. throughput on the local stack -------------------------------------------------------------
def throughput(bookings: int, threads: int) -> dict:
    from devstack.stack import LOCAL_SESSION_KEY
    from tests.conftest import start_stack, stop_stack

    stack = start_stack(Path(tempfile.mkdtemp()) / "stack.log")
    try:
        pairs: list[tuple[str, str]] = []
        avail_times = []
        for service_id in SERVICES:
            started = time.perf_counter()
            status, body = stack.request(
                "GET", f"/api/services/{service_id}/availability?from=2000-01-01&to=2100-01-01"
            )
            avail_times.append(time.perf_counter() - started)
            assert status == 200, body
            for day in body["days"]:
                for slot in day["slots"]:
                    pairs.extend((service_id, slot["start"]) for _ in range(slot["remaining"]))
        # one booking per (citizen, slot place); each citizen books once
        pairs = pairs[:bookings]
        work = [(f"6{i:08d}", service, start) for i, (service, start) in enumerate(pairs)]
        lock = threading.Lock()
        latencies: list[float] = []
        outcomes: Counter = Counter()

        def run(chunk):
            for taxid, service, start in chunk:
                token = token_for(taxid, LOCAL_SESSION_KEY)
                began = time.perf_counter()
                status, body = stack.request(
                    "POST",
                    "/api/appointments",
                    {"service_id": service, "start": start},
                    {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
                    timeout=60,
                )
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                    outcomes[status if status != 409 else f"409 {body['error']['code']}"] += 1

        chunks = [work[i::threads] for i in range(threads)]
        workers = [threading.Thread(target=run, args=(c,)) for c in chunks]
        began = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        wall = time.perf_counter() - began
        return {
            "bookings": len(work),
            "threads": threads,
            "wall_s": round(wall, 2),
            "bookings_per_s": round(len(work) / wall, 1),
            "latency": summary(latencies),
            "outcomes": dict(outcomes),
            "availability_30_days": summary(avail_times),
        }
    finally:
        stop_stack(stack)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = {"requests": count_requests(args.samples)}
    if not args.skip_throughput:
        report["throughput"] = throughput(args.bookings, args.threads)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for section, values in report.items():
            print(f"[{section}]")
            for name, value in values.items():
                print(f"  {name:26} {value}")


if __name__ == "__main__":
    main()
