"""Settings from the environment (prefix ``LASTGATE_``), in one object."""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from lastgate.kernel.access import Role
from lastgate.kernel.errors import UnsafeSettings

DEFAULT_DATA_DIR = Path("./var")

# Development defaults: public (they are in this file), so accepted only with
# ``development`` set. ``unsafe_for_production`` refuses them everywhere else.
DEVELOPMENT_JWT_SECRET = "change-me-lastgate-development-only-secret"
DEVELOPMENT_MASTER_KEY = "ZGV2ZWxvcG1lbnQtb25seS1tYXN0ZXIta2V5LTMyYi4="
DEVELOPMENT_WEBHOOK_SECRET = "change-me-webhook-secret"
DEVELOPMENT_CERTIFICATE_KEY = "ZGV2ZWxvcG1lbnQtb25seS1jZXJ0aWZpY2F0ZS1rZXk="
#: The fewest bytes of entropy a shared HMAC secret may carry (HS256 wants 256 bits).
MIN_SECRET_BYTES = 32
#: A rate limit: how many requests per caller in one period ("20/minute", "5/10 second").
RATE_PATTERN = r"^[1-9][0-9]*/([1-9][0-9]* )?(second|minute|hour|day)$"
_RANDOM_TEXT = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
_RANDOM_KEY = 'python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"'


class Settings(BaseSettings):
    """Everything an operator sets. See docs/configuration.md."""

    model_config = SettingsConfigDict(env_prefix="LASTGATE_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'lastgate.db'}",
        description="SQLAlchemy URL; SQLite file by default, postgresql+psycopg://… in production.",
    )
    policy_dir: Path | None = Field(
        default=None,
        description="Folder of jurisdiction policy files; the shipped defaults when unset.",
    )
    development: bool = Field(
        default=False,
        description="Explicit development mode (the demo, the tests): development secrets "
        "are accepted. Never set it in production.",
    )
    jwt_secret: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_JWT_SECRET),
        description="HMAC key (HS256) that signs and verifies bearer tokens.",
    )
    jwt_issuer: str = "lastgate"
    jwt_audience: str = "lastgate"
    jwt_leeway_seconds: int = 30
    # The longest life (exp - iat) a token may have, by role: a longer one is refused,
    # however it was signed. Sign-out revokes a token sooner (docs/api.md).
    token_max_minutes_customer: int = Field(
        default=12 * 60, ge=1, description="Longest customer token lifetime, in minutes."
    )
    token_max_minutes_agent: int = Field(
        default=8 * 60, ge=1, description="Longest agent token lifetime (a shift), in minutes."
    )
    token_max_minutes_compliance: int = Field(
        default=8 * 60, ge=1, description="Longest compliance token lifetime, in minutes."
    )
    default_language: str = "en"
    demo_login: bool = Field(
        default=False, description="Offer /web/demo-login to pick any person (demo only)."
    )
    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where customers reach lastgate; links in notices (cancel link) use it.",
    )
    master_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_MASTER_KEY),
        description="Base64 of 32 bytes: wraps per-customer keys and TOTP secrets (AES-GCM).",
    )
    evidence_dir: Path = Field(
        default=DEFAULT_DATA_DIR / "evidence",
        description="Identity evidence uploads; never inside anything the web server serves.",
    )
    evidence_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    upload_max_pixels: int = Field(
        default=40_000_000,
        ge=1,
        le=89_000_000,
        description="Largest photo accepted, in pixels (width times height, read from its "
        "header before any pixel is decoded).",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest request body outside the upload routes; a larger one is "
        "answered 413 BODY_TOO_LARGE before it is read.",
    )
    rate_limit_storage_uri: SecretStr = Field(
        default=SecretStr("memory://"),
        description="Where rate-limit counts live: memory:// for one process, "
        "redis://host:6379/0 (or rediss://, memcached://…) shared by several.",
    )
    rate_limit_sign_in: str = Field(default="20/minute", pattern=RATE_PATTERN)
    rate_limit_official_check: str = Field(default="30/minute", pattern=RATE_PATTERN)
    rate_limit_eligibility: str = Field(default="120/minute", pattern=RATE_PATTERN)
    rate_limit_default: str = Field(default="600/minute", pattern=RATE_PATTERN)
    mailbox_dir: Path | None = Field(
        default=None,
        description="When set, e-mail and SMS notices are written here instead of being sent.",
    )
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    mail_from: str = "lastgate <no-reply@example.com>"
    webhook_url: str | None = Field(
        default=None, description="The exchange's endpoint for lifecycle events (HMAC signed)."
    )
    webhook_secret: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_WEBHOOK_SECRET),
        description="HMAC-SHA256 key for the X-Lastgate-Signature header of webhooks.",
    )
    outbox_max_attempts: int = Field(default=12, ge=1)
    worker_poll_seconds: float = Field(default=2.0, gt=0)
    worker_batch_size: int = Field(default=50, ge=1)
    worker_metrics_port: int | None = Field(
        default=None, ge=1, le=65535, description="Port of the worker's /metrics; off if unset."
    )
    worker_metrics_address: str = Field(
        default="127.0.0.1", description="Address the worker's metrics listen on."
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="When set, the API's /metrics takes 'Authorization: Bearer <token>'.",
    )
    certificate_signing_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_CERTIFICATE_KEY),
        description="Base64 of the 32-byte Ed25519 seed that signs closure certificates.",
    )
    certificate_issuer: str = Field(
        default="Example Exchange Ltd", description="Who issues closure certificates."
    )
    official_channels_file: Path | None = Field(
        default=None,
        description="TOML list of official domains, e-mail domains and phone numbers for the "
        "desk's 'is this official?' check; the shipped demo list when unset.",
    )
    previous_master_keys: list[SecretStr] = Field(
        default_factory=list,
        description="Retired master keys (base64), still accepted for unwrapping until "
        "`lastgate keys rotate` has re-wrapped every data key under master_key.",
    )

    def token_lifetime_cap(self, role: Role) -> timedelta:
        """The longest lifetime a token of ``role`` may have."""
        minutes = {
            Role.CUSTOMER: self.token_max_minutes_customer,
            Role.AGENT: self.token_max_minutes_agent,
            Role.COMPLIANCE: self.token_max_minutes_compliance,
        }[Role(role)]
        return timedelta(minutes=minutes)


def _key_bytes(value: SecretStr) -> bytes | None:
    try:
        return base64.b64decode(value.get_secret_value(), validate=True)
    except (binascii.Error, ValueError):
        return None


def unsafe_for_production(settings: Settings) -> list[str]:
    """Each secret still at its public development default or too weak, naming the
    setting and how to generate a good one; empty when the settings may serve."""
    problems: list[str] = []
    texts = (
        ("LASTGATE_JWT_SECRET", settings.jwt_secret, DEVELOPMENT_JWT_SECRET),
        ("LASTGATE_WEBHOOK_SECRET", settings.webhook_secret, DEVELOPMENT_WEBHOOK_SECRET),
    )
    for name, text, default in texts:
        value = text.get_secret_value()
        if value == default:
            problems.append(f"{name} is the public development default; set it to {_RANDOM_TEXT}")
        elif len(value.encode()) < MIN_SECRET_BYTES:
            problems.append(
                f"{name} is too short ({len(value.encode())} bytes, at least "
                f"{MIN_SECRET_BYTES}); set it to {_RANDOM_TEXT}"
            )
    keys = (
        ("LASTGATE_MASTER_KEY", settings.master_key, DEVELOPMENT_MASTER_KEY),
        (
            "LASTGATE_CERTIFICATE_SIGNING_KEY",
            settings.certificate_signing_key,
            DEVELOPMENT_CERTIFICATE_KEY,
        ),
    )
    for name, key, default in keys:
        if key.get_secret_value() == default:
            problems.append(f"{name} is the public development default; set it to {_RANDOM_KEY}")
        elif (raw := _key_bytes(key)) is None or len(raw) != 32:
            problems.append(f"{name} must be the base64 of 32 random bytes: {_RANDOM_KEY}")
    if settings.demo_login:
        problems.append("LASTGATE_DEMO_LOGIN lets anyone sign in as anyone; unset it")
    return problems


def ensure_safe_to_start(settings: Settings) -> None:
    """Refuse to serve or work outside development mode with any unsafe secret."""
    if settings.development:
        return
    problems = unsafe_for_production(settings)
    if problems:
        raise UnsafeSettings(
            "refusing to start: development defaults or weak secrets in production "
            "(set LASTGATE_DEVELOPMENT=1 only for a demo or tests)",
            details=[{"path": p.split(" ", 1)[0], "reason": p.split(" ", 1)[1]} for p in problems],
        )
