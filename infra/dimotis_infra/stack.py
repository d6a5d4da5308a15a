"""One municipality's Dimotis on AWS: everything DESIGN.md lists, derived from the code.

- DynamoDB: one table per model (on-demand, point-in-time recovery unless the model opts out,
  stream, TTL, indexes); a table restored from point-in-time recovery can take a table's place
  (``table_names`` context).
- Lambda + API Gateway + EventBridge schedules: the Chalice app through ``chalice.cdk.Chalice``
  (X-Ray on from ``.chalice/config.json``), each function with its own role (least privilege,
  from what its code reaches), its log group with a retention, and reserved concurrency only
  where the context asks (within one municipality's share of the account's quota).
- Every table a stream consumer reads (its stream on, see ``chalicelib/models/base.py``) ->
  ``table_stream`` with partial batch failure, bisect on error, a retry limit, a maximum record
  age and an on-failure SQS queue with an alarm on its depth.
- Every ``chalicelib.sqs_queues.QUEUES`` entry: a queue, its dead-letter queue, an alarm on the DLQ
  and a mapping to its function with partial batch failure and a maximum concurrency.
- Alarms to the alarm e-mail: function errors and throttles, the stream falling behind, API 5xx
  rate, messages that failed to send, SMS spend, SES reputation, queue depths.
- Append-only tables (the audit log): the role denies UpdateItem, DeleteItem, BatchWriteItem and
  PartiQL writes on them (``role.py``).
- KMS key (rotation on) for the visit log, Cognito user pool for staff, SES identity, SMS sender
  id, Secrets Manager secrets (session key, Taxisnet client, origin header), uploads bucket
  (unattached uploads expire in a day), static site bucket behind CloudFront with ``/api/*`` and
  ``/open311/*`` sent to API Gateway, behind a WAF web ACL (``edge.py``: its own stack in
  us-east-1, as CloudFront requires).

The parts, each a mixin of ``DimotisStack``: ``data.py`` (tables, queues, depth alarms),
``identity.py`` (uploads bucket, user pool, SES identity, secrets), ``role.py`` (a role per
function), ``functions.py`` (the Chalice app, its package with bytecode, log groups, event source
mappings), ``alarms.py`` (what tells the operator) and ``site.py`` (static site, CloudFront,
outputs).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import RemovalPolicy
from aws_cdk import aws_kms as kms
from constructs import Construct

from dimotis_infra import code
from dimotis_infra.alarms import AlarmParts
from dimotis_infra.config import DeploymentConfig
from dimotis_infra.data import DataParts
from dimotis_infra.edge import EdgeStack
from dimotis_infra.functions import FunctionParts, HelperLogGroups
from dimotis_infra.identity import IdentityParts
from dimotis_infra.role import RoleParts
from dimotis_infra.site import SiteParts


class DimotisStack(DataParts, IdentityParts, RoleParts, FunctionParts, AlarmParts, SiteParts, cdk.Stack):
    """The whole deployment of one municipality and stage.

    The construct id is the Chalice stage name (the Chalice construct takes its stage from its
    scope), so ``.chalice/config.json`` per-stage settings (timeouts, concurrency) apply.
    """

    def __init__(self, scope: Construct, config: DeploymentConfig, *, workdir: Path, **kwargs: Any):
        env = cdk.Environment(account=config.account, region=config.region) if config.region else None
        super().__init__(
            scope,
            config.stage,
            stack_name=config.stack_name,
            env=env,
            description=f"Dimotis for {config.municipality} ({config.stage})",
            **kwargs,
        )
        self.config = config
        self.workdir = workdir
        cdk.Tags.of(self).add("dimotis:municipality", config.municipality)
        cdk.Tags.of(self).add("dimotis:stage", config.stage)
        retain = RemovalPolicy.RETAIN if config.is_production else RemovalPolicy.DESTROY

        self.functions = {f.name: f for f in code.function_specs()}
        self.alarm_topic = self._alarm_topic()
        self.tables = self._tables(retain)
        self.key = kms.Key(
            self,
            "VisitLogKey",
            alias=f"alias/{config.prefix}visit-log",
            description="Data keys for visit-log contact details (DESIGN invariant 5)",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.stream_failures = self._queue_with_alarm(
            "StreamFailures",
            f"{config.prefix}stream-failures",
            "Stream records that failed after every retry (on-failure destination)",
        )
        self.queues = self._queues()
        self.uploads = self._uploads_bucket(retain)
        self.user_pool, self.user_pool_client = self._user_pool()
        self.email_identity = self._email_identity()
        self.session_secret, self.taxisnet_secret = self._secrets()
        self.origin_secret = self._origin_secret()
        self.log_groups = self._log_groups()
        self.roles = self._lambda_roles()
        self.chalice = self._chalice_app()
        self._configure_functions()
        self._api_settings()
        self._stream_mappings()
        self._queue_mappings()
        self.site_bucket, self.distribution = self._static_site(retain)
        self._alarms()
        self._outputs()


def build_app(context: dict[str, Any] | None = None, outdir: str | None = None) -> cdk.App:
    """The CDK app of the municipality and stage given in ``context``: its stack, and the edge
    stack (us-east-1) with the WAF web ACL of its CloudFront distribution."""
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    kwargs: dict[str, Any] = {"context": context or {}}
    if outdir:
        kwargs["outdir"] = outdir
    app = cdk.App(**kwargs)
    config = DeploymentConfig.from_context(app.node, dict(os.environ))
    # Chalice's output and the static-site bundle live beside the cloud assembly (git-ignored).
    workdir = Path(app.outdir or outdir or tempfile.mkdtemp()).resolve() / ".work"
    edge = EdgeStack(app, config)
    DimotisStack(app, config, workdir=workdir).add_dependency(edge, "the web ACL of its distribution")
    cdk.Aspects.of(app).add(HelperLogGroups(config.log_retention_days))
    return app
