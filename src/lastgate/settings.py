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
    host: str = "127.0.0.1"
    port: int = 8000
