"""Cold start: a fresh Python process imports the Lambda entry point and serves its first request,
as Lambda does on a new container. Dimotis against a bare Chalice app that does one GetItem.

Both run against the same moto server (one process, loopback only), with Lambda's API Gateway
proxy event and a stand-in context. Each run is a new interpreter; the figure compared is the
time from before ``import app`` to the first response (the interpreter's own start, identical for
both, is reported apart as the process wall time).

Route: ``GET /api/services/{id}/availability`` when the app has it; until then the heaviest
public GET route there is (the queue board of a service point, several Queries).

    .venv/bin/python bench/cold_start.py            # N=15 runs each
    .venv/bin/python bench/cold_start.py --runs 30 --json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE_TABLE = "bench-bare-items"
TARGET_RATIO = 1.2  # issue 11

BARE_APP = textwrap.dedent(
    f'''
    """A bare Chalice app: one route, one GetItem."""
    import boto3
    from chalice import Chalice

    app = Chalice(app_name="bare")
    _dynamodb = boto3.client("dynamodb")


    @app.route("/api/items/{{item_id}}")
    def get_item(item_id):
        item = _dynamodb.get_item(TableName="{BARE_TABLE}", Key={{"id": {{"S": item_id}}}}).get("Item")
        return {{"id": item_id, "found": item is not None}}
    '''
)

CHILD = textwrap.dedent(
    """
    import json, sys, time, uuid
    t0 = time.perf_counter()
    sys.path.insert(0, sys.argv[1])
    import app as module
    t1 = time.perf_counter()

    class Context:
        function_name = "bench"
        function_version = "$LATEST"
        invoked_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:bench"
        memory_limit_in_mb = 1024
        aws_request_id = str(uuid.uuid4())
        log_group_name = "/aws/lambda/bench"
        log_stream_name = "bench"
        def get_remaining_time_in_millis(self):
            return 30000

    resource, path, params = sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    event = {
        "resource": resource, "path": path, "httpMethod": "GET",
        "headers": {"accept": "application/json", "host": "bench.example"},
        "multiValueHeaders": {"accept": ["application/json"], "host": ["bench.example"]},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": params, "stageVariables": None, "body": None, "isBase64Encoded": False,
        "requestContext": {"resourcePath": resource, "httpMethod": "GET", "path": "/api" + path,
                           "stage": "api", "requestId": str(uuid.uuid4()),
                           "identity": {"sourceIp": "127.0.0.1"}},
    }
    import os
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        profiler = cProfile.Profile()
        response = profiler.runcall(module.app, event, Context())
        profiler.dump_stats(os.environ["BENCH_PROFILE"])
    else:
        response = module.app(event, Context())
    t2 = time.perf_counter()
    print(json.dumps({"import": t1 - t0, "first_request": t2 - t1, "total": t2 - t0,
                      "status": response["statusCode"]}))
    """
)


def write_bare_app(directory: Path) -> Path:
    """The bare app as a Chalice project (``app.py``, empty ``requirements.txt``, config)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "app.py").write_text(BARE_APP)
    (directory / "requirements.txt").write_text("")
    (directory / ".chalice").mkdir(exist_ok=True)
    (directory / ".chalice" / "config.json").write_text(
        json.dumps({"version": "2.0", "app_name": "bare", "stages": {"dev": {"api_gateway_stage": "api"}}})
    )
    return directory


def _seed(env: dict[str, str]) -> dict[str, str]:
    """What the local stack provisions (Cognito pool, queues, key), tables from the models, the
    demo data, and the bare app's table with one item. Returns the environment they give."""
    from devstack.stack import apply_environment, provision

    apply_environment(env)
    env = env | provision(env["AWS_ENDPOINT_URL"])
    apply_environment(env)
    from chalicelib.aws import client
    from chalicelib.models import create_all_tables
    from devstack.demo import seed_all

    create_all_tables()
    seed_all()
    dynamodb = client("dynamodb")
    dynamodb.create_table(
        TableName=BARE_TABLE,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.put_item(TableName=BARE_TABLE, Item={"id": {"S": "1"}, "name": {"S": "bench"}})
    return env


def _first_key(table_key: str) -> str | None:
    """The hash key of one item of the table whose logical name is ``table_key`` (bench setup
    only: a Scan of one item)."""
    from chalicelib.models import all_models

    for model in all_models():
        if getattr(model.Meta, "table_key", None) == table_key:
            for item in model.scan(limit=1):
                return str(getattr(item, model._hash_keyname))
    return None


def pick_route() -> tuple[str, str, dict[str, str], str]:
    """(resource, path, path parameters, note): the availability route when the app has it."""
    import app as dimotis

    for resource, methods in dimotis.app.routes.items():
        if resource.startswith("/api/services/{") and resource.endswith("/availability") and "GET" in methods:
            param = resource.split("{", 1)[1].split("}", 1)[0]
            service_id = _first_key("services") or "bench-service"
            return (
                resource,
                resource.replace("{" + param + "}", service_id),
                {param: service_id},
                "availability of a demo service",
            )
    resource = "/api/queue/points/{service_point_id}/board"
    if "GET" in dimotis.app.routes.get(resource, {}):
        point = "kep-dimarxeio"
        return (
            resource,
            resource.replace("{service_point_id}", point),
            {"service_point_id": point},
            "no availability route yet: the queue board of a demo service point (heaviest public GET)",
        )
    return "/api/health", "/api/health", {}, "no availability or board route: health"


def run_child(
    project: Path,
    resource: str,
    path: str,
    params: dict[str, str],
    env: dict[str, str],
    python_flags: tuple[str, ...] = (),
) -> dict:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, *python_flags, "-c", CHILD, str(project), resource, path, json.dumps(params)],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(project),
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--importtime",
        metavar="FILE",
        help="also run Dimotis once with -X importtime and write the report to FILE",
    )
    parser.add_argument(
        "--profile", metavar="FILE", help="also profile Dimotis's first request once (cProfile stats to FILE)"
    )
    args = parser.parse_args(argv)

    import logging

    from devstack.moto_server import MotoServer
    from devstack.stack import base_environment

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    moto = MotoServer().start()
    try:
        env = base_environment(moto.url, port=0) | {
            "DIMOTIS_STAGE": "bench",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
        }
        env = _seed(env)
        resource, path, params, note = pick_route()
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")} | env
        with tempfile.TemporaryDirectory() as tmp:
            bare = write_bare_app(Path(tmp) / "bare")
            if args.importtime:
                out = subprocess.run(
                    [
                        sys.executable,
                        "-X",
                        "importtime",
                        "-c",
                        CHILD,
                        str(ROOT),
                        resource,
                        path,
                        json.dumps(params),
                    ],
                    capture_output=True,
                    text=True,
                    env=child_env,
                    cwd=str(ROOT),
                    check=True,
                )
                Path(args.importtime).write_text(out.stderr)
            if args.profile:
                run_child(ROOT, resource, path, params, child_env | {"BENCH_PROFILE": args.profile})
            results: dict[str, list[dict]] = {"dimotis": [], "bare": []}
            for _ in range(args.runs):
                results["dimotis"].append(run_child(ROOT, resource, path, params, child_env))
                results["bare"].append(
                    run_child(bare, "/api/items/{item_id}", "/api/items/1", {"item_id": "1"}, child_env)
                )
    finally:
        moto.stop()

    def median(name: str, key: str) -> float:
        return statistics.median(r[key] for r in results[name])

    summary = {
        "route": f"GET {path}",
        "note": note,
        "runs": args.runs,
        "status": {n: sorted({r["status"] for r in rs}) for n, rs in results.items()},
        "median_ms": {
            n: {k: round(median(n, k) * 1000, 1) for k in ("import", "first_request", "total", "wall")}
            for n in results
        },
    }
    summary["ratio"] = round(median("dimotis", "total") / median("bare", "total"), 2)
    summary["ratio_wall"] = round(median("dimotis", "wall") / median("bare", "wall"), 2)
    summary["target"] = TARGET_RATIO
    summary["meets_target"] = summary["ratio"] <= TARGET_RATIO
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"route: {summary['route']} ({note}); {args.runs} fresh processes each")
        for name, m in summary["median_ms"].items():
            print(
                f"  {name:8s} import {m['import']:7.1f} ms  first request {m['first_request']:7.1f} ms  "
                f"import+request {m['total']:7.1f} ms  process wall {m['wall']:7.1f} ms"
            )
        print(
            f"  ratio (import+first request) {summary['ratio']}  (process wall {summary['ratio_wall']}); "
            f"target <= {TARGET_RATIO}: {'met' if summary['meets_target'] else 'NOT met'}"
        )
    return summary


if __name__ == "__main__":
    main()
