"""The limits of verification and the protective freeze, as people see them in the
browser, in English and in Chinese: a customer asking for a second code at once is told
from when; five wrong codes lock the account, and the new request they open after
cancelling says so at once; a compliance officer freezes an account with a reason and
lifts it, and the customer cannot lift it from their settings."""

from __future__ import annotations

import pytest

from lastgate.kernel.access import Role
from tests.browser.conftest import follow
from tests.browser.test_verification import close_from_self_check
from tests.builders import account, load
from tests.workflow_support import customer_status, outbox_rows

LANGS = ["en", "zh-Hans"]
NEXT_CODE = {"en": "You can ask for a new code from", "zh-Hans": "后重新获取验证码"}
LOCKED = {
    "en": "Every verification of your account is locked until Nov 23, 2026, 12:15 UTC",
    "zh-Hans": "您账户的所有验证均已锁定",
}
FROZEN = {
    "en": "The account is frozen. The customer is told",
    "zh-Hans": "账户已冻结。系统已通知用户",
}
PROTECTED = {
    "en": "Only our team can lift this freeze; your authenticator cannot.",
    "zh-Hans": "此冻结只能由我们的团队解除",
}
LIFTED = {"en": "The protective freeze is lifted.", "zh-Hans": "保护性冻结已解除。"}


def wrong_code(engine) -> str:
    code = str(outbox_rows(engine, "verification_code")[-1]["payload"]["params"]["code"])
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.mark.parametrize("lang", LANGS)
def test_a_second_code_waits_and_a_lock_holds_for_the_next_request(
    engine, clock, person, lang
) -> None:
    load(engine, account("U1"))
    page = person("U1", lang=lang)
    close_from_self_check(page)
    follow(page, "form[action$='/verification'] button")
    resend = page.locator("#resend button")
    assert resend.is_disabled()
    assert NEXT_CODE[lang] in page.locator("#next-code").inner_text()

    for _ in range(5):
        page.fill("#code", wrong_code(engine))
        follow(page, "form[action$='/verification/check'] button")
    assert LOCKED[lang] in page.locator("#locked").inner_text()
    assert {"en": "Nov 23, 2026, 12:15 UTC", "zh-Hans": "2026年11月23日 12:15 UTC"}[
        lang
    ] in page.locator("#locked").inner_text()
    assert page.locator("#code").count() == 0

    follow(page, "#closure-cancel")
    follow(page, "#cancel-confirm button")
    follow(page, "a[href='/web/me']")
    close_from_self_check(page)  # a new request: the lock is the account's
    assert LOCKED[lang] in page.locator("#locked").inner_text()


@pytest.mark.parametrize("lang", LANGS)
def test_compliance_freezes_an_account_to_protect_it_and_lifts_it(engine, person, lang) -> None:
    load(engine, account("U1"))
    officer = person("compliance-cy", Role.COMPLIANCE, lang=lang)
    officer.goto(officer.url.split("/web/")[0] + "/web/compliance")
    officer.fill("#freeze-uid", "U1")
    officer.fill("#freeze-reason", "Customer called: phone stolen")
    officer.check("#freeze-confirm")
    follow(officer, "#protective-freeze button")
    assert FROZEN[lang] in officer.content()
    placed = officer.locator("#protective-U1")
    assert "phone stolen" in placed.inner_text() and "compliance-cy" in placed.inner_text()
    assert customer_status(engine, "U1") == "frozen"

    customer = person("U1", lang=lang)
    customer.goto(customer.url.split("/web/")[0] + "/web/me/settings")
    assert customer.locator("#unfreeze-code").count() == 0  # not theirs to lift
    assert PROTECTED[lang] in customer.locator("#protective-freeze").inner_text()

    officer.fill("#lift-note-U1", "verified by video call")
    follow(officer, "#protective-U1 button")
    assert LIFTED[lang] in officer.content()
    assert customer_status(engine, "U1") == "active"
