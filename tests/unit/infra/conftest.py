"""One offline synth of the CDK app for every infra test (about 40 s): the main stack of a
municipality and its edge stack (us-east-1, the WAF), with context values that differ from the
defaults, so each test can see them arrive in the templates. Every test reads the templates.

The infra tests share the ``infra`` xdist group, so one worker synthesises once for all of them.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

INFRA = ROOT / "infra"
if str(INFRA) not in sys.path:
    sys.path.insert(0, str(INFRA))

CONTEXT = {
    "municipality": "palaio-faliro",
    "stage": "prod",
    "domain": "dimotis.palaiofaliro.gr",
    "ses_identity": "palaiofaliro.gr",
    "sms_sender_id": "PFaliro",
    "region": "eu-central-1",
    "api_rate_limit": "40",
    "api_burst_limit": "80",
    "reserved_concurrency": "api_handler=40,exposure_sender=5",
    "queue_max_concurrency": "4",
    "log_retention_days": "180",
    "waf_rate_limit": "1500",
    "waf_write_rate_limit": "200",
    "waf_trusted_cidrs": "203.0.113.0/24,2001:db8::/32",
    "sms_monthly_limit_usd": "50",
    # a table restored from point-in-time recovery in place of the stack's own (README "Operations")
    "table_names": "exposure_incidents=dimotis-palaio-faliro-prod-exposure_incidents-restored",
}
PREFIX = "dimotis-palaio-faliro-prod-"
RESTORED_KEY = "exposure_incidents"
RESTORED_NAME = f"{PREFIX}exposure_incidents-restored"
PROBE_QUEUE = "infra-test-probe"


@pytest.fixture(scope="session")
def synth(tmp_path_factory):
    """GIVEN the code as it is (plus a probe queue when no module has registered one yet)
    WHEN the CDK app is synthesised from Python, offline."""
    from dimotis_infra import build_app
    from dimotis_infra.code import chalice_app
    from dimotis_infra.packaging import ensure_wheelhouse

    from chalicelib.sqs_queues import QUEUES, QueueSpec, register

    ensure_wheelhouse()  # fetched once per machine from the package index; synth itself is offline
    chalice_app()
    probe = None
    if not QUEUES:
        probe = register(QueueSpec(PROBE_QUEUE, function="table_stream", url_env="DIMOTIS_PROBE_QUEUE_URL"))
    outdir = tmp_path_factory.mktemp("cdk") / "cdk.out"
    environ_before = dict(os.environ)
    try:
        assembly = build_app(dict(CONTEXT), outdir=str(outdir)).synth()
    finally:
        if probe is not None:
            QUEUES.pop(PROBE_QUEUE, None)
    main = assembly.get_stack_by_name(PREFIX.rstrip("-"))
    edge = assembly.get_stack_by_name(f"{PREFIX}edge")
    path = Path(assembly.directory) / main.template_file
    edge_path = Path(assembly.directory) / edge.template_file
    yield {
        "template": json.loads(path.read_text()),
        "edge": json.loads(edge_path.read_text()),
        "path": path,
        "edge_path": edge_path,
        "edge_region": edge.environment.region,
        "dependencies": [d.stack_name for d in main.dependencies if hasattr(d, "stack_name")],
        "probe": probe,
        "environ_changed": {
            k for k in set(environ_before) | set(os.environ) if environ_before.get(k) != os.environ.get(k)
        },
    }
    shutil.rmtree(outdir, ignore_errors=True)
