"""Settings from the environment (prefix ``LASTGATE_``), in one object."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("./var")


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
    jwt_secret: SecretStr = Field(
        default=SecretStr("change-me-lastgate-development-only-secret"),
        description="HMAC key (HS256) that signs and verifies bearer tokens.",
    )
    jwt_issuer: str = "lastgate"
    jwt_audience: str = "lastgate"
    jwt_leeway_seconds: int = 30
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
        default=SecretStr("ZGV2ZWxvcG1lbnQtb25seS1tYXN0ZXIta2V5LTMyYi4="),
        description="Base64 of 32 bytes: wraps per-customer keys and TOTP secrets (AES-GCM).",
    )
    evidence_dir: Path = Field(
        default=DEFAULT_DATA_DIR / "evidence",
        description="Identity evidence uploads; never inside anything the web server serves.",
    )
    evidence_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
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
        default=SecretStr("change-me-webhook-secret"),
        description="HMAC-SHA256 key for the X-Lastgate-Signature header of webhooks.",
    )
    outbox_max_attempts: int = Field(default=12, ge=1)
    worker_poll_seconds: float = Field(default=2.0, gt=0)
    worker_batch_size: int = Field(default=50, ge=1)
    certificate_signing_key: SecretStr = Field(
        default=SecretStr("ZGV2ZWxvcG1lbnQtb25seS1jZXJ0aWZpY2F0ZS1rZXk="),
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
