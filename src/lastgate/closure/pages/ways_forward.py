"""Where each blocker's card on the self-check leads: a one-step fix, a page, a ticket with
the right topic already chosen, or the date when time resolves it. Never nowhere: a
blocker lastgate cannot fix and time does not end leads to the person who can resolve it.

Pure: it reads the customer's check (never the internal one, so a confidential hold can
only lead where ``SUPPORT_REQUIRED`` leads, an ordinary support ticket), what the dust
sweep and the forfeit can do now, and the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlencode

from lastgate.desk.model.tickets import TicketCategory, topic_for
from lastgate.eligibility.model import dust_line
from lastgate.eligibility.model.checks.restrictions import KeptLock
from lastgate.eligibility.model.checks.transfers import LANDS_AS
from lastgate.eligibility.model.on_the_exchange import STEPS as DONE_THERE
from lastgate.eligibility.model.on_the_exchange import page_for
from lastgate.eligibility.model.report import (
    Action,
    CheckCode,
    CheckStatus,
    CustomerCheck,
    CustomerReport,
)
from lastgate.kernel.messages import N_, N_plural
from lastgate.kernel.policy import ExchangePages
from lastgate.remediation.model import (
    GIVE_UP,
    SWEEP_LEAVES_DUST,
    DustPlan,
    ForfeitOffer,
    SweepResult,
)


class WayKind(StrEnum):
    FIX = "fix"  # a form on the card that fixes it in one step (POST)
    CONFIRM = "confirm"  # a fix that cannot be undone: its page says what happens, then asks
    PAGE = "page"  # a page of lastgate that leads on
    TICKET = "ticket"  # the form to write to support, its topic chosen
    WAIT = "wait"  # time resolves it, on the date given
    NOTE = "note"  # no action: why a fix one might expect is not offered
    ELSEWHERE = "elsewhere"  # the exchange's own page (its app or website), not lastgate's


@dataclass(frozen=True, slots=True)
class Way:
    """One way forward from a card: what it is, its label (a msgid; with ``plural``, the
    pair whose form ``count`` picks), and where it leads; a note on a sweep not offered
    carries the result it would leave (``result``), one on a forfeit not offered the offer
    that is over the limit (``forfeit``)."""

    kind: WayKind
    label: str
    href: str = ""
    at: datetime | None = None
    result: SweepResult | None = None
    forfeit: ForfeitOffer | None = None
    plural: str = ""
    count: int = 1


#: The fixes lastgate does itself, one button each (``/web/me/fix/{action}``); none can be
#: undone, so each leads to a page that says what will happen and asks to confirm.
ONE_STEP_LABELS: dict[Action, str] = {
    Action.CANCEL_ORDERS: N_("Cancel all open orders"),
    Action.REVOKE_API_KEYS: N_("Revoke all API keys"),
    Action.STOP_AUTOMATIONS: N_("Stop all automations"),
}
WRITE_TO_SUPPORT = N_("Write to our support team")
RESOLVES_BY = N_("Time resolves this: expected by {when}. Check again then.")
SWEEP = N_("Convert small balances")
SWEEP_AGAIN_FROM = N_("Converting is possible again from {when}.")
#: Giving up every balance the card lists (the small-balances page is headed the same).
FORFEIT = GIVE_UP
FORFEIT_INSTEAD = N_plural("Give it up instead of converting", "Give them up instead of converting")
#: Why the card, which names giving up as a way, offers no forfeit: over the policy's limit.
FORFEIT_OVER_LIMIT = N_(
    "Giving them up is not offered here: together these balances are worth {worth}, more "
    "than the {limit} that may be given up at once."
)
UNFREEZE_FIRST = N_("Your account is frozen: unfreeze it first")
#: Where small balances are settled: the page that lists them, with the sweep and the
#: forfeit each offered when allowed (``remediation.pages``).
SMALL_BALANCES = "/web/me/dust-forfeit"
ARRIVES_BY = N_(
    "Expected to arrive by {when}. Once it has arrived, settling it as a small balance is "
    "possible here: check again then."
)
#: A transfer in flight past the time it was expected by: said, and support offered.
OVERDUE = N_("It was expected by {when} and is late. Our support team can find out why.")
_TRANSFERS = (CheckCode.DEPOSIT_PENDING, CheckCode.WITHDRAWAL_PENDING)
#: The freeze for a suspected takeover, with the session alone (``pages.takeover``).
SECURE_PAGE = "/web/me/secure"
COOLDOWN_ENDS = N_("The block ends on its own on {when}. Check again then.")
NOT_YOU_FREEZE = N_("Not your change? Freeze your account now")
PROTECTED_SEE_NEXT = N_("Your account is frozen to protect it: see what happens next")
NOT_YOU_WRITE = N_("Not your change? Tell our security team")


#: No page of the exchange's named (``exchange`` not given): each step done there is said.
NO_PAGES = ExchangePages()


def ticket_link(code: CheckCode) -> str:
    """The new-ticket form with the topic for ``code`` preselected."""
    return f"/web/tickets?{urlencode({'category': topic_for(code).value})}#new"


def _ticket(check: CustomerCheck) -> Way:
    return Way(WayKind.TICKET, WRITE_TO_SUPPORT, ticket_link(check.code))


def _dust(check: CustomerCheck, dust: DustPlan) -> list[Way]:
    """Every way the policy allows now, from the start: the sweep (it keeps their value)
    and, as the customer prefers, giving them up without converting."""
    if dust.frozen:  # neither a sweep nor a forfeit moves a frozen account's balances
        return [Way(WayKind.PAGE, UNFREEZE_FIRST, "/web/me/settings")]
    ways: list[Way] = []
    if dust.sweep:
        ways.append(Way(WayKind.FIX, SWEEP, "/web/me/dust-sweep"))
    elif dust.leaves_dust:  # the fee paid and still blocked: said, never offered
        ways.append(Way(WayKind.NOTE, SWEEP_LEAVES_DUST, result=dust.result))
    if dust.forfeit.allowed:
        singular, plural = FORFEIT_INSTEAD if dust.sweep else FORFEIT
        count = len(dust.forfeit.lines)
        ways.append(Way(WayKind.PAGE, singular, SMALL_BALANCES, plural=plural, count=count))
        if not dust.sweep and dust.worth_converting and dust.next_sweep_at is not None:
            ways.append(Way(WayKind.WAIT, SWEEP_AGAIN_FROM, at=dust.next_sweep_at))
    elif dust.forfeit.lines:  # the card's text names giving up: say why it is not here
        ways.append(Way(WayKind.NOTE, FORFEIT_OVER_LIMIT, forfeit=dust.forfeit))
    if not any(w.kind is not WayKind.NOTE for w in ways):
        # Worth more than may be given up: withdrawn on the exchange, or support.
        ways.append(_ticket(check))
    return ways


def lands_as_dust(check: CustomerCheck) -> bool:
    """A deposit in flight that is a small balance once it lands (the check's verdict)."""
    return any(e.get(LANDS_AS) == dust_line.Side.DUST.value for e in check.evidence)


def _cooldown(check: CustomerCheck, now: datetime, protected: bool) -> list[Way]:
    """Only time ends it (no one can lift it early): the date; and, should the change not
    be the customer's, how to secure the account (once secured, what happens next)."""
    ways: list[Way] = []
    ends_at = check.remediation.resolves_at
    if ends_at is not None and ends_at > now:
        ways.append(Way(WayKind.WAIT, COOLDOWN_ENDS, at=ends_at))
    # Not theirs: a suspected takeover. The freeze that needs no authenticator (whoever
    # changed it may hold it), and the security team, who ask what the case needs (a
    # recovery ticket would ask for an ID and a video: that is for a lost factor).
    takeover = urlencode({"category": TicketCategory.ACCOUNT_TAKEOVER.value})
    ways.append(Way(WayKind.PAGE, PROTECTED_SEE_NEXT if protected else NOT_YOU_FREEZE, SECURE_PAGE))
    ways.append(Way(WayKind.TICKET, NOT_YOU_WRITE, f"/web/tickets?{takeover}#new"))
    return ways


def _on_the_exchange(check: CustomerCheck, exchange: ExchangePages) -> list[Way]:
    """A step done on the exchange's side (``on_the_exchange``): its page when the policy
    names it, else where it is done, in words (lastgate has no such page)."""
    action = check.remediation.action
    address = page_for(exchange, action)
    step = DONE_THERE[action]
    return [
        Way(WayKind.ELSEWHERE, step.button, address) if address else Way(WayKind.NOTE, step.note)
    ]


def ways_forward(
    check: CustomerCheck,
    *,
    now: datetime,
    dust: DustPlan | None,
    lock_appeal: KeptLock | None = None,
    exchange: ExchangePages = NO_PAGES,
    protected: bool = False,
) -> tuple[Way, ...]:
    """Every way forward from ``check``'s card; empty only for a check that does not block
    (a review needs nothing from the customer). ``lock_appeal``: the refused appeal that
    keeps the risk lock, whose ticket the card leads back to while it takes a reply, then
    to a new ticket (``KeptLock.way``), never to a new appeal's words; ``exchange``: the
    exchange's own pages the policy names, for the steps done there; ``protected``: the
    account is under a protective freeze (the customer froze it for a suspected
    takeover, or compliance did)."""
    if check.status is not CheckStatus.BLOCK:
        return ()
    if check.code is CheckCode.RISK_LOCK and lock_appeal is not None:
        path, label = lock_appeal.way
        return (Way(WayKind.PAGE, label, path),)
    action = check.remediation.action
    if action in ONE_STEP_LABELS:
        return (Way(WayKind.CONFIRM, ONE_STEP_LABELS[action], f"/web/me/fix/{action.value}"),)
    if action is Action.SWEEP_DUST and dust is not None:
        return tuple(_dust(check, dust))
    if check.code is CheckCode.SECURITY_COOLDOWN:
        return tuple(_cooldown(check, now, protected))
    ways = _on_the_exchange(check, exchange) if action in DONE_THERE else []
    resolves_at = check.remediation.resolves_at
    settle = check.code is CheckCode.DEPOSIT_PENDING and lands_as_dust(check)
    # A small deposit is settled once it has landed, not before: the date, never a button.
    if resolves_at is not None and resolves_at > now:
        ways.append(Way(WayKind.WAIT, ARRIVES_BY if settle else RESOLVES_BY, at=resolves_at))
    elif resolves_at is not None and check.code in _TRANSFERS:  # late: said so, with when
        ways.append(Way(WayKind.NOTE, OVERDUE, at=resolves_at))
    if action is not Action.WAIT or not any(w.kind is WayKind.WAIT for w in ways):
        # Not for time alone (or overdue, or nobody knows when): a person can help.
        ways.append(_ticket(check))
    return tuple(ways)


def ways_for(
    report: CustomerReport,
    *,
    now: datetime,
    dust: DustPlan | None,
    lock_appeal: KeptLock | None = None,
    exchange: ExchangePages = NO_PAGES,
    protected: bool = False,
) -> dict[str, tuple[Way, ...]]:
    """Each check code of ``report`` → its ways forward."""
    return {
        c.code.value: ways_forward(
            c,
            now=now,
            dust=dust,
            lock_appeal=lock_appeal,
            exchange=exchange,
            protected=protected,
        )
        for c in report.checks
    }


def needs_dust_plan(report: CustomerReport) -> bool:
    """The dust card's ways depend on what a sweep and a forfeit can do now."""
    return report.result(CheckCode.DUST_REMAINING).status is CheckStatus.BLOCK
