"""DEMO-DUST in the browser, in English and in Chinese: from the blocked self-check through
the sweep and the consent to give up what it leaves, to "may close"; then the request,
the e-mailed code, the cooling-off, the closure, and a certificate that lists every
balance given up. And each blocker a customer can fix, fixed through its card."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update

from lastgate.closure.adapters import tables as wt
from lastgate.closure.service.execution import execute_due
from lastgate.demo.customers import demo_snapshot
from lastgate.erasure.adapters.certificate_signing import public_key_pem, verify
from lastgate.erasure.wiring import run_pending
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from tests.browser.conftest import follow, screenshot
from tests.workflow_support import outbox_rows, workflow

UID = "DEMO-DUST"
CARD = "#check-DUST_REMAINING"
TEXT = {
    "en": {
        "forfeit": "Give up small balances",
        "given_up": "The small balances are given up.",
        "may_close": "Yes: nothing blocks the closure of your account.",
    },
    "zh-Hans": {
        "forfeit": "放弃小额资产",
        "given_up": "小额资产已放弃。",
        "may_close": "没有任何事项阻止注销您的账户",
    },
}


def blocked(page) -> set[str]:
    return {
        el.get_attribute("id").removeprefix("check-") for el in page.locator("li.check.block").all()
    }


def rows(page, table: str) -> list[list[str]]:
    return [
        [cell.inner_text().strip() for cell in row.locator("td").all()]
        for row in page.locator(f"{table} tbody tr").all()
    ]


def sweep_then_give_up(page, lang: str) -> None:
    """The card's sweep, its consent for the unpriced token, then the card's forfeit."""
    follow(page, f"{CARD} form[data-way='fix'] button")
    assert {r[1] for r in rows(page, "table")} == {"SHIB", "DOGE", "LUNC"}
    if lang == "en":
        screenshot(page, "customer-dust-sweep")
    page.check("#forfeit")
    follow(page, "form[action='/web/me/dust-sweep/execute'] button")
    assert blocked(page) == {"DUST_REMAINING"}  # the sweep's own proceeds are dust
    assert page.locator(f"{CARD} form[data-way='fix']").count() == 0  # no second sweep offered

    follow(page, f"{CARD} a[data-way='page'][href='/web/me/dust-forfeit']")
    assert TEXT[lang]["forfeit"] in page.locator("h1").inner_text()
    # Labelled and formatted: the account in words, the amount with its asset, the value
    # to the cent.
    account = "Funding" if lang == "en" else "资金账户"
    assert rows(page, "#forfeit-lines") == [[account, "USDT", "1.519\u00a0USDT", "1.52\u00a0USD"]]
    if lang == "en":
        screenshot(page, "customer-dust-forfeit")
    else:
        screenshot(page, "customer-dust-forfeit-zh")
    page.click("form[action='/web/me/dust-forfeit'] button")  # no consent ticked: refused
    assert "/web/me/dust-forfeit" in page.url and rows(page, "#forfeit-lines")
    page.check("#consent")
    follow(page, "form[action='/web/me/dust-forfeit'] button")
    assert TEXT[lang]["given_up"] in page.locator("p.notice").inner_text()
    assert blocked(page) == set()
    assert TEXT[lang]["may_close"] in page.locator("p.summary").inner_text()


def submit_and_verify_by_email(page, engine) -> None:
    follow(page, "a[href='/web/me/close']")
    page.check("#reason-no_longer_needed")
    follow(page, "form[action='/web/me/close'] button")
    assert page.locator(".badge.state-draft").is_visible()
    page.check("#m-email")
    follow(page, "form[action$='/verification'] button")
    assert page.locator(".badge.state-verifying").is_visible()
    code = outbox_rows(engine, "verification_code")[-1]["payload"]["params"]["code"]
    page.fill("#code", code)
    follow(page, "form[action$='/verification/check'] button")
    assert page.locator(".badge.state-cooling_off").is_visible()


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_dust_ends_in_a_closed_account_whose_certificate_lists_what_was_given_up(
    engine, clock, person, config, lang
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    page = person(UID, lang=lang)
    assert blocked(page) == {"DUST_REMAINING"}
    if lang == "en":
        screenshot(page, "customer-dust-blocked")
    sweep_then_give_up(page, lang)
    submit_and_verify_by_email(page, engine)

    wf = workflow(engine, clock, config)
    clock.advance(days=14, seconds=1)
    execute_due(wf)  # the final re-check: nothing is left to block it
    with engine.begin() as conn:
        conn.execute(update(wt.outbox).values(delivered_at=clock()))
    assert run_pending(engine, clock, config, wf.policies).finished

    page = person(UID, lang=lang)  # a fresh token: the old one expired while the clock moved
    answer = page.request.get(page.url.split("/web/")[0] + "/web/me/certificate?format=json")
    assert answer.status == 200
    certificate = verify(json.loads(answer.body()), public_key_pem(config))
    assert certificate.scan.passed, certificate.scan.findings
    assert [(f.asset, f.amount, f.consent_by) for f in certificate.forfeited] == [
        ("LUNC", "15000", "account_holder"),
        ("USDT", "1.519", "account_holder"),
    ]


FIXABLE = [
    ("DEMO-OPEN-ORDERS", "OPEN_ORDERS"),
    ("DEMO-API-KEYS", "API_KEYS_ACTIVE"),
    ("DEMO-AUTOMATION", "ACTIVE_AUTOMATION"),
]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_each_blocker_a_customer_can_fix_is_fixed_through_its_card(
    engine, clock, person, lang
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    for uid, code in FIXABLE:
        page = person(uid, lang=lang)
        assert blocked(page) == {code}
        follow(page, f"#check-{code} a[data-way='confirm']")
        assert page.locator("#fix-consequences li").count() >= 2  # says what will happen
        follow(page, "#fix-confirm button")
        assert page.locator("p.notice").is_visible()
        assert blocked(page) == set()
        assert page.locator("a[href='/web/me/close']").is_visible()
    page = person(UID, lang=lang)
    sweep_then_give_up(page, lang)
