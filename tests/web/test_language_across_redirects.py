"""An explicit ``?lang=`` survives a redirect the pages answer: signed out, ``/web`` leads
to a sign-in page in that language; a notice's cancel link leads to the cancel question
in it; a closed account's ``/web/me`` leads to its closed page in it; a form sent with it
comes back in it. Nothing else changes the language: without ``?lang=`` the browser's
language still chooses. On both databases."""

from __future__ import annotations

import pytest

from lastgate.app.api import create_app
from lastgate.platform.web.pages import LANG_COOKIE
from tests.builders import account, load
from tests.web.test_verification_pages import open_closure
from tests.web_support import browser, csrf
from tests.workflow_support import settings

CHINESE = {"accept-language": "zh-CN,zh;q=0.9"}


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U1"), account("U3", status="closed"))
    return create_app(config, engine=engine, clock=clock)


def language(answer) -> str:
    return answer.headers["content-language"]


def test_signed_out_the_sign_in_page_keeps_the_language_asked_for(app, clock, config) -> None:
    answer = browser(app, clock, config).get("/web?lang=zh-Hans")
    assert answer.url.path == "/web/sign-in" and answer.history  # a redirect was followed
    assert language(answer) == "zh-Hans"


def test_a_notices_cancel_link_keeps_the_language_asked_for(app, clock, config) -> None:
    client = browser(app, clock, config, "U1")
    request_id = open_closure(client).rsplit("/", 1)[1]
    client.cookies.delete(LANG_COOKIE)
    answer = client.get(f"/closure/{request_id}/cancel?lang=en", headers=CHINESE)
    assert answer.url.path == f"/web/closure/{request_id}/cancel" and answer.history
    assert language(answer) == "en"


def test_a_closed_accounts_start_page_keeps_the_language_asked_for(app, clock, config) -> None:
    answer = browser(app, clock, config, "U3").get("/web/me?lang=zh-Hans")
    assert answer.url.path == "/web/me/closed" and answer.history
    assert language(answer) == "zh-Hans"


def test_a_form_sent_with_a_language_comes_back_in_it(app, clock, config) -> None:
    client = browser(app, clock, config, "U1")
    path = open_closure(client)
    token = csrf(client.get(path).text)
    answer = client.post(
        f"{path}/verification?lang=zh-Hans", data={"csrf": token, "method": "email"}
    )
    assert answer.url.path == path and answer.history
    assert language(answer) == "zh-Hans"


def test_without_lang_a_redirect_leaves_the_language_to_the_browser(app, clock, config) -> None:
    answer = browser(app, clock, config).get("/web", headers=CHINESE)
    assert LANG_COOKIE not in answer.history[0].headers.get("set-cookie", "")
    assert language(answer) == "zh-Hans"
    assert language(browser(app, clock, config).get("/web")) == "en"


def test_an_unknown_language_is_not_kept(app, clock, config) -> None:
    answer = browser(app, clock, config).get("/web?lang=xx")
    assert LANG_COOKIE not in answer.history[0].headers.get("set-cookie", "")
