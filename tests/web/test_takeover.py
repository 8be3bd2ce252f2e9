# ruff: noqa: RUF001 - the Chinese answers hold full-width punctuation
"""A customer in a security cooldown who fears someone else changed their 2FA, through
HTTP on both databases, in English and Chinese: they freeze the account with their
session alone (they have no authenticator: whoever changed it may hold it), read what
happens next, and only compliance lifts it; not signed in, nothing is frozen; freezing
twice changes nothing. The ticket the card leads to asks what a takeover needs, no ID
(a lost factor's recovery still does), and the assistant treats "someone else changed
my 2FA" as a takeover, "a new phone, why am I blocked" as the cooldown, and answers in
the page's language whatever words the question is typed in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lastgate.closure.adapters.tables import account_freezes
from lastgate.kernel.access import Role
from lastgate.kernel.present import formats
from lastgate.platform.db.audit_tables import audit_log
from tests.builders import T0
from tests.web import test_card_remedies as card_remedies
from tests.web_support import LANGS, asked_on_help, browser, csrf, text
from tests.workflow_support import customer_status, outbox_rows

UID = "U-COOLDOWN"
NEXT = {"en": "What happens next", "zh-Hans": "接下来会怎样"}
ONLY_SECURITY = {
    "en": "Only our security team lifts this freeze",
    "zh-Hans": "此冻结只能由我们的安全团队",
}


#: The self-check cards' accounts, served the same way.
config = card_remedies.config
app = card_remedies.app


def freezes(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(
            select(func.count()).select_from(account_freezes).where(account_freezes.c.uid == UID)
        )


def audited(engine) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.scalars(select(audit_log.c.action).where(audit_log.c.subject == f"account:{UID}"))
        )


@pytest.mark.parametrize("lang", LANGS)
def test_the_owner_freezes_without_an_authenticator_and_reads_what_happens_next(
    app, clock, config, engine, lang
) -> None:
    client = browser(app, clock, config, UID)
    card = client.get(f"/web/me?lang={lang}").text
    assert 'href="/web/me/secure" data-way="page"' in card
    offer = client.get("/web/me/secure").text
    assert 'id="secure-confirm"' in offer and 'name="code"' not in offer  # no code asked
    assert ONLY_SECURITY[lang] in text(offer)
    done = client.post("/web/me/secure", data={"csrf": csrf(offer)})
    assert done.status_code == 200 and done.url.path == "/web/me/secure"
    assert 'id="secure-frozen"' in done.text and NEXT[lang] in text(done.text)
    assert 'href="/web/tickets?category=account_takeover#new"' in done.text
    assert customer_status(engine, UID) == "frozen"
    assert [r["recipient"] for r in outbox_rows(engine, "account_frozen_reported")]

    again = client.post("/web/me/secure", data={"csrf": csrf(done.text)})  # twice: no error
    assert again.status_code == 200 and 'id="secure-frozen"' in again.text
    assert freezes(engine) == 1 and audited(engine).count("account.protective_freeze") == 1
    settings = client.get("/web/me/settings").text  # an authenticator cannot lift it
    assert 'id="protective-freeze"' in settings and "/web/me/unfreeze" not in settings

    officer = browser(app, clock, config, "compliance-cy", Role.COMPLIANCE)
    console = officer.get("/web/compliance").text
    assert f'id="protective-{UID}"' in console  # the security team sees it, and who froze
    lifted = officer.post(
        "/web/compliance/protective-freezes/lift",
        data={"csrf": csrf(console), "uid": UID, "note": "checked with the customer"},
    )
    assert lifted.status_code == 200 and customer_status(engine, UID) == "active"


def test_a_freeze_reported_twice_is_notified_once(app, clock, config, engine) -> None:
    client = browser(app, clock, config, UID)
    sent = []
    for _ in range(2):
        client.post("/web/me/secure", data={"csrf": csrf(client.get("/web/me/secure").text)})
        sent.append(len(outbox_rows(engine, "account_frozen_reported")))
    assert sent[0] >= 1 and sent[1] == sent[0]  # on each verified channel, once


def test_not_signed_in_or_without_the_form_s_token_nothing_is_frozen(
    app, clock, config, engine
) -> None:
    stranger = browser(app, clock, config)  # nobody signed in
    refused = stranger.post("/web/me/secure", data={"uid": UID}, follow_redirects=False)
    assert refused.status_code in {303, 401, 403}
    assert "/web/me/secure?done" not in refused.headers.get("location", "")
    owner = browser(app, clock, config, UID)
    forged = owner.post("/web/me/secure", data={}, follow_redirects=False)  # no CSRF token
    assert forged.status_code in {400, 403}
    other = browser(app, clock, config, "U-DUST")  # signed in as someone else: their own
    other.post("/web/me/secure", data={"csrf": csrf(other.get("/web/me/secure").text)})
    assert customer_status(engine, UID) == "active" and freezes(engine) == 0
    assert customer_status(engine, "U-DUST") == "frozen"


ASKS_NO_ID = {"en": "Send no ID document now", "zh-Hans": "现在无需提供身份证件"}
ASKS_ID = {"en": "attach a photo of your ID document", "zh-Hans": "请附上您的身份证件照片"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_takeover_ticket_asks_what_the_case_needs_and_recovery_keeps_the_id(
    app, clock, config, lang
) -> None:
    client = browser(app, clock, config, UID)
    takeover = text(client.get(f"/web/tickets?category=account_takeover&lang={lang}").text)
    assert ASKS_NO_ID[lang] in takeover and ASKS_ID[lang] not in takeover
    recovery = text(client.get("/web/tickets?category=credential_recovery").text)
    assert ASKS_ID[lang] in recovery


def items(html: str) -> dict[str, str]:
    found = re.findall(r'<li class="answer-item" id="answer-([A-Z_]+)">(.*?)</li>', html, re.S)
    return {code: body for code, body in found}


TAKEOVER = {"en": "someone else changed my 2FA", "zh-Hans": "有人改了我的二次验证"}
NEW_PHONE = {"en": "I got a new phone, why am I blocked", "zh-Hans": "换了新手机，为什么不能注销"}


@pytest.mark.parametrize("lang", LANGS)
def test_someone_else_changing_the_2fa_is_a_takeover_freeze_first(app, clock, config, lang) -> None:
    client = browser(app, clock, config, UID)
    said = items(asked_on_help(client, TAKEOVER[lang], lang))
    assert list(said) == ["TAKEOVER_FREEZE", "TAKEOVER_SECURITY"]  # no lost-phone recovery
    assert 'href="/web/me/secure"' in said["TAKEOVER_FREEZE"]
    assert 'href="/web/tickets?category=account_takeover#new"' in said["TAKEOVER_SECURITY"]
    page = client.get("/web/me/secure").text
    client.post("/web/me/secure", data={"csrf": csrf(page)})
    assert next(iter(items(asked_on_help(client, TAKEOVER[lang], lang)))) == "TAKEOVER_FROZEN"


@pytest.mark.parametrize("lang", LANGS)
def test_a_new_phone_s_block_is_the_security_cooldown_with_its_end(
    app, clock, config, lang
) -> None:
    said = items(asked_on_help(browser(app, clock, config, UID), NEW_PHONE[lang], lang))
    assert "CREDENTIAL_RECOVERY" not in said
    ends = formats.datetime_text(T0 + timedelta(days=5), LANGS[lang])
    assert ends in text(said["SECURITY_COOLDOWN"])
    assert 'href="/web/me/secure"' in said["NOT_YOUR_CHANGE"]


def test_the_security_cooldown_in_chinese_is_not_the_closure_s_cooling_off(
    app, clock, config
) -> None:
    said = items(asked_on_help(browser(app, clock, config, UID), "安全冷静期是什么", "zh-Hans"))
    assert "HOW_CLOSURE_WORKS" not in said
    assert "修改安全设置" in text(said["SECURITY_COOLDOWN_WHY"])
    assert "SECURITY_COOLDOWN" in said


def test_an_english_question_on_a_chinese_page_is_answered_all_in_chinese(
    app, clock, config
) -> None:
    asked = asked_on_help(
        browser(app, clock, config, "U-BIG-DEPOSIT"), "Where is my deposit?", "zh-Hans"
    )
    said = items(asked)
    words = text(said["DEPOSIT_PENDING"]).replace("DEPOSIT_PENDING", "")  # the code shown
    assert words.startswith(" 充值处理中") and "您有一笔 0.75 ETH 的充值" in words  # heading, body
    assert not re.search(r"[a-z]{2,}", words), words  # no English word (ETH, UTC: names)
    assert re.search(r'class="said assistant"[^>]*lang="zh-Hans"', asked)
