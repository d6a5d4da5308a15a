"""The edge of one municipality's deployment: an AWS WAF web ACL for its CloudFront distribution.

A web ACL for CloudFront must live in us-east-1, so it is a small stack of its own there
(``dimotis-<municipality>-<stage>-edge``, deployed first). It writes the ACL's ARN to an SSM
parameter there (``web_acl_parameter``), which the main stack reads at deploy time (one SDK call
from its region, ``site.py``).

Rules, in order (a request stops at the first that blocks it):

1. ``rate-per-ip``: more than ``waf_rate_limit`` requests from one IP address in
   ``waf_window_seconds`` (default 2,000 in 5 minutes): blocked with 429 until the rate falls.
2. ``writes-per-ip``: more than ``waf_write_rate_limit`` POSTs to ``/api/`` or ``/open311/`` from
   one IP address in the same window (default 300): 429. Tickets, registrations, requests, sign-in.
3. AWS managed rule groups: the Amazon IP reputation list, known bad inputs (Log4j, exploitable
   paths), and the core rule set (OWASP top ten) with its 8 KB body-size rule only counted: the org
   chart and absence imports post larger bodies, which the app itself limits (1 MiB).

Addresses in ``waf_trusted_cidrs`` (e.g. the town hall's NAT, where every counter and kiosk shares
one address) are left out of both rate rules; the managed groups still apply to them. A 429 from
WAF has the app's error shape (``{"error": {"code": "rate_limited", ...}}``) and ``Retry-After``,
so the front end's retry with backoff treats it like the app's own.

Example::

    edge = EdgeStack(app, config)            # before the main stack, which depends on it
    DimotisStack(app, config, ...)           # reads web_acl_parameter(config) in us-east-1

Limitation: WAF counts requests per IP over a sliding window that it re-evaluates about every
minute, so a client is blocked a little after passing the limit and let through a little after its
rate falls; the app's own token buckets (``platform/limits.py``) are the exact limits.
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ssm as ssm
from aws_cdk import aws_wafv2 as waf
from constructs import Construct

from dimotis_infra.config import DeploymentConfig

W = waf.CfnWebACL
EDGE_REGION = "us-east-1"
RATE_LIMITED_BODY = "rate-limited"
RETRY_AFTER_SECONDS = 60
WRITE_PATHS = ("/api/", "/open311/")
MANAGED_GROUPS = (
    ("AWSManagedRulesAmazonIpReputationList", ()),
    ("AWSManagedRulesKnownBadInputsRuleSet", ()),
    ("AWSManagedRulesCommonRuleSet", ("SizeRestrictions_BODY",)),  # counted, not blocked
)


def web_acl_parameter(config: DeploymentConfig) -> str:
    """The SSM parameter (in us-east-1) that holds the web ACL's ARN."""
    return f"/dimotis/{config.municipality}/{config.stage}/web-acl-arn"


class EdgeStack(cdk.Stack):
    """The web ACL of one municipality's distribution (us-east-1)."""

    def __init__(self, scope: Construct, config: DeploymentConfig, **kwargs: Any):
        super().__init__(
            scope,
            f"{config.stage}-edge",
            stack_name=f"{config.stack_name}-edge",
            env=cdk.Environment(account=config.account, region=EDGE_REGION),
            description=f"Dimotis for {config.municipality} ({config.stage}): WAF for CloudFront",
            **kwargs,
        )
        self.config = config
        cdk.Tags.of(self).add("dimotis:municipality", config.municipality)
        cdk.Tags.of(self).add("dimotis:stage", config.stage)
        trusted = self._trusted_ip_set()
        rules = [
            self._rate_rule("rate-per-ip", 0, config.waf_rate_limit, trusted),
            self._rate_rule("writes-per-ip", 1, config.waf_write_rate_limit, trusted, self._writes()),
        ]
        for priority, (name, counted) in enumerate(MANAGED_GROUPS, start=2):
            rules.append(self._managed_rule(name, priority, counted))
        self.web_acl = W(
            self,
            "WebAcl",
            name=f"{config.stack_name}-site",
            description="Per-IP rate limits and AWS managed rules in front of the Dimotis site and API",
            scope="CLOUDFRONT",
            default_action=W.DefaultActionProperty(allow={}),
            visibility_config=self._visibility("dimotis-site"),
            custom_response_bodies={
                RATE_LIMITED_BODY: W.CustomResponseBodyProperty(
                    content_type="APPLICATION_JSON",
                    content=json.dumps(
                        {
                            "error": {
                                "code": "rate_limited",
                                "message": "Too many requests from your network; please wait a minute.",
                            }
                        }
                    ),
                )
            },
            rules=rules,
        )
        ssm.StringParameter(
            self,
            "WebAclArn",
            parameter_name=web_acl_parameter(config),
            string_value=self.web_acl.attr_arn,
            description="ARN of the web ACL of the Dimotis distribution (read by the main stack)",
        )

    # -- parts ---------------------------------------------------------------------------------
    def _visibility(self, name: str) -> W.VisibilityConfigProperty:
        return W.VisibilityConfigProperty(
            cloud_watch_metrics_enabled=True,
            metric_name=f"{self.config.stack_name}-{name}"[:128],
            sampled_requests_enabled=True,
        )

    def _trusted_ip_set(self) -> dict[str, waf.CfnIPSet] | None:
        """IP sets of the trusted networks (one per address family), or None."""
        cidrs = self.config.waf_trusted_cidrs
        if not cidrs:
            return None
        sets = {}
        for version in ("IPV4", "IPV6"):
            family = [c for c in cidrs if (":" in c) == (version == "IPV6")]
            if family:
                sets[version] = waf.CfnIPSet(
                    self,
                    f"Trusted{version.title()}",
                    name=f"{self.config.stack_name}-trusted-{version.lower()}",
                    description="Trusted networks, never rate limited: waf-trusted-cidrs context",
                    scope="CLOUDFRONT",
                    ip_address_version=version,
                    addresses=family,
                )
        return sets

    def _writes(self) -> W.StatementProperty:
        """POST to /api/... or /open311/..."""
        paths = [
            W.StatementProperty(
                byte_match_statement=W.ByteMatchStatementProperty(
                    field_to_match=W.FieldToMatchProperty(uri_path={}),
                    positional_constraint="STARTS_WITH",
                    search_string=path,
                    text_transformations=[W.TextTransformationProperty(priority=0, type="NONE")],
                )
            )
            for path in WRITE_PATHS
        ]
        post = W.StatementProperty(
            byte_match_statement=W.ByteMatchStatementProperty(
                field_to_match=W.FieldToMatchProperty(method={}),
                positional_constraint="EXACTLY",
                search_string="POST",
                text_transformations=[W.TextTransformationProperty(priority=0, type="NONE")],
            )
        )
        return W.StatementProperty(
            and_statement=W.AndStatementProperty(
                statements=[post, W.StatementProperty(or_statement=W.OrStatementProperty(statements=paths))]
            )
        )

    def _rate_rule(
        self,
        name: str,
        priority: int,
        limit: int,
        trusted: dict[str, waf.CfnIPSet] | None,
        scope: W.StatementProperty | None = None,
    ) -> W.RuleProperty:
        parts = [scope] if scope else []
        for ip_set in (trusted or {}).values():
            parts.append(
                W.StatementProperty(
                    not_statement=W.NotStatementProperty(
                        statement=W.StatementProperty(
                            ip_set_reference_statement=W.IPSetReferenceStatementProperty(arn=ip_set.attr_arn)
                        )
                    )
                )
            )
        if len(parts) > 1:
            scope_down = W.StatementProperty(and_statement=W.AndStatementProperty(statements=parts))
        else:
            scope_down = parts[0] if parts else None
        return self._rule(
            name,
            priority,
            W.StatementProperty(
                rate_based_statement=W.RateBasedStatementProperty(
                    aggregate_key_type="IP",
                    limit=limit,
                    evaluation_window_sec=self.config.waf_window_seconds,
                    scope_down_statement=scope_down,
                )
            ),
            action=W.RuleActionProperty(
                block=W.BlockActionProperty(
                    custom_response=W.CustomResponseProperty(
                        response_code=429,
                        custom_response_body_key=RATE_LIMITED_BODY,
                        response_headers=[
                            W.CustomHTTPHeaderProperty(name="Retry-After", value=str(RETRY_AFTER_SECONDS))
                        ],
                    )
                )
            ),
        )

    def _managed_rule(self, name: str, priority: int, counted: tuple[str, ...]) -> W.RuleProperty:
        return self._rule(
            name,
            priority,
            W.StatementProperty(
                managed_rule_group_statement=W.ManagedRuleGroupStatementProperty(
                    vendor_name="AWS",
                    name=name,
                    rule_action_overrides=[
                        W.RuleActionOverrideProperty(name=rule, action_to_use=W.RuleActionProperty(count={}))
                        for rule in counted
                    ]
                    or None,
                )
            ),
            override_action=W.OverrideActionProperty(none={}),
        )

    def _rule(
        self, name: str, priority: int, statement: W.StatementProperty, **action: Any
    ) -> W.RuleProperty:
        """A rule, measured under its name; ``action`` (a rule) or ``override_action`` (a group)."""
        return W.RuleProperty(
            name=name,
            priority=priority,
            statement=statement,
            visibility_config=self._visibility(name),
            **action,
        )
