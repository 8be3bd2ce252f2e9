"""After the security team lifts a takeover freeze, /web/me/secure says so, through HTTP
on both databases, in English and Chinese: since when, whether the account is frozen
still (the customer's own freeze stays; nothing else is promised), and what to do now,
with the same offer to freeze again, which works again. Before any freeze it says
nothing of a lift."""

from __future__ import annotations

import pytest

from lastgate.closure.service import freeze
from lastgate.kernel.access import Role
from lastgate.kernel.present import formats
from tests.web import test_takeover as takeover
from tests.web_support import LANGS, browser, csrf, text
from tests.workflow_support import customer, customer_status, workflow

UID = takeover.UID
config = takeover.config
app = takeover.app
LIFTED = {
    "en": "The freeze that protected your account is lifted",
    "zh-Hans": "保护您账户的冻结已解除",
}
UNFROZEN = {"en": "Your account is no longer frozen", "zh-Hans": "您的账户已不再冻结"}
OWN_FREEZE = {"en": "stays frozen at your own request", "zh-Hans": "仍处于您本人申请的冻结状态"}


def frozen_then_lifted(app, clock, config, lang: str):
    """The owner freezes on /web/me/secure in ``lang``; a day later compliance lifts it.
    The owner's browser and when it was lifted."""
    client = browser(app, clock, config, UID)
    offer = client.get(f"/web/me/secure?lang={lang}").text
    assert 'id="secure-lifted"' not in offer  # nothing was ever lifted
    client.post("/web/me/secure", data={"csrf": csrf(offer)})
    clock.advance(days=1)
    officer = browser(app, clock, config, "compliance-cy", Role.COMPLIANCE)
    console = officer.get("/web/compliance").text
    lifted = officer.post(
        "/web/compliance/protective-freezes/lift",
        data={"csrf": csrf(console), "uid": UID, "note": "checked with the customer"},
    )
    assert lifted.status_code == 200
    return browser(app, clock, config, UID), clock()


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_says_the_freeze_was_lifted_when_and_what_to_do_now(
    app, clock, config, engine, lang
) -> None:
    client, lifted_at = frozen_then_lifted(app, clock, config, lang)
    page = client.get(f"/web/me/secure?lang={lang}").text
    said = text(page.split('id="secure-lifted"')[1].split("</section>")[0])
    assert LIFTED[lang] in said and formats.datetime_text(lifted_at, LANGS[lang]) in said
    assert UNFROZEN[lang] in said and customer_status(engine, UID) == "active"
    assert 'href="/web/me/settings"' in page and 'id="secure-now"' in page
    again = client.post("/web/me/secure", data={"csrf": csrf(page)})  # it can happen again
    assert 'id="secure-frozen"' in again.text and 'id="secure-lifted"' not in again.text
    assert customer_status(engine, UID) == "frozen"


@pytest.mark.parametrize("lang", LANGS)
def test_the_customer_s_own_freeze_is_said_to_stay(app, clock, config, engine, lang) -> None:
    freeze.freeze(workflow(engine, clock, config), customer(UID), UID)
    client, _ = frozen_then_lifted(app, clock, config, lang)
    said = text(client.get(f"/web/me/secure?lang={lang}").text)
    assert LIFTED[lang] in said and OWN_FREEZE[lang] in said and UNFROZEN[lang] not in said
    assert customer_status(engine, UID) == "frozen"
