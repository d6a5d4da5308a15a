"""The execution role every Chalice function shares: least privilege, each statement scoped to
the resources the code uses (tables and indexes, streams, queues, the key, the bucket, the
secrets, the user pool), and a deny on changing the append-only tables."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam

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
    "cognito-idp:DescribeUserPool",  # the password policy the sign-in pages name rules from
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


class RoleParts:
    """Mixed into ``DimotisStack`` (``self`` is the stack)."""

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
