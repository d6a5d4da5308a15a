"""A deploy that fits an account (issue 12 item 4): reserved concurrency only where the context asks,
one municipality within its share; SQS consumers capped by their mappings; every function's log
group made by the stack with a retention; API Gateway's detailed metrics off unless asked."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.unit.infra.templates import as_list, resources, role_of, role_statements

pytestmark = pytest.mark.xdist_group("infra")

RETENTION = 180  # the test's context; the default is 90


def test_reserved_concurrency_only_where_the_context_asks_within_one_municipalitys_share(synth):
    from dimotis_infra.code import function_specs

    # GIVEN the context's reserved_concurrency "api_handler=40,exposure_sender=5"
    template = synth["template"]
    reserved = {
        spec.name: template["Resources"][spec.resource]["Properties"].get("ReservedConcurrentExecutions")
        for spec in function_specs()
    }
    # THEN those two functions have it and no other function
    assert {k: v for k, v in reserved.items() if v is not None} == {"api_handler": 40, "exposure_sender": 5}
    # AND the municipality's total stays within its share (the account keeps 100 of 1,000 unreserved)
    total = sum(
        f["Properties"].get("ReservedConcurrentExecutions", 0)
        for kind in ("AWS::Serverless::Function", "AWS::Lambda::Function")
        for f in resources(template, kind).values()
    )
    assert total <= 100


def test_chalice_config_reserves_nothing_for_every_function():
    # Chalice gives a stage's reserved_concurrency to each function: 200 x 6 was over the quota
    assert "reserved_concurrency" not in (ROOT / ".chalice" / "config.json").read_text()


def test_config_defaults_and_refusals():
    from dimotis_infra.config import DeploymentConfig

    # GIVEN no context values beyond the required ones
    config = DeploymentConfig("pf", "prod", "x.gr", "x.gr", "PF")
    # THEN nothing is reserved, consumers are capped at 5, logs kept 90 days, no detailed metrics
    assert config.reserved_concurrency == {}
    assert (config.queue_max_concurrency, config.log_retention_days, config.api_detailed_metrics) == (
        5,
        90,
        False,
    )
    # AND more than a municipality's share, a retention CloudWatch does not offer, a cap below
    # what a mapping allows, and a WAF limit below WAF's minimum are refused
    for bad in (
        {"reserved_concurrency": {"api_handler": 60, "table_stream": 41}},
        {"reserved_concurrency": {"api_handler": 0}},
        {"log_retention_days": 91},
        {"queue_max_concurrency": 1},
        {"waf_rate_limit": 5},
        {"waf_window_seconds": 30},
        {"waf_trusted_cidrs": ("not-a-network",)},
        {"table_names": {"visits": "no spaces allowed"}},
    ):
        with pytest.raises(ValueError):
            DeploymentConfig("pf", "prod", "x.gr", "x.gr", "PF", **bad)


def test_context_values_are_read_from_cdk_context():
    from dimotis_infra.config import DeploymentConfig

    class Node:
        values = {
            "reserved_concurrency": "api_handler=30, table_stream=10",
            "api_detailed_metrics": "true",
            "log_retention_days": "365",
            "waf_trusted_cidrs": "203.0.113.0/24, 198.51.100.7/32",
            "table_names": {"visits": "dimotis-pf-prod-visits-restored"},
        }

        def try_get_context(self, name):
            return self.values.get(name)

    config = DeploymentConfig.from_context(Node())
    assert config.reserved_concurrency == {"api_handler": 30, "table_stream": 10}
    assert config.api_detailed_metrics is True and config.log_retention_days == 365
    assert config.waf_trusted_cidrs == ("203.0.113.0/24", "198.51.100.7/32")
    assert config.table_name("visits") == "dimotis-pf-prod-visits-restored"
    assert config.table_name("audit") == "dimotis-demo-dev-audit"


@pytest.mark.parametrize("which", ["template", "edge"])
def test_every_function_writes_to_a_log_group_with_a_retention(synth, which):
    template = synth[which]
    groups = resources(template, "AWS::Logs::LogGroup")
    # THEN every log group of the stack has the retention (the edge stack runs no function)
    assert all(g["Properties"]["RetentionInDays"] == RETENTION for g in groups.values())
    assert bool(groups) == bool(resources(template, "AWS::Serverless::Function"))
    # AND each Chalice function's group is made before it, under the name Lambda uses
    for name, function in resources(template, "AWS::Serverless::Function").items():
        expected = f"/aws/lambda/{function['Properties']['FunctionName']}"
        made = [groups[d] for d in as_list(function.get("DependsOn", [])) if d in groups]
        assert [g["Properties"]["LogGroupName"] for g in made] == [expected], name
    # AND CDK's own functions (site upload, SDK calls at deploy) write to a group of their own
    for name, function in resources(template, "AWS::Lambda::Function").items():
        target = function["Properties"]["LoggingConfig"]["LogGroup"]
        assert target["Ref"] in groups, name


def test_no_role_may_create_a_log_group_that_would_keep_logs_forever(synth):
    from dimotis_infra.code import function_specs

    template = synth["template"]
    for spec in function_specs():
        statements = role_statements(template, role_of(template, spec.resource))
        actions = {a for s in statements if s["Effect"] == "Allow" for a in as_list(s["Action"])}
        assert "logs:CreateLogGroup" not in actions and {"logs:PutLogEvents"} <= actions, spec.name
        [logs] = [s for s in statements if "logs:PutLogEvents" in as_list(s["Action"])]
        # AND only to its own group
        group = template["Resources"][spec.resource]["DependsOn"]
        assert as_list(logs["Resource"]) == [
            {"Fn::GetAtt": [g, "Arn"]} for g in as_list(group) if g.startswith("Logs")
        ]
