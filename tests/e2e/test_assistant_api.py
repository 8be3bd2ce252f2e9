"""The assistant over HTTP, on both databases: the answer says what the question was
taken to ask (``intent``), is in the question's language, and names its links."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, iso, load
from tests.desk_support import desk_settings


def _client(engine, clock, tmp_path) -> tuple[TestClient, dict[str, str]]:
    config = desk_settings(tmp_path)
    token = issue_token(config, "U1", Role.CUSTOMER, timedelta(hours=1), clock())
    client = TestClient(create_app(config, engine=engine, clock=clock))
    return client, {"Authorization": f"Bearer {token}"}


def test_two_questions_get_two_answers_each_in_its_own_language(engine, clock, tmp_path) -> None:
    deposit = {
        "id": "T1",
        "direction": "deposit",
        "asset": "USDT",
        "amount": "250",
        "status": "pending",
        "network": "TRC20",
        "created_at": iso(clock() - timedelta(minutes=5)),
        "expected_completion_at": iso(clock() + timedelta(minutes=25)),
    }
    load(engine, account("U1", transfers=[deposit]))
    client, me = _client(engine, clock, tmp_path)

    lost = client.post(
        "/v1/accounts/U1/assistant?lang=zh-Hans",
        json={"question": "I lost my phone"},
        headers=me,
    ).json()
    assert (lost["intent"], lost["language"]) == ("lost_credentials", "en")
    (item,) = lost["items"]
    assert item["label"] == "Start a credential recovery"
    assert item["link"] == ("https://close.example/web/tickets?category=credential_recovery#new")
    assert "72 hours" in item["text"] and item["link"] in item["text"]
    assert lost["articles"][0]["slug"] == "lost-authenticator"

    arrives = client.post(
        "/v1/accounts/U1/assistant",
        json={"question": "我的充值什么时候到账"},
        headers=me,
    ).json()
    assert (arrives["intent"], arrives["language"]) == ("transfer_pending", "zh_Hans")
    (item,) = arrives["items"]
    assert item["code"] == "DEPOSIT_PENDING" and item["label"] is None
    assert "250 USDT" in item["text"] and "预计于 2026年11月23日 12:25 UTC 前到账" in item["text"]
