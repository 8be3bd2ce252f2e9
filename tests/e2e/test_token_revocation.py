"""Signing out revokes the token, through real HTTP on both databases: the pages' sign-out
and ``DELETE /v1/tokens/current`` both leave a copied cookie or token opening nothing,
on the pages and the API; the worker forgets revocations once the token has expired; and
``lastgate token issue`` keeps to the role's cap."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from lastgate.app.api import create_app
from lastgate.app.cli import app as cli
from lastgate.app.worker import run_once
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from lastgate.platform.db.token_tables import revoked_tokens
from tests.builders import account, load
from tests.workflow_support import settings

ELIGIBILITY = "/v1/accounts/U1/eligibility"


@pytest.fixture
def config():
    return settings().model_copy(update={"webhook_url": None})


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U1"), account("U2"))
    return create_app(config, engine=engine, clock=clock)


def token_for(config, clock, subject: str = "U1", role: Role = Role.CUSTOMER) -> str:
    return issue_token(config, subject, role, timedelta(hours=1), clock())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def signed_in(app, token: str) -> TestClient:
    client = TestClient(app, base_url="http://127.0.0.1")
    assert client.get(f"/web/session?token={token}").status_code == 200
    return client


def sign_out(client: TestClient) -> None:
    page = client.get("/web/me")
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert csrf, "the page has no sign-out form"
    answer = client.post("/web/sign-out", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert answer.headers["location"] == "/web/sign-in"


def refused_on_the_page(app, token: str) -> bool:
    copy = TestClient(app, base_url="http://127.0.0.1", cookies={"lastgate_session": token})
    answer = copy.get("/web/me", follow_redirects=False)
    return answer.headers.get("location") == "/web/sign-in?ended=1"  # the session ended


def refused_by_the_api(app, token: str) -> bool:
    answer = TestClient(app).get(ELIGIBILITY, headers=bearer(token))
    return answer.status_code == 401 and answer.json()["error"]["code"] == "NOT_AUTHENTICATED"


def test_after_signing_out_the_same_cookie_opens_neither_the_pages_nor_the_api(
    app, clock, config
) -> None:
    token = token_for(config, clock)
    client = signed_in(app, token)
    assert not refused_on_the_page(app, token) and not refused_by_the_api(app, token)
    sign_out(client)
    assert refused_on_the_page(app, token)
    assert refused_by_the_api(app, token)
    # Nor can the revoked token sign in again through the hand-over.
    again = TestClient(app, base_url="http://127.0.0.1")
    handed = again.get(f"/web/session?token={token}", follow_redirects=False)
    assert handed.headers["location"] == "/web/sign-in"


def test_signing_out_leaves_the_persons_other_sessions_open(app, clock, config) -> None:
    phone, laptop = token_for(config, clock), token_for(config, clock)
    sign_out(signed_in(app, phone))
    assert refused_by_the_api(app, phone)
    assert not refused_by_the_api(app, laptop) and not refused_on_the_page(app, laptop)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_revokes_its_own_token_through_the_api(app, clock, config, role) -> None:
    token = token_for(config, clock, "U1" if role is Role.CUSTOMER else "staff-1", role)
    api = TestClient(app)
    answer = api.delete("/v1/tokens/current", headers=bearer(token))
    assert answer.status_code == 204 and answer.content == b""
    assert refused_by_the_api(app, token)
    assert refused_on_the_page(app, token)
    gone = api.delete("/v1/tokens/current", headers=bearer(token))
    assert gone.status_code == 401


def test_revoking_needs_a_good_token(app) -> None:
    api = TestClient(app)
    assert api.delete("/v1/tokens/current").status_code == 401
    assert api.delete("/v1/tokens/current", headers=bearer("forged")).status_code == 401


def test_a_token_issued_without_a_jti_is_revoked_too(app, clock, config) -> None:
    """The exchange's own login may not set ``jti``: the token's digest names it."""
    now = int(clock().timestamp())
    claims = {"sub": "U1", "role": "customer", "iss": config.jwt_issuer}
    claims |= {"aud": config.jwt_audience, "iat": now, "exp": now + 900}
    token = jwt.encode(claims, config.jwt_secret.get_secret_value(), algorithm="HS256")
    client = signed_in(app, token)
    sign_out(client)
    assert refused_by_the_api(app, token) and refused_on_the_page(app, token)


def test_the_revocation_list_keeps_no_one_s_name(app, engine, clock, config) -> None:
    token = token_for(config, clock)
    TestClient(app).delete("/v1/tokens/current", headers=bearer(token))
    with engine.connect() as conn:
        [row] = conn.execute(select(revoked_tokens)).all()
    # The token's id and times only: no column holds the subject. (Not a substring test:
    # a random jti may contain "U1" by chance.)
    assert "U1" not in {str(value) for value in row}
    assert set(revoked_tokens.c.keys()) == {"token_id", "expires_at", "revoked_at"}
    assert row.expires_at == datetime.fromtimestamp(
        int((clock() + timedelta(hours=1)).timestamp()), UTC
    )


def test_the_worker_forgets_revocations_once_their_tokens_have_expired(
    app, engine, clock, config
) -> None:
    short = issue_token(config, "U1", Role.CUSTOMER, timedelta(minutes=10), clock())
    long = issue_token(config, "U2", Role.CUSTOMER, timedelta(hours=2), clock())
    for token in (short, long):
        TestClient(app).delete("/v1/tokens/current", headers=bearer(token))
    clock.advance(minutes=10, seconds=config.jwt_leeway_seconds + 1)
    figures = run_once(config, engine, clock)
    assert figures["revocations_purged"] == 1
    with engine.connect() as conn:
        assert len(conn.execute(select(revoked_tokens)).all()) == 1
    assert refused_by_the_api(app, short)  # expired now, so refused all the same
    assert refused_by_the_api(app, long)  # still revoked


def test_the_cli_issues_within_the_roles_cap_and_refuses_beyond_it() -> None:
    runner = CliRunner()
    within = runner.invoke(
        cli, ["token", "issue", "ada", "--role", "agent", "--ttl-minutes", "480"]
    )
    assert within.exit_code == 0, within.output
    claims = jwt.decode(within.stdout.strip(), options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 8 * 3600 and claims["jti"]
    beyond = runner.invoke(
        cli, ["token", "issue", "ada", "--role", "agent", "--ttl-minutes", "481"]
    )
    assert beyond.exit_code == 2
    assert "INVALID_INPUT" in beyond.output and "LASTGATE_TOKEN_MAX_MINUTES_AGENT" in beyond.output
