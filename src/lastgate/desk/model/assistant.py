"""The assistant, first in line: it answers from the customer's live eligibility report
and closure state, then from the knowledge base.

It only ever reads the customer's report (``CustomerReport``, the type says so), so a
confidential check such as an AML investigation can never be named or hinted at: it
shows as the same "contact support" that any other support matter shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lastgate.closure.model.lifecycle import ClosureRequest, ClosureState
from lastgate.desk.model.knowledge import Article, KnowledgeBase
from lastgate.eligibility.model.report import (
    Action,
    CheckCode,
    CheckStatus,
    CustomerCheck,
    CustomerReport,
    Evidence,
)
from lastgate.kernel.messages import N_, Message
from lastgate.kernel.money import to_wire
from lastgate.ledger.model import AccountType

#: One whole sentence per account type, so that each language names the account itself.
BALANCE_LINES: dict[AccountType, str] = {
    AccountType.FUNDING: N_("{amount} {asset} remains in your funding account."),
    AccountType.TRADING: N_("{amount} {asset} remains in your trading account."),
    AccountType.MARGIN: N_("{amount} {asset} remains in your margin account."),
    AccountType.FUTURES: N_("{amount} {asset} remains in your futures account."),
    AccountType.OPTIONS: N_("{amount} {asset} remains in your options account."),
    AccountType.EARN: N_("{amount} {asset} remains in your earn account."),
    AccountType.FIAT: N_("{amount} {asset} remains in your fiat account."),
}
FIX_HERE = N_("You can fix it here: {url}")
TALK_TO_PERSON = N_("A person can help with this: {url}")
ALL_CLEAR = N_("Nothing blocks closing your account now. You can start here: {url}")
REVIEW_NOTE = N_("This does not block closing, but a person will review your request.")
STATE_LINES: dict[ClosureState, str] = {
    ClosureState.DRAFT: N_("Your closure request is waiting for you to confirm it is you."),
    ClosureState.VERIFYING: N_("Your closure request is waiting for your second factor."),
    ClosureState.IN_REVIEW: N_("Your closure request is being reviewed by our team."),
    ClosureState.COOLING_OFF: N_(
        "Your account will be closed after the cooling-off period; you can still cancel."
    ),
    ClosureState.EXECUTING: N_("Your account is being closed now."),
    ClosureState.CLOSED: N_("Your account is closed."),
    ClosureState.REJECTED: N_(
        "Your closure request was rejected. You can appeal: talk to a person."
    ),
    ClosureState.CANCELLED: N_("Your last closure request was cancelled."),
    ClosureState.BLOCKED: N_(
        "The final check of your last closure request found a blocker; fix it and submit again."
    ),
    ClosureState.ON_HOLD: N_(
        "Your closure request is on hold; we will tell you when it continues."
    ),
}
_ACCOUNT_TYPES = frozenset(t.value for t in AccountType)
_BALANCE_CODES = frozenset({CheckCode.ASSETS_REMAINING, CheckCode.DUST_REMAINING})
_PERSON_ACTIONS = frozenset({Action.CONTACT_SUPPORT, Action.NONE, Action.WAIT})


@dataclass(frozen=True, slots=True)
class AnswerItem:
    """What the assistant says about one check: lines to render, and where to act."""

    code: str
    lines: tuple[Message, ...]
    action: str
    link: str


@dataclass(frozen=True, slots=True)
class AssistantAnswer:
    """The whole answer: the account's situation first, then matching articles."""

    items: tuple[AnswerItem, ...]
    closure_state: str | None
    articles: tuple[Article, ...]
    handoff_link: str


Links = Callable[[CustomerCheck], str]


def _amount(evidence: Evidence) -> str:
    try:
        total = Decimal(evidence.get("available", "0")) + Decimal(evidence.get("frozen", "0"))
    except InvalidOperation:
        return evidence.get("available", "?")
    return to_wire(total)


def _item(check: CustomerCheck, link_for: Links, handoff_link: str) -> AnswerItem:
    lines: list[Message] = [check.message]
    if check.code in _BALANCE_CODES:
        lines.extend(
            Message(
                BALANCE_LINES[AccountType(e["account_type"])],
                {"amount": _amount(e), "asset": e["asset"]},
            )
            for e in check.evidence
            if "asset" in e and e.get("account_type") in _ACCOUNT_TYPES
        )
    if check.status is CheckStatus.REVIEW:
        lines.append(Message(REVIEW_NOTE))
    if check.remediation.message.msgid:
        lines.append(check.remediation.message)
    person = check.remediation.action in _PERSON_ACTIONS and check.resolver.value != "user"
    link = handoff_link if person else link_for(check)
    lines.append(Message(TALK_TO_PERSON if person else FIX_HERE, {"url": link}))
    return AnswerItem(check.code.value, tuple(lines), check.remediation.action.value, link)


def answer(
    report: CustomerReport,
    closure: ClosureRequest | None,
    question: str,
    language: str,
    knowledge: KnowledgeBase,
    *,
    link_for: Links,
    start_link: str,
    handoff_link: str,
) -> AssistantAnswer:
    """The assistant's answer to ``question`` for the account ``report`` describes."""
    relevant = [c for c in report.checks if c.status is not CheckStatus.PASS]
    items = [_item(c, link_for, handoff_link) for c in relevant]
    if not relevant and (closure is None or not closure.is_open):
        items.append(
            AnswerItem("ELIGIBLE", (Message(ALL_CLEAR, {"url": start_link}),), "close", start_link)
        )
    if closure is not None:
        items.insert(
            0,
            AnswerItem(
                "CLOSURE_STATE",
                (Message(STATE_LINES[closure.state]),),
                "talk_to_person" if closure.state is ClosureState.REJECTED else "none",
                handoff_link,
            ),
        )
    return AssistantAnswer(
        items=tuple(items),
        closure_state=closure.state.value if closure else None,
        articles=tuple(knowledge.search(question, language)),
        handoff_link=handoff_link,
    )
