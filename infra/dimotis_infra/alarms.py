"""What tells the operator of trouble: CloudWatch alarms to the alarm topic (e-mailed to
``alarm_email``). README "Operations" says what each means and what to do.

| alarm | fires when |
| --- | --- |
| ``<function> errors`` | a function's invocations ended in an error (5 minutes) |
| ``<function> throttled`` | a function was refused for want of concurrency (5 minutes) |
| ``table_stream behind`` | stream records waited more than 10 minutes (3 periods of 5) |
| ``API 5xx`` | over ``api_5xx_alarm_percent`` of API requests answered 5xx (5 minutes, 20 requests or more) |
| ``messages failed`` | the outbox sender gave a message up (the ``outbox send failed`` log line) |
| ``SMS spend`` | this month's SMS spend passed 80 % of ``sms_monthly_limit_usd`` |
| ``SES bounces`` / ``SES complaints`` | the account's bounce rate passed 5 %, complaint rate 0.1 % |
| queue depth (``data.py``) | a dead-letter queue or the stream-failures queue holds a message |

Failed messages are counted by a metric filter on every function's log group (whichever function
sends): the structured line the sender writes when it marks a row ``failed``
(``OUTBOX_FAILED_MESSAGE``, in ``chalicelib/services/platform/notifications.py``;
``tests/unit/infra/test_alarms.py`` checks the code still writes it).

Limitation: SMS spend and the SES reputation are the account's (per region), not one
municipality's: in a shared account, each stack's alarm watches the same figure.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_logs as logs

from dimotis_infra.names import pascal

OUTBOX_FAILED_MESSAGE = "outbox send failed"
OUTBOX_FAILED_PATTERN = f'{{ $.message = "{OUTBOX_FAILED_MESSAGE}" }}'
OUTBOX_FAILED_METRIC = "OutboxSendFailed"
SMS_SPEND_RATIO = 0.8
STREAM_BEHIND_MS = 10 * 60 * 1000
API_MIN_REQUESTS = 20
PERIOD = Duration.minutes(5)
GT_OR_EQ = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD


class AlarmParts:
    """Mixed into ``DimotisStack`` (``self`` is the stack)."""

    @property
    def metric_namespace(self) -> str:
        return f"Dimotis/{self.config.municipality}/{self.config.stage}"

    def _alarm(
        self,
        construct_id: str,
        description: str,
        metric: cloudwatch.IMetric,
        threshold: float,
        evaluation_periods: int = 1,
    ) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            alarm_name=f"{self.config.stack_name} {description.split(':')[0]}"[:255],
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            evaluation_periods=evaluation_periods,
            comparison_operator=GT_OR_EQ,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(cw_actions.SnsAction(self.alarm_topic))
        return alarm

    def _alarms(self) -> None:
        self._function_alarms()
        self._api_alarm()
        self._outbox_alarm()
        self._provider_alarms()

    def _lambda_metric(self, name: str, function: str, statistic: str = "Sum") -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="AWS/Lambda",
            metric_name=name,
            dimensions_map={"FunctionName": self.function_name(function)},
            statistic=statistic,
            period=PERIOD,
        )

    def _function_alarms(self) -> None:
        for spec in self.functions.values():
            id_ = pascal(spec.name)
            self._alarm(
                f"Errors{id_}",
                f"{spec.name} errors: invocations of {self.function_name(spec.name)} failed",
                self._lambda_metric("Errors", spec.name),
                1,
            )
            self._alarm(
                f"Throttles{id_}",
                f"{spec.name} throttled: invocations refused for want of concurrency",
                self._lambda_metric("Throttles", spec.name),
                1,
            )
        if "table_stream" in self.functions:
            self._alarm(
                "StreamBehind",
                "table_stream behind: stream records waited over 10 minutes to be handled",
                self._lambda_metric("IteratorAge", "table_stream", "Maximum"),
                STREAM_BEHIND_MS,
                evaluation_periods=3,
            )

    def _api_alarm(self) -> None:
        dims = {"ApiName": self.function_name("api"), "Stage": "api"}
        errors, count = (
            cloudwatch.Metric(
                namespace="AWS/ApiGateway",
                metric_name=name,
                dimensions_map=dims,
                statistic="Sum",
                period=PERIOD,
            )
            for name in ("5XXError", "Count")
        )
        rate = cloudwatch.MathExpression(
            expression=f"IF(requests >= {API_MIN_REQUESTS}, 100 * errors / requests, 0)",
            using_metrics={"errors": errors, "requests": count},
            label="API 5xx %",
            period=PERIOD,
        )
        self._alarm(
            "Api5xx",
            f"API 5xx: over {self.config.api_5xx_alarm_percent:g} % of API requests failed on the server",
            rate,
            self.config.api_5xx_alarm_percent,
        )

    def _outbox_alarm(self) -> None:
        for name, group in self.log_groups.items():
            logs.CfnMetricFilter(
                self,
                f"OutboxFailed{pascal(name)}",
                log_group_name=group.ref,
                filter_pattern=OUTBOX_FAILED_PATTERN,
                metric_transformations=[
                    logs.CfnMetricFilter.MetricTransformationProperty(
                        metric_namespace=self.metric_namespace,
                        metric_name=OUTBOX_FAILED_METRIC,
                        metric_value="1",
                        unit="Count",
                    )
                ],
            )
        self._alarm(
            "OutboxFailed",
            "messages failed: the outbox gave up sending e-mails or SMS (rows marked failed)",
            cloudwatch.Metric(
                namespace=self.metric_namespace,
                metric_name=OUTBOX_FAILED_METRIC,
                statistic="Sum",
                period=PERIOD,
            ),
            1,
        )

    def _provider_alarms(self) -> None:
        limit = self.config.sms_monthly_limit_usd
        self._alarm(
            "SmsSpend",
            f"SMS spend: this month's SMS spend passed {SMS_SPEND_RATIO:.0%} of the {limit:g} USD limit",
            cloudwatch.Metric(
                namespace="AWS/SNS", metric_name="SMSMonthToDateSpentUSD", statistic="Maximum", period=PERIOD
            ),
            round(limit * SMS_SPEND_RATIO, 2),
        )
        for id_, metric, threshold, what in (
            ("SesBounces", "Reputation.BounceRate", 0.05, "SES bounces: over 5 % of e-mails bounced"),
            ("SesComplaints", "Reputation.ComplaintRate", 0.001, "SES complaints: over 0.1 % marked as spam"),
        ):
            self._alarm(
                id_,
                what,
                cloudwatch.Metric(
                    namespace="AWS/SES", metric_name=metric, statistic="Maximum", period=Duration.hours(1)
                ),
                threshold,
            )
