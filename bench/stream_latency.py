"""Stream latency on the local stack: how long after a write to a table its stream handler is
called (the target: within 2 seconds, for every table with a stream).

    .venv/bin/python bench/stream_latency.py              # 5 rounds, one item per table each
    .venv/bin/python bench/stream_latency.py --rounds 10 --json

Runs a local stack of its own (moto, no demo data). Each round writes one item to every table that
has a stream, one after the other, keeping each write's time; then it polls ``/dev/streams.json``
until every table's handler was called again. A record's latency is the pump's own clock of that
table's latest call minus the write's time (same machine, same clock). Reported per round and in
all: median, p95 and maximum, and the tables over 2 s.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.latency import print_report, summary  # noqa: E402

TARGET_S = 2.0
GIVE_UP_S = 60.0


def stream_tables(ddb, prefix: str) -> dict[str, dict]:
    """Every table of the stack with a stream, with a probe item for it (its keys only)."""
    items = {}
    for table in ddb.list_tables()["TableNames"]:
        if not table.startswith(prefix):
            continue
        schema = ddb.describe_table(TableName=table)["Table"]
        if not schema.get("StreamSpecification", {}).get("StreamEnabled"):
            continue
        types = {a["AttributeName"]: a["AttributeType"] for a in schema["AttributeDefinitions"]}
        items[table] = {
            k["AttributeName"]: {
                types[k["AttributeName"]]: "1" if types[k["AttributeName"]] == "N" else "probe"
            }
            for k in schema["KeySchema"]
        }
    return items


def one_round(stack, ddb, items: dict[str, dict], number: int) -> dict[str, float]:
    """Write one item to every table; the latency of each table's record, in seconds."""
    _, before = stack.get("/dev/streams.json")
    written = {}
    for table, key in items.items():
        item = {
            name: ({"N": str(number)} if "N" in value else {"S": f"probe-{number}"})
            for name, value in key.items()
        }
        ddb.put_item(TableName=table, Item=item)
        written[table] = time.time()
    latency: dict[str, float] = {}
    deadline = time.time() + GIVE_UP_S
    while len(latency) < len(items) and time.time() < deadline:
        _, now = stack.get("/dev/streams.json")
        for table in items:
            stats = now["tables"][table]
            if table not in latency and stats["invocations"] > before["tables"][table]["invocations"]:
                latency[table] = stats["last_invocation"] - written[table]
        time.sleep(0.02)
    missing = sorted(set(items) - set(latency))
    if missing:
        raise RuntimeError(f"round {number}: no handler call within {GIVE_UP_S:.0f} s for {missing}")
    return latency


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    import boto3

    from tests.conftest import start_stack, state_file, stop_stack

    stack = start_stack(Path(tempfile.mkdtemp()) / "stack.log", "--no-seed")
    try:
        state = json.loads(state_file(stack.url).read_text())
        ddb = boto3.client(
            "dynamodb",
            endpoint_url=state["AWS_ENDPOINT_URL"],
            region_name="eu-central-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        items = stream_tables(ddb, "dimotis-local-")
        rounds = [one_round(stack, ddb, items, n + 1) for n in range(args.rounds)]
    finally:
        stop_stack(stack)
    every = [v for r in rounds for v in r.values()]
    report = {
        "tables_with_a_stream": len(items),
        "records": len(every),
        "latency": summary(every),
        "per_round_max_ms": [round(max(r.values()) * 1000, 1) for r in rounds],
        "over_target": sorted({t for r in rounds for t, v in r.items() if v > TARGET_S}),
    }
    print_report(report, args.json)


if __name__ == "__main__":
    main()
