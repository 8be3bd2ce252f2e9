"""The notice of a refused risk-lock appeal says only that the answer is on the ticket,
never that it says why, and reads the same, byte for byte but for the customer's names
and ids, whether an AML investigation lies behind the lock or not (no tipping off); it
says until when a reply on the ticket is read (the desk's reopen window), and where to
write after that. On both databases, in English and Chinese."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.desk.service.appeals import decide_risk_lock_appeal
from lastgate.desk.wiring import build_desk
from lastgate.kernel.i18n import ENGLISH, SIMPLIFIED_CHINESE
from lastgate.kernel.policy import DeskPolicy
from lastgate.kernel.present import formats
from tests.builders import account, iso, load
from tests.integration.test_decision_notices import (  # the same mailbox and settings
    WORDS,
    config,
    delivered,
    normalized,
    topic,
)
from tests.workflow_support import OFFICER_A, customer

__all__ = ["config"]  # the fixture, used by name

#: What a reason would sound like, in each language: the notice must not claim one.
WHY = {ENGLISH: ("says why", "why"), SIMPLIFIED_CHINESE: ("原因",)}


def _holds(clock, aml: bool) -> list[dict]:
    at = iso(clock())
    holds = [{"id": "lock", "kind": "risk_lock", "reason": "abnormal login"}]
    if aml:
        holds.append({"id": "aml", "kind": "aml_investigation", "reason": "case 77"})
    return [{**h, "id": f"{h['id']}-{aml}", "placed_by": "risk", "placed_at": at} for h in holds]


@pytest.mark.parametrize("language", [ENGLISH, SIMPLIFIED_CHINESE])
def test_a_kept_lock_notice_reads_the_same_with_an_aml_case_behind_it(
    engine, clock, config, language
) -> None:
    desk = build_desk(config, engine, clock)
    names: list[str] = []
    for uid, aml in (("U2001", False), ("U2002", True)):
        load(engine, account(uid, holds=_holds(clock, aml)))
        ticket, _ = d.open_ticket(
            desk, customer(uid), uid, TicketCategory.ACCOUNT_LOCKED, "Appeal", WORDS[language]
        )
        decide_risk_lock_appeal(desk, OFFICER_A, ticket.id, approve=False, note="Checked.")
        names += [ticket.id, ticket.id[:8]]
    told = [m for m in delivered(engine, clock, config) if topic(m) == "risk_lock_appeal_rejected"]
    mails = sorted(told, key=lambda m: str(m["To"]))  # U2001's first
    assert len(mails) == 2
    plain, aml = (m.get_content() for m in mails)
    for word in WHY[language]:
        assert word not in plain.lower()
    assert desk.ticket_url(names[0]) in plain  # where the answer is, all the same
    assert normalized(mails[:1], *names[:2], "u2001") == normalized(mails[1:], *names[2:], "u2002")


#: After the reply-by date, where to write, in each language.
AFTER = {
    ENGLISH: "after that, write to us in a new ticket",
    SIMPLIFIED_CHINESE: "此后请提交新的工单",
}


@pytest.mark.parametrize("language", [ENGLISH, SIMPLIFIED_CHINESE])
def test_the_notice_says_until_when_a_reply_is_read(engine, clock, config, language) -> None:
    desk = build_desk(config, engine, clock)
    load(engine, account("U2001", holds=_holds(clock, False)))
    ticket, _ = d.open_ticket(
        desk, customer("U2001"), "U2001", TicketCategory.ACCOUNT_LOCKED, "Appeal", WORDS[language]
    )
    clock.advance(hours=5)  # decided later than it was opened: the window runs from now
    decide_risk_lock_appeal(desk, OFFICER_A, ticket.id, approve=False, note="Checked.")
    [mail] = [
        m for m in delivered(engine, clock, config) if topic(m) == "risk_lock_appeal_rejected"
    ]
    body = " ".join(mail.get_content().split())
    window = timedelta(days=DeskPolicy().reopen_window_days)
    assert formats.datetime_text(clock() + window, language) in body
    assert AFTER[language] in body
