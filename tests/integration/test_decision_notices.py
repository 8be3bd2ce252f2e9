"""The decisions a customer is promised an e-mail about send one, on both databases: an
appeal decided on a ticket (in the ticket's language), a hold lifted from a request in
cooling-off (the same notices, byte for byte, whatever the hold's kind), a legal
restriction lifted (never an AML investigation's end), and the last two notices of a
closure filed and dated in the order they were decided."""

from __future__ import annotations

import email
import re
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default as email_policy
from pathlib import Path

import pytest

from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.execution import execute_due
from lastgate.desk.model.tickets import TicketCategory
from lastgate.desk.service import desk as d
from lastgate.desk.service.appeals import (
    DifferentReviewerRequired,
    decide_closure_appeal,
    decide_risk_lock_appeal,
)
from lastgate.desk.wiring import build_desk
from lastgate.kernel.i18n import ENGLISH, SIMPLIFIED_CHINESE
from lastgate.kernel.settings import Settings
from lastgate.ledger.model import HoldKind
from lastgate.notices.adapters.channels import channels_from_settings
from lastgate.notices.adapters.delivery import deliver_due
from tests.builders import account, iso, load
from tests.workflow_support import (
    AGENT_A,
    AGENT_B,
    OFFICER_A,
    OFFICER_B,
    customer,
    outbox_rows,
    request_in,
    stored,
    workflow,
)

BASE = "https://close.example"
#: The customer's words on the ticket, in each language; their setting stays English.
WORDS = {ENGLISH: "Please look at this again", SIMPLIFIED_CHINESE: "请重新审核我的申诉"}


@pytest.fixture
def config(tmp_path: Path) -> Settings:
    return Settings(
        webhook_url=None,
        public_base_url=BASE,
        evidence_dir=tmp_path / "evidence",
        mailbox_dir=tmp_path / "mailbox",
    )


def delivered(engine, clock, config: Settings, uid: str | None = None) -> list[EmailMessage]:
    """Deliver what is due; every e-mail in the mailbox (of ``uid``), in the mailbox's
    order (its file names)."""
    assert deliver_due(engine, clock, config, channels_from_settings(config)).failed == 0
    found = []
    for path in sorted((config.mailbox_dir or Path()).glob("*-email-*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email_policy)
        assert isinstance(message, EmailMessage)
        if uid is None or message["To"] == f"{uid.lower()}@example.com":
            found.append(message)
    return found


def topic(message: EmailMessage) -> str:
    return str(message["X-Lastgate-Topic"])


def _locked(clock) -> dict:
    hold = {"id": "h1", "kind": "risk_lock", "reason": "abnormal login"}
    return account("U1000", holds=[{**hold, "placed_by": "risk", "placed_at": iso(clock())}])


DECISIONS = {
    # (category, approve/overturn) -> the notice, what its body must link to
    "risk_lock_lifted": (TicketCategory.ACCOUNT_LOCKED, True, (f"{BASE}/web/me",)),
    "risk_lock_appeal_rejected": (TicketCategory.ACCOUNT_LOCKED, False, ("{ticket}",)),
    "closure_appeal_upheld": (TicketCategory.CLOSURE_REJECTED, False, ("{ticket}", "/web/me")),
    "closure_appeal_overturned": (TicketCategory.CLOSURE_REJECTED, True, ("{ticket}", "/web/me")),
}
SUBJECTS = {
    "risk_lock_lifted": {ENGLISH: "Your account restriction is lifted"},
    "risk_lock_appeal_rejected": {
        ENGLISH: "Your appeal was reviewed: the restriction stays",
        SIMPLIFIED_CHINESE: "您的申诉已审核：账户限制维持不变",  # noqa: RUF001
    },
    "closure_appeal_upheld": {
        ENGLISH: "Your appeal was reviewed: the rejection stands",
        SIMPLIFIED_CHINESE: "您的申诉已审核：维持驳回注销申请的决定",  # noqa: RUF001
    },
    "closure_appeal_overturned": {
        ENGLISH: "Your appeal was accepted: your closure request goes on",
        SIMPLIFIED_CHINESE: "您的申诉已通过：注销申请将继续办理",  # noqa: RUF001
    },
}
SUBJECTS["risk_lock_lifted"][SIMPLIFIED_CHINESE] = "您的账户限制已解除"


@pytest.mark.parametrize("language", [ENGLISH, SIMPLIFIED_CHINESE])
@pytest.mark.parametrize("notice", sorted(DECISIONS))
def test_every_appeal_decision_tells_the_customer_in_the_tickets_language(
    engine, clock, config, notice, language
) -> None:
    category, yes, links = DECISIONS[notice]
    desk = build_desk(config, engine, clock)
    related = {}
    if category is TicketCategory.CLOSURE_REJECTED:
        load(engine, account("U1000"))
        request = request_in(
            workflow(engine, clock), ClosureState.REJECTED, decided_by=AGENT_A.subject
        )
        related = {"related_closure_id": request.id}
    else:
        load(engine, _locked(clock))
    ticket, _ = d.open_ticket(
        desk, customer("U1000"), "U1000", category, "Appeal", WORDS[language], **related
    )
    if category is TicketCategory.ACCOUNT_LOCKED:
        decide_risk_lock_appeal(desk, OFFICER_A, ticket.id, approve=yes, note="Checked.")
    else:
        decide_closure_appeal(desk, AGENT_B, ticket.id, overturn=yes, note="Checked.")

    [row] = [r for r in outbox_rows(engine, notice) if r["channel"] == "email"]
    assert row["subject_ref"] == f"ticket:{ticket.id}"
    [mail] = [m for m in delivered(engine, clock, config) if topic(m) == notice]
    assert mail["Subject"] == SUBJECTS[notice][language]
    assert mail["Content-Language"] == language.replace("_", "-")
    body = mail.get_content()
    for link in links:
        assert link.format(ticket=desk.ticket_url(ticket.id)) in body
    assert "{" not in body


def test_a_decision_that_fails_tells_nothing_and_the_one_that_holds_tells_once(
    engine, clock, config
) -> None:
    load(engine, account("U1000"))
    desk = build_desk(config, engine, clock)
    request = request_in(workflow(engine, clock), ClosureState.REJECTED, decided_by=AGENT_A.subject)
    ticket, _ = d.open_ticket(
        desk,
        customer("U1000"),
        "U1000",
        TicketCategory.CLOSURE_REJECTED,
        "Appeal",
        "the documents are mine",
        related_closure_id=request.id,
    )
    with pytest.raises(DifferentReviewerRequired):  # the notice is in the decision's commit
        decide_closure_appeal(desk, AGENT_A, ticket.id, overturn=True, note="ok")
    assert not [r for r in outbox_rows(engine) if r["topic"].startswith("closure_appeal")]
    decide_closure_appeal(desk, AGENT_B, ticket.id, overturn=True, note="ok")
    told = [r["topic"] for r in outbox_rows(engine) if r["topic"].startswith("closure_appeal")]
    assert told == ["closure_appeal_overturned"] * 2  # e-mail and SMS, once


# -- holds lifted: the same words whatever the hold ------------------------------------------


def normalized(mails: list[EmailMessage], *names: str) -> list[str]:
    """Each e-mail as its bytes, the names, ids and dates that tell one customer's apart
    from another's replaced."""
    texts = []
    for mail in mails:
        headers = "".join(f"{key}: {value}\n" for key, value in mail.items())
        text = headers + "\n" + mail.get_content()  # as read: no line wrapping in the way
        for name in names:
            text = text.replace(name, "<name>")
        text = re.sub(r"Message-ID: <[^>]+>", "Message-ID: <id>", text)
        texts.append(text)
    return texts


def _requested(wf, uid: str, language: str, state: ClosureState = ClosureState.IN_REVIEW):
    with wf.unit_of_work() as uow:
        uow.notifier.remember_language(uid, language)
    return request_in(wf, state, uid=uid)


def _held_and_lifted(wf, clock, kinds: dict[str, HoldKind], *, days: int) -> None:
    """A hold of each kind placed on its customer, lifted ``days`` later by two officers."""
    holds = [closure.place_hold(wf, OFFICER_A, uid, kind, "case 9") for uid, kind in kinds.items()]
    clock.advance(days=days)
    for hold_id in holds:
        closure.lift_hold(wf, OFFICER_A, hold_id, "done")
        closure.lift_hold(wf, OFFICER_B, hold_id, "done")


OTHER_HOLDS = [HoldKind.JUDICIAL_FREEZE, HoldKind.LAW_ENFORCEMENT]


@pytest.mark.parametrize("language", [ENGLISH, SIMPLIFIED_CHINESE])
@pytest.mark.parametrize("other", OTHER_HOLDS)
def test_a_hold_lifted_in_cooling_off_is_told_the_same_whatever_its_kind(
    engine, clock, config, other, language
) -> None:
    load(engine, account("U1"), account("U2"))
    wf = workflow(engine, clock, config)
    kinds = {"U1": HoldKind.AML_INVESTIGATION, "U2": other}
    requests = {uid: _requested(wf, uid, language) for uid in kinds}
    for request in requests.values():  # two agents approve: cooling-off, with a reminder
        closure.approve(wf, AGENT_A, request.id, "fine")
        closure.approve(wf, AGENT_B, request.id, "fine")
    left = stored(wf, requests["U1"]).cooling_off_ends_at - clock()
    # The account stays frozen for three days; the old end passes unnoticed below.
    _held_and_lifted(wf, clock, kinds, days=3)
    for request in requests.values():
        after = stored(wf, request)
        assert after.state is ClosureState.COOLING_OFF
        assert after.cooling_off_ends_at == clock() + left  # the time it had left

    told = {uid: delivered(engine, clock, config, uid) for uid in kinds}
    assert [topic(m) for m in told["U1"]] == [
        "cooling_off_started",
        "closure_on_hold",
        "cooling_off_started",  # the request goes on: its new end, how to cancel
    ]
    resumed = told["U1"][-1].get_content()
    assert f"{BASE}/closure/{requests['U1'].id}/cancel" in resumed
    for uid in kinds:  # no "closed in 24 hours" while it read as a review; a new one now
        reminders = [
            r for r in outbox_rows(engine, "cooling_off_reminder") if r["payload"]["uid"] == uid
        ]
        assert [r["voided_at"] is not None for r in reminders] == [True, True, False, False]
        new_end = stored(wf, requests[uid]).cooling_off_ends_at
        assert {r["deliver_after"] for r in reminders[2:]} == {new_end - timedelta(hours=24)}
    assert normalized(told["U1"], "U1", "u1", requests["U1"].id) == normalized(
        told["U2"], "U2", "u2", requests["U2"].id
    )


@pytest.mark.parametrize("language", [ENGLISH, SIMPLIFIED_CHINESE])
@pytest.mark.parametrize("other", OTHER_HOLDS)
def test_a_hold_lifted_before_verification_says_the_review_is_over_the_same_whatever_its_kind(
    engine, clock, config, other, language
) -> None:
    load(engine, account("U1"), account("U2"))
    wf = workflow(engine, clock, config)
    kinds = {"U1": HoldKind.AML_INVESTIGATION, "U2": other}
    requests = {uid: _requested(wf, uid, language, ClosureState.VERIFYING) for uid in kinds}
    _held_and_lifted(wf, clock, kinds, days=2)
    told = {uid: delivered(engine, clock, config, uid) for uid in kinds}
    for uid, request in requests.items():
        assert stored(wf, request).state is ClosureState.VERIFYING
        assert [topic(m) for m in told[uid]] == ["closure_on_hold", "closure_review_done_verify"]
        assert f"{BASE}/web/me" in told[uid][-1].get_content()  # where to verify from
    assert normalized(told["U1"], "U1", "u1", requests["U1"].id) == normalized(
        told["U2"], "U2", "u2", requests["U2"].id
    )


def test_a_legal_restriction_lifted_is_told_and_an_investigations_end_is_not(
    engine, clock, config
) -> None:
    load(engine, account("U1"), account("U2"), account("U3"), account("U4"))
    wf = workflow(engine, clock, config)
    kinds = {
        "U1": [HoldKind.JUDICIAL_FREEZE],
        "U2": [HoldKind.LAW_ENFORCEMENT],
        "U3": [HoldKind.AML_INVESTIGATION],
        "U4": [HoldKind.JUDICIAL_FREEZE, HoldKind.AML_INVESTIGATION],
    }
    for uid, held in kinds.items():
        first = closure.place_hold(wf, OFFICER_A, uid, held[0], "case 9")
        for kind in held[1:]:
            closure.place_hold(wf, OFFICER_A, uid, kind, "case 10")
        closure.lift_hold(wf, OFFICER_A, first, "done")
        assert not [r for r in outbox_rows(engine) if r["payload"]["uid"] == uid]  # one: not enough
        closure.lift_hold(wf, OFFICER_B, first, "done")
    told = {uid: delivered(engine, clock, config, uid) for uid in kinds}
    assert told["U3"] == []
    for uid in ("U1", "U2", "U4"):
        assert [topic(m) for m in told[uid]] == ["legal_hold_lifted"]
        assert f"{BASE}/web/me" in told[uid][0].get_content()
    assert (
        normalized(told["U1"], "U1", "u1")
        == normalized(told["U2"], "U2", "u2")
        == normalized(told["U4"], "U4", "u4")
    )


# -- the last two notices of a closure, in order ---------------------------------------------


def test_the_end_of_cooling_off_comes_before_the_account_closed(engine, clock, config) -> None:
    load(engine, account("U1000"))
    wf = workflow(engine, clock, config)
    request_in(wf, ClosureState.COOLING_OFF, cooling_off_ends_at=clock())
    assert len(execute_due(wf).closed) == 1  # two transactions in the same second
    mails = delivered(engine, clock, config)
    assert [topic(m) for m in mails] == ["cooling_off_ended", "closure_completed"]
    ended, closed = (m["Date"].datetime for m in mails)
    assert ended < closed  # a mail client sorting by date shows them in this order
