"""An operator who hears of trouble (issue 12 item 6): alarms to the alarm topic for each function's
errors and throttles, the stream falling behind, the API's 5xx rate, messages that failed to send,
SMS spend nearing the monthly limit and SES reputation; the failed-message alarm counts a log line
the code really writes."""

from __future__ import annotations

import io
import json

import pytest

from chalicelib.aws import set_client
from chalicelib.log import logger
from chalicelib.services.platform import notifications
from tests.unit.infra.conftest import PREFIX
from tests.unit.infra.templates import resources

pytestmark = pytest.mark.xdist_group("infra")


def alarms(template):
    return list(resources(template, "AWS::CloudWatch::Alarm").values())


def topic_of(template):
    """The alarm topic (the other topics carry queues' notifications: SES feedback)."""
    [topic] = [t for t in resources(template, "AWS::SNS::Topic") if t.startswith("Alarms")]
    return {"Ref": topic}


def metric_alarms(template, namespace, name):
    return [
        a["Properties"]
        for a in alarms(template)
        if a["Properties"].get("Namespace") == namespace and a["Properties"].get("MetricName") == name
    ]


def test_every_alarm_tells_the_alarm_topic(synth):
    template = synth["template"]
    assert alarms(template)
    for alarm in alarms(template):
        assert alarm["Properties"]["AlarmActions"] == [topic_of(template)]
        assert alarm["Properties"]["TreatMissingData"] == "notBreaching"


def test_each_function_errors_and_throttles_raise_an_alarm(synth):
    from dimotis_infra.code import function_specs

    template = synth["template"]
    for metric in ("Errors", "Throttles"):
        watched = {
            a["Dimensions"][0]["Value"]
            for a in metric_alarms(template, "AWS/Lambda", metric)
            if a["Threshold"] == 1 and a["Statistic"] == "Sum"
        }
        assert watched == {f"{PREFIX}{s.name}" for s in function_specs()}, metric
    [behind] = metric_alarms(template, "AWS/Lambda", "IteratorAge")
    assert behind["Dimensions"] == [{"Name": "FunctionName", "Value": f"{PREFIX}table_stream"}]


def test_the_api_5xx_rate_raises_an_alarm(synth):
    template = synth["template"]
    [alarm] = [a["Properties"] for a in alarms(template) if "Metrics" in a["Properties"]]
    metrics = {m["Id"]: m for m in alarm["Metrics"]}
    assert (
        "100 * errors / requests"
        in metrics[next(k for k, m in metrics.items() if "Expression" in m)]["Expression"]
    )
    for id_, name in (("errors", "5XXError"), ("requests", "Count")):
        stat = metrics[id_]["MetricStat"]
        assert stat["Metric"]["MetricName"] == name and stat["Metric"]["Namespace"] == "AWS/ApiGateway"
        assert {"Name": "ApiName", "Value": f"{PREFIX}api"} in stat["Metric"]["Dimensions"]
    assert alarm["Threshold"] == 5
    # AND the API is named so, so that the metrics are this deployment's
    assert template["Resources"]["RestAPI"]["Properties"]["Name"] == f"{PREFIX}api"


def test_sms_spend_nearing_the_monthly_limit_raises_an_alarm(synth):
    # GIVEN sms_monthly_limit_usd 50 in the context
    [alarm] = metric_alarms(synth["template"], "AWS/SNS", "SMSMonthToDateSpentUSD")
    # THEN the alarm fires at 80 % of it
    assert alarm["Threshold"] == 40 and alarm["Statistic"] == "Maximum"


def test_failed_messages_are_counted_from_every_functions_log_and_raise_an_alarm(synth):
    from dimotis_infra.alarms import OUTBOX_FAILED_METRIC, OUTBOX_FAILED_PATTERN

    template = synth["template"]
    groups = {
        k for k, v in resources(template, "AWS::Logs::LogGroup").items() if "LogGroupName" in v["Properties"]
    }
    filters = [f["Properties"] for f in resources(template, "AWS::Logs::MetricFilter").values()]
    assert {f["LogGroupName"]["Ref"] for f in filters} == groups
    for f in filters:
        assert f["FilterPattern"] == OUTBOX_FAILED_PATTERN
        [transform] = f["MetricTransformations"]
        assert (transform["MetricName"], transform["MetricValue"]) == (OUTBOX_FAILED_METRIC, "1")
    [alarm] = [a for a in alarms(template) if a["Properties"].get("MetricName") == OUTBOX_FAILED_METRIC]
    assert alarm["Properties"]["Namespace"] == filters[0]["MetricTransformations"][0]["MetricNamespace"]


class FailingSes:
    def send_email(self, **_):
        raise RuntimeError("MessageRejected: Email address is not verified: maria@example.gr")


def test_the_sender_writes_the_line_the_failed_message_filter_counts(aws, monkeypatch):
    from dimotis_infra.alarms import OUTBOX_FAILED_MESSAGE

    # GIVEN an e-mail in the outbox and SES refusing it
    notifications.enqueue(
        source="test#1", kind="test", channel="email", recipient="maria@example.gr", body="x"
    )
    [row] = notifications.recent(days=1)
    set_client("ses", FailingSes())
    handler = logger().registered_handler
    captured = io.StringIO()
    previous = handler.setStream(captured)
    try:
        # WHEN the sender gives it up
        status = notifications.deliver(row["message_id"])
    finally:
        handler.setStream(previous)
    assert status == "failed"
    # THEN it wrote a JSON line whose message is what the metric filter matches ($.message = ...)
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert [line["message"] for line in lines if line["message"] == OUTBOX_FAILED_MESSAGE] == [
        OUTBOX_FAILED_MESSAGE
    ]
    # AND the address in the error text is not in the logs
    assert "maria@example.gr" not in captured.getvalue()
