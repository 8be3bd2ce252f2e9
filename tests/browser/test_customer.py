"""A customer in the browser: from a blocked self-check to cooling-off and back, in
English and in Chinese; another who is closed downloads the certificate; nobody opens
another customer's page."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from lastgate.closure.adapters import tables as wt
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.execution import execute_due
from lastgate.erasure.wiring import run_pending
from tests.browser.conftest import follow, screenshot
from tests.builders import T0, account, iso, load
from tests.workflow_support import (
    AGENT_A,
    AGENT_B,
    customer_status,
    request_in,
    set_up_long_ago,
    workflow,
)

BLOCKED = account(
    "U1",
    api_keys=[{"id": "k1", "kind": "api_key", "label": "bot", "created_at": iso(T0)}],
    orders=[
        {
            "id": "o1",
            "product": "spot",
            "symbol": "BTC/USDT",
            "side": "buy",
            "kind": "limit",
            "status": "open",
            "quantity": "0.1",
            "created_at": iso(T0),
        }
    ],
    automations=[{"id": "a1", "kind": "recurring_buy", "status": "active", "created_at": iso(T0)}],
)
FIXES = ("cancel_orders", "revoke_api_keys", "stop_automations")
TITLES = {"en": "May I close my account?", "zh-Hans": "我可以注销账户吗"}


def blocked(page) -> set[str]:
    return {
        el.get_attribute("id").removeprefix("check-") for el in page.locator("li.check.block").all()
    }


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_customer_fixes_the_blockers_closes_verifies_and_cancels(
    engine, clock, person, lang
) -> None:
    load(engine, BLOCKED)
    page = person("U1", lang=lang)
    assert page.locator("html").get_attribute("lang") == lang
    assert TITLES[lang] in page.locator("h1").inner_text()
    assert blocked(page) == {"OPEN_ORDERS", "API_KEYS_ACTIVE", "ACTIVE_AUTOMATION"}
    if lang == "en":
        screenshot(page, "customer-self-check-blocked")
    else:
        screenshot(page, "customer-self-check-zh")

    for fix in FIXES:  # none can be undone: each asks first, saying what will happen
        follow(page, f"a[href='/web/me/fix/{fix}']")
        assert page.locator("#fix-consequences li").count() >= 2
        follow(page, f"form[action='/web/me/fix/{fix}'] button")
        assert page.locator("p.notice").is_visible()
    assert blocked(page) == set()

    follow(page, "a[href='/web/me/settings']")
    follow(page, "form[action='/web/me/authenticator'] button")
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text())
    page.fill("#totp-code", totp.at(clock()))
    follow(page, "form[action='/web/me/authenticator/confirm'] button")
    assert "done=authenticator" in page.url
    set_up_long_ago(engine, "U1")  # an established one: a new one confirms no closure yet
    clock.advance(seconds=30)  # the next code differs: a code is accepted only once
    if lang == "en":
        screenshot(page, "customer-settings")

    follow(page, "a[href='/web/me']")
    follow(page, "a[href='/web/me/close']")
    if lang == "en":
        screenshot(page, "customer-close")
    page.check("#reason-privacy")
    page.fill("#reason_text", "Leaving for now.")
    follow(page, "form[action='/web/me/close'] button")
    assert page.locator(".badge.state-draft").is_visible()

    follow(page, "form[action$='/verification'] button")
    assert page.locator(".badge.state-verifying").is_visible()
    page.fill("#code", totp.at(clock()))
    follow(page, "form[action$='/verification/check'] button")
    assert page.locator(".badge.state-cooling_off").is_visible()
    assert customer_status(engine, "U1") == "frozen"
    # The countdown is labelled in the page's language, on the server's clock.
    left = "14 days left" if lang == "en" else "还剩 14天"
    expect(page.locator("#cooling-off-left")).to_contain_text(left)
    if lang == "en":
        screenshot(page, "customer-cooling-off")

    follow(page, "#closure-cancel")  # it asks first, and says the freeze is lifted
    lifted = {"en": "The freeze placed for your closure is lifted.", "zh-Hans": "解冻"}[lang]
    expect(page.locator("#cancel-effects")).to_contain_text(lifted)
    assert customer_status(engine, "U1") == "frozen"  # asking changed nothing
    screenshot(page, "customer-cancel-question" + ("" if lang == "en" else "-zh"))
    follow(page, "#cancel-confirm button")
    assert page.locator(".badge.state-cancelled").is_visible()
    assert customer_status(engine, "U1") == "active"


def test_a_customer_whose_cooling_off_ended_downloads_the_certificate(
    engine, clock, person, config, base_url
) -> None:
    load(engine, account("U3"))
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.IN_REVIEW, uid="U3")
    closure.approve(wf, AGENT_A, request.id, "ok")
    closure.approve(wf, AGENT_B, request.id, "ok")

    page = person("U3")
    follow(page, f"a[href='/web/closure/{request.id}']")
    assert page.locator(".badge.state-cooling_off").is_visible()

    clock.advance(days=14, seconds=1)
    execute_due(wf)
    with engine.begin() as conn:
        conn.execute(update(wt.outbox).values(delivered_at=clock()))
    assert run_pending(engine, clock, config, wf.policies).finished

    page = person("U3")  # a fresh token: the old one expired while the clock moved
    page.goto(f"{base_url}/web/closure/{request.id}")
    assert page.url == f"{base_url}/web/me/closed"  # a closed account's one page
    with page.expect_download() as download:
        page.click("#certificate-pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_a_customer_cannot_open_another_customers_request(engine, clock, person, config):
    load(engine, account("U1"), account("U2"))
    wf = workflow(engine, clock, config)
    request = request_in(wf, ClosureState.DRAFT, uid="U1")
    intruder = person("U2")
    answer = intruder.goto(intruder.url.replace("/web/me", f"/web/closure/{request.id}"))
    assert answer is not None and answer.status == 403
    assert intruder.locator("code", has_text="FORBIDDEN").is_visible()
    assert "U1" not in intruder.content()
    for console in ("/web/agent", "/web/compliance"):
        answer = intruder.goto(intruder.url.split("/web/")[0] + console)
        assert answer is not None and answer.status == 403
