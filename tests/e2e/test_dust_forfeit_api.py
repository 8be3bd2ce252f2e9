"""Giving up the small balances left, through the HTTP API, on both databases: the offer
names and values each one; the forfeit takes exactly that list, with consent, or refuses
with a stable code and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from lastgate.app.api import create_app
from lastgate.kernel.access import Role
from lastgate.platform.auth_tokens import issue_token
from tests.builders import account, load
from tests.workflow_support import settings

PATH = "/v1/accounts/U1/dust-forfeit"
LEFT = [
    {"account_type": "funding", "asset": "USDT", "available": "4.9", "frozen": "0"},
    {"account_type": "funding", "asset": "LUNC", "available": "15000", "frozen": "0"},
]


@pytest.fixture
def api(engine, clock):
    config = settings()
    load(engine, account("U1", balances=LEFT), account("U2"))
    client = TestClient(create_app(config, engine=engine, clock=clock))

    def as_(subject: str, role: Role = Role.CUSTOMER) -> dict[str, str]:
        token = issue_token(config, subject, role, timedelta(hours=1), clock())
        return {"Authorization": f"Bearer {token}"}

    client.as_ = as_  # type: ignore[attr-defined]
    return client


def dust_blocks(api) -> bool:
    body = api.get("/v1/accounts/U1/eligibility", headers=api.as_("U1")).json()
    return any(c["code"] == "DUST_REMAINING" and c["status"] == "block" for c in body["checks"])


def test_the_offer_names_and_values_every_small_balance(api) -> None:
    offer = api.get(PATH, headers=api.as_("U1"))
    assert offer.status_code == 200
    assert offer.json() == {
        "uid": "U1",
        "balances": [
            {"account_type": "funding", "asset": "LUNC", "amount": "15000", "value_usd": None},
            {"account_type": "funding", "asset": "USDT", "amount": "4.9", "value_usd": "4.9"},
        ],
        "total_usd": "4.9",
        "limit_usd": "10.21",  # the policy's 10, raised over the band (10 / 0.98)
        "allowed": True,
    }


def test_the_forfeit_with_consent_clears_the_blocker(api) -> None:
    balances = [
        {k: b[k] for k in ("account_type", "asset", "amount")}
        for b in api.get(PATH, headers=api.as_("U1")).json()["balances"]
    ]
    done = api.post(PATH, json={"balances": balances, "consent": True}, headers=api.as_("U1"))
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["consent_by"] == "account_holder" and len(body["id"]) == 36
    assert [b["asset"] for b in body["offer"]["balances"]] == ["LUNC", "USDT"]
    assert not dust_blocks(api)
    again = api.post(PATH, json={"balances": balances, "consent": True}, headers=api.as_("U1"))
    assert (again.status_code, again.json()["error"]["code"]) == (409, "BALANCES_CHANGED")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (
            {
                "balances": [
                    {"account_type": "funding", "asset": "USDT", "amount": "4.9"},
                    {"account_type": "funding", "asset": "LUNC", "amount": "15000"},
                ]
            },
            422,
            "FORFEIT_CONSENT_REQUIRED",
        ),
        (
            {
                "balances": [{"account_type": "funding", "asset": "USDT", "amount": "4.9"}],
                "consent": True,
            },
            409,
            "BALANCES_CHANGED",
        ),
        ({"balances": [], "consent": True}, 422, "INVALID_INPUT"),
        (
            {
                "balances": [{"account_type": "funding", "asset": "USDT", "amount": "-1"}],
                "consent": True,
            },
            422,
            "INVALID_INPUT",
        ),
    ],
)
def test_a_refused_forfeit_changes_nothing(api, body, status, code) -> None:
    refused = api.post(PATH, json=body, headers=api.as_("U1"))
    assert (refused.status_code, refused.json()["error"]["code"]) == (status, code)
    assert dust_blocks(api)


def test_another_customer_cannot_read_or_give_up_the_balances(api) -> None:
    assert api.get(PATH, headers=api.as_("U2")).status_code == 403
    body = {
        "balances": [{"account_type": "funding", "asset": "USDT", "amount": "4.9"}],
        "consent": True,
    }
    assert api.post(PATH, json=body, headers=api.as_("U2")).status_code == 403
    assert dust_blocks(api)
