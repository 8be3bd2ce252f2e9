"""The one-step fixes through the HTTP API, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import T0, account, iso, load
from tests.workflow_support import settings

DUST = [
    {"account_type": "trading", "asset": "DOGE", "available": "50", "frozen": "0"},
    {"account_type": "funding", "asset": "SHIB", "available": "300000", "frozen": "0"},
    # The proceeds land here: 27.84 USDT afterwards, above the line, so the sweep is offered.
    {"account_type": "funding", "asset": "USDT", "available": "20", "frozen": "0"},
]


@pytest.fixture
def api(engine, clock):
    config = settings()
    load(
        engine,
        account(
            "U1",
            balances=DUST,
            api_keys=[{"id": "k1", "kind": "api_key", "label": "bot", "created_at": iso(T0)}],
            orders=[
                {
                    "id": "o1",
                    "product": "futures",
                    "symbol": "BTCUSDT",
                    "side": "buy",
                    "kind": "stop",
                    "status": "trigger_pending",
                    "quantity": "0.1",
                    "created_at": iso(T0),
                }
            ],
            automations=[
                {"id": "a1", "kind": "trading_bot", "status": "paused", "created_at": iso(T0)}
            ],
        ),
        account("U2"),
    )
    client = TestClient(create_app(config, engine=engine, clock=clock))

    def as_(subject: str, role: Role = Role.CUSTOMER) -> dict[str, str]:
        token = issue_token(config, subject, role, timedelta(hours=1), clock())
        return {"Authorization": f"Bearer {token}"}

    client.as_ = as_  # type: ignore[attr-defined]
    return client


def blockers(api) -> set[str]:
    body = api.get("/v1/accounts/U1/eligibility", headers=api.as_("U1")).json()
    return {c["code"] for c in body["checks"] if c["status"] == "block"}


def test_a_quote_then_an_execute_sweeps_the_dust(api) -> None:
    quote = api.post("/v1/accounts/U1/dust-sweep/quote", headers=api.as_("U1"))
    assert quote.status_code == 201, quote.text
    body = quote.json()
    assert (body["gross"], body["fee"], body["net"]) == ("8", "0.16", "7.84")
    assert body["needs_forfeit_consent"] is False and body["kept"] == []
    assert [line["asset"] for line in body["lines"]] == ["SHIB", "DOGE"]
    assert body["leaves"] == {"asset": "USDT", "amount": "27.84", "value_usd": "27.84"}

    done = api.post(
        "/v1/accounts/U1/dust-sweep",
        json={"quote_id": body["id"], "forfeit_consent": False},
        headers=api.as_("U1"),
    )
    assert done.status_code == 200, done.text
    assert "DUST_REMAINING" not in blockers(api)

    again = api.post(
        "/v1/accounts/U1/dust-sweep", json={"quote_id": body["id"]}, headers=api.as_("U1")
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "QUOTE_ALREADY_USED"


def test_an_expired_quote_is_a_conflict_with_its_code(api, clock) -> None:
    quote_id = api.post("/v1/accounts/U1/dust-sweep/quote", headers=api.as_("U1")).json()["id"]
    clock.advance(minutes=5)
    response = api.post(
        "/v1/accounts/U1/dust-sweep", json={"quote_id": quote_id}, headers=api.as_("U1")
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "QUOTE_EXPIRED"


@pytest.mark.parametrize(
    ("path", "code", "ref"),
    [
        ("api-keys/revoke-all", "API_KEYS_ACTIVE", "k1"),
        ("orders/cancel-all", "OPEN_ORDERS", "o1"),
        ("automations/stop-all", "ACTIVE_AUTOMATION", "a1"),
    ],
)
def test_each_one_step_fix_clears_its_blocker_and_a_second_call_changes_nothing(
    api, path, code, ref
) -> None:
    assert code in blockers(api)
    first = api.post(f"/v1/accounts/U1/{path}", headers=api.as_("U1"))
    assert first.status_code == 200, first.text
    assert (first.json()["affected"], first.json()["refs"]) == (1, [ref])
    assert code not in blockers(api)
    second = api.post(f"/v1/accounts/U1/{path}", headers=api.as_("U1"))
    assert (second.json()["affected"], second.json()["refs"]) == (0, [])


@pytest.mark.parametrize(
    "path",
    [
        "dust-sweep/quote",
        "api-keys/revoke-all",
        "orders/cancel-all",
        "automations/stop-all",
    ],
)
def test_a_customer_cannot_act_on_another_account(api, path) -> None:
    response = api.post(f"/v1/accounts/U1/{path}", headers=api.as_("U2"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


def test_a_customer_cannot_execute_a_sweep_on_another_account(api) -> None:
    quote_id = api.post("/v1/accounts/U1/dust-sweep/quote", headers=api.as_("U1")).json()["id"]
    response = api.post(
        "/v1/accounts/U1/dust-sweep", json={"quote_id": quote_id}, headers=api.as_("U2")
    )
    assert response.status_code == 403


def test_an_agent_may_act_for_the_customer(api) -> None:
    response = api.post(
        "/v1/accounts/U1/orders/cancel-all", headers=api.as_("agent-ada", Role.AGENT)
    )
    assert response.status_code == 200
    assert response.json()["affected"] == 1


def test_without_a_token_nothing_happens(api) -> None:
    assert api.post("/v1/accounts/U1/orders/cancel-all").status_code == 401


def test_a_sweep_that_would_leave_dust_is_refused_with_its_own_code(engine, clock) -> None:
    load(engine, account("U5", balances=DUST[:2]))  # 7.84 USDT after the fee: still dust
    client = TestClient(create_app(settings(), engine=engine, clock=clock))
    token = issue_token(settings(), "U5", Role.CUSTOMER, timedelta(minutes=5), clock())
    answer = client.post(
        "/v1/accounts/U5/dust-sweep/quote", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "SWEEP_RESULT_DUST"
