"""A deposit past the time it was expected by, walked in the browser in English and in
Chinese: its card says it is late and since when, and leads to a ticket already on the
right topic, which the customer sends; once the deposit lands (the exchange's next
snapshot), its card passes and what is left is to withdraw the ether on the exchange."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import follow
from tests.browser.test_dust_journey import blocked
from tests.builders import account, iso, load

LATE = {
    "en": "and is late. Our support team can find out why.",
    "zh-Hans": "现已延迟。我们的客服团队可以帮您查明原因。",
}
WITHDRAW_THERE = {
    "en": "Withdrawals and transfers are made in the exchange's own app or website",
    "zh-Hans": "提现和转账在交易所自己的 App 或网站上进行",
}


def _customer(clock, status: str) -> dict:
    deposit = {
        "id": "LD-1",
        "direction": "deposit",
        "asset": "ETH",
        "amount": "0.75",
        "status": status,
        "created_at": iso(clock() - timedelta(hours=5)),
        "expected_completion_at": iso(clock() - timedelta(hours=2)),
    }
    if status != "completed":
        return account("U-LATE", transfers=[deposit])
    landed = [{"account_type": "funding", "asset": "ETH", "available": "0.75"}]
    return account("U-LATE", transfers=[{**deposit, "completed_at": iso(clock())}], balances=landed)


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_late_deposit_is_said_late_and_asked_about(person, engine, clock, lang) -> None:
    load(engine, _customer(clock, "confirming"))
    me = person("U-LATE", lang=lang)
    assert blocked(me) == {"DEPOSIT_PENDING"}
    card = me.locator("#check-DEPOSIT_PENDING")
    late = card.locator("[data-way='note']")
    assert LATE[lang] in late.inner_text()
    assert late.get_attribute("data-at") == (clock() - timedelta(hours=2)).isoformat()
    assert card.locator("[data-way='wait']").count() == 0  # time alone will not end it

    follow(me, "#check-DEPOSIT_PENDING a[data-way='ticket']")
    assert me.locator("#ticket-category").input_value() == "closure_blocked"
    me.fill("#ticket-subject", "ETH deposit late")
    me.fill("#ticket-body", "My 0.75 ETH deposit LD-1 has not arrived.")
    follow(me, "form[action='/web/tickets'] button")
    assert "/web/tickets/" in me.url
    assert "LD-1" in me.locator("ol.messages").inner_text()

    load(engine, _customer(clock, "completed"))  # it landed
    follow(me, "nav a[href='/web/me']")
    assert blocked(me) == {"ASSETS_REMAINING"}
    assert me.locator("#check-DEPOSIT_PENDING.pass").is_visible()
    there = me.locator("#check-ASSETS_REMAINING [data-way='note']").inner_text()
    assert WITHDRAW_THERE[lang] in there
