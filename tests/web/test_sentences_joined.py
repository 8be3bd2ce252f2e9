"""A wrong code's message on the closure page and in the settings reads as the language
writes it: "That code is not valid. You have 4 tries left." and, in Chinese, with no space
between the sentences: "验证码无效。您还有 4 次机会。". On both databases."""

from __future__ import annotations

import re

import pytest

from lastgate.app.api import create_app
from tests.builders import account, load
from tests.web.test_verification_pages import authenticator, open_closure, sent_code
from tests.web_support import browser, csrf
from tests.workflow_support import settings

SAID = {
    "en": "That code is not valid. You have 4 tries left.",
    "zh-Hans": "验证码无效。您还有 4 次机会。",
}
LAST_TRY = {
    "en": "That code is not valid. You have 1 try left.",
    "zh-Hans": "验证码无效。您还有 1 次机会。",
}


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, account("U1"))
    return create_app(config, engine=engine, clock=clock)


def alert(html: str) -> str:
    found = re.search(r'<p class="error" role="alert"[^>]*>(.*?)</p>', html, flags=re.S)
    assert found, "no error said"
    return found.group(1).strip()


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_wrong_codes_sentences_are_joined_as_the_language_writes_them(
    app, engine, clock, config, lang
) -> None:
    client = browser(app, clock, config, "U1")
    path = open_closure(client)
    token = csrf(client.get(path).text)
    client.post(f"{path}/verification", data={"csrf": token, "method": "email"})
    client.get(f"{path}?lang={lang}")  # the language chosen, remembered in its cookie
    wrong = f"{(int(sent_code(engine)) + 1) % 10**6:06d}"
    page = client.post(
        f"{path}/verification/check", data={"csrf": token, "method": "email", "code": wrong}
    )
    assert alert(page.text) == SAID[lang]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_wrong_unfreeze_codes_sentences_are_joined_the_same_way(
    app, engine, clock, config, lang
) -> None:
    totp = authenticator(engine, clock, config)
    client = browser(app, clock, config, "U1")
    path = open_closure(client)
    token = csrf(client.get(path).text)
    client.post(f"{path}/verification", data={"csrf": token, "method": "totp"})
    wrong = f"{(int(totp.at(clock())) + 1) % 10**6:06d}"
    for _ in range(3):
        client.post(
            f"{path}/verification/check", data={"csrf": token, "method": "totp", "code": wrong}
        )
    client.post(f"{path}/cancel", data={"csrf": token})
    client.post("/web/me/freeze", data={"csrf": token})
    clock.advance(hours=24)
    client = browser(app, clock, config, "U1")
    token = csrf(client.get(f"/web/me/settings?lang={lang}").text)  # remembered in its cookie
    refused = client.post("/web/me/unfreeze", data={"csrf": token, "code": wrong})
    assert refused.url.path == "/web/me/settings"
    assert alert(refused.text) == LAST_TRY[lang]
