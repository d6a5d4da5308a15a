"""Exposure fan-out at city scale on the local stack's moto: an incident overlapping 10,000 visits
in a visits table of 100,000.

    .venv/bin/python bench/exposure.py                          # 100,000 visits, 10,000 overlap
    .venv/bin/python bench/exposure.py --total 20000 --overlap 2000 --json

What it does, on a moto server of its own provisioned like the local stack (tables from the
models, the fan-out queue with its dead-letter queue, the KMS key):

1. seeds 10,000 registered visitors (contacts sealed with KMS + AES-GCM) with one visit each on
   day D at building A, and 90,000 other visits: building A on the nine days before D, and a
   second building on day D (one of its visitors also registered, so that a wrong match would
   be seen);
2. declares an incident at A covering D's opening hours, approved by a second officer, and delivers
   the stream record of its approval to the ``table_stream`` handler (as the stream pump does), then drains the fan-out queue into the
   ``exposure_sender`` handler ten messages at a time (as the SQS poller does), then replays both
   the stream record and every SQS message once more;
3. counts DynamoDB reads with botocore event hooks on the session PynamoDB uses (requests per
   operation and table, items returned, items scanned, consumed capacity), and the outbox rows
   per recipient.

Moto answers one request at a time, so the times are moto's, not DynamoDB's; the read counts are
the point.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

READ_OPS = {"GetItem", "Query", "Scan", "BatchGetItem"}


class ReadCounter:
    """botocore hooks: every DynamoDB read request, its table, items returned and scanned."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.returned: Counter[str] = Counter()
        self.scanned: Counter[str] = Counter()
        self.capacity: defaultdict[str, float] = defaultdict(float)
        self.enabled = False

    def install(self, session) -> None:
        session.register("before-parameter-build.dynamodb", self._before)
        session.register("after-call.dynamodb", self._after)

    def _before(self, params, model, context=None, **_):
        if context is not None:
            name = params.get("TableName") or ",".join(params.get("RequestItems") or {})
            context["table"] = name.replace(get_prefix(), "")
        if model.name in READ_OPS:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")

    def _after(self, http_response, parsed, model, **kwargs):
        if not self.enabled or model.name not in READ_OPS:
            return
        key = f"{model.name} {(kwargs.get('context') or {}).get('table', '?')}"
        self.requests[key] += 1
        if model.name == "GetItem":
            found = 1 if parsed.get("Item") else 0
            self.returned[key] += found
            self.scanned[key] += found
        elif model.name == "BatchGetItem":
            found = sum(len(v) for v in (parsed.get("Responses") or {}).values())
            self.returned[key] += found
            self.scanned[key] += found
        else:
            self.returned[key] += parsed.get("Count", 0)
            self.scanned[key] += parsed.get("ScannedCount", parsed.get("Count", 0))
        used = parsed.get("ConsumedCapacity") or []
        for item in used if isinstance(used, list) else [used]:
            self.capacity[key] += float(item.get("CapacityUnits") or 0)

    def report(self) -> dict:
        return {
            k: {
                "requests": self.requests[k],
                "items_returned": self.returned[k],
                "items_scanned": self.scanned[k],
                "capacity_units": round(self.capacity[k], 1),
            }
            for k in sorted(self.requests)
        }


def get_prefix() -> str:
    from chalicelib.settings import get_settings

    return get_settings().table_prefix


def setup() -> tuple[object, str]:
    import logging

    from devstack.moto_server import MotoServer
    from devstack.stack import apply_environment, base_environment, provision

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    moto = MotoServer().start()
    apply_environment(base_environment(moto.url, 1))
    from chalicelib.models import create_all_tables

    create_all_tables()
    apply_environment(provision(moto.url))
    return moto, moto.url


def seed(total: int, overlap: int, day_d) -> dict:
    from chalicelib import clock
    from chalicelib.models.visits import Building, Entrance, Visit, Visitor
    from chalicelib.services import visits
    from chalicelib.services.platform import crypto

    for bid, name in (("bench-a", "Δημαρχείο"), ("bench-b", "ΚΕΠ")):
        Building(
            bid,
            name_el=name,
            closing_time="21:00",
            entrances=[Entrance(entrance_id="main", name_el="Κεντρική")],
        ).save()
    now = datetime.now(UTC)
    expires = now + timedelta(days=14)

    def at(day, seconds):
        start = datetime.combine(day, datetime.min.time(), tzinfo=clock.TZ) + timedelta(hours=8)
        return start.astimezone(UTC) + timedelta(seconds=seconds)

    def visit(building, day, n, pass_id):
        check_in = at(day, (n * 37) % (11 * 3600))
        return Visit(
            visits.building_day(building, day.isoformat()),
            f"{clock.iso_micro(check_in)}#{pass_id}",
            building_id=building,
            day=day.isoformat(),
            pass_id=pass_id,
            entrance_in="main",
            check_in=check_in,
            check_out=check_in + timedelta(minutes=20),
            closes_at=visits.closes_at_for("21:00", check_in),
            closed_by="scan",
            expires_at=expires,
        )

    # Seeding is not what is measured: items go straight into the moto server's backends (same
    # process), data keys too, instead of 110,000 requests over HTTP.
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from moto.dynamodb.models import dynamodb_backends
    from moto.kms.models import kms_backends

    from chalicelib.settings import get_settings

    ddb = dynamodb_backends["123456789012"][get_settings().region]
    kms = kms_backends["123456789012"][get_settings().region]

    def put(model):
        item = {
            k: ({"B": base64.b64encode(v["B"]).decode()} if "B" in v else v)
            for k, v in model.serialize().items()
        }
        ddb.put_item(model.Meta.table_name, item)

    def visitor(pass_id, n):
        blob = json.dumps(
            {"name": f"Visitor {n}", "email": f"visitor{n}@bench.example", "mobile": None}
        ).encode()
        context = visits.contact_context(pass_id)
        key, encrypted_key, _ = kms.generate_data_key(get_settings().kms_key_id, context, 32, "AES_256")
        nonce = os.urandom(12)
        ciphertext = AESGCM(key).encrypt(nonce, blob, crypto.associated_data(context))
        return Visitor(
            pass_id,
            contact_key=encrypted_key,
            contact_nonce=nonce,
            contact_ct=ciphertext,
            channels=["email"],
            consent_at=now,
            expires_at=expires,
        )

    started = time.time()
    exposed = []
    for n in range(overlap):
        pass_id = visits.new_pass_id()
        exposed.append(pass_id)
        put(visitor(pass_id, n))
        put(visit("bench-a", day_d, n, pass_id))
    bystander = visits.new_pass_id()  # registered, visited building B on day D
    put(visitor(bystander, "b"))
    put(visit("bench-b", day_d, 0, bystander))
    for n in range(total - overlap - 1):
        if n % 10 < 9:  # building A, the nine days before D
            put(visit("bench-a", day_d - timedelta(days=1 + n % 9), n, visits.new_pass_id()))
        else:  # building B on day D
            put(visit("bench-b", day_d, n + 1, visits.new_pass_id()))
    return {"exposed": exposed, "bystander": bystander, "seconds": round(time.time() - started, 1)}


def drain(handler, url: str) -> tuple[int, int]:
    """Poll the queue into the handler like the local stack's poller; returns (messages, batches)."""
    from chalicelib.aws import client
    from devstack.lambda_context import LambdaContext
    from devstack.poller import _record

    sqs = client("sqs")
    arn = f"arn:aws:sqs:eu-central-1:123456789012:{url.rsplit('/', 1)[-1]}"
    messages = batches = 0
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get(
            "Messages", []
        )
        if not got:
            return messages, batches
        event = {"Records": [_record(m, arn, "eu-central-1") for m in got]}
        result = handler(event, LambdaContext("exposure_sender"))
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        if failed:
            raise RuntimeError(f"{len(failed)} messages failed")
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)],
        )
        messages += len(got)
        batches += 1


def outbox_recipients() -> Counter:
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    ddb = client("dynamodb")
    found: Counter[str] = Counter()
    kwargs = {"TableName": get_settings().table_name("outbox")}
    while True:  # the bench may scan; the code never does
        page = ddb.scan(**kwargs)
        for row in page["Items"]:
            if row["kind"]["S"] == "visits.exposure":  # recipients are sealed: one per visitor and channel
                found[f'{row["ref"]["S"]}#{row["channel"]["S"]}'] += 1
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--overlap", type=int, default=10_000)
    parser.add_argument("--replay", type=int, default=1000, help="SQS messages replayed (all: -1)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")

    from chalicelib.botocore_session import thread_session

    counter = ReadCounter()  # hooks first: a botocore client copies the session's hooks when made
    session = thread_session()
    counter.install(session)
    moto, _ = setup()
    from app import app
    from chalicelib import clock
    from chalicelib.models.visits import ExposureIncident
    from chalicelib.settings import get_settings
    from devstack.lambda_context import LambdaContext
    from tests.events import stream_event, stream_record

    day_d = clock.today() - timedelta(days=1)
    seeded = seed(args.total, args.overlap, day_d)

    # the incident: building A, 07:00 to 21:00 of day D
    start = datetime.combine(day_d, datetime.min.time(), tzinfo=clock.TZ) + timedelta(hours=7)
    incident = ExposureIncident(
        "bench0000000000000000000000000001",
        created_key=f"{clock.iso_micro(clock.utcnow())}#bench",
        building_id="bench-a",
        window_start=start.astimezone(UTC),
        window_end=(start + timedelta(hours=14)).astimezone(UTC),
        message_el="Πιθανή έκθεση.",
        declared_by="bench",
        decided_by="bench-second-officer",
        status="approved",
        expires_at=datetime.now(UTC) + timedelta(days=14),
    )
    incident.save()
    pending = ExposureIncident.from_raw_data(incident.serialize())
    pending.status = "pending"
    record = stream_record(incident, pending)  # the approval: the fan-out starts on it
    handlers = app.handler_map
    url = get_settings().fanout_queue_url

    counter.enabled = True
    t0 = time.time()
    handlers["table_stream"](stream_event([record]), LambdaContext("table_stream"))
    t_fanout = time.time() - t0
    fanout_reads = counter.report()
    messages, batches = drain(handlers["exposure_sender"], url)
    t_total = time.time() - t0
    all_reads = counter.report()

    # replay: the stream record and every SQS message once more
    from chalicelib.aws import client

    handlers["table_stream"](stream_event([record]), LambdaContext("table_stream"))
    replayed_fanout = client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]
    sample = seeded["exposed"] if args.replay < 0 else seeded["exposed"][: args.replay]
    ids = [{"incident_id": incident.incident_id, "pass_id": p} for p in sample]
    t_replay = time.time()
    for chunk in (ids[i : i + 10] for i in range(0, len(ids), 10)):
        client("sqs").send_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": json.dumps(m)} for i, m in enumerate(chunk)]
        )
    replayed, _ = drain(handlers["exposure_sender"], url)
    t_replay = time.time() - t_replay

    recipients = outbox_recipients()
    final = ExposureIncident.get(incident.incident_id)
    visit_reads = sum(v["items_scanned"] for k, v in fanout_reads.items() if k.endswith(" visits"))
    result = {
        "visits_in_table": args.total,
        "visits_overlapping": args.overlap,
        "seed_seconds": seeded["seconds"],
        "fanout_seconds": round(t_fanout, 1),
        "declared_to_all_sent_seconds": round(t_total, 1),
        "sqs_messages": messages,
        "sqs_batches": batches,
        "visit_items_read_by_fanout": visit_reads,
        "visit_query_requests": fanout_reads.get("Query visits", {}).get("requests", 0),
        "reads_during_fanout_and_send": all_reads,
        "counts": {
            "matched": final.matched,
            "queued": final.queued,
            "sent": final.sent,
            "failed": final.failed,
            "status": final.status,
        },
        "outbox_rows": sum(recipients.values()),
        "distinct_recipients": len(recipients),
        "anyone_twice": sum(1 for c in recipients.values() if c > 1),
        "bystander_notified": recipients.get(f"visitor#{seeded['bystander']}#email", 0),
        "replay_stream_messages_queued": int(replayed_fanout),
        "replay_sqs_messages": replayed,
        "replay_seconds": round(t_replay, 1),
    }
    ok = (
        result["distinct_recipients"] == args.overlap
        and result["anyone_twice"] == 0
        and result["bystander_notified"] == 0
        and visit_reads == args.overlap
        and final.status == "done"
        and final.sent == args.overlap
        and result["replay_stream_messages_queued"] == 0
    )
    result["ok"] = ok
    moto.stop()
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        for key, value in result.items():
            print(f"{key:36} {value}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
