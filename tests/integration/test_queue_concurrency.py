"""Two counters calling next at the same moment, 200 times over, on the local stack: never the
same ticket, and none skipped."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import bearer, start_stack, stop_stack

pytestmark = pytest.mark.integration

ROUNDS = 200
POINT = "dimotologio"
QUEUE = "dimotologio-A"


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory):
    """A stack of its own: the 400 tickets stay out of the shared stack's tables."""
    stack = start_stack(tmp_path_factory.mktemp("queue-race") / "stack.log")
    yield stack
    stop_stack(stack)


def test_two_counters_never_receive_the_same_ticket_and_skip_none(local_stack):
    # GIVEN two clerks of the civil registry, each with a counter open for the same queue
    tokens = [local_stack.staff_token("clerk.registry"), local_stack.staff_token("manager.registry")]
    counters = []
    for label, token in zip(("71", "72"), tokens, strict=True):
        status, body = local_stack.request(
            "POST",
            f"/api/staff/queue/points/{POINT}/counters",
            {"label": label, "queue_ids": [QUEUE]},
            bearer(token),
        )
        assert status == 200, body
        counters.append(body["counter_id"])
    issued: list[str] = []

    def issue(count: int) -> None:
        for _ in range(count):
            status, body = local_stack.request(  # a transaction, as slow on moto as a call
                "POST", f"/api/queue/points/{POINT}/tickets", {"queue_id": QUEUE}, timeout=60
            )
            assert status == 200, body
            issued.append(body["ticket_id"])

    # WHEN, 200 times over, both counters call next at the same moment: in every fifth round two
    # tickets wait (both must get one, different ones), in the others one ticket waits and both
    # go for it (exactly one may get it). (Fewer two-ticket rounds keep the test fast: moto copies
    # the whole table, stream included, on every transaction.)
    barrier = threading.Barrier(3)
    received: list[list[str | None]] = [[], []]
    errors: list[object] = []

    def counter_loop(index: int) -> None:
        for _ in range(ROUNDS):
            barrier.wait(timeout=120)  # tickets issued
            status, body = local_stack.request(
                "POST",
                f"/api/staff/queue/counters/{counters[index]}/next",
                None,
                bearer(tokens[index]),
                timeout=60,
            )
            if status != 200:
                errors.append(body)
            received[index].append((body or {}).get("ticket", {}) and body["ticket"]["ticket_id"])
            barrier.wait(timeout=120)  # both calls done

    threads = [threading.Thread(target=counter_loop, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    per_round = []
    for round_no in range(ROUNDS):
        waiting = 2 if round_no % 5 == 0 else 1
        issue(waiting)
        barrier.wait(timeout=120)
        barrier.wait(timeout=120)
        got = [received[0][round_no], received[1][round_no]]
        per_round.append((waiting, got))
    for thread in threads:
        thread.join(timeout=60)
    # THEN no call failed
    assert errors == []
    # AND in every round the two counters got different tickets, as many as were waiting
    for waiting, got in per_round:
        taken = [t for t in got if t]
        assert len(taken) == waiting and len(set(taken)) == len(taken)
    # AND over all rounds no ticket went to both counters and none was skipped
    everything = [t for row in received for t in row if t]
    assert len(everything) == len(set(everything)) == len(issued)
    assert set(everything) == set(issued)
    # AND the last ticket of each counter is called there
    for index, label in enumerate(("71", "72")):
        last = next(t for t in reversed(received[index]) if t)
        status, page = local_stack.get(f"/api/queue/tickets/{last}")
        assert status == 200 and (page["status"], page["counter"]) == ("called", label)
