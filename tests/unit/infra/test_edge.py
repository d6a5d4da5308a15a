"""The edge (issue 13 item 2): a WAF web ACL for the CloudFront distribution, in its own stack in
us-east-1, with per-IP rate rules (general, and tighter on POSTs to /api/ and /open311/), AWS managed
rule groups and a trusted-network exemption; CloudFront tells the API the viewer's address and adds
a secret origin header that only the functions know."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from tests.unit.infra.templates import resources

pytestmark = pytest.mark.xdist_group("infra")

ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def web_acl(synth):
    [acl] = resources(synth["edge"], "AWS::WAFv2::WebACL").values()
    return acl["Properties"]


def rules(synth):
    return {r["Name"]: r for r in web_acl(synth)["Rules"]}


def distribution(synth):
    [dist] = resources(synth["template"], "AWS::CloudFront::Distribution").values()
    return dist["Properties"]["DistributionConfig"]


def test_the_web_acl_is_for_cloudfront_in_us_east_1_deployed_first(synth):
    acl = web_acl(synth)
    assert acl["Scope"] == "CLOUDFRONT" and synth["edge_region"] == "us-east-1"
    assert "dimotis-palaio-faliro-prod-edge" in synth["dependencies"]
    assert acl["DefaultAction"] == {"Allow": {}}


def test_rate_rules_per_ip_answer_429_in_the_apps_error_shape(synth):
    found = rules(synth)
    general = found["rate-per-ip"]["Statement"]["RateBasedStatement"]
    writes = found["writes-per-ip"]["Statement"]["RateBasedStatement"]
    # THEN the context's limits, per IP, over five minutes
    assert (general["Limit"], writes["Limit"]) == (1500, 200)
    assert general["AggregateKeyType"] == writes["AggregateKeyType"] == "IP"
    assert general["EvaluationWindowSec"] == writes["EvaluationWindowSec"] == 300
    # AND the tighter one counts POSTs to /api/ and /open311/ only
    text = json.dumps(writes["ScopeDownStatement"])
    assert '"SearchString": "POST"' in text and '"/api/"' in text and '"/open311/"' in text
    # AND a blocked client gets 429, Retry-After and {"error": {"code": "rate_limited"}}
    bodies = web_acl(synth)["CustomResponseBodies"]
    for name in ("rate-per-ip", "writes-per-ip"):
        response = found[name]["Action"]["Block"]["CustomResponse"]
        assert response["ResponseCode"] == 429
        assert response["ResponseHeaders"][0]["Name"] == "Retry-After"
        body = bodies[response["CustomResponseBodyKey"]]
        assert body["ContentType"] == "APPLICATION_JSON"
        assert json.loads(body["Content"])["error"]["code"] == "rate_limited"


def test_trusted_networks_are_left_out_of_the_rate_rules_only(synth):
    sets = {
        v["Properties"]["IPAddressVersion"]: v["Properties"]
        for v in resources(synth["edge"], "AWS::WAFv2::IPSet").values()
    }
    assert sets["IPV4"]["Addresses"] == ["203.0.113.0/24"] and sets["IPV6"]["Addresses"] == ["2001:db8::/32"]
    found = rules(synth)
    for name in ("rate-per-ip", "writes-per-ip"):
        scope = json.dumps(found[name]["Statement"]["RateBasedStatement"]["ScopeDownStatement"])
        assert scope.count("NotStatement") == 2 and scope.count("IPSetReferenceStatement") == 2
    for name, rule in found.items():
        if "ManagedRuleGroupStatement" in rule["Statement"]:
            assert "IPSetReferenceStatement" not in json.dumps(rule), name


def test_aws_managed_rule_groups_block_known_bad_traffic(synth):
    managed = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]: r
        for r in rules(synth).values()
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert set(managed) == {
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    }
    assert all(r["OverrideAction"] == {"None": {}} for r in managed.values())
    # AND only the core set's 8 KB body rule is counted, not blocked (imports post more; the app limits)
    overrides = managed["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"][
        "RuleActionOverrides"
    ]
    assert overrides == [{"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}]
    # AND every rule is measured
    assert all(r["VisibilityConfig"]["CloudWatchMetricsEnabled"] for r in rules(synth).values())


def test_the_distribution_takes_the_web_acl_the_edge_stack_publishes(synth):
    from dimotis_infra.edge import web_acl_parameter

    # GIVEN the edge stack writes the ACL's ARN to an SSM parameter in us-east-1
    [parameter] = resources(synth["edge"], "AWS::SSM::Parameter").values()
    name = parameter["Properties"]["Name"]
    [acl_id] = resources(synth["edge"], "AWS::WAFv2::WebACL")
    assert parameter["Properties"]["Value"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert name == web_acl_parameter(SimpleNamespace(municipality="palaio-faliro", stage="prod"))
    # THEN the distribution's web ACL is what the main stack reads from it, from us-east-1
    reader, field = distribution(synth)["WebACLId"]["Fn::GetAtt"]
    assert field == "Parameter.Value"
    call = json.dumps(synth["template"]["Resources"][reader]["Properties"])
    assert '\\"region\\":\\"us-east-1\\"' in call and name in call and "getParameter" in call


def test_the_api_learns_the_viewer_address_only_with_the_secret_origin_header(synth):
    template = synth["template"]
    config = distribution(synth)
    origins = {o["Id"]: o for o in config["Origins"]}
    behaviours = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    for pattern in ("/api/*", "/open311/*"):
        behaviour = behaviours[pattern]
        # THEN every viewer header but Host and CloudFront's viewer headers (CloudFront-Viewer-Address)
        assert behaviour["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
        [header] = origins[behaviour["TargetOriginId"]]["OriginCustomHeaders"]
        assert header["HeaderName"] == "X-Dimotis-Origin"
        value = header["HeaderValue"]
    # AND the header's value is a dynamic reference to a generated secret, never in the template
    [secret] = [
        k for k, v in resources(template, "AWS::SecretsManager::Secret").items() if "OriginHeader" in k
    ]
    assert value == {
        "Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": secret}, ":SecretString:value::}}"]]
    }
    assert "GenerateSecretString" in template["Resources"][secret]["Properties"]
    # AND every function knows the same value as DIMOTIS_ORIGIN_SECRET
    for function in resources(template, "AWS::Serverless::Function").values():
        assert function["Properties"]["Environment"]["Variables"]["DIMOTIS_ORIGIN_SECRET"] == value
