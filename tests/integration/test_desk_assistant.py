"""The assistant answers from the live eligibility report, for every check code in both
languages, never naming a confidential check; the hand-off carries its context."""

from __future__ import annotations

import json
import re

import pytest

from lastgate.demo.customers import demo_expectations, demo_snapshot
from lastgate.desk.model.tickets import AttachmentPurpose, TicketCategory, Visibility
from lastgate.desk.model.turns import Line
from lastgate.desk.service import desk as d
from lastgate.desk.service.assistant import ask, handoff, turn
from lastgate.eligibility.model.report import CheckCode
from lastgate.kernel.i18n import translate
from lastgate.ledger.adapters.snapshot_io import import_snapshot
from tests.builders import account, load
from tests.desk_support import make_desk
from tests.secret_corpus import mnemonic
from tests.workflow_support import AGENT_A, customer

CJK = re.compile(r"[\u4e00-\u9fff]")
#: A demo customer for each check code alone.
ALONE = {next(iter(codes)): uid for uid, codes in demo_expectations().items() if len(codes) == 1}


def _text(item, lang: str) -> str:
    return " ".join(translate(line, lang) for line in item.lines)


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_the_assistant_explains_each_check_code_with_a_way_forward(
    engine, clock, tmp_path, lang
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    desk = make_desk(engine, clock, tmp_path)
    assert set(ALONE) == {c.value for c in CheckCode} - {"SUPPORT_REQUIRED"}
    for code, uid in sorted(ALONE.items()):
        reply = ask(desk, customer(uid), uid, "why can't I close my account?", lang)
        shown = "SUPPORT_REQUIRED" if code in ("COMPLIANCE_REVIEW", "KYC_DISPUTED") else code
        (item,) = [i for i in reply.items if i.code == shown]
        text = _text(item, lang)
        assert item.link.startswith("https://close.example/"), code
        assert item.link in text, code
        if lang == "zh_Hans":
            assert CJK.search(text), (code, text)
        everything = (" ".join(_text(i, lang) for i in reply.items) + str(reply)).replace(uid, "")
        assert "COMPLIANCE" not in everything and "AML" not in everything, code


def test_the_assistant_names_the_remaining_balance_and_links_the_fix(
    engine, clock, tmp_path
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    desk = make_desk(engine, clock, tmp_path)
    reply = ask(desk, customer(ALONE["ASSETS_REMAINING"]), ALONE["ASSETS_REMAINING"], "", "en")
    (item,) = [i for i in reply.items if i.code == "ASSETS_REMAINING"]
    text = _text(item, "en")
    assert "0.25 BTC remains in your funding account." in text
    assert "You can fix it here: https://close.example/web/me#check-ASSETS_REMAINING" in text
    zh = _text(item, "zh_Hans")
    assert "您的资金账户中还有 0.25 BTC。" in zh  # the account named in Chinese too
    assert "funding" not in zh


def test_a_clean_account_is_told_it_may_close(engine, clock, tmp_path) -> None:
    load(engine, account("U1000"))
    desk = make_desk(engine, clock, tmp_path)
    reply = ask(desk, customer(), "U1000", "how do I close my account", "en")
    # How closing works first (this policy's 14 days of cooling-off), then that nothing
    # blocks it now.
    assert reply.intent == "closure_how"
    assert [i.code for i in reply.items] == ["HOW_CLOSURE_WORKS", "ELIGIBLE"]
    assert "14 days" in _text(reply.items[0], "en")
    assert reply.articles[0].slug == "closing-your-account"


@pytest.mark.parametrize(
    ("lang", "question", "slug"),
    [
        ("en", "I lost my phone and my authenticator", "lost-authenticator"),
        ("zh_Hans", "我的账户被风控锁定了怎么办", "risk-lock-appeal"),
        ("en", "how do I sweep small balances dust", "small-balances"),
        ("zh_Hans", "这封邮件是官方的吗 防钓鱼码", "official-channels"),
    ],
)
def test_the_knowledge_base_answers_in_the_asked_language(
    engine, clock, tmp_path, lang, question, slug
) -> None:
    load(engine, account("U1000"))
    desk = make_desk(engine, clock, tmp_path)
    reply = ask(desk, customer(), "U1000", question, lang)
    assert reply.articles[0].slug == slug
    assert all(a.language == lang for a in reply.articles)


def test_another_customer_cannot_ask_about_an_account(engine, clock, tmp_path) -> None:
    from lastgate.kernel.errors import Forbidden

    load(engine, account("U1000"))
    desk = make_desk(engine, clock, tmp_path)
    with pytest.raises(Forbidden):
        ask(desk, customer("U2000"), "U1000", "hi", "en")


def test_the_handoff_carries_the_transcript_and_an_eligibility_snapshot(
    engine, clock, tmp_path
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    uid = ALONE["RISK_LOCK"]
    desk = make_desk(engine, clock, tmp_path)
    phrase = mnemonic("handoff", 12)
    said = turn(desk, uid, "Why is my account locked?", ask(desk, customer(uid), uid, "", "en"))
    transcript = [
        Line("customer", said.question),
        Line("assistant", said.answer, said.seal, said.at),
        Line("customer", f"Please unlock it, my seed is {phrase}"),
    ]
    ticket, posted = handoff(desk, customer(uid), uid, transcript)
    assert ticket.category is TicketCategory.ACCOUNT_LOCKED and ticket.queue == "appeals"
    # Titled by the customer's last question, its secret removed as in the message.
    assert ticket.subject == "Please unlock it, my seed is [REDACTED:seed_phrase]"
    assert posted.secrets_removed == ("seed_phrase",)

    staff = d.view(desk, AGENT_A, ticket.id)
    by_purpose = {a.purpose: a for a in staff.attachments}
    transcript_file = by_purpose[AttachmentPurpose.TRANSCRIPT]
    snapshot_file = by_purpose[AttachmentPurpose.ELIGIBILITY_SNAPSHOT]
    assert snapshot_file.visibility is Visibility.INTERNAL
    lines = json.loads(b"".join(d.read_attachment(desk, AGENT_A, ticket.id, transcript_file.id)[1]))
    assert [x["from"] for x in lines] == ["customer", "assistant", "customer"]
    assert lines[1]["text"] == said.answer
    assert phrase not in json.dumps(lines)
    snap = json.loads(b"".join(d.read_attachment(desk, AGENT_A, ticket.id, snapshot_file.id)[1]))
    assert snap["uid"] == uid and snap["outcome"] == "block"
    assert [c["code"] for c in snap["checks"]] == ["RISK_LOCK"]
    assert snap["checks"][0]["internal_evidence"]  # staff get the internal detail

    mine = d.view(desk, customer(uid), ticket.id)
    assert [a.purpose for a in mine.attachments] == [AttachmentPurpose.TRANSCRIPT]


def test_the_handoff_snapshot_of_an_investigated_customer_is_staff_only(
    engine, clock, tmp_path
) -> None:
    import_snapshot(engine, demo_snapshot(clock()))
    uid = ALONE["COMPLIANCE_REVIEW"]
    desk = make_desk(engine, clock, tmp_path)
    ticket, _ = handoff(desk, customer(uid), uid, [Line("customer", "why?")])
    mine = d.view(desk, customer(uid), ticket.id)
    assert all(a.purpose is not AttachmentPurpose.ELIGIBILITY_SNAPSHOT for a in mine.attachments)
    staff = d.view(desk, AGENT_A, ticket.id)
    (snap,) = [a for a in staff.attachments if a.purpose is AttachmentPurpose.ELIGIBILITY_SNAPSHOT]
    body = b"".join(d.read_attachment(desk, AGENT_A, ticket.id, snap.id)[1])
    assert b"COMPLIANCE_REVIEW" in body


def test_no_answer_the_conversation_records_links_to_the_api(engine, clock, tmp_path) -> None:
    """Every kind of question, asked by a customer with each check failing, in both
    languages: the turn the transcript keeps is the words the Help page showed, without
    the line that only points to a button (the hand-off's address is the API's)."""
    from tests.assistant_questions import QUESTIONS

    import_snapshot(engine, demo_snapshot(clock()))
    desk = make_desk(engine, clock, tmp_path)
    asked: dict[tuple[str, object], str] = {}
    for question, language, intent in QUESTIONS:
        asked.setdefault((language, intent), question)
    for uid in sorted(set(ALONE.values())):
        for (language, _), question in sorted(asked.items(), key=str):
            reply = ask(desk, customer(uid), uid, question, language)
            said = turn(desk, uid, question, reply)
            assert "/v1/" not in said.answer, (uid, question)
            if any(i.link == reply.handoff_link for i in reply.items):
                assert "A person can help with this" not in said.answer
