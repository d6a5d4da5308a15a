"""Live queue on the local stack: how long a walk-in ticket, a "call next" and a board poll take,
and how long after a call the board shows it (the target: within 3 seconds, the board polling
every 1.5 s).

    .venv/bin/python bench/live_queue.py             # 100 tickets, 40 calls, 40 board reads
    .venv/bin/python bench/live_queue.py --json

Runs a local stack of its own (moto). Note: moto copies a whole table, stream included, on every
TransactWriteItems, so "call next" (one transaction) slows down as the tickets table grows; DynamoDB
does not.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.latency import print_report, summary  # noqa: E402

POINT = "dimotologio"
QUEUE = "dimotologio-A"
POLL_SECONDS = 1.5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from tests.conftest import bearer, start_stack, stop_stack

    stack = start_stack(Path(tempfile.mkdtemp()) / "stack.log")
    try:
        token = stack.staff_token("clerk.registry")
        status, counter = stack.request(
            "POST",
            f"/api/staff/queue/points/{POINT}/counters",
            {"label": "1", "queue_ids": [QUEUE]},
            bearer(token),
        )
        assert status == 200, counter
        issue, call, board, visible = [], [], [], []
        for _ in range(args.tickets):
            started = time.perf_counter()
            status, _ = stack.request("POST", f"/api/queue/points/{POINT}/tickets", {"queue_id": QUEUE})
            issue.append(time.perf_counter() - started)
            assert status == 200
        for _ in range(args.calls):
            started = time.perf_counter()
            status, body = stack.request(
                "POST", f"/api/staff/queue/counters/{counter['counter_id']}/next", None, bearer(token)
            )
            called_at = time.perf_counter()
            call.append(called_at - started)
            assert status == 200 and body["ticket"], body
            # the board's view: a poll started at a random phase of its 1.5 s period sees the call at
            # the end of its next read; worst case = one period + one read
            started = time.perf_counter()
            status, data = stack.get(f"/api/queue/points/{POINT}/board")
            read = time.perf_counter() - started
            board.append(read)
            assert any(c["code"] == body["ticket"]["code"] for c in data["calls"])
            visible.append(POLL_SECONDS + read)
        report = {
            "ticket": summary(issue),
            "call_next": summary(call),
            "board_read": summary(board),
            "call_to_board_worst_s": round(max(visible), 2),
            "tickets_in_table": args.tickets,
        }
    finally:
        stop_stack(stack)
    print_report(report, args.json)


if __name__ == "__main__":
    main()
