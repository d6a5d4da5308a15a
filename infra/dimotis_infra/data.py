"""Tables and queues of the stack: one DynamoDB table per model (on demand, point-in-time
recovery, the model's stream, TTL, indexes), one SQS queue with a dead-letter queue per
``chalicelib.sqs_queues.QUEUES`` entry, and depth alarms to the alarm topic."""

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

from dimotis_infra import code
from dimotis_infra.names import attribute, pascal


class DataParts:
    """Mixed into ``DimotisStack`` (``self`` is the stack)."""

    # -- tables ---------------------------------------------------------------------------------
    def _tables(self, retain: RemovalPolicy) -> dict[str, dynamodb.Table]:
        tables: dict[str, dynamodb.Table] = {}
        for spec in code.table_specs():
            table = dynamodb.Table(
                self,
                f"Table{pascal(spec.key)}",
                table_name=f"{self.config.prefix}{spec.key}",
                partition_key=attribute(spec.hash_key),
                sort_key=attribute(spec.range_key) if spec.range_key else None,
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
            found[spec.name] = (spec, queue, dlq)
        return found
