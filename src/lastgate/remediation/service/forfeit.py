"""The end of the dust path: what the self-check can offer for small balances now, and the
forfeit of every small balance left, given up only with the customer's explicit consent.

A forfeit is all or nothing: it names every balance on the dust side of the line, each
with its exact amount, as the customer read them on the page; if the list is not the
account's list any more, or its total is above the policy's limit, it is refused and
nothing changes. The balances are emptied, each recorded as a ``dust_forfeit`` ledger
entry naming who consented, and the consent, with every amount and value, goes into the
audit log in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from lastgate.closure.service.workflow import Workflow
from lastgate.kernel.access import Principal, ensure_account_holder, ensure_may_read_account
from lastgate.kernel.errors import Conflict, InvalidInput
from lastgate.kernel.money import to_wire
from lastgate.kernel.policy import Policy
from lastgate.ledger.model import CustomerStatus
from lastgate.remediation.model import (
    DustPlan,
    ForfeitLine,
    ForfeitOffer,
    Holding,
    converted,
    forfeit_keys,
    forfeit_offer,
    would_leave,
)
from lastgate.remediation.service.sweep import (
    ACCOUNT_HOLDER,
    AccountFrozen,
    BalancesChanged,
    ForfeitConsentRequired,
    _actions,
    _policy,
    _refuse_closed,
    _subject,
    _terms,
)

Balance = tuple[str, str, Decimal]


class NothingToForfeit(Conflict):
    """No small balance is left to give up."""

    code = "NOTHING_TO_FORFEIT"


class ForfeitOverLimit(Conflict):
    """The small balances are worth more in total than the policy lets a customer give up:
    worth that much, the sweep converts them into an asset instead."""

    code = "FORFEIT_OVER_LIMIT"


def _offer(policy: Policy, uid: str, holdings: Iterable[Holding]) -> ForfeitOffer:
    return forfeit_offer(
        uid,
        holdings,
        tolerance_usd=policy.eligibility.dust_tolerance_usd,
        limit_usd=policy.dust_forfeit_limit_usd,
    )


def dust_plan(wf: Workflow, principal: Principal, uid: str) -> DustPlan:
    """What can be done about the account's small balances now; reads, changes nothing."""
    ensure_may_read_account(principal, uid)
    policy = _policy(wf, uid)
    terms = _terms(policy)
    now = wf.clock()
    with wf.unit_of_work() as uow:
        actions = _actions(uow)
        status = actions.account_status(uid)
        holdings = list(actions.dust_holdings(uid))
        last = actions.last_sweep_at(uid)
        target_price = actions.tradeable_prices([terms.target_asset]).get(terms.target_asset)
    interval = timedelta(hours=policy.remediation.sweep_min_interval_hours)
    next_at = None if last is None or now >= last + interval else last + interval
    sold = len(converted(holdings, terms))
    plan = DustPlan(
        convertible=sold > 0,
        sweep=False,
        next_sweep_at=next_at,
        frozen=status is CustomerStatus.FROZEN,
        forfeit=_offer(policy, uid, holdings),
        result=would_leave(holdings, target_price, terms),
        converts=sold,
    )
    # Offered only when it unblocks: what it leaves is above the line (``worth_converting``).
    may_run = status is CustomerStatus.ACTIVE and next_at is None
    return replace(plan, sweep=plan.worth_converting and may_run)


def dust_forfeit_offer(wf: Workflow, principal: Principal, uid: str) -> ForfeitOffer:
    """Every small balance, valued now, with the policy's limit; reads, changes nothing."""
    ensure_may_read_account(principal, uid)
    policy = _policy(wf, uid)
    with wf.unit_of_work() as uow:
        return _offer(policy, uid, _actions(uow).dust_holdings(uid))


@dataclass(frozen=True, slots=True)
class ForfeitDone:
    """A forfeit carried out: its reference, what was given up, when, and who consented."""

    id: str
    offer: ForfeitOffer
    at: datetime
    consent_by: str


def _ensure_named_exactly(offer: ForfeitOffer, named: list[Balance]) -> None:
    if len(set(named)) != len(named):
        raise InvalidInput(
            "a balance is named twice", details=[{"path": "balances", "reason": "duplicate"}]
        )
    if not offer.lines and not named:
        raise NothingToForfeit("no small balances are left to give up")
    if sorted(named) != forfeit_keys(offer.lines):
        raise BalancesChanged(
            "the small balances are not the ones listed any more; read the new list"
        )
    if not offer.within_limit:
        raise ForfeitOverLimit(
            f"the small balances are worth {to_wire(offer.total_usd)} USD, more than the "
            f"{to_wire(offer.limit_usd)} USD that can be given up; convert them instead",
            details=[{"path": "total_usd", "reason": to_wire(offer.total_usd)}],
        )


def _line_payload(line: ForfeitLine) -> dict[str, str | None]:
    return {
        "account_type": line.account_type,
        "asset": line.asset,
        "amount": to_wire(line.amount),
        "value_usd": None if line.value_usd is None else to_wire(line.value_usd),
    }


def forfeit_dust(
    wf: Workflow, principal: Principal, uid: str, named: list[Balance], *, consent: bool
) -> ForfeitDone:
    """Give up every small balance ``named`` lists, with consent, or refuse and change
    nothing: 422 ``FORFEIT_CONSENT_REQUIRED``; 409 ``ACCOUNT_CLOSED``, ``ACCOUNT_FROZEN``,
    ``NOTHING_TO_FORFEIT``, ``BALANCES_CHANGED``, ``FORFEIT_OVER_LIMIT``. The consent
    is the customer's alone: 403 ``FORBIDDEN`` for staff."""
    ensure_account_holder(principal, uid)
    if not consent:
        raise ForfeitConsentRequired(
            "giving up balances needs the customer's explicit consent",
            details=[{"path": "consent", "reason": "required"}],
        )
    policy = _policy(wf, uid)
    now = wf.clock()
    with wf.unit_of_work() as uow:
        actions = _actions(uow)
        # The customer row first, as a sweep does: a sweep and a forfeit never interleave.
        status = actions.account_status(uid, lock=True)
        _refuse_closed(status)
        if status is CustomerStatus.FROZEN:
            raise AccountFrozen("the account is frozen: balances cannot move now")
        offer = _offer(policy, uid, actions.dust_holdings(uid, lock=True))
        _ensure_named_exactly(offer, named)
        done = ForfeitDone(str(uuid.uuid4()), offer, now, ACCOUNT_HOLDER)
        actions.forfeit(uid, offer.lines, at=now, ref=done.id, consent_by=done.consent_by)
        uow.audit.record(
            actor=principal.subject,
            action="dust.forfeited",
            subject=_subject(uid),
            payload={
                "forfeit_id": done.id,
                "role": principal.role.value,
                "consent": True,
                "consent_by": done.consent_by,
                "balances": [_line_payload(line) for line in offer.lines],
                "total_usd": to_wire(offer.total_usd),
                "limit_usd": to_wire(offer.limit_usd),
            },
        )
    return done
