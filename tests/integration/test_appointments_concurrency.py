"""Against the local stack: 50 citizens book the same slot (capacity 3) at the same moment -> exactly
3 bookings, each answered 201 (a new Idempotency-Key is never "booked before"), and 47 answers 409
``slot_full``; every booking that went through is confirmed (its e-mail sent, in the dev outbox,
once) and counted in the statistics; availability then shows 0; one cancellation shows 1."""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.request
import uuid

import pytest

from tests.conftest import bearer, state_file

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


def give_profiles(stack, taxids: list[str]) -> dict[str, str]:
    """Citizens with an e-mail they chose to be told on (written into the stack's table, as their
    Taxisnet sign-in and profile page would leave them); their addresses."""
    import boto3

    from chalicelib.models.citizens import Citizen

    state = json.loads(state_file(stack.url).read_text())
    ddb = boto3.client("dynamodb", endpoint_url=state["AWS_ENDPOINT_URL"], region_name="eu-central-1")
    emails = {taxid: f"citizen.{taxid}@example.gr" for taxid in taxids}
    for taxid, email in emails.items():
        item = Citizen(taxid, first_name="ΔΟΚΙΜΗ", last_name=taxid, email=email, notify_email=True).serialize()
        ddb.put_item(TableName="dimotis-local-citizens", Item=item)
    return emails


def confirmations(stack, emails: set[str]) -> list[dict]:
    with urllib.request.urlopen(f"{stack.url}/dev/outbox.json", timeout=10) as resp:  # noqa: S310
        rows = json.loads(resp.read())
    return [r for r in rows if r["kind"] == "appointment.booked" and r["recipient"] in emails]


def booked_on(stack, admin: str, day: str) -> int:
    status, body = stack.request(
        "GET", f"/api/staff/stats/appointments?department_id=kep&from={day}&to={day}", headers=bearer(admin)
    )
    assert status == 200, body
    return body["totals"]["booked"]


def wait_for(check, what: str, timeout: float = 90):
    """Until ``check()`` is true (the stream pump and the outbox sender are asynchronous; the
    timeout guards against a stuck pipeline, it is not a timing)."""
    deadline = time.time() + timeout
    while not check():
        assert time.time() < deadline, what
        time.sleep(0.5)


def remaining(stack, start: str) -> int:
    day = start[:10]
    status, body = stack.request("GET", f"/api/services/{SERVICE}/availability?from={day}&to={day}")
    assert status == 200, body
    return {s["start"]: s["remaining"] for s in body["days"][0]["slots"]}[start]


def test_fifty_parallel_bookings_of_a_slot_of_capacity_three(local_stack):
    # GIVEN a free slot of capacity 3 and 50 citizens
    start, free = last_slot(local_stack)
    assert free == 3
    taxids = [f"5{i:08d}" for i in range(PARALLEL)]
    emails = give_profiles(local_stack, taxids)
    tokens = [citizen_token(taxid) for taxid in taxids]
    admin = local_stack.staff_token("admin")
    booked_before = booked_on(local_stack, admin, start[:10])
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
    # AND every booking that went through is confirmed: one e-mail each, sent, naming its reference
    references = sorted(body["reference"] for status, body in results if status == 201)

    def confirmed() -> bool:
        rows = confirmations(local_stack, set(emails.values()))
        return len(rows) >= 3 and all(r["status"] == "sent" for r in rows)

    wait_for(confirmed, "the three bookings were not all confirmed")
    rows = confirmations(local_stack, set(emails.values()))
    assert sorted(r["subject"].rsplit(" ", 1)[-1] for r in rows) == references
    assert len({r["recipient"] for r in rows}) == 3
    # AND counted in the statistics of the slot's day
    wait_for(lambda: booked_on(local_stack, admin, start[:10]) >= booked_before + 3, "the bookings were not counted")
    assert booked_on(local_stack, admin, start[:10]) == booked_before + 3
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
