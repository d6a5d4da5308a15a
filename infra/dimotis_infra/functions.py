"""The Chalice app in the stack: its environment, the construct that packages it (with its
bytecode), each function's name, role, log group (with a retention) and reserved concurrency (only
where the ``reserved_concurrency`` context asks), API throttling and metrics, and the event source
mappings of the tables' streams and of the SQS queues (partial batch failure, bisect, on-failure
queue; the queues' mappings capped with ``MaximumConcurrency``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from dimotis_infra import code
from dimotis_infra.names import pascal
from dimotis_infra.packaging import offline_packaging, precompile

STREAM_BATCH_SIZE = 100
STREAM_RETRY_ATTEMPTS = 5
STREAM_MAX_RECORD_AGE = Duration.hours(24)


def precompiled_chalice() -> type:
    """The Chalice CDK construct, whose package carries its bytecode (``packaging.precompile``)."""
    from chalice.cdk import Chalice

    class PrecompiledChalice(Chalice):
        def _package_app(self) -> None:
            super()._package_app()
            precompile(Path(self._sam_package_dir) / "deployment.zip")

    return PrecompiledChalice


@jsii.implements(cdk.IAspect)
class HelperLogGroups:
    """CDK's own Lambda functions in a stack (the static site's upload, cross-region references,
    restored tables' set-up) write to a log group with the retention too: each gets one, named by
    CloudFormation, through its ``LoggingConfig``."""

    def __init__(self, retention_days: int) -> None:
        self.retention_days = retention_days

    def visit(self, node: Any) -> None:
        if not (isinstance(node, cdk.CfnResource) and node.cfn_resource_type == "AWS::Lambda::Function"):
            return
        scope = node.node.scope
        group_id = f"{node.node.id}Logs"
        if scope.node.try_find_child(group_id) is not None:
            return
        group = logs.CfnLogGroup(scope, group_id, retention_in_days=self.retention_days)
        group.apply_removal_policy(RemovalPolicy.DESTROY)  # a helper's logs: nothing to keep
        node.add_property_override("LoggingConfig.LogGroup", group.ref)


class FunctionParts:
    """Mixed into ``DimotisStack`` (``self`` is the stack)."""

    # -- the Chalice app ------------------------------------------------------------------------
    def environment(self) -> dict[str, str]:
        """The Lambda environment, one variable per ``chalicelib/settings.py`` field it needs."""
        config = self.config
        env = {
            "DIMOTIS_STAGE": config.stage,
            "DIMOTIS_TABLE_PREFIX": config.prefix,
            "DIMOTIS_TABLE_NAMES": ",".join(f"{k}={v}" for k, v in sorted(config.table_names.items())),
            "DIMOTIS_PUBLIC_BASE_URL": config.public_base_url,
            "DIMOTIS_SESSION_KEY_SECRET": self.session_secret.secret_arn,
            "TAXISNET_SECRET_NAME": self.taxisnet_secret.secret_arn,
            "COGNITO_USER_POOL_ID": self.user_pool.user_pool_id,
            "COGNITO_CLIENT_ID": self.user_pool_client.user_pool_client_id,
            "DIMOTIS_EMAIL_SENDER": config.email_sender,
            "DIMOTIS_SMS_SENDER_ID": config.sms_sender_id,
            "DIMOTIS_UPLOADS_BUCKET": self.uploads.bucket_name,
            "DIMOTIS_KMS_KEY_ID": self.key.key_arn,
            "DIMOTIS_VISIT_TTL_DAYS": str(config.visit_ttl_days),
            # CloudFront sends it as X-Dimotis-Origin: the app trusts CloudFront-Viewer-Address only
            # on requests that carry it (a dynamic reference: the value never is in the template)
            "DIMOTIS_ORIGIN_SECRET": self.origin_secret_value(),
            "POWERTOOLS_SERVICE_NAME": "dimotis",
            "POWERTOOLS_LOG_LEVEL": "INFO",
        }
        for spec, queue, _ in self.queues.values():
            env[spec.url_env] = queue.queue_url
        return env

    def _chalice_app(self) -> Any:
        stage_config = {
            "manage_iam_role": False,
            # Chalice wants one role; each function gets its own below (``_configure_functions``)
            "iam_role_arn": self.roles["api_handler"].role_arn if "api_handler" in self.roles
            else next(iter(self.roles.values())).role_arn,
            "api_gateway_endpoint_type": "REGIONAL",
            "environment_variables": self.environment(),
        }
        with offline_packaging(self.workdir, self.config.region or "eu-central-1"):
            return precompiled_chalice()(self, "App", source_dir=str(code.ROOT), stage_config=stage_config)

    def function_name(self, name: str) -> str:
        """``dimotis-<municipality>-<stage>-<function>``: predictable, for logs and alarms."""
        return f"{self.config.prefix}{name}"[:64]

    def _log_groups(self) -> dict[str, logs.CfnLogGroup]:
        """Each function's log group under the name Lambda uses, made by the stack so that the
        retention applies (a group Lambda creates itself keeps everything forever)."""
        groups = {}
        for spec in self.functions.values():
            groups[spec.name] = logs.CfnLogGroup(
                self,
                f"Logs{pascal(spec.name)}",
                log_group_name=f"/aws/lambda/{self.function_name(spec.name)}",
                retention_in_days=self.config.log_retention_days,
            )
            groups[spec.name].apply_removal_policy(
                RemovalPolicy.RETAIN if self.config.is_production else RemovalPolicy.DESTROY
            )
        return groups

    def _configure_functions(self) -> None:
        """Name, role, log group and reserved concurrency of each Chalice function."""
        unknown = set(self.config.reserved_concurrency) - set(self.functions)
        if unknown:
            raise ValueError(f"reserved_concurrency names no function of the app: {sorted(unknown)}")
        if "reserved_concurrency" in json.dumps(self._chalice_config()):
            raise ValueError(
                ".chalice/config.json sets reserved_concurrency (Chalice gives it to every function, "
                "over the account's quota): set it with -c reserved_concurrency=function=N instead"
            )
        for spec in self.functions.values():
            resource = self.chalice.get_resource(spec.resource)
            resource.add_property_override("FunctionName", self.function_name(spec.name))
            resource.add_property_override("Role", self.roles[spec.name].role_arn)
            # created before the function, so its first invocation finds its logs and tables
            resource.add_resource_dependency(self.log_groups[spec.name])
            for policy in self.table_policies.get(spec.name, []):
                resource.add_resource_dependency(policy.node.default_child)
            reserved = self.config.reserved_concurrency.get(spec.name)
            if reserved:
                resource.add_property_override("ReservedConcurrentExecutions", reserved)

    def _api_settings(self) -> None:
        api = self.chalice.get_resource("RestAPI")
        # a name per deployment: API Gateway's metrics (and the 5xx alarm) are per API name
        api.add_property_override("Name", self.function_name("api"))
        api.add_property_override(
            "MethodSettings",
            [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": self.config.api_rate_limit,
                    "ThrottlingBurstLimit": self.config.api_burst_limit,
                    # per-method metrics cost per metric; the API-wide ones (5xx...) are always there
                    "MetricsEnabled": self.config.api_detailed_metrics,
                }
            ],
        )

    def _function_ref(self, name: str) -> str:
        spec = self.functions[name]
        return self.chalice.get_resource(spec.resource).ref

    # -- event source mappings ------------------------------------------------------------------
    def _stream_mappings(self) -> None:
        function = self._function_ref("table_stream")
        for key, table in self.tables.items():
            if not table.table_stream_arn:
                continue
            lambda_.CfnEventSourceMapping(
                self,
                f"Stream{pascal(key)}",
                function_name=function,
                event_source_arn=table.table_stream_arn,
                starting_position="TRIM_HORIZON",
                batch_size=STREAM_BATCH_SIZE,
                maximum_batching_window_in_seconds=1,
                bisect_batch_on_function_error=True,
                maximum_retry_attempts=STREAM_RETRY_ATTEMPTS,
                maximum_record_age_in_seconds=int(STREAM_MAX_RECORD_AGE.to_seconds()),
                function_response_types=["ReportBatchItemFailures"],
                destination_config=lambda_.CfnEventSourceMapping.DestinationConfigProperty(
                    on_failure=lambda_.CfnEventSourceMapping.OnFailureProperty(
                        destination=self.stream_failures.queue_arn
                    )
                ),
            )

    def _queue_mappings(self) -> None:
        for spec, queue, _ in self.queues.values():
            lambda_.CfnEventSourceMapping(
                self,
                f"Queue{pascal(spec.name)}Mapping",
                function_name=self._function_ref(spec.function),
                event_source_arn=queue.queue_arn,
                batch_size=spec.batch_size,
                maximum_batching_window_in_seconds=1 if spec.batch_size > 10 else None,
                function_response_types=["ReportBatchItemFailures"],
                scaling_config=lambda_.CfnEventSourceMapping.ScalingConfigProperty(
                    maximum_concurrency=self._queue_concurrency(spec)
                ),
            )

    def _queue_concurrency(self, spec: Any) -> int:
        """The context's cap, or the queue's own when the code declares a lower one (a provider's
        send rate): ``QueueSpec.max_concurrency``."""
        own = getattr(spec, "max_concurrency", None)
        cap = self.config.queue_max_concurrency
        return max(2, min(cap, own)) if own else cap
