"""What the assistant's answers are made of: the items it says, the customer's situation
it reads (their report, their closure request, their freezes, the policy's figures), the
links it points to, and the item about one check of the customer's report.

Only customer-safe facts are here. The report is a ``CustomerReport`` (a confidential
check shows only as ``SUPPORT_REQUIRED``), and ``AccountFacts`` holds the account's status
and the two freezes a customer causes themselves, never a hold or its reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from lastgate.closure.model.lifecycle import ClosureRequest, ClosureState
from lastgate.eligibility.model.checks.restrictions import KeptLock
from lastgate.eligibility.model.identity_verification import DONE_ELSEWHERE, FINISH_THERE
from lastgate.eligibility.model.report import (
    Action,
    CheckCode,
    CheckStatus,
    CustomerCheck,
    CustomerReport,
    Evidence,
    Resolver,
)
from lastgate.kernel.i18n import translate
from lastgate.kernel.messages import N_, Message
from lastgate.kernel.money import to_wire
from lastgate.kernel.present.formats import sentences
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
GO_HERE = N_("You can do it here: {url}")
#: A block only time ends (``Resolver.TIME``): neither a fix nor a person, its line.
SEE_IT_HERE = N_("Your self-check shows it with the date it ends: {url}")
SEE_IT_LABEL = N_("See it on the self-check")
#: The last line of an item that the Help page shows as a button instead.
LINK_LINES = frozenset({FIX_HERE, TALK_TO_PERSON, GO_HERE, SEE_IT_HERE})
REVIEW_NOTE = N_("This does not block closing, but a person will review your request.")
_ACCOUNT_TYPES = frozenset(t.value for t in AccountType)
_BALANCE_CODES = frozenset({CheckCode.ASSETS_REMAINING, CheckCode.DUST_REMAINING})
_PERSON_ACTIONS = frozenset({Action.CONTACT_SUPPORT, Action.NONE, Action.WAIT})


@dataclass(frozen=True, slots=True)
class AnswerItem:
    """What the assistant says about one thing: lines to render, and where to act.
    ``label`` names the button when it is neither a fix nor the hand-off."""

    code: str
    lines: tuple[Message, ...]
    action: str
    link: str
    label: Message | None = None


def shown_lines(item: AnswerItem) -> tuple[Message, ...]:
    """The lines of ``item`` as the customer reads them: a line that only says where to go
    (``LINK_LINES``, always an item's last) is a button on the Help page, not words, so it
    is neither shown nor recorded in the conversation (its link may be the API's)."""
    return tuple(line for line in item.lines if line.msgid not in LINK_LINES)


#: A line that is one of numbered steps ("1. The self-check lists…"): its msgid's start.
_STEP = re.compile(r"\d+\.\s")


def spoken_text(lines: Iterable[Message], language: str) -> str:
    """Lines said as one text in ``language``: their sentences joined as the language
    writes them, except that each numbered step starts a line of its own, so that a
    transcript or an API client shows the steps as the Help page does, one under another,
    never run together after the line that introduces them."""
    paragraphs: list[list[str]] = []
    for line in lines:
        if not paragraphs or _STEP.match(line.msgid):
            paragraphs.append([])
        paragraphs[-1].append(translate(line, language))
    return "\n".join(text for part in paragraphs if (text := sentences(part, language)))


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """The account's status and the freezes the customer caused: their own (which they
    may lift from ``unfreeze_after``) and their closure's cooling-off."""

    frozen: bool
    closed: bool
    own_freeze: bool
    unfreeze_after: datetime | None
    closure_freeze: bool
    #: Frozen to protect it (a suspected takeover, by the customer or by our team): only
    #: the security team lifts it. Customer-safe: the settings page says so too.
    protective_freeze: bool = False
    #: The closure request's rejection was upheld on appeal: no appeal is offered again.
    rejection_final: bool = False
    #: The refused appeal that keeps the risk lock: no appeal of it is offered again
    #: (``desk.service.appeals.kept_lock``).
    lock_appeal: KeptLock | None = None


@dataclass(frozen=True, slots=True)
class Terms:
    """The policy's figures the answers quote, for the account's jurisdiction."""

    dust_tolerance_usd: Decimal
    dust_target_asset: str
    dust_sweep_fee_percent: Decimal
    cooling_off_days: int
    unfreeze_delay_hours: int
    recovery_waiting_hours: int
    retention_years: int
    security_cooldown_days: int = 0


@dataclass(frozen=True, slots=True)
class DeskLinks:
    """Where the answers send the customer: absolute links under ``base``."""

    base: str
    uid: str
    #: The exchange's identity verification page, if the policy names one.
    identity: str | None = None

    def fix(self, code: CheckCode) -> str:
        """A check's line on the self-check page (``check-<code>`` is its id there)."""
        return f"{self.base}/web/me#check-{code.value}"

    def topic(self, category: str, closure_id: str | None = None) -> str:
        """The form that writes to support, with the ticket's topic chosen."""
        query = {"category": category} | ({"closure": closure_id} if closure_id else {})
        return f"{self.base}/web/tickets?{urlencode(query)}#new"

    def closure(self, request_id: str) -> str:
        return f"{self.base}/web/closure/{request_id}"

    def page(self, path: str) -> str:
        return f"{self.base}{path}"

    @property
    def handoff(self) -> str:
        return f"{self.base}/v1/accounts/{self.uid}/assistant/handoff"

    @property
    def start(self) -> str:
        return f"{self.base}/web/me/close"


@dataclass(frozen=True, slots=True)
class Situation:
    """Everything an answer may read about the customer, as of ``report.checked_at``."""

    report: CustomerReport
    closure: ClosureRequest | None
    facts: AccountFacts
    terms: Terms
    links: DeskLinks

    @property
    def now(self) -> datetime:
        return self.report.checked_at

    def failing(self, code: CheckCode) -> CustomerCheck | None:
        """The check ``code`` when it does not pass, else None."""
        found = next((c for c in self.report.checks if c.code is code), None)
        return found if found is not None and found.status is not CheckStatus.PASS else None

    def closure_in(self, *states: ClosureState) -> ClosureRequest | None:
        return self.closure if self.closure and self.closure.state in states else None


def when(moment: datetime) -> str:
    """A moment as a message parameter: ISO 8601, which ``kernel.i18n.translate`` writes
    in the reader's date format (``kernel.present``), as for every model's message."""
    return moment.astimezone(UTC).isoformat()


def parse_time(value: str) -> datetime | None:
    """An evidence time (ISO 8601), or None for ``unknown`` and anything unreadable."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def link_line(url: str, *, person: bool = False) -> Message:
    return Message(TALK_TO_PERSON if person else GO_HERE, {"url": url})


def _amount(evidence: Evidence) -> str:
    try:
        total = Decimal(evidence.get("available", "0")) + Decimal(evidence.get("frozen", "0"))
    except InvalidOperation:
        return evidence.get("available", "?")
    return to_wire(total)


def balance_lines(check: CustomerCheck) -> list[Message]:
    """One sentence per balance in the check's evidence, naming its account."""
    return [
        Message(
            BALANCE_LINES[AccountType(e["account_type"])],
            {"amount": _amount(e), "asset": e["asset"]},
        )
        for e in check.evidence
        if "asset" in e and e.get("account_type") in _ACCOUNT_TYPES
    ]


def appeal_answer(links: DeskLinks, kept: KeptLock) -> tuple[str, Message]:
    """Where a risk lock kept on appeal leads, and the button's words, as on the
    self-check's card (``KeptLock.way``)."""
    path, label = kept.way
    return links.page(path), Message(label)


def check_item(
    check: CustomerCheck, links: DeskLinks, *, lock_appeal: KeptLock | None = None
) -> AnswerItem:
    """What the check found, with its evidence spelled out, the fix, and a link: the
    self-check line for what the customer can fix, the hand-off for what a person must;
    a risk lock kept on appeal (``lock_appeal``) leads where its card does."""
    lines: list[Message] = [check.message]
    if check.code in _BALANCE_CODES:
        lines.extend(balance_lines(check))
    if check.status is CheckStatus.REVIEW:
        lines.append(Message(REVIEW_NOTE))
    if check.remediation.message.msgid:
        lines.append(check.remediation.message)
    action = check.remediation.action.value
    if check.remediation.action is Action.COMPLETE_KYC:  # never the self-check: a loop
        return _identity_item(check, lines, links)
    if check.resolver is Resolver.TIME:  # no one can lift it: no person is offered
        link = links.fix(check.code)
        lines.append(Message(SEE_IT_HERE, {"url": link}))
        return AnswerItem(check.code.value, tuple(lines), action, link, Message(SEE_IT_LABEL))
    if check.code is CheckCode.RISK_LOCK and lock_appeal is not None:
        link, label = appeal_answer(links, lock_appeal)
        lines.append(link_line(link))
        return AnswerItem(check.code.value, tuple(lines), action, link, label)
    person = check.remediation.action in _PERSON_ACTIONS and check.resolver is not Resolver.USER
    link = links.handoff if person else links.fix(check.code)
    lines.append(Message(TALK_TO_PERSON if person else FIX_HERE, {"url": link}))
    return AnswerItem(check.code.value, tuple(lines), action, link)


def _identity_item(check: CustomerCheck, lines: list[Message], links: DeskLinks) -> AnswerItem:
    """Identity verification is finished on the exchange's side: its page when the policy
    names one, else where it is done, in words, and a person (the card offers the same)."""
    action = check.remediation.action.value
    if links.identity:
        lines.append(Message(GO_HERE, {"url": links.identity}))
        return AnswerItem(
            check.code.value, tuple(lines), action, links.identity, Message(FINISH_THERE)
        )
    lines += [Message(DONE_ELSEWHERE), Message(TALK_TO_PERSON, {"url": links.handoff})]
    return AnswerItem(check.code.value, tuple(lines), action, links.handoff)
