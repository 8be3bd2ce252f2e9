"""Small balances in the browser, in English and in Chinese. DEMO-DUST: a sweep would only
turn them into 1.519 USDT, still dust, so none is offered (the card says so, with the
amount); they are given up with consent, to "may close"; then the request, the e-mailed
code, the cooling-off, the closure, and a certificate that lists every balance given up.
DEMO-DUST-CONVERT: converted (it clears the line), its unpriced token not given up by the
sweep but decided about on its own, then the USDT withdrawn on the demo's exchange, to
"may close". DEMO-DUST-DEPOSIT: no button before the deposit lands; landed on the demo's
exchange, it is given up, to "may close".
And each blocker a customer can fix, fixed through its card."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select, update

from lastgate.closure.adapters import tables as wt
from lastgate.closure.service.execution import execute_due
from lastgate.demo.customers import demo_snapshot
from lastgate.erasure.adapters.certificate_signing import public_key_pem, verify
from lastgate.erasure.wiring import run_pending
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from lastgate.remediation.adapters.tables import dust_quotes
from tests.browser.conftest import follow, screenshot
from tests.workflow_support import outbox_rows, workflow

UID = "DEMO-DUST"
CARD = "#check-DUST_REMAINING"
TEXT = {
    "en": {
        "forfeit": "Give up these balances",
        "not_offered": "Converting is not offered: after the fee you would hold 1.519\u00a0USDT,"
        " worth 1.52\u00a0USD, still no more than the small-balance line of 10\u00a0USD.",
        "kept": "Not converted: 15,000\u00a0LUNC.",
        "result": "Your funding account then holds 11.76\u00a0USDT",
        "settle_then": "Once it has arrived, settling it as a small balance is possible here",
        "given_up": "The balances are given up.",
        "one_given_up": "The balance is given up.",
        "withdraw_it": "Withdraw it, or transfer it to another account. If it is below the "
        "minimum withdrawal",
        "may_close": "Yes: nothing blocks the closure of your account.",
        "counted": "3 balances remain: 2 worth at most 10 USD, and 1 with no market price,"
        " whose value is unknown.",
        "lunc_left": "1 balance in an asset with no market price remains: its value is unknown.",
        "lunc_button": "Give up this balance",
        "lunc_value": "It has no market price, so its value is unknown.",
    },
    "zh-Hans": {
        "forfeit": "放弃余额",
        "not_offered": "不提供兑换：扣除手续费后您将持有 1.519\u00a0USDT，价值 1.52\u00a0USD，"  # noqa: RUF001
        "仍未超过 10\u00a0USD 的小额资产标准。",
        "kept": "不参与兑换：15,000\u00a0LUNC。",  # noqa: RUF001
        "result": "您的资金账户届时将持有 11.76\u00a0USDT",
        "settle_then": "到账后即可在此处理这笔小额资产",
        "given_up": "余额已放弃。",
        "one_given_up": "余额已放弃。",
        "withdraw_it": "请将其提现，或转入另一个账户。如果金额低于最低提现额",  # noqa: RUF001
        "may_close": "没有任何事项阻止注销您的账户",
        "counted": "仍有 3 笔余额：2 笔每笔价值不超过 10 USD，1 笔没有市场价格，价值未知。",  # noqa: RUF001
        "lunc_left": "仍有 1 笔没有市场价格的资产余额，价值未知。",  # noqa: RUF001
        "lunc_button": "放弃余额",
        "lunc_value": "没有市场价格，因此价值未知。",  # noqa: RUF001
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


def give_up_what_a_sweep_would_leave_as_dust(page, lang: str) -> None:
    """No sweep on the card (it would leave 1.519 USDT, dust, after the fee): the card says
    so; the small balances are given up with consent, every one named, nothing converted."""
    card = page.locator(CARD)
    # LUNC has no price: counted apart, never "worth at most 10 USD".
    assert card.locator("p").first.inner_text() == TEXT[lang]["counted"]
    assert card.locator("form[data-way='fix']").count() == 0  # no sweep offered
    assert card.locator("[data-way='note']").inner_text().startswith(TEXT[lang]["not_offered"])
    follow(page, f"{CARD} a[data-way='page'][href='/web/me/dust-forfeit']")
    assert TEXT[lang]["forfeit"] in page.locator("h1").inner_text()
    assert TEXT[lang]["not_offered"] in page.locator("#sweep-not-offered").inner_text()
    assert page.locator("form[action='/web/me/dust-sweep']").count() == 0
    # Labelled and formatted: the account in words, the amount with its asset, the value
    # to the cent; the unpriced token said to have no price.
    funding, trading = ("Funding", "Trading") if lang == "en" else ("资金账户", "交易账户")
    unpriced = "no market price" if lang == "en" else "无市场价格"
    assert sorted(rows(page, "#forfeit-lines")) == sorted(
        [
            [funding, "LUNC", "15,000\u00a0LUNC", unpriced],
            [funding, "SHIB", "120,000\u00a0SHIB", "1.20\u00a0USD"],
            [trading, "DOGE", "3.5\u00a0DOGE", "0.35\u00a0USD"],
        ]
    )
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
    give_up_what_a_sweep_would_leave_as_dust(page, lang)
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
    assert sorted((f.asset, f.amount, f.consent_by) for f in certificate.forfeited) == [
        ("DOGE", "3.5", "account_holder"),
        ("LUNC", "15000", "account_holder"),
        ("SHIB", "120000", "account_holder"),
    ]  # nothing converted: no fee paid for a result that would still have blocked


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_converting_gives_up_nothing_and_the_unpriced_token_is_decided_on_its_own(
    engine, clock, person, lang
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    page = person("DEMO-DUST-CONVERT", lang=lang)
    assert blocked(page) == {"DUST_REMAINING"}
    follow(page, f"{CARD} form[data-way='fix'] button")
    assert {r[1] for r in rows(page, "#sweep-lines")} == {"SHIB", "DOGE"}
    assert page.locator("#sweep-given-up, #forfeit").count() == 0  # nothing given up here
    assert page.locator("#sweep-kept").inner_text().startswith(TEXT[lang]["kept"])
    assert TEXT[lang]["result"] in page.locator("#sweep-result").inner_text()
    if lang == "en":
        screenshot(page, "customer-dust-sweep")
    receive = page.locator("#sweep-receive").inner_text()
    net = re.search(r"[\d.,]+\u00a0USDT", receive).group(0)
    follow(page, "form[action='/web/me/dust-sweep/execute'] button")
    assert net in page.locator("#swept-received").inner_text()  # what was received, said
    # Converted: 11.76 USDT, an asset now (withdrawn on the exchange); LUNC still there.
    assert blocked(page) == {"DUST_REMAINING", "ASSETS_REMAINING"}
    # What is left is one token with no price: said so, in the singular, its value unknown.
    card = page.locator(CARD)
    assert card.locator("p").first.inner_text() == TEXT[lang]["lunc_left"]
    give_up = card.locator("a[data-way='page'][href='/web/me/dust-forfeit']")
    assert give_up.inner_text() == TEXT[lang]["lunc_button"]
    follow(page, f"{CARD} a[data-way='page'][href='/web/me/dust-forfeit']")
    assert [r[1] for r in rows(page, "#forfeit-lines")] == ["LUNC"]
    # The page is headed by what it lists: one balance, not "small balances".
    assert page.locator("h1").inner_text() == TEXT[lang]["lunc_button"]
    assert page.title().startswith(TEXT[lang]["lunc_button"])
    assert page.locator("#forfeit-total").inner_text() == TEXT[lang]["lunc_value"]
    page.check("#consent")
    follow(page, "form[action='/web/me/dust-forfeit'] button")
    assert page.locator("p.notice").inner_text().startswith(TEXT[lang]["one_given_up"])
    assert blocked(page) == {"ASSETS_REMAINING"}
    # 11.76 USDT, above the line: withdrawn, which happens on the exchange (the demo's own).
    fix = page.locator("#check-ASSETS_REMAINING p.fix").inner_text()
    assert TEXT[lang]["withdraw_it"] in fix
    on_the_demo_exchange(page, "#demo-withdraw", "11.76\u00a0USDT")
    assert blocked(page) == set()
    assert TEXT[lang]["may_close"] in page.locator("p.summary").inner_text()


def quotes(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(dust_quotes)).scalar_one()


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_quote_is_the_same_after_reload_back_and_forward_then_converts(
    engine, clock, person, lang
) -> None:
    # Post/Redirect/Get: the quote has its own address, so the browser's reload, Back and
    # Forward show that quote again, never "Confirm form resubmission" or a new quote.
    import_snapshot(engine, demo_snapshot(clock()))
    page = person("DEMO-DUST-CONVERT", lang=lang)
    follow(page, f"{CARD} form[data-way='fix'] button")
    address = page.url
    assert re.search(r"/web/me/dust-sweep/[0-9a-f-]{36}$", address)
    quote_id = page.locator("input[name='quote_id']").get_attribute("value")
    receive = page.locator("#sweep-receive").inner_text()
    kept = page.locator("#sweep-kept").inner_text()
    page.reload()
    assert page.url == address and page.locator("#sweep-receive").inner_text() == receive
    assert page.locator("#sweep-kept").inner_text() == kept
    page.go_back()
    assert page.url.split("?")[0].endswith("/web/me") and blocked(page) == {"DUST_REMAINING"}
    page.go_forward()
    assert page.url == address
    assert page.locator("input[name='quote_id']").get_attribute("value") == quote_id
    assert quotes(engine) == 1  # one quote, however often its page was opened
    net = re.search(r"[\d.,]+\u00a0USDT", receive).group(0)
    follow(page, "form[action='/web/me/dust-sweep/execute'] button")
    assert net in page.locator("#swept-received").inner_text()
    assert blocked(page) == {"DUST_REMAINING", "ASSETS_REMAINING"}  # LUNC left; USDT held
    # Back to the quote once converted: what it converted, no button to convert again.
    page.go_back()
    assert net in page.locator("#swept-received").inner_text()
    assert page.locator("form[action='/web/me/dust-sweep/execute']").count() == 0
    assert quotes(engine) == 1


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_small_deposit_on_its_way_offers_no_button_only_when_it_can_be_settled(
    engine, clock, person, lang
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    page = person("DEMO-DUST-DEPOSIT", lang=lang)
    assert blocked(page) == {"DEPOSIT_PENDING"}
    card = page.locator("#check-DEPOSIT_PENDING")
    assert card.locator("a[href='/web/me/dust-forfeit'], form[data-way='fix']").count() == 0
    wait = card.locator("[data-way='wait']")
    assert TEXT[lang]["settle_then"] in wait.inner_text()
    assert wait.get_attribute("data-at")
    # The deposit lands (on the demo's exchange): 30 DOGE, a small balance, given up.
    on_the_demo_exchange(page, "#demo-deposits", "30\u00a0DOGE")
    assert blocked(page) == {"DUST_REMAINING"}
    follow(page, f"{CARD} a[data-way='page'][href='/web/me/dust-forfeit']")
    assert page.locator("h1").inner_text() == TEXT[lang]["lunc_button"]  # one balance
    assert [r[1] for r in rows(page, "#forfeit-lines")] == ["DOGE"]
    page.check("#consent")
    follow(page, "form[action='/web/me/dust-forfeit'] button")
    assert blocked(page) == set()
    assert TEXT[lang]["may_close"] in page.locator("p.summary").inner_text()


def on_the_demo_exchange(page, form: str, what: str) -> None:
    """Do on the demo's exchange what the customer does there: the demo sign-in page's
    section names what it acts on; its button leads back to the self-check."""
    page.goto(page.url.split("/web/")[0] + "/web/demo-login")
    assert what in page.locator(form).inner_text()
    follow(page, f"{form} button")
    assert page.url.split("?")[0].endswith("/web/me")


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
    give_up_what_a_sweep_would_leave_as_dust(page, lang)


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_what_is_locked_stays_and_is_not_offered_again(engine, clock, person, lang) -> None:
    """DEMO-ASSETS withdraws what is available on the demo exchange; the locked bitcoin
    stays (as it would), and neither the demo page nor the card offers a withdrawal of
    nothing again: the card still says the step is done on the exchange."""
    import_snapshot(engine, demo_snapshot(clock()))
    page = person("DEMO-ASSETS", lang=lang)
    assert blocked(page) == {"ASSETS_REMAINING"}
    follow(page, "#demo-hint-ASSETS_REMAINING a")
    follow(page, "#demo-withdraw button")
    assert blocked(page) == {"ASSETS_REMAINING"}  # 0.05 BTC locked
    assert page.locator("#demo-hint-ASSETS_REMAINING").count() == 0
    assert page.locator("#check-ASSETS_REMAINING [data-way='note']").count() == 1
    page.goto(page.url.split("/web/")[0] + "/web/demo-login")
    assert page.locator("#demo-withdraw").count() == 0
