"""Three cards whose remedy must be what works, read as the customer reads them (en, zh):
a small deposit on its way is settled as dust once it lands (never "withdraw"), and no
button is offered before it has; dust offers every way the policy allows from the start
(convert, when what it leaves clears the line; or give it up); a security
cooldown gives its end and asks nothing but waiting (no person can lift it), with the way to
secure the account should the change not be the customer's. On both databases."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update

from lastgate.app.api import create_app
from lastgate.kernel.present import formats
from lastgate.ledger.adapters import tables as ledger
from tests.builders import T0, account, iso, load
from tests.web_support import LANGS, asked_on_help, blocked, browser, card, csrf, text
from tests.workflow_support import settings


def deposit(ref: str, asset: str, amount: str) -> dict[str, str]:
    return {
        "id": ref,
        "direction": "deposit",
        "asset": asset,
        "amount": amount,
        "status": "confirming",
        "created_at": iso(T0 - timedelta(minutes=20)),
        "expected_completion_at": iso(T0 + timedelta(hours=1)),
    }


ACCOUNTS = [
    account("U-SMALL-DEPOSIT", transfers=[deposit("SD-1", "ETH", "0.002")]),  # 6 USD
    account("U-BIG-DEPOSIT", transfers=[deposit("BD-1", "ETH", "0.75")]),  # 2,250 USD
    account(
        "U-DUST",
        balances=[
            {"account_type": "funding", "asset": "SHIB", "available": "120000"},
            {"account_type": "trading", "asset": "DOGE", "available": "3.5"},
        ],
    ),
    account(  # 14 USD of dust: more than the 10 USD that may be given up
        "U-MUCH-DUST",
        balances=[
            {"account_type": "funding", "asset": "SHIB", "available": "900000"},
            {"account_type": "trading", "asset": "DOGE", "available": "50"},
        ],
    ),
    account(  # expected an hour ago, still confirming
        "U-LATE-DEPOSIT",
        transfers=[
            {
                **deposit("LD-1", "ETH", "0.75"),
                "expected_completion_at": iso(T0 - timedelta(hours=1)),
            }
        ],
    ),
    account(
        "U-COOLDOWN",
        security_events=[{"kind": "2fa", "occurred_at": iso(T0 - timedelta(days=2))}],
    ),
]


@pytest.fixture
def config():
    return settings()


@pytest.fixture
def app(engine, clock, config):
    load(engine, *ACCOUNTS)
    return create_app(config, engine=engine, clock=clock)


def land(engine, uid: str, ref: str) -> None:
    """The deposit arrives: completed, and its amount in the funding account."""
    with engine.begin() as conn:
        customer = conn.scalar(select(ledger.customers.c.id).where(ledger.customers.c.uid == uid))
        row = conn.execute(select(ledger.transfers).where(ledger.transfers.c.ref == ref)).one()
        conn.execute(
            update(ledger.transfers)
            .where(ledger.transfers.c.ref == ref)
            .values(status="completed", completed_at=T0)
        )
        conn.execute(
            insert(ledger.balances).values(
                customer_id=customer, account_type="funding", asset=row.asset,
                available=row.amount, frozen=0,
            )
        )  # fmt: skip


SMALL_DEPOSIT = {
    "en": (
        "Wait for the deposit to arrive. It is then a small balance",
        "convert it or give it up",
    ),
    "zh-Hans": ("请等待充值到账。到账后它是一笔价值不超过 10 USD 的小额资产", "兑换或放弃"),
}
WITHDRAW = {"en": "withdraw", "zh-Hans": "提现"}
SETTLE_THEN = {
    "en": "Once it has arrived, settling it as a small balance is possible here",
    "zh-Hans": "到账后即可在此处理这笔小额资产",
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_small_deposit_on_its_way_is_settled_as_dust_once_it_lands(
    app, clock, config, engine, lang
) -> None:
    client = browser(app, clock, config, "U-SMALL-DEPOSIT")
    page = client.get(f"/web/me?lang={lang}").text
    assert blocked(page) == {"DEPOSIT_PENDING"}
    deposit_card = text(card(page, "DEPOSIT_PENDING"))
    assert all(words in deposit_card for words in SMALL_DEPOSIT[lang]), deposit_card
    assert WITHDRAW[lang] not in deposit_card.lower()
    # Nothing can be settled before it lands: no button, the date when it can be instead.
    html = card(page, "DEPOSIT_PENDING")
    assert "/web/me/dust-forfeit" not in html and 'data-way="page"' not in html
    assert f'data-way="wait" data-at="{(T0 + timedelta(hours=1)).isoformat()}"' in html
    assert SETTLE_THEN[lang] in deposit_card, deposit_card
    waiting = client.get("/web/me/dust-forfeit").text  # where it is settled: not yet there
    assert 'id="dust-arriving"' in waiting and "0.002\u00a0ETH" in waiting
    assert 'name="consent"' not in waiting

    land(engine, "U-SMALL-DEPOSIT", "SD-1")
    page = client.get("/web/me").text
    assert blocked(page) == {"DUST_REMAINING"}
    offer = client.get("/web/me/dust-forfeit").text
    assert 'id="dust-arriving"' not in offer
    named = re.findall(r'name="balance" value="([^"]+)"', offer)
    assert named == ["funding|ETH|0.002"]
    done = client.post(
        "/web/me/dust-forfeit", data={"csrf": csrf(offer), "balance": named, "consent": "true"}
    ).text
    assert blocked(done) == set() and 'href="/web/me/close"' in done


@pytest.mark.parametrize("lang", LANGS)
def test_a_deposit_worth_more_than_dust_is_still_withdrawn(app, clock, config, lang) -> None:
    page = browser(app, clock, config, "U-BIG-DEPOSIT").get(f"/web/me?lang={lang}").text
    deposit_card = card(page, "DEPOSIT_PENDING")
    assert WITHDRAW[lang] in text(deposit_card).lower()
    assert "/web/me/dust-forfeit" not in deposit_card


NOT_OFFERED = {
    "en": (
        "Converting is not offered: after the fee you would hold 1.519 USDT, worth "
        "1.52 USD, still no more than the small-balance line of 10 USD."
    ),
    "zh-Hans": "不提供兑换：扣除手续费后您将持有 1.519 USDT，价值 1.52 USD，",  # noqa: RUF001
}


@pytest.mark.parametrize("lang", LANGS)
def test_dust_a_sweep_would_leave_as_dust_is_not_offered_a_sweep_but_giving_up(
    app, clock, config, lang
) -> None:
    """1.55 USD of SHIB and DOGE would leave 1.519 USDT after the fee: the fee paid and
    still blocked. The card says so and offers no sweep; giving them up ends the block."""
    client = browser(app, clock, config, "U-DUST")
    page = client.get(f"/web/me?lang={lang}").text
    dust_card = card(page, "DUST_REMAINING")
    assert 'action="/web/me/dust-sweep"' not in dust_card
    assert 'href="/web/me/dust-forfeit" data-way="page"' in dust_card
    assert NOT_OFFERED[lang] in text(dust_card), text(dust_card)
    refused = client.post(f"/web/me/dust-sweep?lang={lang}", data={"csrf": csrf(page)})
    assert refused.status_code == 409 and 'name="quote_id"' not in refused.text
    offer = client.get(f"/web/me/dust-forfeit?lang={lang}").text  # no "convert them first"
    assert 'action="/web/me/dust-sweep"' not in offer and 'id="sweep-not-offered"' in offer
    named = re.findall(r'name="balance" value="([^"]+)"', offer)
    done = client.post(  # given up without ever converting
        "/web/me/dust-forfeit", data={"csrf": csrf(offer), "balance": named, "consent": "true"}
    ).text
    assert blocked(done) == set()


RESULT = {
    "en": "Your funding account then holds 13.72 USDT, worth 13.72 USD",
    "zh-Hans": "您的资金账户届时将持有 13.72 USDT，价值 13.72 USD",  # noqa: RUF001
}


@pytest.mark.parametrize("lang", LANGS)
def test_dust_worth_more_than_may_be_given_up_is_only_converted(app, clock, config, lang) -> None:
    """14 USD of dust leaves 13.72 USDT: above the line, so the sweep unblocks the small
    balances, and its quote says what the account then holds and that it is withdrawn."""
    client = browser(app, clock, config, "U-MUCH-DUST")
    page = client.get(f"/web/me?lang={lang}").text
    dust_card = card(page, "DUST_REMAINING")
    assert 'action="/web/me/dust-sweep"' in dust_card and "/web/me/dust-forfeit" not in dust_card
    quote = client.post(f"/web/me/dust-sweep?lang={lang}", data={"csrf": csrf(page)}).text
    assert 'id="forfeit-instead"' not in quote
    assert RESULT[lang] in text(quote), text(quote)


NOTHING_TO_DO = {
    "en": "Nothing to do but wait: no one can lift this block early, not even our support team.",
    "zh-Hans": "您无需操作，等待即可：任何人都无法提前解除此限制，客服也不能。",  # noqa: RUF001
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_security_cooldown_says_when_it_ends_and_offers_no_person_to_lift_it(
    app, clock, config, lang
) -> None:
    client = browser(app, clock, config, "U-COOLDOWN")
    page = client.get(f"/web/me?lang={lang}").text
    assert blocked(page) == {"SECURITY_COOLDOWN"}
    cooldown = card(page, "SECURITY_COOLDOWN")
    words = text(cooldown)
    ends = T0 + timedelta(days=5)  # two days ago, plus the policy's seven
    assert formats.datetime_text(ends, LANGS[lang]) in words
    assert f'data-way="wait" data-at="{ends.isoformat()}"' in cooldown
    assert NOTHING_TO_DO[lang] in words
    tickets = re.findall(r'href="(/web/tickets[^"]*)" data-way="ticket"', cooldown)
    assert tickets == ["/web/tickets?category=account_takeover#new"]  # not yours: security
    assert 'href="/web/me/secure" data-way="page"' in cooldown
    form = client.get(tickets[0]).text
    assert '<option value="account_takeover" selected>' in form
    secure = client.get("/web/me/secure").text  # freezing needs no authenticator
    assert 'id="secure-confirm"' in secure

    clock.advance(days=5)  # the cooldown's own end: nothing else lifted it
    assert blocked(client.get("/web/me").text) == set()


SEE_IT = {"en": "See it on the self-check", "zh-Hans": "在自查页面查看"}
TALK = {"en": "Talk to a person", "zh-Hans": "联系人工客服"}
WHY = {"en": "Why can I not close?", "zh-Hans": "为什么我不能注销账户？"}  # noqa: RUF001


@pytest.mark.parametrize("lang", LANGS)
def test_the_assistant_says_a_cooldown_only_ends_with_time_and_offers_no_person(
    app, clock, config, lang
) -> None:
    asked = asked_on_help(browser(app, clock, config, "U-COOLDOWN"), WHY[lang], lang)
    item = re.search(
        r'<li class="answer-item" id="answer-SECURITY_COOLDOWN">(.*?)</li>', asked, re.S
    )
    assert item, "the answer does not name the cooldown"
    words = text(item.group(1))
    assert NOTHING_TO_DO[lang] in words
    assert SEE_IT[lang] in words and TALK[lang] not in words
    assert re.findall(r'<a class="button answer-link" href="([^"]+)"', item.group(1)) == [
        "/web/me#check-SECURITY_COOLDOWN"
    ]


RESTRICTED = {"en": "Is my account restricted?", "zh-Hans": "我的账户受限了吗？"}  # noqa: RUF001
BLOCKED_FOR_NOW = {
    "en": "Your account is not frozen and you can use it, but closing it is blocked for now:",
    "zh-Hans": "您的账户没有被冻结，可以正常使用，但目前还不能注销：",  # noqa: RUF001
}


@pytest.mark.parametrize("lang", LANGS)
def test_asked_about_restrictions_the_assistant_names_what_blocks_closing(
    app, clock, config, lang
) -> None:
    asked = asked_on_help(browser(app, clock, config, "U-COOLDOWN"), RESTRICTED[lang], lang)
    answered = set(re.findall(r'<li class="answer-item" id="answer-([A-Z_]+)">', asked))
    assert {"NOT_FROZEN", "SECURITY_COOLDOWN"} <= answered
    assert BLOCKED_FOR_NOW[lang] in text(asked)
    assert "nothing restricts" not in text(asked)


LATE = {
    "en": "It was expected by {when} and is late. Our support team can find out why.",
    "zh-Hans": "预计应于 {when} 到账，现已延迟。我们的客服团队可以帮您查明原因。",  # noqa: RUF001
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_late_deposit_says_it_is_late_since_when_and_offers_support(
    app, clock, config, lang
) -> None:
    """Past its expected time, the card says so with the time it was expected by, not a
    bare ticket link; and never that time will resolve it."""
    client = browser(app, clock, config, "U-LATE-DEPOSIT")
    page = client.get(f"/web/me?lang={lang}").text
    html = card(page, "DEPOSIT_PENDING")
    expected = T0 - timedelta(hours=1)
    when = formats.when(expected, clock(), LANGS[lang])
    assert f'data-way="note" data-at="{expected.isoformat()}"' in html
    assert LATE[lang].format(when=when) in text(html), text(html)
    assert 'data-way="wait"' not in html and 'data-way="ticket"' in html
