"""One municipality's Dimotis on AWS: everything DESIGN.md lists, derived from the code.

- DynamoDB: one table per model (on-demand, point-in-time recovery, stream, TTL, indexes).
- Lambda + API Gateway + EventBridge schedules: the Chalice app through ``chalice.cdk.Chalice``
  (X-Ray on from ``.chalice/config.json``), on an execution role defined here (least privilege).
- Every table's stream -> ``table_stream`` with partial batch failure, bisect on error, a retry
  limit, a maximum record age and an on-failure SQS queue with an alarm on its depth.
- Every ``chalicelib.sqs_queues.QUEUES`` entry: a queue, its dead-letter queue, an alarm on the DLQ
  and a mapping to its function with partial batch failure.
- KMS key (rotation on) for the visit log, Cognito user pool for staff, SES identity, SMS sender
  id, Secrets Manager secrets (session key, Taxisnet client), uploads bucket, static site bucket
  behind CloudFront with ``/api/*`` and ``/open311/*`` sent to API Gateway.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import (
    Duration,
    RemovalPolicy,
)
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from dimotis_infra import code, static
from dimotis_infra.config import DeploymentConfig
from dimotis_infra.packaging import offline_packaging, precompile

STAFF_GROUPS = ("admin", "manager", "clerk", "health_officer")
STREAM_BATCH_SIZE = 100
STREAM_RETRY_ATTEMPTS = 5
STREAM_MAX_RECORD_AGE = Duration.hours(24)
# Actions that change or remove an item: denied on append-only tables (the audit log).
APPEND_ONLY_DENIED = (
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
    "dynamodb:DeleteTable",
    "dynamodb:UpdateTable",
)
DATA_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
)
STREAM_ACTIONS = (
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
)
COGNITO_ACTIONS = (
    "cognito-idp:AdminGetUser",
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminUpdateUserAttributes",
    "cognito-idp:AdminEnableUser",
    "cognito-idp:AdminDisableUser",
    "cognito-idp:AdminSetUserPassword",
    "cognito-idp:AdminResetUserPassword",
    "cognito-idp:AdminListGroupsForUser",
    "cognito-idp:AdminAddUserToGroup",
    "cognito-idp:AdminRemoveUserFromGroup",
    "cognito-idp:AdminUserGlobalSignOut",
    "cognito-idp:ListUsers",
    "cognito-idp:ListUsersInGroup",
)


def precompiled_chalice() -> type:
    """The Chalice CDK construct, whose package carries its bytecode (``packaging.precompile``)."""
    from chalice.cdk import Chalice

    class PrecompiledChalice(Chalice):
        def _package_app(self) -> None:
            super()._package_app()
            precompile(Path(self._sam_package_dir) / "deployment.zip")

    return PrecompiledChalice


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_") if part)


class DimotisStack(cdk.Stack):
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

    # -- tables ---------------------------------------------------------------------------------
    def _tables(self, retain: RemovalPolicy) -> dict[str, dynamodb.Table]:
        tables: dict[str, dynamodb.Table] = {}
        for spec in code.table_specs():
            table = dynamodb.Table(
                self,
                f"Table{_pascal(spec.key)}",
                table_name=f"{self.config.prefix}{spec.key}",
                partition_key=_attribute(spec.hash_key),
                sort_key=_attribute(spec.range_key) if spec.range_key else None,
                billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
                point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                    point_in_time_recovery_enabled=True
                ),
                stream=dynamodb.StreamViewType(spec.stream_view) if spec.stream_view else None,
                time_to_live_attribute=spec.ttl_attribute,
                encryption=dynamodb.TableEncryption.AWS_MANAGED,
                deletion_protection=self.config.is_production,
                removal_policy=retain,
            )
            for index in spec.indexes:
                projection = dynamodb.ProjectionType(index.projection)
                non_key = list(index.non_key_attributes) or None
                if index.local:
                    table.add_local_secondary_index(
                        index_name=index.name,
                        sort_key=_attribute(index.range_key),
                        projection_type=projection,
                        non_key_attributes=non_key,
                    )
                else:
                    table.add_global_secondary_index(
                        index_name=index.name,
                        partition_key=_attribute(index.hash_key),
                        sort_key=_attribute(index.range_key) if index.range_key else None,
                        projection_type=projection,
                        non_key_attributes=non_key,
                    )
            cdk.Tags.of(table).add("dimotis:table", spec.key)
            if spec.append_only:
                cdk.Tags.of(table).add("dimotis:append-only", "true")
            tables[spec.key] = table
        self.table_specs = {s.key: s for s in code.table_specs()}
        return tables

    # -- queues ---------------------------------------------------------------------------------
    def _alarm_topic(self) -> sns.Topic:
        topic = sns.Topic(
            self, "Alarms", display_name=f"Dimotis {self.config.municipality} alarms", enforce_ssl=True
        )
        if self.config.alarm_email:
            topic.add_subscription(subscriptions.EmailSubscription(self.config.alarm_email))
        return topic

    def _depth_alarm(self, construct_id: str, queue: sqs.Queue, description: str) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self,
            f"{construct_id}Alarm",
            alarm_description=description,
            metric=queue.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(1), statistic="Maximum"
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(cw_actions.SnsAction(self.alarm_topic))
        return alarm

    def _queue_with_alarm(self, construct_id: str, name: str, description: str) -> sqs.Queue:
        queue = sqs.Queue(
            self,
            construct_id,
            queue_name=name,
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        self._depth_alarm(construct_id, queue, description)
        return queue

    def _function_timeout(self, function: str) -> int:
        chalice_config = json.loads((code.ROOT / ".chalice" / "config.json").read_text())
        stage = chalice_config.get("stages", {}).get(self.config.stage, {})
        per_function = stage.get("lambda_functions", {}).get(function, {})
        return int(
            per_function.get("lambda_timeout")
            or stage.get("lambda_timeout")
            or chalice_config.get("lambda_timeout")
            or 60
        )

    def _queues(self) -> dict[str, tuple[Any, sqs.Queue, sqs.Queue]]:
        found = {}
        for spec in code.queue_specs():
            pascal = _pascal(spec.name)
            dlq = self._queue_with_alarm(
                f"Queue{pascal}Dlq",
                f"{self.config.prefix}{spec.name}-dlq",
                f"Messages of {spec.name} that failed {spec.max_receive_count} times",
            )
            # Lambda requires the visibility timeout to be at least the function's timeout.
            visibility = max(spec.visibility_timeout, self._function_timeout(spec.function))
            queue = sqs.Queue(
                self,
                f"Queue{pascal}",
                queue_name=f"{self.config.prefix}{spec.name}",
                visibility_timeout=Duration.seconds(visibility),
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
                dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=spec.max_receive_count),
            )
            found[spec.name] = (spec, queue, dlq)
        return found

    # -- buckets, identity, secrets ---------------------------------------------------------------
    def _uploads_bucket(self, retain: RemovalPolicy) -> s3.Bucket:
        return s3.Bucket(
            self,
            "Uploads",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=retain,
            auto_delete_objects=False,
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.PUT, s3.HttpMethods.GET],
                    allowed_origins=[self.config.public_base_url],
                    allowed_headers=["*"],
                    exposed_headers=["ETag"],
                    max_age=3000,
                )
            ],
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="abort-incomplete-uploads", abort_incomplete_multipart_upload_after=Duration.days(1)
                ),
                s3.LifecycleRule(
                    id="older-to-infrequent-access",
                    transitions=[
                        s3.Transition(
                            storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                            transition_after=Duration.days(90),
                        )
                    ],
                ),
            ],
        )

    def _user_pool(self) -> tuple[cognito.UserPool, cognito.UserPoolClient]:
        extra: dict[str, Any] = {}
        if self.config.cognito_threat_protection:
            extra = {
                "feature_plan": cognito.FeaturePlan.PLUS,
                "standard_threat_protection_mode": cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            }
        pool = cognito.UserPool(
            self,
            "StaffPool",
            user_pool_name=f"{self.config.prefix}staff",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(username=True, email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True),
            ),
            custom_attributes={"department": cognito.StringAttribute(min_len=1, max_len=64, mutable=True)},
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(sms=False, otp=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            deletion_protection=self.config.is_production,
            removal_policy=RemovalPolicy.RETAIN if self.config.is_production else RemovalPolicy.DESTROY,
            **extra,
        )
        for group in STAFF_GROUPS:
            cognito.CfnUserPoolGroup(
                self,
                f"Group{_pascal(group)}",
                user_pool_id=pool.user_pool_id,
                group_name=group,
                description=f"Dimotis role {group}",
            )
        client = pool.add_client(
            "WebClient",
            user_pool_client_name="dimotis-web",
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_password=True),
            prevent_user_existence_errors=True,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.hours(12),
            enable_token_revocation=True,
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, fullname=True)
            .with_custom_attributes("department"),
            write_attributes=cognito.ClientAttributes().with_standard_attributes(fullname=True),
        )
        return pool, client

    def _email_identity(self) -> ses.EmailIdentity:
        identity = self.config.ses_identity
        return ses.EmailIdentity(
            self,
            "SenderIdentity",
            identity=ses.Identity.email(identity) if "@" in identity else ses.Identity.domain(identity),
        )

    def _secrets(self) -> tuple[secretsmanager.Secret, secretsmanager.Secret]:
        session = secretsmanager.Secret(
            self,
            "SessionKey",
            secret_name=f"{self.config.prefix}session-key",
            description='Signing key of citizen session tokens (JSON {"key"}), generated',
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template="{}",
                generate_string_key="key",
                password_length=64,
                exclude_punctuation=True,
            ),
        )
        taxisnet = secretsmanager.Secret(
            self,
            "TaxisnetClient",
            secret_name=f"{self.config.prefix}taxisnet-client",
            description='Taxisnet (GSIS OAuth 2.0) client: JSON {"client_id", "client_secret"}; '
            "the operator sets the values GSIS issued",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps({"client_id": "SET-ME"}),
                generate_string_key="client_secret",
                exclude_punctuation=True,
            ),
        )
        return session, taxisnet

    # -- the Lambda role ------------------------------------------------------------------------
    def _lambda_role(self) -> iam.Role:
        """Least privilege for every Chalice function (they share one role)."""
        table_arns = [t.table_arn for t in self.tables.values()]
        index_arns = [f"{t.table_arn}/index/*" for t in self.tables.values()]
        stream_arns = [t.table_stream_arn for t in self.tables.values() if t.table_stream_arn]
        queue_arns = [q.queue_arn for _, q, _ in self.queues.values()]
        statements = [
            iam.PolicyStatement(
                sid="Logs",
                actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[
                    self.format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name=f"/aws/lambda/{self.config.prefix}*",
                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                    )
                    + ":*"
                ],
            ),
            iam.PolicyStatement(
                sid="XRay",
                actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                resources=["*"],
            ),
            iam.PolicyStatement(sid="Tables", actions=list(DATA_ACTIONS), resources=table_arns + index_arns),
            iam.PolicyStatement(sid="Streams", actions=list(STREAM_ACTIONS), resources=stream_arns),
            iam.PolicyStatement(sid="ListStreams", actions=["dynamodb:ListStreams"], resources=["*"]),
            iam.PolicyStatement(
                sid="SendEmail",
                actions=["ses:SendEmail", "ses:SendRawEmail"],
                resources=[
                    self.format_arn(
                        service="ses", resource="identity", resource_name=self.config.ses_identity
                    )
                ],
            ),
            # SMS goes to phone numbers, which have no ARN: Publish cannot be narrower than "*".
            iam.PolicyStatement(sid="Sms", actions=["sns:Publish"], resources=["*"]),
            iam.PolicyStatement(
                sid="StreamFailures",
                actions=["sqs:SendMessage", "sqs:GetQueueAttributes"],
                resources=[self.stream_failures.queue_arn],
            ),
            iam.PolicyStatement(
                sid="VisitLogKey",
                actions=["kms:GenerateDataKey", "kms:Decrypt"],
                resources=[self.key.key_arn],
            ),
            iam.PolicyStatement(
                sid="Uploads",
                actions=["s3:PutObject", "s3:GetObject"],
                resources=[self.uploads.arn_for_objects("*")],
            ),
            iam.PolicyStatement(
                sid="Secrets",
                actions=["secretsmanager:GetSecretValue"],
                resources=[self.session_secret.secret_arn, self.taxisnet_secret.secret_arn],
            ),
            iam.PolicyStatement(
                sid="StaffDirectory", actions=list(COGNITO_ACTIONS), resources=[self.user_pool.user_pool_arn]
            ),
        ]
        if queue_arns:
            statements.append(
                iam.PolicyStatement(
                    sid="Queues",
                    actions=[
                        "sqs:SendMessage",
                        "sqs:ReceiveMessage",
                        "sqs:DeleteMessage",
                        "sqs:ChangeMessageVisibility",
                        "sqs:GetQueueAttributes",
                    ],
                    resources=queue_arns,
                )
            )
        append_only = [self.tables[k].table_arn for k, s in self.table_specs.items() if s.append_only]
        if append_only:
            statements.append(
                iam.PolicyStatement(
                    sid="AppendOnly",
                    effect=iam.Effect.DENY,
                    actions=list(APPEND_ONLY_DENIED),
                    resources=append_only + [f"{arn}/index/*" for arn in append_only],
                )
            )
        return iam.Role(
            self,
            "LambdaRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Execution role of the Dimotis Lambda functions",
            inline_policies={"dimotis": iam.PolicyDocument(statements=statements)},
        )

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
                f"Stream{_pascal(key)}",
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
                f"Queue{_pascal(spec.name)}Mapping",
                function_name=self._function_ref(spec.function),
                event_source_arn=queue.queue_arn,
                batch_size=spec.batch_size,
                maximum_batching_window_in_seconds=1 if spec.batch_size > 10 else None,
                function_response_types=["ReportBatchItemFailures"],
            )

    # -- static site and CloudFront ---------------------------------------------------------------
    def _static_site(self, retain: RemovalPolicy) -> tuple[s3.Bucket, cloudfront.Distribution]:
        bucket = s3.Bucket(
            self,
            "StaticSite",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=retain,
            auto_delete_objects=not self.config.is_production,
        )
        rewrite = cloudfront.Function(
            self,
            "PageRoutes",
            comment="Maps URLs to static-site keys as devstack/gateway.py does",
            code=cloudfront.FunctionCode.from_inline(static.viewer_request_function()),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
        )
        api = self.chalice.get_resource("RestAPI")
        api_origin = origins.HttpOrigin(
            f"{api.ref}.execute-api.{cdk.Aws.REGION}.{cdk.Aws.URL_SUFFIX}",
            origin_path="/api",
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        )
        api_behaviour = cloudfront.BehaviorOptions(
            origin=api_origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            compress=True,
        )
        domain: dict[str, Any] = {}
        if self.config.certificate_arn:
            domain = {
                "domain_names": [self.config.domain],
                "certificate": acm.Certificate.from_certificate_arn(
                    self, "Certificate", self.config.certificate_arn
                ),
            }
        distribution = cloudfront.Distribution(
            self,
            "Site",
            comment=f"Dimotis {self.config.municipality} ({self.config.stage})",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=rewrite, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
                compress=True,
            ),
            additional_behaviors={"/api/*": api_behaviour, "/open311/*": api_behaviour},
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            **domain,
        )
        bundle = static.build_bundle(self.workdir / "static-site")
        s3deploy.BucketDeployment(
            self,
            "StaticSiteContent",
            sources=[s3deploy.Source.asset(str(bundle))],
            destination_bucket=bucket,
            distribution=distribution,
            distribution_paths=["/*"],
            memory_limit=512,
        )
        return bucket, distribution

    def _outputs(self) -> None:
        cdk.CfnOutput(self, "SiteUrl", value=f"https://{self.distribution.distribution_domain_name}")
        cdk.CfnOutput(self, "PublicBaseUrl", value=self.config.public_base_url)
        cdk.CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id)
        cdk.CfnOutput(self, "UserPoolClientId", value=self.user_pool_client.user_pool_client_id)
        cdk.CfnOutput(self, "TaxisnetSecretArn", value=self.taxisnet_secret.secret_arn)
        cdk.CfnOutput(self, "StreamFailuresQueueUrl", value=self.stream_failures.queue_url)


def _attribute(key: code.Key) -> dynamodb.Attribute:
    types = {
        "S": dynamodb.AttributeType.STRING,
        "N": dynamodb.AttributeType.NUMBER,
        "B": dynamodb.AttributeType.BINARY,
    }
    return dynamodb.Attribute(name=key.name, type=types[key.type])


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
