"""Settings read from the environment on first use.

Importing this module never needs an environment variable: every value has a default that
suits the local stage. ``get_settings()`` builds the settings once per container; tests call
``reset_settings()`` after changing the environment.

Example::

    from chalicelib.settings import get_settings
    get_settings().table_name("appointments")  # "dimotis-local-appointments"
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


@dataclass(frozen=True, eq=False)  # immutable; never compared (eq costs a cold start ~1 ms to make)
class Settings:
    stage: str
    region: str
    table_prefix: str
    public_base_url: str
    # citizen sessions
    session_key: str
    session_key_secret: str
    session_ttl_seconds: int
    # Taxisnet (GSIS OAuth 2.0)
    taxisnet_authorize_url: str
    taxisnet_token_url: str
    taxisnet_userinfo_url: str
    taxisnet_logout_url: str
    taxisnet_client_id: str
    taxisnet_client_secret: str
    taxisnet_secret_name: str
    # Cognito (staff)
    cognito_user_pool_id: str
    cognito_client_id: str
    cognito_jwks_url: str
    cognito_issuer: str
    # roles whose members must sign in with a TOTP authenticator (enrolled before any session)
    staff_mfa_roles: tuple[str, ...]
    # notifications
    email_sender: str
    sms_sender_id: str
    # queues and buckets
    fanout_queue_url: str
    uploads_bucket: str
    kms_key_id: str
    # visit log
    visit_ttl_days: int
    # reminders
    reminder_offsets_minutes: tuple[int, ...]
    # appointments: how many upcoming appointments one citizen may hold across all services and days
    max_upcoming_appointments: int
    # live queue: SMS to the K-th in line, minutes before a no-show, default service time
    queue_notify_position: int
    queue_no_show_minutes: int
    queue_default_service_seconds: int
    # broadcast alerts: citizens notified per alert per minute (the rate limit)
    alert_batch_per_minute: int

    @property
    def is_local(self) -> bool:
        return self.stage == "local"

    def table_name(self, key: str) -> str:
        """The physical name of the table whose logical name is ``key``."""
        return f"{self.table_prefix}{key}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    stage = _env("DIMOTIS_STAGE", "local")
    region = _env("AWS_REGION", _env("AWS_DEFAULT_REGION", "eu-central-1"))
    pool_id = _env("COGNITO_USER_POOL_ID")
    issuer = _env("COGNITO_ISSUER") or (
        f"https://cognito-idp.{region}.amazonaws.com/{pool_id}" if pool_id else ""
    )
    jwks = _env("COGNITO_JWKS_URL") or (f"{issuer}/.well-known/jwks.json" if issuer else "")
    offsets = _env("DIMOTIS_REMINDER_OFFSETS_MINUTES", "1440,120")
    return Settings(
        stage=stage,
        region=region,
        table_prefix=_env("DIMOTIS_TABLE_PREFIX", f"dimotis-{stage}-"),
        public_base_url=_env("DIMOTIS_PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/"),
        session_key=_env("DIMOTIS_SESSION_KEY"),
        session_key_secret=_env("DIMOTIS_SESSION_KEY_SECRET"),
        session_ttl_seconds=_int("DIMOTIS_SESSION_TTL_SECONDS", 3600),
        taxisnet_authorize_url=_env(
            "TAXISNET_AUTHORIZE_URL", "https://www1.gsis.gr/oauth2server/oauth/authorize"
        ),
        taxisnet_token_url=_env("TAXISNET_TOKEN_URL", "https://www1.gsis.gr/oauth2server/oauth/token"),
        taxisnet_userinfo_url=_env(
            "TAXISNET_USERINFO_URL", "https://www1.gsis.gr/oauth2server/userinfo?format=xml"
        ),
        taxisnet_logout_url=_env(
            "TAXISNET_LOGOUT_URL", "https://www1.gsis.gr/oauth2server/logout"
        ),
        taxisnet_client_id=_env("TAXISNET_CLIENT_ID"),
        taxisnet_client_secret=_env("TAXISNET_CLIENT_SECRET"),
        taxisnet_secret_name=_env("TAXISNET_SECRET_NAME"),
        cognito_user_pool_id=pool_id,
        cognito_client_id=_env("COGNITO_CLIENT_ID"),
        cognito_jwks_url=jwks,
        cognito_issuer=issuer,
        staff_mfa_roles=tuple(
            r.strip() for r in _env("DIMOTIS_STAFF_MFA_ROLES", "admin,health_officer").split(",") if r.strip()
        ),
        email_sender=_env("DIMOTIS_EMAIL_SENDER", "no-reply@dimotis.example.gr"),
        sms_sender_id=_env("DIMOTIS_SMS_SENDER_ID", "DIMOTIS"),
        fanout_queue_url=_env("DIMOTIS_FANOUT_QUEUE_URL"),
        uploads_bucket=_env("DIMOTIS_UPLOADS_BUCKET", f"dimotis-{stage}-uploads"),
        kms_key_id=_env("DIMOTIS_KMS_KEY_ID"),
        visit_ttl_days=_int("DIMOTIS_VISIT_TTL_DAYS", 14),
        reminder_offsets_minutes=tuple(int(x) for x in offsets.split(",") if x.strip()),
        max_upcoming_appointments=max(1, _int("DIMOTIS_MAX_UPCOMING_APPOINTMENTS", 5)),
        queue_notify_position=_int("DIMOTIS_QUEUE_NOTIFY_POSITION", 3),
        queue_no_show_minutes=_int("DIMOTIS_QUEUE_NO_SHOW_MINUTES", 3),
        queue_default_service_seconds=_int("DIMOTIS_QUEUE_DEFAULT_SERVICE_SECONDS", 300),
        alert_batch_per_minute=_int("DIMOTIS_ALERT_BATCH_PER_MINUTE", 200),
    )


def reset_settings() -> None:
    """Forget the cached settings (tests, after changing the environment)."""
    get_settings.cache_clear()
