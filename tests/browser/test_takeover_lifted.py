"""A takeover freeze walked to its end in chromium, in English and Chinese: the customer
in a security cooldown goes from the self-check's card to /web/me/secure and freezes the
account, and the self-check then says it cannot be closed and offers no closure; a
compliance officer lifts the freeze from the console with a note; the
customer, back on /web/me/secure, reads that it is lifted, when, that the account is no
longer frozen, and what to do now, with the offer to freeze again below."""

from __future__ import annotations

import pytest

from lastgate.kernel.access import Role
from lastgate.kernel.present import formats
from tests.browser.conftest import follow, screenshot
from tests.builders import load
from tests.web.test_card_remedies import ACCOUNTS
from tests.web_support import LANGS
from tests.workflow_support import customer_status

UID = "U-COOLDOWN"
TEXT = {
    "en": {
        "lifted": "The freeze that protected your account is lifted",
        "unfrozen": "Your account is no longer frozen",
        "now": "What you can do now",
        "protected": "Not now: your account is frozen to protect it.",
        "see_next": "Your account is frozen to protect it: see what happens next",
    },
    "zh-Hans": {
        "lifted": "保护您账户的冻结已解除",
        "unfrozen": "您的账户已不再冻结",
        "now": "您现在可以做什么",
        "protected": "暂时不能：您的账户已为保护安全而冻结。",  # noqa: RUF001
        "see_next": "您的账户已为保护安全而冻结：查看接下来的步骤",  # noqa: RUF001
    },
}


@pytest.mark.parametrize("lang", list(LANGS))
def test_a_frozen_customer_reads_on_the_secure_page_that_the_freeze_is_lifted(
    engine, clock, person, base_url, lang
) -> None:
    load(engine, *ACCOUNTS)
    me = person(UID, lang=lang)
    follow(me, "#check-SECURITY_COOLDOWN a[href='/web/me/secure']")
    follow(me, "#secure-confirm button")
    assert me.locator("#secure-frozen").is_visible() and customer_status(engine, UID) == "frozen"
    # Back on the self-check: frozen to protect it, it cannot be closed, and the card that
    # led here now says what happens next instead of offering the freeze again.
    me.goto(f"{base_url}/web/me")
    assert TEXT[lang]["protected"] in me.inner_text("#protected-summary")
    assert me.locator("a[href='/web/me/close']").count() == 0
    way = me.locator("#check-SECURITY_COOLDOWN a[href='/web/me/secure']")
    assert way.inner_text() == TEXT[lang]["see_next"]

    clock.advance(hours=3)
    officer = person("compliance-cy", Role.COMPLIANCE)
    officer.goto(f"{base_url}/web/compliance")
    officer.fill(f"#lift-note-{UID}", "Called the customer back; password and 2FA reset.")
    follow(officer, "form[action='/web/compliance/protective-freezes/lift'] button")
    assert customer_status(engine, UID) == "active"

    me = person(UID, lang=lang)  # back later, signed in again: the old session has ended
    me.goto(f"{base_url}/web/me/secure")
    lifted = me.locator("#secure-lifted")
    said = lifted.inner_text()
    assert TEXT[lang]["lifted"] in said and TEXT[lang]["unfrozen"] in said
    assert formats.datetime_text(clock(), LANGS[lang]) in said and TEXT[lang]["now"] in said
    assert "Called the customer back" not in me.locator("main").inner_text()  # staff's note
    assert me.locator("#secure-frozen").count() == 0 and me.locator("#secure-confirm").is_visible()
    screenshot(me, f"secure-lifted-{lang}")
