"""One municipality's Dimotis on AWS: everything DESIGN.md lists, derived from the code.

- DynamoDB: one table per model (on-demand, point-in-time recovery, stream, TTL, indexes).
- Lambda + API Gateway + EventBridge schedules: the Chalice app through ``chalice.cdk.Chalice``
  (X-Ray on from ``.chalice/config.json``), on an execution role defined here (least privilege).
- Every table a stream consumer reads (its stream on, see ``chalicelib/models/base.py``) ->
  ``table_stream`` with partial batch failure, bisect on error, a retry limit, a maximum record
  age and an on-failure SQS queue with an alarm on its depth.
- Every ``chalicelib.sqs_queues.QUEUES`` entry: a queue, its dead-letter queue, an alarm on the DLQ
  and a mapping to its function with partial batch failure.
- Append-only tables (the audit log): the role denies UpdateItem, DeleteItem, BatchWriteItem and
  PartiQL writes on them (``role.py``).
- KMS key (rotation on) for the visit log, Cognito user pool for staff, SES identity, SMS sender
  id, Secrets Manager secrets (session key, Taxisnet client), uploads bucket, static site bucket
  behind CloudFront with ``/api/*`` and ``/open311/*`` sent to API Gateway.

The parts, each a mixin of ``DimotisStack``: ``data.py`` (tables, queues, alarms), ``identity.py``
(uploads bucket, user pool, SES identity, secrets), ``role.py`` (the execution role),
``functions.py`` (the Chalice app, its package with bytecode, event source mappings) and
``site.py`` (static site, CloudFront, outputs).
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
from dimotis_infra.config import DeploymentConfig
from dimotis_infra.data import DataParts
from dimotis_infra.functions import FunctionParts
from dimotis_infra.identity import IdentityParts
from dimotis_infra.role import RoleParts
from dimotis_infra.site import SiteParts


class DimotisStack(DataParts, IdentityParts, RoleParts, FunctionParts, SiteParts, cdk.Stack):
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
        self.role = self._lambda_role()
        self.chalice = self._chalice_app()
        self._name_functions()
        self._api_throttling()
        self._stream_mappings()
        self._queue_mappings()
        self.site_bucket, self.distribution = self._static_site(retain)
        self._outputs()


def build_app(context: dict[str, Any] | None = None, outdir: str | None = None) -> cdk.App:
    """The CDK app with the one stack of the municipality and stage given in ``context``."""
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    kwargs: dict[str, Any] = {"context": context or {}}
    if outdir:
        kwargs["outdir"] = outdir
    app = cdk.App(**kwargs)
    config = DeploymentConfig.from_context(app.node, dict(os.environ))
    # Chalice's output and the static-site bundle live beside the cloud assembly (git-ignored).
    workdir = Path(app.outdir or outdir or tempfile.mkdtemp()).resolve() / ".work"
    DimotisStack(app, config, workdir=workdir)
    return app
