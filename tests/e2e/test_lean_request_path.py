"""The eligibility route's lean path keeps every check: a token verified once at the edge
is still refused once it expires, revoked, or before it was valid, and the request makes
one worker-thread hop on PostgreSQL and none on embedded SQLite (bench/README.md,
"Eligibility over HTTP")."""

from __future__ import annotations

from datetime import timedelta

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.workflow_support import settings

PATH = "/v1/accounts/U1/eligibility"


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U1"))
    return create_app(config, engine=engine, clock=clock)


def bearer(config, clock, minutes: int = 10) -> dict[str, str]:
    token = issue_token(config, "U1", Role.CUSTOMER, timedelta(minutes=minutes), clock())
    return {"Authorization": f"Bearer {token}"}


def code(answer) -> str | None:
    return answer.json()["error"]["code"] if answer.status_code != 200 else None


def test_a_token_accepted_once_is_refused_after_it_expires(app, config, clock) -> None:
    api, headers = TestClient(app), bearer(config, clock)
    assert api.get(PATH, headers=headers).status_code == 200
    clock.advance(minutes=10, seconds=config.jwt_leeway_seconds - 1)
    assert api.get(PATH, headers=headers).status_code == 200  # within the leeway
    clock.advance(seconds=1)
    assert code(api.get(PATH, headers=headers)) == "NOT_AUTHENTICATED"


def test_a_token_accepted_later_is_refused_when_the_clock_goes_back(app, config, clock) -> None:
    api, headers = TestClient(app), bearer(config, clock)
    assert api.get(PATH, headers=headers).status_code == 200
    # Before it was issued (past the leeway) the same token is not valid yet.
    clock.advance(seconds=-(config.jwt_leeway_seconds + 1))
    assert code(api.get(PATH, headers=headers)) == "NOT_AUTHENTICATED"


def test_a_token_accepted_once_is_refused_the_request_after_it_is_revoked(
    app, config, clock
) -> None:
    api, headers = TestClient(app), bearer(config, clock)
    assert api.get(PATH, headers=headers).status_code == 200
    assert api.delete("/v1/tokens/current", headers=headers).status_code == 204
    assert code(api.get(PATH, headers=headers)) == "NOT_AUTHENTICATED"


def test_the_report_is_one_thread_pool_hop_on_a_server_and_none_embedded(
    app, engine, config, clock, monkeypatch
) -> None:
    api, headers = TestClient(app), bearer(config, clock)
    assert api.get(PATH, headers=headers).status_code == 200  # warm
    hops: list[object] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(function, *args, **kwargs):
        hops.append(function)
        return await run_sync(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    answer = api.get(PATH, headers=headers)
    assert answer.status_code == 200 and answer.json()["view"] == "customer"
    assert len(hops) == (0 if engine.dialect.name == "sqlite" else 1), hops
