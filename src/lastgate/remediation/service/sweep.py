"""The dust sweep's use cases (quote, then execute) and the errors every dust use case
shares: stable codes, each refusing and changing nothing.

The customer acts on their own account; staff may act on any, and the audit names them. A
quote is honoured once, exactly, or refused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from lastgate.closure.ports import RemediationActions, UnitOfWork
from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.access import Principal, ensure_account_holder, ensure_may_read_account
from lastgate.kernel.errors import AccountClosed as AccountClosed  # re-exported
from lastgate.kernel.errors import Conflict, InvalidInput, NotFound
from lastgate.kernel.money import to_wire
from lastgate.kernel.policy import Policy
from lastgate.ledger.model import CustomerStatus, refuse_if_closed
from lastgate.remediation.model import (
    DustQuote,
    SweepResult,
    SweepTerms,
    build_quote,
    kept,
    price_moves,
    sweep_result,
)

ACCOUNT_HOLDER = "account_holder"

# -- errors -------------------------------------------------------------------------------


class QuoteNotFound(NotFound):
    """No such quote for this account."""

    code = "QUOTE_NOT_FOUND"


class QuoteExpired(Conflict):
    code = "QUOTE_EXPIRED"


class QuoteAlreadyUsed(Conflict):
    code = "QUOTE_ALREADY_USED"


class PriceMoved(Conflict):
    """An asset's price moved beyond the policy's limit since the quote; ask a new one."""

    code = "PRICE_MOVED"


class SweepTooFrequent(Conflict):
    code = "SWEEP_TOO_FREQUENT"


class BalancesChanged(Conflict):
    """A quoted balance no longer holds the quoted amount; ask a new quote."""

    code = "BALANCES_CHANGED"


class NothingToSweep(Conflict):
    code = "NOTHING_TO_SWEEP"


class SweepResultIsDust(Conflict):
    """What the sweep would leave in the funding account is still a small balance: the fee
    paid and closing still blocked. Not offered; give the small balances up instead."""

    code = "SWEEP_RESULT_DUST"


def refuse_if_dust(result: SweepResult | None) -> None:
    """``SweepResultIsDust`` unless what the sweep leaves is above the dust line."""
    if result is not None and not result.clears_line:
        raise SweepResultIsDust(
            f"converting would leave {to_wire(result.amount)} {result.asset}, worth "
            f"{to_wire(result.value_usd)} USD: not above the dust line of "
            f"{to_wire(result.line_usd)} USD, so closing would stay blocked; "
            "give the small balances up instead",
            details=[{"path": "result", "reason": to_wire(result.value_usd)}],
        )


class TargetUnpriced(Conflict):
    """The policy's target asset has no tradeable price: no sweep can be quoted."""

    code = "TARGET_UNPRICED"


class AccountFrozen(Conflict):
    """A frozen account cannot convert assets (a sweep is a trade)."""

    code = "ACCOUNT_FROZEN"


class ForfeitConsentRequired(InvalidInput):
    """The quote gives up assets that cannot be sold; the customer must consent."""

    code = "FORFEIT_CONSENT_REQUIRED"


# -- the port -----------------------------------------------------------------------------


def _actions(uow: UnitOfWork) -> RemediationActions:
    return uow.remediation


# -- helpers ------------------------------------------------------------------------------


def _policy(wf: Workflow, uid: str) -> Policy:
    state = wf.accounts.load(uid, withdrawals_since=wf.clock())
    return wf.policies.for_jurisdiction(state.jurisdiction)


def _terms(policy: Policy) -> SweepTerms:
    r = policy.remediation
    return SweepTerms(
        target_asset=r.dust_target_asset,
        fee_percent=r.dust_sweep_fee_percent,
        dust_tolerance_usd=policy.eligibility.dust_tolerance_usd,
        quote_ttl=timedelta(seconds=r.quote_ttl_seconds),
    )


def _refuse_closed(status: CustomerStatus) -> None:
    refuse_if_closed(status)  # the ledger's one rule: 409 ACCOUNT_CLOSED


def _ensure_may_sweep(actions: RemediationActions, uid: str, policy: Policy, now: datetime) -> None:
    status = actions.account_status(uid, lock=True)
    _refuse_closed(status)
    if status is CustomerStatus.FROZEN:
        raise AccountFrozen("the account is frozen: assets cannot be converted now")
    last = actions.last_sweep_at(uid)
    interval = timedelta(hours=policy.remediation.sweep_min_interval_hours)
    if last is not None and now < last + interval:
        raise SweepTooFrequent(
            f"one dust sweep per {policy.remediation.sweep_min_interval_hours} hours; "
            f"the next is possible from {(last + interval).isoformat()}",
            details=[{"path": "next_sweep_at", "reason": (last + interval).isoformat()}],
        )


def _subject(uid: str) -> str:
    return f"account:{uid}"


# -- the dust sweep -----------------------------------------------------------------------


def quote_dust_sweep(wf: Workflow, principal: Principal, uid: str) -> DustQuote:
    """Quote converting every dust balance that can be sold into the policy's target
    asset, net of the fee; refused (``SWEEP_RESULT_DUST``) when what it leaves would still
    be dust. Assets without a tradeable price are not touched: ``quote.kept`` names them.
    """
    ensure_may_read_account(principal, uid)
    policy = _policy(wf, uid)
    terms = _terms(policy)
    now = wf.clock()
    with wf.unit_of_work() as uow:
        actions = _actions(uow)
        _ensure_may_sweep(actions, uid, policy, now)
        target_price = actions.tradeable_prices([terms.target_asset]).get(terms.target_asset)
        if target_price is None:
            raise TargetUnpriced(f"{terms.target_asset} has no tradeable price now")
        quote = build_quote(
            quote_id=str(uuid.uuid4()),
            uid=uid,
            holdings=actions.dust_holdings(uid),
            target_price_usd=target_price,
            terms=terms,
            now=now,
        )
        if not quote.lines:
            raise NothingToSweep("no small balances that can be converted")
        refuse_if_dust(quote.result)
        actions.save_quote(quote)
        uow.audit.record(
            actor=principal.subject,
            action="dust_sweep.quoted",
            subject=_subject(uid),
            payload={
                "quote_id": quote.id,
                "role": principal.role.value,
                "lines": len(quote.lines),
                "kept": [h.asset for h in quote.kept],
                "net": to_wire(quote.net),
                "target_asset": quote.target_asset,
                "expires_at": quote.expires_at.isoformat(),
            },
        )
    return quote


def _usable_quote(actions: RemediationActions, uid: str, quote_id: str, now: datetime) -> DustQuote:
    """The customer's own quote ``quote_id``, not executed and not expired, or refused:
    someone else's is not found, so ids cannot be probed."""
    found = actions.find_quote(uid, quote_id)
    if found is None:
        raise QuoteNotFound(f"no dust-sweep quote {quote_id} for this account")
    quote, executed_at = found
    if executed_at is not None:
        raise QuoteAlreadyUsed(f"quote {quote_id} was executed at {executed_at.isoformat()}")
    if quote.expired(now):
        raise QuoteExpired(f"quote {quote_id} expired at {quote.expires_at.isoformat()}")
    return quote


def quote_to_confirm(wf: Workflow, principal: Principal, uid: str, quote_id: str) -> DustQuote:
    """The customer's own quote ``quote_id`` as its page shows it, the same on every
    opening (a reload, Back) and never a new one: with what it leaves (``result`` and
    ``kept``, not stored), judged on the balances now at the quoted price.
    ``QuoteNotFound``, ``QuoteAlreadyUsed``, ``QuoteExpired`` as its execution would say;
    changes nothing. The account holder's alone: they consent to it."""
    ensure_account_holder(principal, uid)
    terms = _terms(_policy(wf, uid))
    now = wf.clock()
    with wf.unit_of_work() as uow:
        actions = _actions(uow)
        _refuse_closed(actions.account_status(uid))
        quote = _usable_quote(actions, uid, quote_id, now)
        holdings = list(actions.dust_holdings(uid))
    result = sweep_result(holdings, quote.net, quote.target_price_usd, terms)
    return replace(quote, result=result, kept=kept(holdings, terms))


@dataclass(frozen=True, slots=True)
class SweepDone:
    """An executed sweep: the quote it honoured, when, and who consented to forfeits."""

    quote: DustQuote
    executed_at: datetime
    consent_by: str | None


def execute_dust_sweep(
    wf: Workflow, principal: Principal, uid: str, quote_id: str, *, forfeit_consent: bool
) -> SweepDone:
    """Honour a quote exactly, or refuse it with a stable code and change nothing. It
    trades (and may give up) the customer's money on their consent: theirs alone."""
    ensure_account_holder(principal, uid)
    policy = _policy(wf, uid)
    now = wf.clock()
    with wf.unit_of_work() as uow:
        actions = _actions(uow)
        # Locks the customer first: concurrent executions of one quote queue up here.
        status = actions.account_status(uid, lock=True)
        _refuse_closed(status)
        quote = _usable_quote(actions, uid, quote_id, now)
        _ensure_may_sweep(actions, uid, policy, now)
        if quote.forfeits and not forfeit_consent:
            raise ForfeitConsentRequired(
                "the sweep gives up assets that cannot be sold; consent is required",
                details=[{"path": "forfeit_consent", "reason": f.asset} for f in quote.forfeits],
            )
        _ensure_prices_hold(actions, quote, policy)
        if not actions.holds_quoted_balances(quote):
            raise BalancesChanged("balances changed since the quote; ask for a new one")
        _ensure_result_clears(actions, quote, policy)
        if not actions.claim_quote(quote.id, at=now, forfeit_consent=forfeit_consent):
            raise QuoteAlreadyUsed(f"quote {quote_id} was already executed")
        # Only the account holder gets here (ensure_account_holder): the consent is theirs.
        consent_by = ACCOUNT_HOLDER if quote.forfeits else None
        actions.sweep(quote, at=now, consent_by=consent_by)
        uow.audit.record(
            actor=principal.subject,
            action="dust_sweep.executed",
            subject=_subject(uid),
            payload={
                "quote_id": quote.id,
                "role": principal.role.value,
                "swept": [f"{x.account_type}:{x.asset}" for x in quote.conversions],
                "forfeited": [f"{x.account_type}:{x.asset}" for x in quote.forfeits],
                "forfeit_consent_by": consent_by,
                "gross": to_wire(quote.gross),
                "fee": to_wire(quote.fee),
                "net": to_wire(quote.net),
                "target_asset": quote.target_asset,
            },
        )
    return SweepDone(quote, now, consent_by)


def _ensure_result_clears(actions: RemediationActions, quote: DustQuote, policy: Policy) -> None:
    """What the sweep leaves, judged now (the funding balance may have moved since the
    quote, the target's price too): still dust, and it is refused before any trade."""
    price = actions.tradeable_prices([quote.target_asset]).get(quote.target_asset)
    if price is None:
        raise TargetUnpriced(f"{quote.target_asset} has no tradeable price now")
    holdings = actions.dust_holdings(quote.uid, lock=True)
    refuse_if_dust(sweep_result(holdings, quote.net, price, _terms(policy)))


def _ensure_prices_hold(actions: RemediationActions, quote: DustQuote, policy: Policy) -> None:
    """``PriceMoved`` if a quoted price moved more than the policy allows since the quote."""
    assets = {line.asset for line in quote.conversions} | {quote.target_asset}
    moves = price_moves(
        quote, actions.tradeable_prices(assets), policy.remediation.max_price_move_percent
    )
    if moves:
        raise PriceMoved(
            "prices moved more than "
            f"{to_wire(policy.remediation.max_price_move_percent)}% since the quote",
            details=[
                {
                    "path": m.asset,
                    "reason": f"quoted {to_wire(m.quoted)}, now "
                    + ("no price" if m.current is None else to_wire(m.current)),
                }
                for m in moves
            ],
        )


def executed_sweep(wf: Workflow, principal: Principal, uid: str, quote_id: str) -> DustQuote | None:
    """The customer's own quote ``quote_id`` once it has been executed (what the page after
    a sweep says was received); None for any other, or one not executed."""
    ensure_account_holder(principal, uid)
    with wf.unit_of_work() as uow:
        found = _actions(uow).find_quote(uid, quote_id)
    return found[0] if found is not None and found[1] is not None else None
