"""Once the account is being closed (the cooling-off is over), the closure page no longer
sends the customer "Back to the self-check", where nothing is left to check: it offers
the request's own state and their tickets. Before that, the self-check link stays. Over
HTTP, in English and in Chinese, on both databases."""

from __future__ import annotations

from html import unescape

import pytest

from lastgate.app.api import create_app
from lastgate.kernel.i18n import translate
from lastgate.kernel.messages import Message
from tests.builders import account, load
from tests.web_support import browser
from tests.workflow_support import close_as_customer, settings, workflow

LANGS = {"en": "en", "zh-Hans": "zh_Hans"}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_page_of_an_account_being_closed_leads_to_the_request_and_tickets(
    engine, clock, lang
) -> None:
    config = settings()
    load(engine, account("U1"))
    request = close_as_customer(workflow(engine, clock, config), engine, "U1")
    app = create_app(config, engine=engine, clock=clock)
    me = browser(app, clock, config, "U1")
    me.cookies.set("lastgate_lang", lang)
    back = translate(Message("Back to the self-check"), LANGS[lang])

    cooling = unescape(me.get(f"/web/closure/{request.id}", params={"lang": lang}).text)
    assert back in cooling and 'id="closure-next"' not in cooling

    clock.advance(days=15)  # past the cooling-off; no worker has closed it yet
    me = browser(app, clock, config, "U1")  # a new sign-in: the first has expired
    closing = unescape(me.get(f"/web/closure/{request.id}", params={"lang": lang}).text)
    assert 'id="closing-now"' in closing
    assert back not in closing and 'href="/web/me"' not in closing.split("</nav>")[-1]
    after = closing.split('id="closure-next"')[1].split("</p>")[0]
    assert f'href="/web/closure/{request.id}"' in after and 'href="/web/tickets"' in after
    assert translate(Message("Check the state of my request"), LANGS[lang]) in after
    assert translate(Message("My tickets"), LANGS[lang]) in after
