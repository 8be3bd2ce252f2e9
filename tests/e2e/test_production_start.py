"""Outside development mode, ``serve`` and ``worker`` refuse the development secrets, and
a token signed with the public development key opens nothing."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from lastgate.kernel.settings import Settings
from lastgate.platform.auth_tokens import issue_token

LASTGATE = [sys.executable, "-m", "lastgate.app.cli"]
SECRETS = {
    "LASTGATE_JWT_SECRET": "j" * 48,
    "LASTGATE_WEBHOOK_SECRET": "w" * 48,
    "LASTGATE_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
    "LASTGATE_CERTIFICATE_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode(),
}


def production_env(engine: Engine, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LASTGATE_")}
    env["LASTGATE_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    return env | extra


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["worker", "--once"]])
def test_a_production_start_with_development_secrets_is_refused(
    engine: Engine, command: list[str]
) -> None:
    result = subprocess.run(
        [*LASTGATE, *command],
        env=production_env(engine),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 2
    assert result.stderr.startswith("error UNSAFE_SETTINGS: refusing to start")
    for name in SECRETS:
        assert f"{name}: is the public development default" in result.stderr


def test_one_weak_secret_is_enough_to_refuse(engine: Engine) -> None:
    env = production_env(engine, **(SECRETS | {"LASTGATE_JWT_SECRET": "hunter2"}))

    result = subprocess.run(
        [*LASTGATE, "worker", "--once"], env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 2
    assert "LASTGATE_JWT_SECRET: is too short (7 bytes, at least 32)" in result.stderr
    assert "LASTGATE_MASTER_KEY" not in result.stderr


def test_the_worker_starts_with_real_secrets(engine: Engine) -> None:
    result = subprocess.run(
        [*LASTGATE, "worker", "--once"],
        env=production_env(engine, **SECRETS),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert '"claimed": 0' in result.stdout


def test_a_token_signed_with_the_development_key_opens_nothing(engine: Engine) -> None:
    production = Settings(
        development=False,
        jwt_secret=SecretStr(SECRETS["LASTGATE_JWT_SECRET"]),
        database_url=engine.url.render_as_string(hide_password=False),
    )
    forged = issue_token(
        Settings(development=True),
        "compliance-eve",
        Role.COMPLIANCE,
        timedelta(hours=1),
        datetime.now(UTC),
    )
    client = TestClient(create_app(production, engine=engine))

    api = client.get("/v1/review-queue", headers={"Authorization": f"Bearer {forged}"})
    web = client.get("/web/session", params={"token": forged}, follow_redirects=False)

    assert api.status_code == 401
    assert api.json()["error"]["code"] == "NOT_AUTHENTICATED"
    assert (web.status_code, web.headers["location"]) == (303, "/web/sign-in")
    assert web.headers["set-cookie"].startswith('lastgate_session=""; ')  # cleared, not set
