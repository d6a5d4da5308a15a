"""Deployment parameters from CDK context (``-c municipality=palaio-faliro -c stage=prod ...``)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")
_SENDER_ID = re.compile(r"^[A-Za-z0-9]{1,11}$")
_TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
# An account's concurrency quota is 1,000 by default, of which 100 must stay unreserved; several
# municipalities may share an account, so one municipality reserves at most this much in all.
MAX_RESERVED_PER_MUNICIPALITY = 100
# The values CloudWatch Logs accepts for a retention.
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
                      2192, 2557, 2922, 3288, 3653)
# AWS WAF rate-based rules: at least 10 requests per evaluation window.
MIN_WAF_LIMIT = 10
WAF_WINDOWS = (60, 120, 300, 600)


def parse_pairs(value: Any, what: str) -> dict[str, str]:
    """``"api_handler=50,table_stream=5"`` (or a dict from cdk.json) -> ``{"api_handler": "50", ...}``."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    pairs = {}
    for item in str(value or "").split(","):
        if not item.strip():
            continue
        name, sep, number = item.partition("=")
        if not sep or not name.strip() or not number.strip():
            raise ValueError(f"{what}: expected name=value pairs separated by commas, got {item!r}")
        pairs[name.strip()] = number.strip()
    return pairs


@dataclass(frozen=True)
class DeploymentConfig:
    """What differs between municipalities and stages.

    ``domain``: the public host name (``dimotis.palaio-faliro.gr``); with ``certificate_arn`` (an
    ACM certificate in us-east-1) CloudFront answers on it. ``ses_identity``: a domain or an
    address verified in SES; ``email_sender`` defaults to ``no-reply@<ses_identity>``.
    """

    municipality: str
    stage: str
    domain: str
    ses_identity: str
    sms_sender_id: str
    region: str | None = None
    account: str | None = None
    email_sender: str = ""
    certificate_arn: str = ""
    alarm_email: str = ""
    visit_ttl_days: int = 14
    api_rate_limit: int = 50
    api_burst_limit: int = 100
    cognito_threat_protection: bool = True
    # capacity and cost (README "Deployment": context values)
    reserved_concurrency: dict[str, int] = field(default_factory=dict)  # function -> reserved
    queue_max_concurrency: int = 5  # SQS event source mappings' MaximumConcurrency (2-1000)
    log_retention_days: int = 90
    api_detailed_metrics: bool = False
    # AWS WAF on CloudFront: requests per IP per window (general; POST to /api/ and /open311/)
    waf_rate_limit: int = 2000
    waf_write_rate_limit: int = 300
    waf_window_seconds: int = 300
    waf_trusted_cidrs: tuple[str, ...] = ()  # e.g. the town hall's NAT: never rate limited
    # alarms
    sms_monthly_limit_usd: float = 100.0  # the SNS account spend limit; alarm at 80 %
    api_5xx_alarm_percent: float = 5.0
    # a table restored from point-in-time recovery, used in place of the stack's own
    table_names: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _SLUG.match(self.municipality):
            raise ValueError(f"municipality must be a lower-case slug, got {self.municipality!r}")
        if not _SLUG.match(self.stage) or self.stage == "local":
            raise ValueError(f"stage must be a lower-case slug other than 'local', got {self.stage!r}")
        if not _SENDER_ID.match(self.sms_sender_id):
            raise ValueError("sms_sender_id must be 1-11 letters or digits (an SMS alphanumeric sender id)")
        if not self.email_sender:
            sender = self.ses_identity if "@" in self.ses_identity else f"no-reply@{self.ses_identity}"
            object.__setattr__(self, "email_sender", sender)
        self._check_capacity()
        self._check_waf()
        for key, name in self.table_names.items():
            if not _TABLE_NAME.match(name):
                raise ValueError(f"table_names: {name!r} (for {key}) is not a DynamoDB table name")

    def _check_capacity(self) -> None:
        if any(n < 1 for n in self.reserved_concurrency.values()):
            raise ValueError("reserved_concurrency: each value must be at least 1 (leave a function out instead)")
        total = sum(self.reserved_concurrency.values())
        if total > MAX_RESERVED_PER_MUNICIPALITY:
            raise ValueError(
                f"reserved_concurrency adds up to {total}, over {MAX_RESERVED_PER_MUNICIPALITY} for one "
                "municipality (the account keeps 100 of its 1,000 unreserved, and others share it)"
            )
        if not 2 <= self.queue_max_concurrency <= 1000:
            raise ValueError("queue_max_concurrency must be 2-1000 (SQS event source mapping limits)")
        if self.log_retention_days not in LOG_RETENTION_DAYS:
            raise ValueError(f"log_retention_days must be one of {LOG_RETENTION_DAYS}")

    def _check_waf(self) -> None:
        if min(self.waf_rate_limit, self.waf_write_rate_limit) < MIN_WAF_LIMIT:
            raise ValueError(f"WAF rate limits must be at least {MIN_WAF_LIMIT} requests per window")
        if self.waf_window_seconds not in WAF_WINDOWS:
            raise ValueError(f"waf_window_seconds must be one of {WAF_WINDOWS}")
        for cidr in self.waf_trusted_cidrs:
            ipaddress.ip_network(cidr)  # ValueError for a bad one
        if self.sms_monthly_limit_usd <= 0 or not 0 < self.api_5xx_alarm_percent <= 100:
            raise ValueError("sms_monthly_limit_usd must be positive and api_5xx_alarm_percent 0-100")

    @property
    def prefix(self) -> str:
        """Physical names: ``dimotis-palaio-faliro-prod-appointments``."""
        return f"dimotis-{self.municipality}-{self.stage}-"

    @property
    def stack_name(self) -> str:
        return f"dimotis-{self.municipality}-{self.stage}"

    @property
    def public_base_url(self) -> str:
        return f"https://{self.domain}"

    @property
    def is_production(self) -> bool:
        return self.stage == "prod"

    def table_name(self, key: str) -> str:
        """The physical name of the table ``key``: the stack's own, or a restored one in its place."""
        return self.table_names.get(key) or f"{self.prefix}{key}"

    @classmethod
    def from_context(cls, node: Any, environ: dict[str, str] | None = None) -> DeploymentConfig:
        """Read ``node.try_get_context(...)``; the defaults suit a throw-away ``dev`` stage."""
        environ = environ or {}

        def ctx(name: str, default: Any = "") -> Any:
            value = node.try_get_context(name)
            return default if value in (None, "") else value

        municipality = str(ctx("municipality", "demo"))
        stage = str(ctx("stage", "dev"))
        domain = str(ctx("domain", f"{stage}.{municipality}.dimotis.example.gr"))
        return cls(
            municipality=municipality,
            stage=stage,
            domain=domain,
            ses_identity=str(ctx("ses_identity", domain)),
            sms_sender_id=str(ctx("sms_sender_id", "DIMOTIS")),
            region=ctx("region", environ.get("CDK_DEFAULT_REGION")) or None,
            account=ctx("account", environ.get("CDK_DEFAULT_ACCOUNT")) or None,
            email_sender=str(ctx("email_sender", "")),
            certificate_arn=str(ctx("certificate_arn", "")),
            alarm_email=str(ctx("alarm_email", "")),
            visit_ttl_days=int(ctx("visit_ttl_days", 14)),
            api_rate_limit=int(ctx("api_rate_limit", 50)),
            api_burst_limit=int(ctx("api_burst_limit", 100)),
            cognito_threat_protection=_flag(ctx("cognito_threat_protection", "true")),
            reserved_concurrency={
                k: int(v) for k, v in parse_pairs(ctx("reserved_concurrency", ""), "reserved_concurrency").items()
            },
            queue_max_concurrency=int(ctx("queue_max_concurrency", 5)),
            log_retention_days=int(ctx("log_retention_days", 90)),
            api_detailed_metrics=_flag(ctx("api_detailed_metrics", "false")),
            waf_rate_limit=int(ctx("waf_rate_limit", 2000)),
            waf_write_rate_limit=int(ctx("waf_write_rate_limit", 300)),
            waf_window_seconds=int(ctx("waf_window_seconds", 300)),
            waf_trusted_cidrs=tuple(
                c.strip() for c in str(ctx("waf_trusted_cidrs", "")).split(",") if c.strip()
            ),
            sms_monthly_limit_usd=float(ctx("sms_monthly_limit_usd", 100)),
            api_5xx_alarm_percent=float(ctx("api_5xx_alarm_percent", 5)),
            table_names=parse_pairs(ctx("table_names", ""), "table_names"),
        )


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")
