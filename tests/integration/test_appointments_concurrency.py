"""Against the local stack: 50 citizens book the same slot (capacity 3) at the same moment -> exactly
3 bookings and 47 answers 409 ``slot_full``; availability then shows 0; one cancellation shows 1."""

from __future__ import annotations

import secrets
import threading
import time
import uuid

import pytest

from tests.conftest import bearer

pytestmark = pytest.mark.integration

SERVICE = "kep-certificates"  # capacity 3 in the demo data
PARALLEL = 50


def citizen_token(taxid: str) -> str:
    """A session token signed with the local stack's documented local-only key (as ``manage.py
    dev-token`` makes one, without a subprocess per citizen)."""
    import jwt

    from devstack.stack import LOCAL_SESSION_KEY

    now = int(time.time())
    claims = {
        "iss": "dimotis",
        "aud": "dimotis-citizen",
        "sub": taxid,
        "name": f"ΔΟΚΙΜΗ {taxid}",
        "iat": now,
        "nbf": now - 5,
        "exp": now + 3600,
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode(claims, LOCAL_SESSION_KEY, algorithm="HS256")


def last_slot(stack) -> tuple[str, int]:
    """The last slot of the booking window (away from the slots other tests book)."""
    status, body = stack.request("GET", f"/api/services/{SERVICE}/availability?from=2000-01-01&to=2100-01-01")
    assert status == 200, body
    slots = [s for d in body["days"] for s in d["slots"]]
    return slots[-1]["start"], slots[-1]["remaining"]


def remaining(stack, start: str) -> int:
    day = start[:10]
    status, body = stack.request("GET", f"/api/services/{SERVICE}/availability?from={day}&to={day}")
    assert status == 200, body
    return {s["start"]: s["remaining"] for s in body["days"][0]["slots"]}[start]


def test_fifty_parallel_bookings_of_a_slot_of_capacity_three(local_stack):
    # GIVEN a free slot of capacity 3 and 50 citizens
    start, free = last_slot(local_stack)
    assert free == 3
    tokens = [citizen_token(f"5{i:08d}") for i in range(PARALLEL)]
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(PARALLEL)

    def book(token: str) -> None:
        barrier.wait(timeout=60)
        answer = local_stack.request(
            "POST",
            "/api/appointments",
            {"service_id": SERVICE, "start": start},
            {**bearer(token), "Idempotency-Key": uuid.uuid4().hex},
            timeout=120,
        )
        with lock:
            results.append(answer)

    # WHEN they all book it at the same moment
    threads = [threading.Thread(target=book, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    # THEN exactly 3 succeed and 47 get 409 slot_full
    statuses = sorted(status for status, _ in results)
    assert statuses.count(201) == 3, statuses
    assert statuses.count(409) == PARALLEL - 3, statuses
    assert {body["error"]["code"] for status, body in results if status == 409} == {"slot_full"}
    # AND availability shows 0
    assert remaining(local_stack, start) == 0
    # WHEN one of them cancels THEN availability shows 1
    winner_index = next(i for i, (status, _) in enumerate(results) if status == 201)
    winner = results[winner_index][1]
    owner = next(
        t
        for t in tokens
        if local_stack.request("GET", f"/api/appointments/{winner['appointment_id']}", headers=bearer(t))[0]
        == 200
    )
    status, body = local_stack.request(
        "POST", f"/api/appointments/{winner['appointment_id']}/cancel", headers=bearer(owner)
    )
    assert status == 200, body
    assert remaining(local_stack, start) == 1
