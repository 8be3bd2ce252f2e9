# ruff: noqa: RUF001 - the Chinese words hold full-width punctuation
"""The self-check of an account frozen to protect it, read as the customer reads it (en,
zh), through HTTP on both databases: it says the account cannot be closed until the
security team lifts the freeze, offers no "Close my account", and the close form's address
leads back to it. Before, it said "Yes: nothing blocks the closure" and the closure went
through to the end. And cancelling a request while another freeze holds the account no
longer says the account is active again."""

from __future__ import annotations

import pytest

from lastgate.app.api import create_app
from lastgate.closure.model.freezes import CUSTOMER_FREEZE
from tests.builders import account, load
from tests.web_support import LANGS, browser, csrf
from tests.workflow_support import close_as_customer, settings, workflow

UID = "U1000"
SAID = {
    "en": "Not now: your account is frozen to protect it. It cannot be closed until our "
    "security team has checked with you and lifted the freeze.",
    "zh-Hans": "暂时不能：您的账户已为保护安全而冻结。在我们的安全团队与您核实并解除冻结之前，"
    "账户无法注销。",
}


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, account(UID))
    return create_app(config, engine=engine, clock=clock)


@pytest.mark.parametrize("lang", LANGS)
def test_a_protected_account_is_not_offered_closure(app, clock, config, lang) -> None:
    client = browser(app, clock, config, UID)
    page = client.get(f"/web/me?lang={lang}").text
    assert 'href="/web/me/close"' in page  # nothing blocks it yet
    frozen = client.post("/web/me/secure", data={"csrf": csrf(page)})
    assert frozen.status_code == 200 and "/web/me/secure" in str(frozen.url)
    page = client.get("/web/me").text
    assert f'id="protected-summary">{SAID[lang]}' in page
    assert 'href="/web/me/close"' not in page and 'class="summary ok"' not in page
    form = client.get("/web/me/close", follow_redirects=False)
    assert form.status_code == 303 and form.headers["location"] == "/web/me#next"
    # A close form left open in another tab, sent now: a clear page, and no request.
    sent = client.post("/web/me/close", data={"csrf": csrf(page), "reason": "fees"})
    assert sent.status_code == 409 and "ACCOUNT_PROTECTED" in sent.text
    assert "/web/closure/" not in client.get("/web/me").text


def test_cancelling_while_another_freeze_holds_the_account_says_so(
    app, engine, clock, config
) -> None:
    wf = workflow(engine, clock, config)
    request = close_as_customer(wf, engine, UID)
    with wf.unit_of_work() as uow:  # the customer's own freeze, beside the cooling-off's
        uow.freezes.add(UID, CUSTOMER_FREEZE, at=clock(), unfreeze_after=clock())
    client = browser(app, clock, config, UID)
    page = client.get(f"/web/closure/{request.id}/cancel").text
    sent = client.post(
        f"/web/closure/{request.id}/cancel", data={"csrf": csrf(page)}, follow_redirects=False
    )
    assert sent.headers["location"].endswith("?done=cancelled_still_frozen")
    shown = client.get(sent.headers["location"]).text
    assert "Your account is still frozen for another reason" in shown
    assert "your account is active again" not in shown
