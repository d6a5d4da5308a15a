"""One execution role per Lambda function (DESIGN invariant 8), each with only what its code uses.

What a function uses is read from the code (``reach.py``): the tables its handler can reach (the
API handler reaches them all), the AWS services it calls (``client("ses")``...), and whether it
seals or opens visitor contacts (``crypto.seal`` / ``crypto.open_sealed``). Each statement is
scoped to this deployment's resources; the few AWS cannot scope (X-Ray, listing streams or tables,
SMS to phone numbers) are the only ``*``.

- Logs: each function writes only to its own log group, which the stack creates with a retention
  (no ``logs:CreateLogGroup``: a group Lambda made itself would keep logs forever).
- DynamoDB: data actions on the tables (and their indexes) the function reaches, in managed
  policies of ``TABLES_PER_POLICY`` tables (a role's inline policies could not hold every table);
  the stream function also reads the streams and sends given-up records to the stream-failures
  queue.
- KMS: ``GenerateDataKey`` for a function that seals (the API: registrations); ``Decrypt`` only for
  the functions in ``DECRYPTERS`` (the exposure and outbox senders). A function outside it whose code reaches
  ``crypto.open_sealed`` stops the synth.
- SQS: receive on the queues mapped to the function, send on the code's queues when it calls SQS.
- S3 (uploads): the browser's presigned POST writes under ``incoming/``; attaching copies to the
  kept prefix and deletes the incoming object.
- Append-only tables (the audit log): UpdateItem, DeleteItem, BatchWriteItem and PartiQL writes
  denied.

Example::

    roles = stack._lambda_roles()   # {"api_handler": Role, "table_stream": Role, ...}

Limitation: table access is per table, not per action (reads and writes together); the reach is a
static reading of the code (see ``reach.py`` for what it cannot see).
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam

from dimotis_infra import code
from dimotis_infra.names import pascal
from dimotis_infra.reach import Reach, function_reach

# Only these functions may decrypt visitor contacts (DESIGN invariants 5 and 8): the exposure
# sender, and the outbox sender, which opens a visitor's sealed recipient to send the notice.
DECRYPTERS = ("exposure_sender", "outbox_sender")
SEAL = "chalicelib.services.platform.crypto:seal"
OPEN = "chalicelib.services.platform.crypto:open_sealed"

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
    "cognito-idp:DescribeUserPool",
    "cognito-idp:ListUsers",
    "cognito-idp:ListUsersInGroup",
)
QUEUE_CONSUME = (
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
)
QUEUE_SEND = ("sqs:SendMessage", "sqs:GetQueueAttributes")
# A managed policy holds 6,144 characters: 20 tables (and their indexes) fit with room to spare.
TABLES_PER_POLICY = 20


class RoleParts:
    """Mixed into ``DimotisStack`` (``self`` is the stack)."""

    def _lambda_roles(self) -> dict[str, iam.Role]:
        """One role per Chalice function, from what its code reaches."""
        self.reaches: dict[str, Reach] = {}
        self.table_policies: dict[str, list[iam.ManagedPolicy]] = {}
        roles = {}
        for spec in self.functions.values():
            reach = self.reaches[spec.name] = function_reach(spec)
            if OPEN in reach.operations and spec.name not in DECRYPTERS:
                raise ValueError(
                    f"{spec.name} reaches crypto.open_sealed, but only {DECRYPTERS} may decrypt visitor "
                    "contacts (DESIGN invariant 8): move the decryption there"
                )
            tables = sorted(self.tables) if spec.kind == "api" else sorted(reach.tables & set(self.tables))
            role = roles[spec.name] = iam.Role(
                self,
                f"Role{pascal(spec.name)}",
                assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                description=f"Dimotis {self.config.municipality} ({self.config.stage}): {spec.name}",
                inline_policies={
                    "dimotis": iam.PolicyDocument(statements=self._statements(spec, reach, tables))
                },
            )
            # the tables in managed policies of their own, TABLES_PER_POLICY each: a role's inline
            # policies may hold 10,240 characters in all, and the API reaches every table
            for n, start in enumerate(range(0, len(tables), TABLES_PER_POLICY), start=1):
                arns = [self.tables[k].table_arn for k in tables[start : start + TABLES_PER_POLICY]]
                policy = iam.ManagedPolicy(
                    self,
                    f"Tables{pascal(spec.name)}{n}",
                    description=f"Dimotis {self.config.stack_name}: tables of {spec.name} ({n})",
                    statements=[
                        iam.PolicyStatement(
                            sid="Tables",
                            actions=list(DATA_ACTIONS),
                            resources=arns + [f"{a}/index/*" for a in arns],
                        )
                    ],
                    roles=[role],
                )
                self.table_policies.setdefault(spec.name, []).append(policy)
        return roles

    def _statements(
        self, spec: code.FunctionSpec, reach: Reach, tables: list[str]
    ) -> list[iam.PolicyStatement]:
        statements = [
            iam.PolicyStatement(
                sid="Logs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_groups[spec.name].attr_arn],
            ),
            iam.PolicyStatement(
                sid="XRay", actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"]
            ),
        ]
        statements += self._stream_statements(spec)
        statements += self._service_statements(spec, reach)
        statements += self._queue_statements(spec, reach)
        append_only = [self.tables[k].table_arn for k in tables if self.table_specs[k].append_only]
        if append_only:
            statements.append(
                iam.PolicyStatement(
                    sid="AppendOnly",
                    effect=iam.Effect.DENY,
                    actions=list(APPEND_ONLY_DENIED),
                    resources=append_only + [f"{arn}/index/*" for arn in append_only],
                )
            )
        return statements

    def _stream_statements(self, spec: code.FunctionSpec) -> list[iam.PolicyStatement]:
        if spec.name != "table_stream":
            return []
        streams = [t.table_stream_arn for t in self.tables.values() if t.table_stream_arn]
        return [
            iam.PolicyStatement(sid="Streams", actions=list(STREAM_ACTIONS), resources=streams),
            iam.PolicyStatement(sid="ListStreams", actions=["dynamodb:ListStreams"], resources=["*"]),
            # the event source mappings' on-failure destination is sent to with this role
            iam.PolicyStatement(
                sid="StreamFailures", actions=list(QUEUE_SEND), resources=[self.stream_failures.queue_arn]
            ),
        ]

    def _service_statements(self, spec: code.FunctionSpec, reach: Reach) -> list[iam.PolicyStatement]:
        uses = reach.services
        out: list[iam.PolicyStatement] = []
        if "ses" in uses:
            identity = self.format_arn(
                service="ses", resource="identity", resource_name=self.config.ses_identity
            )
            # mail goes out through the identity's default configuration set (bounce and complaint
            # events): SES checks the sender may use it too
            configuration_set = self.format_arn(
                service="ses",
                resource="configuration-set",
                resource_name=self.sender_configuration_set.configuration_set_name,
            )
            out.append(
                iam.PolicyStatement(
                    sid="SendEmail",
                    actions=["ses:SendEmail", "ses:SendRawEmail"],
                    resources=[identity, configuration_set],
                )
            )
        if "sns" in uses:
            # SMS goes to phone numbers, which have no ARN: Publish cannot be narrower than "*".
            out.append(iam.PolicyStatement(sid="Sms", actions=["sns:Publish"], resources=["*"]))
        kms_actions = (["kms:GenerateDataKey"] if SEAL in reach.operations else []) + (
            ["kms:Decrypt"] if OPEN in reach.operations and spec.name in DECRYPTERS else []
        )
        if kms_actions:
            out.append(
                iam.PolicyStatement(sid="VisitLogKey", actions=kms_actions, resources=[self.key.key_arn])
            )
        if "s3" in uses:
            layout = code.uploads_layout()
            out += [
                iam.PolicyStatement(
                    sid="UploadsIncoming",
                    actions=["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
                    resources=[self.uploads.arn_for_objects(f"{layout.incoming_prefix}*")],
                ),
                iam.PolicyStatement(
                    sid="UploadsKept",
                    actions=["s3:PutObject", "s3:GetObject"],
                    resources=[self.uploads.arn_for_objects(f"{layout.kept_prefix}*")],
                ),
            ]
        if "secretsmanager" in uses:
            out.append(
                iam.PolicyStatement(
                    sid="Secrets",
                    actions=["secretsmanager:GetSecretValue"],
                    resources=[self.session_secret.secret_arn, self.taxisnet_secret.secret_arn],
                )
            )
        if "cognito-idp" in uses:
            out.append(
                iam.PolicyStatement(
                    sid="StaffDirectory",
                    actions=list(COGNITO_ACTIONS),
                    resources=[self.user_pool.user_pool_arn],
                )
            )
        if "dynamodb" in uses:  # the health page lists the tables; ListTables has no resource
            out.append(
                iam.PolicyStatement(sid="ListTables", actions=["dynamodb:ListTables"], resources=["*"])
            )
        return out

    def _queue_statements(self, spec: code.FunctionSpec, reach: Reach) -> list[iam.PolicyStatement]:
        out = []
        consumed = [q.queue_arn for s, q, _ in self.queues.values() if s.function == spec.name]
        if consumed:
            out.append(
                iam.PolicyStatement(sid="QueuesConsumed", actions=list(QUEUE_CONSUME), resources=consumed)
            )
        if "sqs" in reach.services and self.queues:
            out.append(
                iam.PolicyStatement(
                    sid="QueuesSend",
                    actions=list(QUEUE_SEND),
                    resources=[q.queue_arn for _, q, _ in self.queues.values()],
                )
            )
        return out
