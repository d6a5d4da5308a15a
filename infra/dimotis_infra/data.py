"""Tables and queues of the stack: one DynamoDB table per model (on demand, point-in-time
recovery, the model's stream, TTL, indexes), one SQS queue with a dead-letter queue per
``chalicelib.sqs_queues.QUEUES`` entry (subscribed to its SNS topic when it names one), and depth
alarms to the alarm topic."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import custom_resources as cr

from dimotis_infra import code
from dimotis_infra.names import attribute, pascal


class DataParts:
    """Mixed into ``DimotisStack`` (``self`` is the stack)."""

    # -- tables ---------------------------------------------------------------------------------
    def _tables(self, retain: RemovalPolicy) -> dict[str, dynamodb.ITable]:
        self.table_specs = {s.key: s for s in code.table_specs()}
        unknown = set(self.config.table_names) - set(self.table_specs)
        if unknown:
            raise ValueError(f"table_names names no table of the code: {sorted(unknown)}")
        tables: dict[str, dynamodb.ITable] = {}
        for spec in self.table_specs.values():
            if spec.key in self.config.table_names:
                tables[spec.key] = self._restored_table(spec, self.config.table_names[spec.key])
                continue
            table = dynamodb.Table(
                self,
                f"Table{pascal(spec.key)}",
                table_name=self.config.table_name(spec.key),
                partition_key=attribute(spec.hash_key),
                sort_key=attribute(spec.range_key) if spec.range_key else None,
                billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
                point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                    point_in_time_recovery_enabled=spec.point_in_time_recovery
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
                        sort_key=attribute(index.range_key),
                        projection_type=projection,
                        non_key_attributes=non_key,
                    )
                else:
                    table.add_global_secondary_index(
                        index_name=index.name,
                        partition_key=attribute(index.hash_key),
                        sort_key=attribute(index.range_key) if index.range_key else None,
                        projection_type=projection,
                        non_key_attributes=non_key,
                    )
            cdk.Tags.of(table).add("dimotis:table", spec.key)
            if spec.append_only:
                cdk.Tags.of(table).add("dimotis:append-only", "true")
            tables[spec.key] = table
        return tables

    def _restored_table(self, spec: code.TableSpec, name: str) -> dynamodb.ITable:
        """A table restored from point-in-time recovery (README "Operations"), used in place of the
        stack's own: a restore brings items and indexes back but not the stream, TTL or PITR, so
        the stack turns those on (SDK calls at deploy) and reads the new stream's ARN."""
        arn = self.format_arn(service="dynamodb", resource="table", resource_name=name)
        policy = cr.AwsCustomResourcePolicy.from_sdk_calls(resources=[arn, f"{arn}/*"])
        steps: list[cr.AwsCustomResource] = []

        def call(what: str, action: str, parameters: dict[str, Any], **extra: Any) -> cr.AwsCustomResource:
            sdk = cr.AwsSdkCall(
                service="DynamoDB",
                action=action,
                parameters={"TableName": name, **parameters},
                physical_resource_id=cr.PhysicalResourceId.of(f"{name}-{what}"),
                **extra,
            )
            step = cr.AwsCustomResource(
                self, f"Restored{pascal(spec.key)}{what}", on_update=sdk, policy=policy, install_latest_aws_sdk=False
            )
            for before in steps:
                step.node.add_dependency(before)
            steps.append(step)
            return step

        if spec.point_in_time_recovery:
            call("Pitr", "updateContinuousBackups",
                 {"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})
        if spec.ttl_attribute:  # "already enabled" is a ValidationException: fine on a re-deploy
            call("Ttl", "updateTimeToLive",
                 {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": spec.ttl_attribute}},
                 ignore_error_codes_matching="ValidationException")
        stream_arn = None
        if spec.stream_view:
            call("Stream", "updateTable",
                 {"StreamSpecification": {"StreamEnabled": True, "StreamViewType": spec.stream_view}},
                 ignore_error_codes_matching="ValidationException")
            described = call("Describe", "describeTable", {}, output_paths=["Table.LatestStreamArn"])
            stream_arn = described.get_response_field("Table.LatestStreamArn")
        return dynamodb.Table.from_table_attributes(
            self, f"Table{pascal(spec.key)}", table_name=name, table_stream_arn=stream_arn
        )

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

    def _chalice_config(self) -> dict[str, Any]:
        """``.chalice/config.json`` as it applies to this stage: its top level and the stage's part."""
        chalice_config = json.loads((code.ROOT / ".chalice" / "config.json").read_text())
        stage = chalice_config.get("stages", {}).get(self.config.stage, {})
        return {**{k: v for k, v in chalice_config.items() if k != "stages"}, "stages": {self.config.stage: stage}}

    def _function_timeout(self, function: str) -> int:
        chalice_config = self._chalice_config()
        stage = chalice_config["stages"][self.config.stage]
        per_function = stage.get("lambda_functions", {}).get(function, {})
        return int(
            per_function.get("lambda_timeout")
            or stage.get("lambda_timeout")
            or chalice_config.get("lambda_timeout")
            or 60
        )

    def _queues(self) -> dict[str, tuple[Any, sqs.Queue, sqs.Queue]]:
        found = {}
        self.queue_topics: dict[str, sns.Topic] = {}
        for spec in code.queue_specs():
            name = pascal(spec.name)
            dlq = self._queue_with_alarm(
                f"Queue{name}Dlq",
                f"{self.config.prefix}{spec.name}-dlq",
                f"Messages of {spec.name} that failed {spec.max_receive_count} times",
            )
            # Lambda requires the visibility timeout to be at least the function's timeout.
            visibility = max(spec.visibility_timeout, self._function_timeout(spec.function))
            queue = sqs.Queue(
                self,
                f"Queue{name}",
                queue_name=f"{self.config.prefix}{spec.name}",
                visibility_timeout=Duration.seconds(visibility),
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
                dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=spec.max_receive_count),
            )
            if spec.sns_topic:
                self.queue_topics[spec.name] = self._subscribed_topic(spec, queue)
            found[spec.name] = (spec, queue, dlq)
        return found

    def _subscribed_topic(self, spec: Any, queue: sqs.Queue) -> sns.Topic:
        """``QueueSpec.sns_topic``: the topic ``<prefix><topic>`` with the queue subscribed in the
        SNS envelope (the handler reads it; no raw delivery); the subscription adds the queue
        policy letting the topic send (SES's right to publish comes with its event destination)."""
        topic = sns.Topic(
            self,
            f"Topic{pascal(spec.sns_topic)}",
            topic_name=f"{self.config.prefix}{spec.sns_topic}",
            enforce_ssl=True,
        )
        topic.add_subscription(subscriptions.SqsSubscription(queue, raw_message_delivery=False))
        return topic
