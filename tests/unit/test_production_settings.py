"""A production start refuses every public development default and every weak secret."""

from __future__ import annotations

import base64
import os

import pytest
from pydantic import SecretStr

from lastgate.kernel.errors import UnsafeSettings
from lastgate.kernel.settings import Settings, ensure_safe_to_start, unsafe_for_production


def strong() -> dict[str, object]:
    return {
        "development": False,
        "jwt_secret": SecretStr("j" * 48),
        "webhook_secret": SecretStr("w" * 48),
        "master_key": SecretStr(base64.b64encode(os.urandom(32)).decode()),
        "certificate_signing_key": SecretStr(base64.b64encode(os.urandom(32)).decode()),
    }


def test_every_development_default_is_named_with_how_to_generate_it() -> None:
    problems = unsafe_for_production(Settings(development=False))

    named = [p.split(" ", 1)[0] for p in problems]
    assert named == [
        "LASTGATE_JWT_SECRET",
        "LASTGATE_WEBHOOK_SECRET",
        "LASTGATE_MASTER_KEY",
        "LASTGATE_CERTIFICATE_SIGNING_KEY",
    ]
    assert all("development default" in p and "python -c" in p for p in problems)


def test_strong_secrets_may_serve() -> None:
    settings = Settings(**strong())  # type: ignore[arg-type]

    assert unsafe_for_production(settings) == []
    ensure_safe_to_start(settings)


@pytest.mark.parametrize(
    ("setting", "value", "reason"),
    [
        ("jwt_secret", SecretStr("short-but-not-default"), "too short"),
        ("webhook_secret", SecretStr("x" * 31), "too short"),
        ("master_key", SecretStr("not base64!"), "base64 of 32 random bytes"),
        ("master_key", SecretStr(base64.b64encode(b"16 bytes only...").decode()), "32 random"),
        ("certificate_signing_key", SecretStr(base64.b64encode(b"x" * 33).decode()), "32 random"),
    ],
)
def test_a_weak_secret_is_refused(setting: str, value: SecretStr, reason: str) -> None:
    settings = Settings(**(strong() | {setting: value}))  # type: ignore[arg-type]

    (problem,) = unsafe_for_production(settings)

    assert problem.startswith(f"LASTGATE_{setting.upper()} ")
    assert reason in problem


def test_demo_sign_in_is_refused_in_production() -> None:
    settings = Settings(**(strong() | {"demo_login": True}))  # type: ignore[arg-type]

    assert unsafe_for_production(settings) == [
        "LASTGATE_DEMO_LOGIN lets anyone sign in as anyone; unset it"
    ]


def test_the_refusal_is_a_stable_error_listing_each_setting() -> None:
    with pytest.raises(UnsafeSettings) as refused:
        ensure_safe_to_start(Settings(development=False))

    assert refused.value.code == "UNSAFE_SETTINGS"
    assert [d["path"] for d in refused.value.details] == [
        "LASTGATE_JWT_SECRET",
        "LASTGATE_WEBHOOK_SECRET",
        "LASTGATE_MASTER_KEY",
        "LASTGATE_CERTIFICATE_SIGNING_KEY",
    ]


def test_development_mode_accepts_the_defaults() -> None:
    ensure_safe_to_start(Settings(development=True))
