"""A risk lock whose appeal was refused: the self-check's card says the lock stays and
leads back to the appeal's ticket, not to a new appeal; Help and the assistant agree. The
words are the same whatever lies behind the lock (an AML investigation too); a lock placed
after the refusal may be appealed again. Both databases (the ``engine`` fixture)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lastgate.closure.service import workflow as closure
from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.desk.service.appeals import decide_risk_lock_appeal
from lastgate.ledger.model import HoldKind
from tests.builders import account, iso
from tests.desk_support import desk_fixtures, make_desk
from tests.web_support import browser
from tests.workflow_support import OFFICER_A, customer, workflow

APPEAL_LINK = "/web/tickets?category=account_locked#new"
KEPT = {
    "en": "Your appeal was reviewed and the restriction stays",
    "zh-Hans": "您的申诉已审核，限制将继续保留",  # noqa: RUF001
}


def _locked(uid: str, clock, *kinds: str) -> dict:
    placed = iso(clock() - timedelta(days=2))
    holds = [
        {"id": f"{uid}-{k}", "kind": k, "reason": f"internal {k}", "placed_by": "risk-engine"}
        | {"placed_at": placed}
        for k in ("risk_lock", *kinds)
    ]
    return account(uid, holds=holds)


config, app = desk_fixtures(
    lambda clock: _locked("U2", clock), lambda clock: _locked("U3", clock, "aml_investigation")
)


def _refused(engine, clock, tmp_path, uid: str) -> str:
    desk = make_desk(engine, clock, tmp_path)
    ticket, _ = d.open_ticket(
        desk, customer(uid), uid, TicketCategory.ACCOUNT_LOCKED, "Locked", "It was me."
    )
    assert decide_risk_lock_appeal(desk, OFFICER_A, ticket.id, approve=False, note="No.") == []
    return ticket.id


def _card(html: str) -> str:
    return html.split('id="check-RISK_LOCK"')[1].split("</li>")[0]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_a_lock_kept_on_appeal_says_it_stays_and_leads_to_the_appeal_not_a_new_one(
    app, engine, clock, config, tmp_path, lang
) -> None:
    me = browser(app, clock, config, "U2")
    before = _card(me.get("/web/me", params={"lang": lang}).text)
    assert APPEAL_LINK in before and KEPT[lang] not in before
    assert APPEAL_LINK in me.get("/web/help", params={"lang": lang}).text

    ticket = _refused(engine, clock, tmp_path, "U2")
    after = _card(me.get("/web/me", params={"lang": lang}).text)
    assert KEPT[lang] in after
    assert APPEAL_LINK not in after and f'href="/web/tickets/{ticket}"' in after
    assert me.get(f"/web/tickets/{ticket}", params={"lang": lang}).status_code == 200
    help_page = me.get("/web/help", params={"lang": lang}).text
    assert APPEAL_LINK not in help_page and 'id="lock-kept-on-appeal"' in help_page


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_kept_lock_reads_the_same_whatever_lies_behind_it(
    app, engine, clock, config, tmp_path, lang
) -> None:
    """U3 is also under an AML investigation: its risk-lock card after a refused appeal is
    U2's, byte for byte but for the ticket's id."""
    cards = []
    for uid in ("U2", "U3"):
        ticket = _refused(engine, clock, tmp_path, uid)
        html = _card(browser(app, clock, config, uid).get("/web/me", params={"lang": lang}).text)
        cards.append(html.replace(ticket, "TICKET"))
    assert cards[0] == cards[1] and KEPT[lang] in cards[0]
    assert not re.search("aml|investigation|compliance", cards[0], re.IGNORECASE)


def test_a_lock_placed_after_the_refusal_may_be_appealed_again(
    app, engine, clock, config, tmp_path
) -> None:
    _refused(engine, clock, tmp_path, "U2")
    closure.place_hold(workflow(engine, clock), OFFICER_A, "U2", HoldKind.RISK_LOCK, "new login")
    card = _card(browser(app, clock, config, "U2").get("/web/me").text)
    assert APPEAL_LINK in card and KEPT["en"] not in card


@pytest.mark.parametrize(("lang", "question"), [("en", "I want to appeal"), ("zh_Hans", "申诉")])
def test_the_assistant_offers_no_new_appeal_of_a_kept_lock(
    app, engine, clock, tmp_path, lang, question
) -> None:
    from lastgate.desk.service.assistant import ask
    from lastgate.kernel.i18n import translate

    ticket = _refused(engine, clock, tmp_path, "U2")
    reply = ask(make_desk(engine, clock, tmp_path), customer("U2"), "U2", question, lang)
    codes = [item.code for item in reply.items]
    assert "RISK_LOCK_KEPT" in codes and "APPEAL_RISK_LOCK" not in codes
    [kept] = [item for item in reply.items if item.code == "RISK_LOCK_KEPT"]
    assert kept.link.endswith(f"/web/tickets/{ticket}")
    assert translate(kept.lines[0], lang).startswith(KEPT[lang.replace("_", "-")])


def test_the_card_leads_to_the_ticket_the_lock_was_kept_on(
    app, engine, clock, config, tmp_path
) -> None:
    """Two appeals: the card leads to the one whose refusal keeps the lock, not to the
    newest ticket; once the second is refused too, to the second."""
    first = _refused(engine, clock, tmp_path, "U2")
    clock.advance(hours=1)
    desk = make_desk(engine, clock, tmp_path)
    second, _ = d.open_ticket(
        desk, customer("U2"), "U2", TicketCategory.ACCOUNT_LOCKED, "Again", "New facts."
    )
    me = browser(app, clock, config, "U2")
    card = _card(me.get("/web/me").text)
    assert f'href="/web/tickets/{first}"' in card and second.id not in card
    clock.advance(hours=1)
    decide_risk_lock_appeal(desk, OFFICER_A, second.id, approve=False, note="Still no.")
    card = _card(me.get("/web/me").text)
    assert f'href="/web/tickets/{second.id}"' in card and first not in card


@pytest.mark.parametrize(
    ("lang", "question"), [("en", "why can't I close"), ("zh_Hans", "为什么不能注销")]
)
def test_the_assistant_and_the_card_lead_the_same_way_with_the_same_words(
    app, engine, clock, config, tmp_path, lang, question
) -> None:
    """The assistant's item about the kept lock, asked about what blocks closing, leads to
    the card's place (the appeal's ticket) with the card's words, never to a person."""
    from lastgate.desk.service.assistant import ask
    from lastgate.kernel.i18n import translate

    ticket = _refused(engine, clock, tmp_path, "U2")
    card = _card(browser(app, clock, config, "U2").get("/web/me", params={"lang": lang}).text)
    reply = ask(make_desk(engine, clock, tmp_path), customer("U2"), "U2", question, lang)
    [item] = [i for i in reply.items if i.code == "RISK_LOCK"]
    assert item.link.endswith(f"/web/tickets/{ticket}") and item.link != reply.handoff_link
    assert item.label is not None and translate(item.label, lang) in card
    assert f'href="/web/tickets/{ticket}"' in card


WARNING = {
    "en": "Never mention an AML investigation",
    "zh-Hans": "切勿提及或暗示反洗钱调查",
}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_lock_decision_form_always_warns_against_tipping_off(
    app, engine, clock, config, tmp_path, lang
) -> None:
    """The officer's note to the customer carries the tipping-off warning on every risk-lock
    appeal, the form the same, byte for byte but for the ticket, with or without an AML
    investigation behind the lock (U3)."""
    from lastgate.kernel.access import Role

    desk = make_desk(engine, clock, tmp_path)
    officer = browser(app, clock, config, "compliance-cy", Role.COMPLIANCE)
    forms = []
    for uid in ("U2", "U3"):
        ticket, _ = d.open_ticket(
            desk, customer(uid), uid, TicketCategory.ACCOUNT_LOCKED, "Locked", "It was me."
        )
        html = officer.get(f"/web/desk/tickets/{ticket.id}", params={"lang": lang}).text
        form = html.split('id="decide"')[1].split("</form>")[0]
        forms.append(re.sub(r'value="[0-9a-f]{64}"', "", form).replace(ticket.id, "TICKET"))
    assert WARNING[lang] in forms[0] and 'aria-describedby="decision-note-warning"' in forms[0]
    assert forms[0] == forms[1]


NEW_TICKET_WORDS = {
    "en": "if you have something new to tell us, write to us in a new ticket",
    "zh-Hans": "如有新的情况要告诉我们，请新建工单联系我们",  # noqa: RUF001
}


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_past_the_reopen_window_the_kept_lock_offers_a_new_ticket_everywhere(
    app, engine, clock, config, tmp_path, lang
) -> None:
    """Once the appeal's ticket takes no more replies (its reopen window is over), the card,
    Help and the assistant lead to a new account_locked ticket with the same words, the
    same with an AML investigation behind the lock (U3); a day before, still the ticket."""
    from lastgate.desk.service.assistant import ask
    from lastgate.kernel.i18n import translate

    tickets = {uid: _refused(engine, clock, tmp_path, uid) for uid in ("U2", "U3")}
    days = make_desk(engine, clock, tmp_path).policy_for("U2").reopen_window_days
    clock.advance(days=days - 1)
    card = _card(browser(app, clock, config, "U2").get("/web/me", params={"lang": lang}).text)
    assert f'href="/web/tickets/{tickets["U2"]}"' in card and NEW_TICKET_WORDS[lang] not in card
    clock.advance(days=2)
    cards = []
    for uid, ticket in tickets.items():
        me = browser(app, clock, config, uid)
        card = _card(me.get("/web/me", params={"lang": lang}).text)
        assert NEW_TICKET_WORDS[lang] in card and APPEAL_LINK in card and ticket not in card
        assert 'id="answer"' not in me.get(f"/web/tickets/{ticket}").text  # no reply form
        kept = me.get("/web/help", params={"lang": lang}).text.split('id="lock-kept-on-appeal"')
        assert APPEAL_LINK in kept[1].split("</li>")[0] and ticket not in kept[1]
        lang_code = lang.replace("-", "_")
        reply = ask(make_desk(engine, clock, tmp_path), customer(uid), uid, "申诉", lang_code)
        [item] = [i for i in reply.items if i.code == "RISK_LOCK_KEPT"]
        assert item.link.endswith(APPEAL_LINK) and item.label is not None
        assert translate(item.label, lang_code) in card
        cards.append(card)
    assert cards[0] == cards[1]


HERE = {
    "en": "Our answer is in the messages below; if you have something new to tell us, reply here",
    "zh-Hans": "我们的答复见下方消息；如有新的情况要告诉我们，请在此回复",  # noqa: RUF001
}
LIFTED = {
    "en": "Your appeal was approved and the restriction on your account was lifted.",
    "zh-Hans": "您的申诉已通过，账户限制已解除。",  # noqa: RUF001
}


def _outcome(html: str) -> str:
    """The ticket page's statement of the appeal's outcome ("" when it has none)."""
    parts = html.split('id="lock-appeal-outcome"')
    return parts[1].split("</p>")[0] if len(parts) > 1 else ""


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_the_appeal_ticket_says_the_lock_stays_the_same_whatever_lies_behind_it(
    app, engine, clock, config, tmp_path, lang
) -> None:
    """A refused appeal's ticket page says the restriction stays and to reply here, not only
    "Resolved"; with an AML investigation behind the lock (U3) the words are U2's; past the
    reopen window it leads to a new ticket instead."""
    desk = make_desk(engine, clock, tmp_path)
    pending, _ = d.open_ticket(
        desk, customer("U2"), "U2", TicketCategory.ACCOUNT_LOCKED, "Locked", "It was me."
    )
    me = browser(app, clock, config, "U2")
    assert _outcome(me.get(f"/web/tickets/{pending.id}", params={"lang": lang}).text) == ""
    said = []
    for uid in ("U2", "U3"):
        ticket = _refused(engine, clock, tmp_path, uid)
        page = browser(app, clock, config, uid).get(f"/web/tickets/{ticket}", params={"lang": lang})
        said.append(_outcome(page.text))
        assert 'id="answer"' in page.text  # the reply form the statement points to
    assert said[0] == said[1] and KEPT[lang] in said[0] and HERE[lang] in said[0]
    assert LIFTED[lang] not in said[0] and APPEAL_LINK not in said[0]
    assert not re.search("aml|investigation|compliance", said[0], re.IGNORECASE)

    clock.advance(days=desk.policy_for("U2").reopen_window_days + 1)
    late = []
    for uid in ("U2", "U3"):
        [ticket] = [
            x.id for x in d.list_for_customer(desk, customer(uid), uid) if x.id != pending.id
        ]
        html = browser(app, clock, config, uid).get(f"/web/tickets/{ticket}", params={"lang": lang})
        late.append(_outcome(html.text))
    assert late[0] == late[1] and KEPT[lang] in late[0] and HERE[lang] not in late[0]
    assert NEW_TICKET_WORDS[lang] in late[0] and f'href="{APPEAL_LINK}"' in late[0]


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_an_approved_appeal_ticket_says_the_lock_was_lifted(
    app, engine, clock, config, tmp_path, lang
) -> None:
    """An approved appeal's ticket page says the restriction was lifted (U3 the same); a
    refused one (U2 before) does not."""
    desk = make_desk(engine, clock, tmp_path)
    refused = _refused(engine, clock, tmp_path, "U2")
    me = browser(app, clock, config, "U2")
    assert LIFTED[lang] not in me.get(f"/web/tickets/{refused}", params={"lang": lang}).text
    said = []
    for uid in ("U2", "U3"):
        ticket, _ = d.open_ticket(
            desk, customer(uid), uid, TicketCategory.ACCOUNT_LOCKED, "Locked", "New facts."
        )
        assert decide_risk_lock_appeal(desk, OFFICER_A, ticket.id, approve=True, note="Ok.")
        html = browser(app, clock, config, uid).get(
            f"/web/tickets/{ticket.id}", params={"lang": lang}
        )
        said.append(_outcome(html.text).replace(ticket.id, "TICKET"))
    assert said[0] == said[1] and LIFTED[lang] in said[0] and KEPT[lang] not in said[0]
    assert 'href="/web/me"' in said[0]
