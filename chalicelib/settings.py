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


# Per-client limits (``services/platform/limits.py``): name -> (capacity, seconds to win back one
# token), or ``None`` when switched off. A bucket holds ``capacity`` tokens; a daily allowance
# (``*_day``) is ``capacity`` uses per local day (its seconds are unused). Each one is set with
# ``DIMOTIS_LIMIT_<NAME>`` = ``"<capacity>/<seconds>"`` (``"20/30"``), ``"<capacity>"`` or ``"off"``.
LIMIT_DEFAULTS: dict[str, tuple[int, float]] = {
    "walk_in_client": (20, 30.0),  # walk-in tickets per client: 20 at once, then 120 an hour
    "walk_in_line": (100, 10.0),  # walk-in tickets per line, whoever takes them: 360 an hour
    "check_in_client": (30, 10.0),  # appointment check-ins (reference tries) per client
    "registration_client": (10, 120.0),  # visitor registrations per client: then 30 an hour
    "scan_client": (60, 2.0),  # kiosk scans per client: 1,800 an hour
    "scan_pass": (6, 60.0),  # scans of one pass: in and out a few times, then one a minute
    "requests_citizen_day": (20, 0.0),  # requests a citizen files per day
    "photo_forms_citizen_day": (60, 0.0),  # photo upload forms a citizen asks for per day
    "refusals_client_day": (100, 0.0),  # refused anonymous calls to staff routes audited per client
}


def _limits() -> dict[str, tuple[int, float] | None]:
    out: dict[str, tuple[int, float] | None] = {}
    for name, (capacity, seconds) in LIMIT_DEFAULTS.items():
        variable = f"DIMOTIS_LIMIT_{name.upper()}"
        raw = os.environ.get(variable, "").strip().lower()
        if raw in ("off", "none"):
            out[name] = None
            continue
        if raw:
            given, _, per = raw.partition("/")
            try:
                capacity, seconds = int(given), float(per.rstrip("s")) if per else seconds
            except ValueError:
                raise ValueError(f"{variable}={raw!r}: write <capacity>/<seconds>, <capacity> or off") from None
            if capacity < 1 or seconds < 0:
                raise ValueError(f"{variable}={raw!r}: capacity at least 1, seconds not negative")
        out[name] = (capacity, seconds)
    return out


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


@dataclass(frozen=True, eq=False)  # immutable; never compared (eq costs a cold start ~1 ms to make)
class Settings:
    stage: str
    region: str
    table_prefix: str
    # tables restored from point-in-time recovery, in place of ``<prefix><key>`` (README "Operations")
    table_names: dict[str, str]
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
    # the outbox sender: provider send rates (per second, for the whole deployment), retries
    outbox_queue_url: str
    ses_max_send_rate: float
    sms_max_send_rate: float
    outbox_retry_seconds: int
    outbox_max_attempts: int
    # abuse: countries whose mobiles may get SMS, messages a day to one address from anonymous
    # flows, the month's SMS budget in parts and when administrators are warned
    sms_countries: tuple[str, ...]
    anonymous_messages_per_day: int
    sms_monthly_parts: int
    sms_budget_warn_percent: int
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
    # Open311: POSTs per API key (a token bucket: a burst, then so many an hour), media_url fetches
    open311_post_burst: int
    open311_post_per_hour: int
    media_fetch_timeout_seconds: int
    # per-client limits: LIMIT_DEFAULTS with the environment's changes; the networks whose clients
    # skip the per-client buckets (kiosks, offices); the secret CloudFront sends with the viewer's
    # address (services/platform/clients.py)
    limits: dict[str, tuple[int, float] | None]
    limits_trusted_clients: tuple[str, ...]
    origin_secret: str

    @property
    def is_local(self) -> bool:
        return self.stage == "local"

    def table_name(self, key: str) -> str:
        """The physical name of the table whose logical name is ``key``."""
        return self.table_names.get(key) or f"{self.table_prefix}{key}"


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
        table_names=dict(
            pair.split("=", 1) for pair in _env("DIMOTIS_TABLE_NAMES").split(",") if "=" in pair
        ),
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
        outbox_queue_url=_env("DIMOTIS_OUTBOX_QUEUE_URL"),
        ses_max_send_rate=max(0.1, _float("DIMOTIS_SES_MAX_SEND_RATE", 14)),
        sms_max_send_rate=max(0.1, _float("DIMOTIS_SMS_MAX_SEND_RATE", 20)),
        outbox_retry_seconds=max(0, _int("DIMOTIS_OUTBOX_RETRY_SECONDS", 5)),
        outbox_max_attempts=max(1, _int("DIMOTIS_OUTBOX_MAX_ATTEMPTS", 8)),
        sms_countries=tuple(
            c.strip().upper() for c in _env("DIMOTIS_SMS_COUNTRIES", "GR").split(",") if c.strip()
        ),
        anonymous_messages_per_day=max(0, _int("DIMOTIS_ANONYMOUS_MESSAGES_PER_DAY", 3)),
        sms_monthly_parts=max(0, _int("DIMOTIS_SMS_MONTHLY_PARTS", 10000)),
        sms_budget_warn_percent=min(100, max(1, _int("DIMOTIS_SMS_BUDGET_WARN_PERCENT", 80))),
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
        open311_post_burst=max(1, _int("DIMOTIS_OPEN311_POST_BURST", 30)),
        open311_post_per_hour=max(1, _int("DIMOTIS_OPEN311_POST_PER_HOUR", 600)),
        media_fetch_timeout_seconds=max(1, _int("DIMOTIS_MEDIA_FETCH_TIMEOUT_SECONDS", 5)),
        limits=_limits(),
        limits_trusted_clients=tuple(
            x.strip() for x in _env("DIMOTIS_LIMITS_TRUSTED_CLIENTS").split(",") if x.strip()
        ),
        origin_secret=_env("DIMOTIS_ORIGIN_SECRET"),
    )


def reset_settings() -> None:
    """Forget the cached settings (tests, after changing the environment)."""
    get_settings.cache_clear()
