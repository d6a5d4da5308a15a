"""Deployment parameters from CDK context (``-c municipality=palaio-faliro -c stage=prod ...``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")
_SENDER_ID = re.compile(r"^[A-Za-z0-9]{1,11}$")


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
            cognito_threat_protection=str(ctx("cognito_threat_protection", "true")).lower() != "false",
        )
