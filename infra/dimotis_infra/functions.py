"""The Chalice app in the stack: its environment, the construct that packages it (with its
bytecode), predictable function names, API throttling, and the event source mappings of the
tables' streams and of the SQS queues (partial batch failure, bisect, on-failure queue)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_

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


class FunctionParts:
    """Mixed into ``DimotisStack`` (``self`` is the stack)."""

    # -- the Chalice app ------------------------------------------------------------------------
    def environment(self) -> dict[str, str]:
        """The Lambda environment, one variable per ``chalicelib/settings.py`` field it needs."""
        config = self.config
        env = {
            "DIMOTIS_STAGE": config.stage,
            "DIMOTIS_TABLE_PREFIX": config.prefix,
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
            "POWERTOOLS_SERVICE_NAME": "dimotis",
            "POWERTOOLS_LOG_LEVEL": "INFO",
        }
        for spec, queue, _ in self.queues.values():
            env[spec.url_env] = queue.queue_url
        return env

    def _chalice_app(self) -> Any:
        stage_config = {
            "manage_iam_role": False,
            "iam_role_arn": self.role.role_arn,
            "api_gateway_endpoint_type": "REGIONAL",
            "environment_variables": self.environment(),
        }
        with offline_packaging(self.workdir, self.config.region or "eu-central-1"):
            return precompiled_chalice()(self, "App", source_dir=str(code.ROOT), stage_config=stage_config)

    def _name_functions(self) -> None:
        """Predictable names (``dimotis-<municipality>-<stage>-<function>``) for logs and alarms."""
        for spec in self.functions.values():
            resource = self.chalice.get_resource(spec.resource)
            resource.add_property_override("FunctionName", f"{self.config.prefix}{spec.name}"[:64])

    def _api_throttling(self) -> None:
        api = self.chalice.get_resource("RestAPI")
        api.add_property_override(
            "MethodSettings",
            [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": self.config.api_rate_limit,
                    "ThrottlingBurstLimit": self.config.api_burst_limit,
                    "MetricsEnabled": True,
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
            )
