"""Verification a person can pass, and a freeze that says what it is, in the browser, in
English and in Chinese: a customer without an authenticator verifies by e-mail (reading
the code from the mailbox), after a wrong code; a customer sets up an authenticator from
its QR code; the freeze instead of closing states its conditions and asks first."""

from __future__ import annotations

import email
import re
from datetime import timedelta
from email import policy

import pyotp
import pytest

from lastgate.kernel.settings import Settings
from lastgate.notices.adapters.channels import channels_from_settings
from lastgate.notices.adapters.delivery import deliver_due
from tests.browser.conftest import follow, screenshot
from tests.builders import account, load
from tests.workflow_support import customer_status, outbox_rows, set_up_long_ago, settings

LANGS = ["en", "zh-Hans"]
NOT_VALID = {"en": "That code is not valid.", "zh-Hans": "验证码无效。"}
TRIES_LEFT = {"en": "You have 4 tries left.", "zh-Hans": "您还有 4 次机会。"}
SET_UP = {"en": "An authenticator app is set up", "zh-Hans": "您的账户已绑定身份验证器应用"}
STOPS = {
    "en": "Trading, deposits and withdrawals stop at once",
    "zh-Hans": "交易、充值和提现将立即停止",
}


@pytest.fixture
def config(tmp_path) -> Settings:
    """The browser tests' settings, with notices written to a mailbox the test reads."""
    return settings().model_copy(
        update={"demo_login": True, "mailbox_dir": tmp_path / "mailbox", "webhook_url": None}
    )


def emailed_code(engine, clock, config: Settings) -> str:
    """Deliver the outbox, as the worker would, and read the code from the newest e-mail."""
    deliver_due(engine, clock, config, channels_from_settings(config))
    assert config.mailbox_dir is not None
    newest = sorted(config.mailbox_dir.glob("*-email-verification_code-*.eml"))[-1]
    message = email.message_from_bytes(newest.read_bytes(), policy=policy.default)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    match = re.search(r"\b(\d{6})\b", body.get_content())
    assert match, "no code in the e-mail"
    return match.group(1)


def confirm_authenticator(page, clock) -> pyotp.TOTP:
    """Read the new authenticator's key off the set-up page and confirm it with its code."""
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text())
    page.fill("#totp-code", totp.at(clock()))
    follow(page, "form[action='/web/me/authenticator/confirm'] button")
    return totp


def close_from_self_check(page) -> None:
    follow(page, "a[href='/web/me/close']")
    page.check("#reason-privacy")
    follow(page, "form[action='/web/me/close'] button")
    assert page.locator(".badge.state-draft").is_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_without_an_authenticator_a_customer_verifies_by_email_after_a_wrong_code(
    engine, clock, config, person, lang
) -> None:
    load(engine, account("U1"))
    page = person("U1", lang=lang)
    close_from_self_check(page)
    offered = page.locator("input[name=method][type=radio]")
    assert [offered.nth(i).get_attribute("value") for i in range(offered.count())] == [
        "email",
        "sms",
    ]
    assert page.locator("#m-email").is_checked()
    assert "u•••@example.com" in page.locator("label[for=m-email]").inner_text()
    assert "+49 •••• ••78" in page.locator("label[for=m-sms]").inner_text()

    follow(page, "form[action$='/verification'] button")
    assert page.locator(".badge.state-verifying").is_visible()
    assert "u•••@example.com" in page.locator("#code-sent").inner_text()
    code = emailed_code(engine, clock, config)
    page.fill("#code", f"{(int(code) + 1) % 10**6:06d}")
    follow(page, "form[action$='/verification/check'] button")
    alert = page.locator("p.error[role=alert]").inner_text()
    assert NOT_VALID[lang] in alert and TRIES_LEFT[lang] in alert
    assert page.locator("form[action$='/verification/check'] input[name=method]").input_value() == (
        "email"
    )
    assert "u•••@example.com" in page.locator("label[for=code]").inner_text()
    assert page.locator("#resend").is_visible()  # a new code is offered for e-mail
    if lang == "en":
        screenshot(page, "customer-verification-wrong-code")

    page.fill("#code", code)
    follow(page, "form[action$='/verification/check'] button")
    assert page.locator(".badge.state-cooling_off").is_visible()
    assert customer_status(engine, "U1") == "frozen"


@pytest.mark.parametrize("lang", LANGS)
def test_a_customer_sets_up_an_authenticator_from_its_qr_code(engine, clock, person, lang) -> None:
    load(engine, account("U1"))
    page = person("U1", lang=lang)
    follow(page, "a[href='/web/me/settings']")
    assert page.locator("#totp-status").count() == 0
    follow(page, "form[action='/web/me/authenticator'] button")
    qr = page.locator("figure.qr > svg")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 200
    if lang == "en":
        screenshot(page, "customer-authenticator-qr")
    confirm_authenticator(page, clock)
    assert SET_UP[lang] in page.locator("#totp-status").inner_text()
    assert {"en": "Nov 23, 2026, 12:00 UTC", "zh-Hans": "2026年11月23日 12:00 UTC"}[
        lang
    ] in page.locator("#totp-status").inner_text()
    assert page.locator("form[action='/web/me/authenticator']").count() == 0


@pytest.mark.parametrize("lang", LANGS)
def test_the_freeze_states_its_conditions_and_asks_before_freezing(
    engine, clock, config, person, lang
) -> None:
    load(engine, account("U1"))
    page = person("U1", lang=lang)
    follow(page, "a[href='/web/me/close']")
    assert page.locator("#freeze-setup").is_visible()  # no authenticator: set one up first
    assert page.locator("#freeze-offer").count() == 0

    follow(page, "#freeze-setup")
    follow(page, "form[action='/web/me/authenticator'] button")
    confirm_authenticator(page, clock)

    follow(page, "a[href='/web/me']")
    follow(page, "a[href='/web/me/close']")
    follow(page, "#freeze-offer")
    assert customer_status(engine, "U1") == "active"  # nothing happens before the confirmation
    assert STOPS[lang] in page.locator("section[aria-labelledby=freeze-does]").inner_text()
    conditions = page.locator("#freeze-conditions").inner_text()
    assert {"en": "Nov 24, 2026, 12:00 UTC", "zh-Hans": "2026年11月24日 12:00 UTC"}[
        lang
    ] in conditions and "72" in conditions
    if lang == "en":
        screenshot(page, "customer-freeze-confirm")
    follow(page, "#freeze-confirm button")
    assert "done=frozen" in page.url and customer_status(engine, "U1") == "frozen"
    assert page.locator("form[action='/web/me/unfreeze']").is_visible()

    follow(page, "a[href='/web/me']")
    follow(page, "a[href='/web/me/close']")
    assert page.locator("section#freeze, #freeze-offer, #freeze-setup").count() == 0
    page.goto(page.url.replace("/web/me/close", "/web/me/freeze"))
    assert page.locator("#freeze-unavailable").is_visible()
    assert page.locator("#freeze-confirm").count() == 0


USED = {
    "en": "That code was already used. Wait for the next code",
    "zh-Hans": "这个验证码已经用过了。请等待身份验证器应用显示下一个验证码",
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_code_still_showing_after_setting_up_the_app_says_wait_for_the_next(
    engine, clock, person, lang
) -> None:
    # What a customer does: sets the app up, goes to close, types the code still showing.
    load(engine, account("U1"))
    page = person("U1", lang=lang)
    follow(page, "a[href='/web/me/settings']")
    follow(page, "form[action='/web/me/authenticator'] button")
    totp = confirm_authenticator(page, clock)
    set_up_long_ago(engine, "U1")  # as the code still showing is, an established app's
    follow(page, "a[href='/web/me']")
    close_from_self_check(page)
    assert page.locator("#m-totp").is_checked()
    follow(page, "form[action$='/verification'] button")
    page.fill("#code", totp.at(clock()))
    follow(page, "form[action$='/verification/check'] button")
    alert = page.locator("p.error[role=alert]").inner_text()
    assert USED[lang] in alert and NOT_VALID[lang] not in alert  # and no try counted
    clock.advance(seconds=30)
    page.fill("#code", totp.at(clock()))
    follow(page, "form[action$='/verification/check'] button")
    assert page.locator(".badge.state-cooling_off").is_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_a_reload_of_the_authenticator_set_up_shows_the_same_key_that_then_verifies(
    engine, clock, person, lang
) -> None:
    # The phone scanned the QR code; the page is reloaded, left and come back to: the key
    # is the one the phone has (Post/Redirect/Get), and its codes set the app up and verify.
    load(engine, account("U1"))
    page = person("U1", lang=lang)
    follow(page, "a[href='/web/me/settings']")
    follow(page, "form[action='/web/me/authenticator'] button")
    assert page.url.split("?")[0].endswith("/web/me/authenticator")
    scanned = page.locator("#totp-secret").inner_text()
    qr = page.locator("figure.qr").inner_html()
    page.reload()  # a GET: no "Confirm form resubmission", no new key
    assert page.locator("#totp-secret").inner_text() == scanned
    assert page.locator("figure.qr").inner_html() == qr
    page.go_back()
    assert page.url.split("?")[0].endswith("/web/me/settings")
    page.go_forward()
    assert page.locator("#totp-secret").inner_text() == scanned
    totp = confirm_authenticator(page, clock)
    assert totp.secret == scanned
    assert SET_UP[lang] in page.locator("#totp-status").inner_text()
    set_up_long_ago(engine, "U1")  # an established one: a new one confirms no closure yet
    clock.advance(seconds=30)  # the next code: the one just used is spent
    follow(page, "a[href='/web/me']")
    close_from_self_check(page)
    assert page.locator("#m-totp").is_checked()
    follow(page, "form[action$='/verification'] button")
    page.fill("#code", pyotp.TOTP(scanned).at(clock()))
    follow(page, "form[action$='/verification/check'] button")
    assert page.locator(".badge.state-cooling_off").is_visible()


TOO_NEW = {
    "en": "Your authenticator app was set up recently: for your safety it can confirm "
    "closing your account from",
    "zh-Hans": "您的身份验证器应用是最近才设置的",
}


@pytest.mark.parametrize("lang", LANGS)
def test_an_authenticator_set_up_just_now_cannot_confirm_a_closure(
    engine, clock, person, lang
) -> None:
    """A session alone sets an authenticator up: one set up less than the security wait
    ago confirms no closure, says when it can, and the customer is told it was set up;
    the code e-mailed to the address on file confirms it meanwhile."""
    load(engine, account("U1"))
    page = person("U1", lang=lang)
    follow(page, "a[href='/web/me/settings']")
    follow(page, "form[action='/web/me/authenticator'] button")
    confirm_authenticator(page, clock)
    told = outbox_rows(engine, "authenticator_added")  # on every channel it has
    assert told and {r["payload"]["params"]["usable_at"] for r in told} == {
        (clock() + timedelta(days=7)).isoformat()
    }
    follow(page, "a[href='/web/me']")
    close_from_self_check(page)
    note = page.locator("#authenticator-too-new")
    assert TOO_NEW[lang] in note.inner_text()
    assert page.locator("#m-totp").count() == 0  # not offered
    follow(page, "form[action$='/verification'] button")  # the code by e-mail instead
    [code] = [r["payload"]["params"]["code"] for r in outbox_rows(engine, "verification_code")]
    page.fill("#code", f"{code[:3]} {code[3:]} ")  # pasted as e-mails show codes, a space after
    assert page.eval_on_selector("#code", "field => field.checkValidity()")
    follow(page, "form[action$='/verification/check'] button")
    assert page.locator(".badge.state-cooling_off").is_visible()
