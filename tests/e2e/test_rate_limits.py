"""Rate limits through the app, on both databases: a flood against each limited kind of
request is answered 429 ``RATE_LIMITED`` with ``Retry-After`` after the configured
number, pages answer with an error page, another caller goes on unaffected, a forged
token does not make a new caller, and with Redis two app instances share one count.

Redis is the machine's (127.0.0.1:6379); without it the shared-count test is skipped,
unless ``LASTGATE_REQUIRE_REDIS=1`` (as in CI), which turns that into a failure.
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import timedelta

import pytest
import redis
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from lastgate.kernel.settings import Settings
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.workflow_support import settings

REDIS_URL = os.environ.get("LASTGATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
#: Per day, so that no test run straddles the start of a new window (the sliding window
#: forgives the previous window's count gradually; per minute a run could see it).
LIMITS = {
    "rate_limit_sign_in": "3/day",
    "rate_limit_official_check": "4/day",
    "rate_limit_eligibility": "5/day",
    "rate_limit_default": "6/day",
}


@pytest.fixture
def config() -> Settings:
    return settings().model_copy(update={**LIMITS, "demo_login": True})


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U1"), account("U2"))
    return create_app(config, engine=engine, clock=clock)


def client(app, address: str = "203.0.113.7") -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1", client=(address, 50000))


def token(config: Settings, clock, subject: str = "U1", role: Role = Role.CUSTOMER) -> str:
    return issue_token(config, subject, role, timedelta(hours=1), clock())


def bearer(config: Settings, clock, subject: str = "U1") -> dict[str, str]:
    return {"Authorization": f"Bearer {token(config, clock, subject)}"}


def flood(send, allowed: int):
    """``allowed`` requests go through, the next one is refused with a retry time."""
    for i in range(allowed):
        answered = send()
        assert answered.status_code != 429, f"request {i + 1} of {allowed} refused"
    refused = send()
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 24 * 3600
    return refused


def test_eligibility_reads_are_limited_per_customer(app, config, clock) -> None:
    web = client(app)
    url = "/v1/accounts/U1/eligibility"
    refused = flood(lambda: web.get(url, headers=bearer(config, clock)), 5)
    error = refused.json()["error"]
    assert error["code"] == "RATE_LIMITED" and error["details"][0]["reason"] == "eligibility"
    # Another customer from the same address, and the same customer elsewhere in the API:
    other = web.get("/v1/accounts/U2/eligibility", headers=bearer(config, clock, "U2"))
    assert other.status_code == 200
    assert web.get("/v1/accounts/U1/tickets", headers=bearer(config, clock)).status_code == 200


def test_the_official_channel_check_is_limited_per_address(app) -> None:
    web = client(app)
    url = "/v1/official-channels/check?value=https://example.com/login"
    refused = flood(lambda: web.get(url), 4)
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    assert client(app, "198.51.100.9").get(url).status_code == 200
    # The page form of the same check shares the count, and answers as a page.
    page = web.get("/web/official?value=https://example.com/login")
    assert page.status_code == 429 and page.headers["content-type"].startswith("text/html")
    assert "RATE_LIMITED" in page.text and page.headers["retry-after"]


def test_web_sign_in_is_limited_per_address_whoever_signs_in(app, config, clock) -> None:
    web = client(app)
    people = iter(f"U{i}" for i in range(100))
    refused = flood(
        lambda: web.post(
            "/web/session",
            data={"token": token(config, clock, next(people))},
            follow_redirects=False,
        ),
        3,
    )
    assert refused.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in refused.text and "RATE_LIMITED" in refused.text
    assert web.get(f"/web/session?token={token(config, clock)}").status_code == 429
    elsewhere = client(app, "198.51.100.9").post(
        "/web/session", data={"token": token(config, clock)}, follow_redirects=False
    )
    assert elsewhere.status_code == 303


def test_the_demo_sign_in_counts_as_sign_in(app) -> None:
    web = client(app)
    page = web.get("/web/demo-login")
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text).group(1)
    flood(
        lambda: web.post(
            "/web/demo-login",
            data={"csrf": csrf, "subject": "U1", "role": "customer"},
            follow_redirects=False,
        ),
        3,
    )


def test_every_other_request_has_the_default_limit_per_caller(app, config, clock) -> None:
    web = client(app)
    refused = flood(lambda: web.get("/v1/accounts/U1/tickets", headers=bearer(config, clock)), 6)
    assert refused.json()["error"]["details"][0]["reason"] == "default"
    assert web.get("/healthz").status_code == 200  # the load balancer's check is never limited
    other = web.get("/v1/accounts/U2/tickets", headers=bearer(config, clock, "U2"))
    assert other.status_code == 200


def test_a_forged_token_does_not_make_a_new_caller(app, config, clock) -> None:
    """Tokens naming made-up subjects, signed with another key, are counted by address."""
    web = client(app)
    forger = config.model_copy(update={"jwt_secret": SecretStr("not-the-key-" * 4)})
    subjects = iter(f"made-up-{i}" for i in range(100))
    refused = flood(
        lambda: web.get(
            "/v1/accounts/U1/tickets",
            headers={"Authorization": f"Bearer {token(forger, clock, next(subjects))}"},
        ),
        6,
    )
    assert refused.status_code == 429


def test_limits_are_settings_and_a_malformed_one_is_refused() -> None:
    defaults = Settings.model_fields
    for name in LIMITS:
        assert re.fullmatch(r"[0-9]+/minute", str(defaults[name].default))
    assert defaults["rate_limit_storage_uri"].default.get_secret_value() == "memory://"
    with pytest.raises(ValidationError):
        Settings(rate_limit_sign_in="lots")
    with pytest.raises(ValueError, match="rate-limit storage"):
        create_app(settings().model_copy(update={"rate_limit_storage_uri": SecretStr("nowhere")}))


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if os.environ.get("LASTGATE_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis required but unreachable at {REDIS_URL}: {exc}")
        pytest.skip(f"Redis unreachable at {REDIS_URL}: {exc}")


def test_two_app_instances_share_the_count_in_redis(engine, clock, config) -> None:
    _redis_or_skip()
    load(engine, account("U1"))
    shared = config.model_copy(update={"rate_limit_storage_uri": SecretStr(REDIS_URL)})
    first = client(create_app(shared, engine=engine, clock=clock))
    second = client(create_app(shared, engine=engine, clock=clock))
    # A subject of its own, so that no earlier run's count is in the way.
    subject = f"U-{uuid.uuid4().hex[:12]}"
    headers = bearer(shared, clock, subject)
    url = f"/v1/accounts/{subject}/eligibility"
    for instance in (first, second, first, second, first):
        assert instance.get(url, headers=headers).status_code != 429
    refused = second.get(url, headers=headers)
    assert refused.status_code == 429 and refused.headers["retry-after"]
    assert first.get(url, headers=headers).status_code == 429
