# ruff: noqa: RUF001 - Chinese answers carry full-width punctuation
"""The assistant answers the question asked from the account's live state, on both
databases: the pending deposit's asset, amount and expected time, the account's freezes
and how each is lifted, the small balances; and an AML-held customer gets, to every kind
of question, the answers of an ordinary customer plus the ordinary "contact support"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service.freeze import freeze
from lastgate.closure.service.steps import CLOSURE_FREEZE
from lastgate.demo.customers import demo_snapshot
from lastgate.desk.model.assistant import AssistantAnswer
from lastgate.desk.service.assistant import ask
from lastgate.kernel.i18n import translate
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from tests.assistant_questions import QUESTIONS
from tests.builders import account, iso, load
from tests.desk_support import make_desk
from tests.workflow_support import customer, request_in, workflow

HANDOFF = "https://close.example/v1/accounts/{uid}/assistant/handoff"
AML_REASON = "Structuring: deposits just under the reporting threshold (STR 2026-41)"
#: Words an AML-held customer must never meet, in either language.
NEVER = re.compile(
    r"AML|anti-money|money laundering|investigat|compliance|suspicious|confidential|"
    r"反洗钱|洗钱|调查|合规|可疑|机密|保密|STR 2026",
    re.IGNORECASE,
)


def _said(reply: AssistantAnswer) -> list[tuple[str, str, str, str]]:
    """Each item as the customer reads it: code, text, link and button words."""
    return [
        (
            item.code,
            " ".join(translate(line, reply.language) for line in item.lines),
            item.link,
            translate(item.label, reply.language) if item.label else "",
        )
        for item in reply.items
    ]


def _hold(kind: str, reason: str, clock) -> dict[str, str]:
    return {
        "id": f"H-{kind}",
        "kind": kind,
        "reason": reason,
        "placed_at": iso(clock()),
        "placed_by": "staff",
    }


def _item(reply: AssistantAnswer, code: str) -> str:
    (found,) = [text for c, text, _, _ in _said(reply) if c == code]
    return found


# -- a pending transfer ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "How long until my deposit arrives?",
            "Your deposit of 0.75 ETH, started Nov 23, 2026, 11:48 UTC, is expected by "
            "Nov 23, 2026, 12:18 UTC.",
        ),
        (
            "我的充值还没到账，要多久？",
            "您有一笔 0.75 ETH 的充值，发起于 2026年11月23日 11:48 UTC，"
            "预计于 2026年11月23日 12:18 UTC 前到账。",
        ),
    ],
)
def test_a_pending_deposit_is_answered_with_its_asset_amount_and_expected_time(
    engine, clock, tmp_path, question, expected
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    uid = "DEMO-DEPOSIT-PENDING"
    reply = ask(make_desk(engine, clock, tmp_path), customer(uid), uid, question, "en")
    assert reply.intent == "transfer_pending"
    assert [c for c, *_ in _said(reply)] == ["DEPOSIT_PENDING"]
    assert _item(reply, "DEPOSIT_PENDING").startswith(expected)
    assert reply.items[0].link == ""  # nothing to do but wait: no button


def test_a_late_deposit_is_called_late_and_handed_to_a_person(engine, clock, tmp_path) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    uid = "DEMO-DEPOSIT-PENDING"
    clock.advance(hours=2)
    reply = ask(make_desk(engine, clock, tmp_path), customer(uid), uid, "deposit not arrived", "en")
    text = _item(reply, "DEPOSIT_PENDING")
    assert "was expected by Nov 23, 2026, 12:18 UTC and is late." in text
    assert reply.items[0].link == HANDOFF.format(uid=uid) and reply.items[0].action == (
        "talk_to_person"
    )


def test_no_transfer_in_flight_is_said_and_a_person_offered(engine, clock, tmp_path) -> None:
    load(engine, account("U1"))
    reply = ask(make_desk(engine, clock, tmp_path), customer("U1"), "U1", "提现多久到账", "en")
    assert reply.language == "zh_Hans"
    assert _said(reply) == [
        (
            "NO_TRANSFER_PENDING",
            "您的账户目前没有进行中的充值或提现。 "
            "您发起的充值可能仍在等待区块确认，确认后才会显示在这里。"
            "如果一直没有到账，请把交易哈希（TXID）提供给人工客服。 "
            f"人工客服可以帮您处理：{HANDOFF.format(uid='U1')}",
            HANDOFF.format(uid="U1"),
            "",
        )
    ]


# -- frozen ---------------------------------------------------------------------------------


def test_an_account_the_customer_froze_is_told_when_and_how_to_unfreeze(
    engine, clock, tmp_path
) -> None:
    load(engine, account("U1"))
    until = freeze(workflow(engine, clock), customer("U1"), "U1")
    desk = make_desk(engine, clock, tmp_path)
    reply = ask(desk, customer("U1"), "U1", "Why is my account frozen?", "en")
    assert reply.intent == "frozen"
    ((code, text, link, label),) = _said(reply)
    assert code == "OWN_FREEZE" and until == clock() + timedelta(hours=24)
    assert "frozen at your request. You can unfreeze it from Nov 24, 2026, 12:00 UTC" in text
    assert link == "https://close.example/web/me/settings" and label == "Open my settings"
    clock.advance(hours=25)
    zh = ask(desk, customer("U1"), "U1", "我的账户被冻结了怎么办", "en")
    assert zh.language == "zh_Hans"
    assert "您现在就可以在账户设置中输入身份验证器的验证码解冻" in _item(zh, "OWN_FREEZE")


def test_a_cooling_off_freeze_says_when_it_ends_and_that_cancelling_lifts_it(
    engine, clock, tmp_path
) -> None:
    load(engine, account("U1"))
    wf = workflow(engine, clock)
    ends = clock() + timedelta(days=14)
    request = request_in(wf, ClosureState.COOLING_OFF, uid="U1", cooling_off_ends_at=ends)
    with wf.unit_of_work() as uow:
        uow.freezes.add("U1", CLOSURE_FREEZE, at=clock(), unfreeze_after=None)
        uow.actions.freeze("U1")
    reply = ask(
        make_desk(engine, clock, tmp_path), customer("U1"), "U1", "is my acount frozen?", "en"
    )
    ((code, text, link, label),) = _said(reply)
    assert (
        code == "CLOSURE_FREEZE" and "which ends Dec 7, 2026, 12:00 UTC. Cancel the request" in text
    )
    assert link == f"https://close.example/web/closure/{request.id}"
    assert label == "Open my closure request"


def test_a_risk_lock_is_named_with_its_appeal_and_an_active_account_is_not_frozen(
    engine, clock, tmp_path
) -> None:
    load(engine, account("U1", holds=[_hold("risk_lock", "new device", clock)]), account("U2"))
    desk = make_desk(engine, clock, tmp_path)
    locked = ask(desk, customer("U1"), "U1", "my account is locked", "en")
    assert [c for c, *_ in _said(locked)] == ["NOT_FROZEN", "RISK_LOCK"]
    assert _item(locked, "NOT_FROZEN") == "Your account is not frozen, but it is restricted:"
    assert "restricted by risk control" in _item(locked, "RISK_LOCK")
    assert locked.articles[0].slug == "risk-lock-appeal"
    clean = ask(desk, customer("U2"), "U2", "why is my account frozen", "en")
    assert _said(clean) == [
        ("NOT_FROZEN", "Your account is not frozen, and nothing restricts it.", "", "")
    ]


def test_an_account_frozen_by_the_exchange_is_sent_to_a_person(engine, clock, tmp_path) -> None:
    load(engine, account("U1", status="frozen"))
    reply = ask(make_desk(engine, clock, tmp_path), customer("U1"), "U1", "账户为什么被冻结", "en")
    ((code, text, link, _),) = _said(reply)
    assert code == "ACCOUNT_FROZEN" and text.startswith("您的账户已被冻结。人工客服可以告诉您原因")
    assert link == HANDOFF.format(uid="U1")


# -- dust -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "lines"),
    [
        (
            "what is dust?",
            [
                "worth at most 10 USD, or an asset that has no market price.",
                "You have 3 such balances:",
                "120,000 SHIB remains in your funding account.",
                "3.5 DOGE remains in your trading account.",
                "15,000 LUNC remains in your funding account.",
                "into USDT in one step, for a fee of 2%.",
                "You can fix it here: https://close.example/web/me#check-DUST_REMAINING",
            ],
        ),
        (
            "什么是小额资产？",
            [
                "每笔价值不超过 10 USD",
                "您有 3 笔此类余额：",
                "您的资金账户中还有 120,000 SHIB。",
                "您的交易账户中还有 3.5 DOGE。",
                "换成 USDT，手续费为 2%。",
            ],
        ),
    ],
)
def test_dust_is_explained_with_the_customers_own_small_balances(
    engine, clock, tmp_path, question, lines
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    uid = "DEMO-DUST"
    reply = ask(make_desk(engine, clock, tmp_path), customer(uid), uid, question, "en")
    assert reply.intent == "dust" and reply.articles[0].slug == "small-balances"
    text = _item(reply, "DUST_REMAINING")
    for line in lines:
        assert line in text


# -- an AML hold is never told, not even by elimination ----------------------------------------


def _one_question_per_intent_and_language() -> list[str]:
    seen: dict[tuple[str, object], str] = {}
    for question, language, intent in QUESTIONS:
        seen.setdefault((language, intent), question)
    return list(seen.values())


def _blocked(uid: str, *holds: dict[str, str]) -> dict[str, object]:
    """An account with an ordinary blocker (a BTC balance), so that both accounts are
    blocked and only the confidential check tells them apart inside lastgate."""
    btc = {"account_type": "funding", "asset": "BTC", "available": "0.25", "frozen": "0"}
    return account(uid, balances=[btc], holds=list(holds))


def test_an_aml_held_customer_gets_an_ordinary_customers_answers_plus_contact_support(
    engine, clock, tmp_path
) -> None:
    aml = _hold("aml_investigation", AML_REASON, clock)
    load(engine, _blocked("UAML", aml), _blocked("UPLAIN"))
    wf = workflow(engine, clock)
    held = request_in(wf, ClosureState.ON_HOLD, uid="UAML", held_from=ClosureState.IN_REVIEW)
    reviewed = request_in(wf, ClosureState.IN_REVIEW, uid="UPLAIN")
    desk = make_desk(engine, clock, tmp_path)
    support = None
    for question in _one_question_per_intent_and_language():
        for language in ("en", "zh_Hans"):
            mine = ask(desk, customer("UAML"), "UAML", question, language)
            theirs = ask(desk, customer("UPLAIN"), "UPLAIN", question, language)
            said = [
                tuple(x.replace("UAML", "U").replace(held.id, "R") for x in item)
                for item in _said(mine)
            ]
            ordinary = [
                tuple(x.replace("UPLAIN", "U").replace(reviewed.id, "R") for x in item)
                for item in _said(theirs)
            ]
            # Word for word the ordinary answer, with at most the "contact support" item.
            assert [i for i in said if i[0] != "SUPPORT_REQUIRED"] == ordinary, question
            assert (mine.intent, mine.language, mine.closure_state, mine.articles) == (
                theirs.intent,
                theirs.language,
                theirs.closure_state,
                theirs.articles,
            )
            # (The articles are the ordinary customer's, asserted above.)
            everything = " ".join(" ".join(i) for i in said) + repr(mine.items)
            assert not NEVER.search(everything.replace("UAML", "")), (question, everything)
            for item in (i for i in said if i[0] == "SUPPORT_REQUIRED"):
                if mine.language == "en":
                    support = item
    # What it says is the ordinary "our support team", with the hand-off to a person.
    assert support == (
        "SUPPORT_REQUIRED",
        "Your account needs attention from our support team before it can be closed. "
        "Contact support; we will tell you what is needed. "
        "A person can help with this: https://close.example/v1/accounts/U/assistant/handoff",
        "https://close.example/v1/accounts/U/assistant/handoff",
        "",
    )


def test_a_held_closure_request_reads_word_for_word_like_one_under_review(
    engine, clock, tmp_path
) -> None:
    aml = _hold("aml_investigation", AML_REASON, clock)
    load(engine, account("UAML", holds=[aml]), account("UPLAIN"))
    wf = workflow(engine, clock)
    held = request_in(wf, ClosureState.ON_HOLD, uid="UAML", held_from=ClosureState.COOLING_OFF)
    reviewed = request_in(wf, ClosureState.IN_REVIEW, uid="UPLAIN")
    desk = make_desk(engine, clock, tmp_path)
    for question in ("What's the status of my closure request?", "我的注销申请进度怎么样了"):
        mine = ask(desk, customer("UAML"), "UAML", question, "en")
        theirs = ask(desk, customer("UPLAIN"), "UPLAIN", question, "en")
        assert mine.closure_state == theirs.closure_state == "in_review"
        assert [i[1].replace(held.id, "R") for i in _said(mine)] == [
            i[1].replace(reviewed.id, "R") for i in _said(theirs)
        ]
        assert "being reviewed" in _said(mine)[0][1] or "审核" in _said(mine)[0][1]


# -- balances, and a question it does not recognise -----------------------------------------


@pytest.mark.parametrize(
    ("question", "lines"),
    [
        (
            "how much BTC do I have?",
            [
                "On Nov 23, 2026, 12:00 UTC, these balances are in your account:",
                "0.25 BTC remains in your funding account.",
                "90,000 SHIB remains in your trading account.",
                "A deposit of 0.75 ETH is on its way to your account.",
                "You can fix it here: https://close.example/web/me#check-ASSETS_REMAINING",
            ],
        ),
        (
            "我的余额是多少？",
            [
                "截至 2026年11月23日 12:00 UTC，您的账户中有以下余额：",
                "您的资金账户中还有 0.25 BTC。",
                "您的交易账户中还有 90,000 SHIB。",
                "有一笔 0.75 ETH 的充值正在到账途中。",
            ],
        ),
    ],
)
def test_a_balance_question_is_answered_with_the_balances_in_each_account(
    engine, clock, tmp_path, question, lines
) -> None:
    btc = {"account_type": "funding", "asset": "BTC", "available": "0.25", "frozen": "0"}
    shib = {"account_type": "trading", "asset": "SHIB", "available": "90000", "frozen": "0"}
    deposit = {
        "id": "T1",
        "direction": "deposit",
        "asset": "ETH",
        "amount": "0.75",
        "status": "confirming",
        "network": "ERC20",
        "created_at": iso(clock() - timedelta(minutes=12)),
    }
    load(engine, account("U1", balances=[btc, shib], transfers=[deposit]), account("U2"))
    desk = make_desk(engine, clock, tmp_path)
    reply = ask(desk, customer("U1"), "U1", question, "en")
    assert reply.intent == "balances"
    (code, text, link, _), *rest = _said(reply)
    assert code == "BALANCES" and rest == []
    for line in lines:
        assert line in text
    assert link == "https://close.example/web/me#check-ASSETS_REMAINING"
    # An account with nothing left is told so, not shown an empty list.
    empty = _said(ask(desk, customer("U2"), "U2", question, "en"))
    assert [c for c, *_ in empty] == ["BALANCES"]
    assert empty[0][1] in (
        "On Nov 23, 2026, 12:00 UTC, no balance is left in your account.",
        "截至 2026年11月23日 12:00 UTC，您的账户中已没有余额。",
    )


@pytest.mark.parametrize("question", ["hello", "今天天气怎么样"])
def test_a_question_it_does_not_recognise_says_so_before_the_overview(
    engine, clock, tmp_path, question
) -> None:
    btc = {"account_type": "funding", "asset": "BTC", "available": "0.25", "frozen": "0"}
    load(engine, account("U1", balances=[btc]))
    reply = ask(make_desk(engine, clock, tmp_path), customer("U1"), "U1", question, "en")
    said = _said(reply)
    assert reply.intent == "unknown"
    assert [code for code, *_ in said] == ["NOT_UNDERSTOOD", "ASSETS_REMAINING"]
    assert said[0][1].startswith(("I am not sure what you are asking.", "我不太确定您想问什么。"))
    assert said[0][2] == ""  # no button: the hand-off is offered on the page already
