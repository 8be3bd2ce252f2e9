"""A risk lock kept on appeal, walked in the browser in English and in Chinese: the demo's
risk-locked customer appeals from the self-check, a compliance officer keeps the lock in
the console, the self-check then says the restriction stays and leads to the appeal's
ticket (no new appeal), and the customer replies there, which reopens it for the team.
The same for the customer locked and under an AML investigation: their card reads the
same, word for word."""

from __future__ import annotations

import pytest

from lastgate.demo.customers import demo_snapshot
from lastgate.kernel.access import Role
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from tests.browser.conftest import follow

NEW_APPEAL = "a[href='/web/tickets?category=account_locked#new']"
CARD = "#check-RISK_LOCK"
KEPT = {
    "en": "Your appeal was reviewed and the restriction stays",
    "zh-Hans": "您的申诉已审核，限制将继续保留",  # noqa: RUF001
}
NOTE = "The withdrawals remain unexplained; the lock stays."
REPLY = "Here is the invoice for the withdrawals."


def _origin(page) -> str:
    return page.url.split("/web/")[0]


def _appealed_and_kept(person, uid: str, lang: str) -> tuple[object, str]:
    """``uid`` appeals from the self-check's card; a compliance officer keeps the lock.
    Returns the customer's page and the appeal's path."""
    me = person(uid, lang=lang)
    me.goto(f"{_origin(me)}/web/me?lang={lang}")
    assert me.locator(f"{CARD}.block").is_visible()
    follow(me, f"{CARD} {NEW_APPEAL}")
    assert me.locator("#ticket-category").input_value() == "account_locked"
    me.fill("#ticket-subject", "Please lift the lock")
    me.fill("#ticket-body", "The withdrawals were mine.")
    follow(me, "form[action='/web/tickets'] button")
    ticket = me.url.split(_origin(me))[1].split("?")[0]

    cy = person("compliance-cy", Role.COMPLIANCE, lang=lang)
    cy.goto(_origin(cy) + ticket)  # staff land on the console's page of the ticket
    assert "/web/desk/tickets/" in cy.url
    cy.fill("#decision-note", NOTE)
    follow(cy, "form[action$='/risk-lock-decision'] button[value='reject']")
    assert "done=decided" in cy.url
    return me, ticket


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_lock_kept_on_appeal_leads_the_customer_back_to_the_appeal(
    engine, clock, person, lang
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    cards = []
    for uid in ("DEMO-RISK-LOCK", "DEMO-RISK-AML"):
        me, ticket = _appealed_and_kept(person, uid, lang)
        me.goto(_origin(me) + "/web/me")
        card = me.locator(CARD)
        assert KEPT[lang] in card.inner_text()
        assert card.locator(NEW_APPEAL).count() == 0
        cards.append(card.inner_text())

        follow(me, f"{CARD} a[href='{ticket}']")
        assert me.url.split("?")[0].endswith(ticket)
        assert NOTE in me.locator("ol.messages").inner_text()
        assert me.locator("#reply-reopens").is_visible()
        me.fill("#reply-body", REPLY)
        follow(me, f"form[action='{ticket}/reply'] button")
        assert REPLY in me.locator("ol.messages").inner_text()
        assert me.locator("#reply-reopens").count() == 0  # open again, with the team
    assert cards[0] == cards[1]
    assert "AML" not in cards[1] and "investigation" not in cards[1].lower()
