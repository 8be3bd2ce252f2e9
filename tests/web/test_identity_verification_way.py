"""KYC_INCOMPLETE leads somewhere real: the self-check's card and the assistant say that
identity verification is finished in the exchange's own app or website (lastgate has no
page for it) and offer support; when the customer's policy names the exchange's page
(``exchange.identity_verification_url``) both link there. The assistant never sends the
customer back to the card ("fix it on the self-check", a loop). Over HTTP, in English and
in Chinese, on both databases."""

from __future__ import annotations

import shutil
from html import unescape

import pytest

from lastgate.app.api import create_app
from lastgate.eligibility.model.identity_verification import DONE_ELSEWHERE, FINISH_THERE
from lastgate.kernel.i18n import translate
from lastgate.kernel.messages import Message
from lastgate.platform.policy_files import SHIPPED_POLICIES
from tests.builders import account, load
from tests.desk_support import desk_settings
from tests.e2e.test_assistant_transcript import _asked
from tests.web_support import browser

VERIFY_AT = "https://exchange.example/account/verification"
ASKED = {"en": "Why can't I close my account?", "zh-Hans": "为什么我不能注销账户"}
ZH = {"en": "en", "zh-Hans": "zh_Hans"}


def _unverified() -> dict:
    return account("U1", jurisdiction="EU", kyc={"status": "pending", "level": 1})


def _app(engine, clock, config):
    load(engine, _unverified())
    return create_app(config, engine=engine, clock=clock)


def _card(page: str) -> str:
    return unescape(page.split('id="check-KYC_INCOMPLETE"')[1].split("</li>")[0])


def _said(text: str, lang: str) -> str:
    return translate(Message(text), ZH[lang])


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_without_an_address_both_say_where_and_offer_support(engine, clock, tmp_path, lang):
    config = desk_settings(tmp_path)
    app = _app(engine, clock, config)
    me = browser(app, clock, config, "U1")
    me.cookies.set("lastgate_lang", lang)

    card = _card(me.get("/web/me", params={"lang": lang}).text)
    assert _said(DONE_ELSEWHERE, lang) in card
    assert 'data-way="ticket"' in card and "category=identity" in card

    answer = unescape(_asked(me, ASKED[lang]))
    assert _said(DONE_ELSEWHERE, lang) in answer
    assert "#check-KYC_INCOMPLETE" not in answer  # never back to the card: a loop


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_an_address_in_the_policy_is_linked_from_both(engine, clock, tmp_path, lang):
    policies = tmp_path / "policies"
    shutil.copytree(SHIPPED_POLICIES, policies)
    eu = policies / "eu.toml"
    eu.write_text(eu.read_text() + f'\n[exchange]\nidentity_verification_url = "{VERIFY_AT}"\n')
    config = desk_settings(tmp_path).model_copy(update={"policy_dir": policies})
    app = _app(engine, clock, config)
    me = browser(app, clock, config, "U1")
    me.cookies.set("lastgate_lang", lang)

    card = _card(me.get("/web/me", params={"lang": lang}).text)
    assert f'href="{VERIFY_AT}" data-way="elsewhere">{_said(FINISH_THERE, lang)}<' in card
    assert 'data-way="ticket"' in card

    answer = unescape(_asked(me, ASKED[lang]))
    assert f'href="{VERIFY_AT}"' in answer and "#check-KYC_INCOMPLETE" not in answer
