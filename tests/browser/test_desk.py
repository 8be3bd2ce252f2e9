"""The desk in the browser: a customer asks the assistant about a blocker, hands off to a
person, an agent answers with a canned reply and an internal note, and the customer reads
the reply but never the note (in English and in Chinese); a pasted seed phrase is
redacted; a compliance officer lifts a risk lock on appeal; anyone checks a link."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lastgate.kernel.access import Role
from tests.browser.conftest import SCREENSHOTS, VIEWPORT, follow, screenshot
from tests.builders import account, iso, load
from tests.secret_corpus import mnemonic

WITH_BTC = account(
    "U1",
    balances=[{"account_type": "funding", "asset": "BTC", "available": "0.25", "frozen": "0"}],
)
CANNED = {"en": "Your account still holds assets.", "zh-Hans": "您的账户仍有资产。"}
REMAINS = {
    "en": "0.25 BTC remains in your funding account.",
    "zh-Hans": "您的资金账户中还有 0.25 BTC。",
}
TOPIC = {"en": "Closure blocked", "zh-Hans": "无法注销"}
NOTE = "Customer asked twice; check the withdrawal limits."


def _origin(page) -> str:
    return page.url.split("/web/")[0]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_customer_asks_hands_off_and_reads_the_reply_but_never_the_note(
    engine, person, lang
) -> None:
    load(engine, WITH_BTC)
    me = person("U1", lang=lang)
    follow(me, "nav a[href='/web/help']")
    assert me.locator("html").get_attribute("lang") == lang
    me.fill("#question", "Why can I not close my account?" if lang == "en" else "为什么不能注销")
    follow(me, "form[action='/web/help/ask'] button")
    item = me.locator("#answer-ASSETS_REMAINING")
    assert REMAINS[lang] in item.inner_text()
    assert item.locator("a.fix-link[href='/web/me#check-ASSETS_REMAINING']").is_visible()
    screenshot(me, "desk-help-assistant" if lang == "en" else "desk-help-assistant-zh")

    me.fill("#handoff-message", "Please help me withdraw it.")
    follow(me, "form[action='/web/help/handoff'] button")
    assert "done=handoff" in me.url and me.locator("p.notice").is_visible()
    ticket_path = me.url.split(_origin(me))[1].split("?")[0]
    ticket_id = ticket_path.rsplit("/", 1)[1]

    ada = person("agent-ada", Role.AGENT, lang=lang)
    follow(ada, "nav a[href='/web/desk']")
    row = ada.locator(f"tr#ticket-{ticket_id}")
    assert TOPIC[lang] in row.inner_text() and "U1" in row.inner_text()
    if lang == "en":
        screenshot(ada, "desk-queue")
    follow(ada, f"a[href='/web/desk/tickets/{ticket_id}']")
    handoff = ada.locator("section[aria-labelledby='handoff-context']").inner_text()
    assert REMAINS[lang] in handoff  # the conversation, on the ticket
    # The customer's note for the person is the ticket's message, once, not a line of it.
    assert "Please help me withdraw it." not in handoff
    said = ada.locator("ol.messages li .message-body").all_inner_texts()
    assert said == ["Please help me withdraw it."]
    follow(ada, "a[href$='?context=show#handoff-snapshot']")  # the snapshot, when asked
    handoff = ada.locator("section[aria-labelledby='handoff-context']").inner_text()
    assert "ASSETS_REMAINING" in handoff and REMAINS[lang] in handoff
    ada.select_option("#canned-key", "withdraw_first")
    ada.select_option("#canned-language", "en" if lang == "en" else "zh_Hans")
    follow(ada, "form[action$='/canned'] button")
    ada.fill("#note-body", NOTE)
    follow(ada, "form[action$='/note'] button")
    note = ada.locator("li.message.internal")
    assert NOTE in note.inner_text() and note.locator(".internal-badge").is_visible()
    if lang == "en":
        screenshot(ada, "desk-agent-ticket")

    me.goto(_origin(me) + ticket_path)
    messages = me.locator("ol.messages").inner_text()
    assert CANNED[lang] in messages
    assert NOTE not in me.content()
    screenshot(me, "desk-customer-ticket" if lang == "en" else "desk-customer-ticket-zh")

    follow(me, "nav a[href='/web/help']")
    me.fill("#question", "balance")
    follow(me, "form[action='/web/help/ask'] button")
    follow(me, "a.fix-link")
    assert me.url.endswith("/web/me#check-ASSETS_REMAINING")
    assert me.locator("#check-ASSETS_REMAINING.block").is_visible()


def test_a_pasted_seed_phrase_is_redacted_and_never_shown(engine, person) -> None:
    load(engine, account("U2"))
    phrase = mnemonic("browser", 12)
    me = person("U2")
    follow(me, "nav a[href='/web/tickets']")
    me.select_option("#ticket-category", "other")
    me.fill("#ticket-subject", "Wallet help")
    me.fill("#ticket-body", f"Support asked me for my words: {phrase}")
    follow(me, "form[action='/web/tickets'] button")
    assert phrase not in me.content()
    assert "[REDACTED:seed_phrase]" in me.locator("ol.messages").inner_text()
    assert me.locator("li.message .warning[role='alert']").is_visible()
    screenshot(me, "desk-redaction-warning")

    ada = person("agent-ada", Role.AGENT)
    ada.goto(_origin(ada) + "/web/desk?category=other")
    follow(ada, "table.queue tbody a")
    assert phrase not in ada.content()
    assert "seed_phrase" in ada.locator("ol.messages").inner_text()


def test_a_compliance_officer_lifts_a_risk_lock_on_appeal(engine, clock, person) -> None:
    locked = account(
        "U3",
        holds=[
            {
                "id": "h-risk",
                "kind": "risk_lock",
                "reason": "abnormal login",
                "placed_by": "risk-engine",
                "placed_at": iso(clock() - timedelta(days=1)),
            }
        ],
    )
    load(engine, locked)
    me = person("U3")
    assert me.locator("#check-RISK_LOCK.block").is_visible()
    follow(me, "nav a[href='/web/help']")
    follow(me, "a[href='/web/tickets?category=account_locked#new']")
    assert me.locator("#ticket-category").input_value() == "account_locked"
    me.fill("#ticket-subject", "Locked after travelling")
    me.fill("#ticket-body", "I logged in from Lisbon on holiday. Please unlock.")
    follow(me, "form[action='/web/tickets'] button")
    ticket_path = me.url.split(_origin(me))[1].split("?")[0]

    ada = person("agent-ada", Role.AGENT)
    ada.goto(_origin(ada) + ticket_path)  # staff land on the console's page
    assert "/web/desk/tickets/" in ada.url
    assert ada.locator("form[action$='/risk-lock-decision']").count() == 0

    cy = person("compliance-cy", Role.COMPLIANCE)
    cy.goto(_origin(cy) + "/web/desk?category=account_locked")
    follow(cy, "table.queue tbody a")
    cy.fill("#decision-note", "Login from Lisbon confirmed by video call.")
    screenshot(cy, "desk-risk-lock-appeal")
    follow(cy, "form[action$='/risk-lock-decision'] button[value='approve']")
    assert "done=decided" in cy.url and cy.locator(".badge.ticket-resolved").is_visible()

    me.goto(_origin(me) + "/web/me")
    assert me.locator("#check-RISK_LOCK.pass").is_visible()
    me.goto(_origin(me) + ticket_path)
    assert "Login from Lisbon confirmed by video call." in me.locator("ol.messages").inner_text()


def test_anyone_checks_a_link_without_signing_in(chromium, base_url) -> None:
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{base_url}/web/sign-in")
    follow(page, "nav a[href='/web/official']")
    page.fill("#official-value", "https://example.com@evil.io/login")
    follow(page, "form[action='/web/official'] button")
    assert page.locator(".verdict.not-official").is_visible()
    screenshot(page, "desk-official-check")
    page.fill("#official-value", "support@example.com")
    follow(page, "form[action='/web/official'] button")
    assert page.locator(".verdict.ok").is_visible()
    context.close()


def test_the_desk_pages_fit_a_phone_and_label_every_input(engine, person) -> None:
    load(engine, WITH_BTC)
    me = person("U1")
    me.set_viewport_size({"width": 375, "height": 740})
    origin = _origin(me)
    me.goto(origin + "/web/help")
    me.fill("#question", "why")
    follow(me, "form[action='/web/help/ask'] button")
    follow(me, "form[action='/web/help/handoff'] button")
    ticket_path = me.url.split(origin)[1].split("?")[0]
    ada = person("agent-ada", Role.AGENT)
    ada.set_viewport_size({"width": 375, "height": 740})
    for page, path in (
        (me, "/web/help"),
        (me, "/web/tickets"),
        (me, ticket_path),
        (ada, "/web/desk"),
        (ada, ticket_path.replace("/web/tickets/", "/web/desk/tickets/")),
    ):
        page.goto(origin + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        unlabelled = page.evaluate(
            """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                 .filter(el => !document.querySelector(`label[for="${el.id}"]`)).length"""
        )
        assert unlabelled == 0, path
    me.goto(origin + ticket_path)
    me.focus("#reply-body")
    assert me.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    me.screenshot(path=str(SCREENSHOTS / "phone-desk-ticket.png"))
