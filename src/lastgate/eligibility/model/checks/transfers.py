"""Deposits and withdrawals: ``DEPOSIT_PENDING``, ``WITHDRAWAL_PENDING``, and
``WITHDRAWAL_REVIEW`` (a total above the threshold at current prices asks for a review)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from lastgate.eligibility.model import dust_line
from lastgate.eligibility.model.checks import small_balances
from lastgate.eligibility.model.checks.result import iso, result
from lastgate.eligibility.model.checks.small_balances import say, shown_value, unpriced_count
from lastgate.eligibility.model.report import (
    Action,
    CheckCode,
    CheckResult,
    CheckStatus,
    Evidence,
    Remediation,
    Resolver,
)
from lastgate.kernel.messages import N_, Message, N_plural
from lastgate.kernel.money import ZERO, to_wire
from lastgate.kernel.policy import Policy
from lastgate.ledger.model import (
    IN_FLIGHT_TRANSFER_STATUSES,
    AccountState,
    AccountType,
    TransferDirection,
    TransferStatus,
)

#: The field of a deposit's evidence that says which side of the dust line it lands on.
LANDS_AS = "lands_as"


def _in_flight(state: AccountState, direction: TransferDirection) -> list[Evidence]:
    return [
        {
            "id": t.id,
            "asset": t.asset,
            "amount": to_wire(t.amount),
            "status": t.status.value,
            "created_at": iso(t.created_at),
            "expected_completion_at": (
                iso(t.expected_completion_at) if t.expected_completion_at else "unknown"
            ),
        }
        for t in state.transfers
        if t.direction is direction and t.status in IN_FLIGHT_TRANSFER_STATUSES
    ]


def _landing_sides(state: AccountState, policy: Policy) -> dict[str, dust_line.Side]:
    """Each asset being deposited → the side of the dust line its funding balance is on once
    every deposit of it in flight has landed (``dust_line``, the check's own line)."""
    landing: dict[str, Decimal] = {}
    for t in state.transfers:
        if t.direction is TransferDirection.DEPOSIT and t.status in IN_FLIGHT_TRANSFER_STATUSES:
            landing[t.asset] = dust_line.total(landing.get(t.asset, ZERO), t.amount)
    for b in state.balances:
        if b.account_type is AccountType.FUNDING and b.asset in landing:
            held = dust_line.total(b.available, b.frozen)
            landing[b.asset] = dust_line.total(landing[b.asset], held)
    tolerance = policy.eligibility.dust_tolerance_usd
    sides: dict[str, dust_line.Side] = {}
    for asset, amount in landing.items():
        judged = dust_line.judge(amount, state.prices.get(asset), tolerance)
        sides[asset] = dust_line.Side.ASSET if judged is None else judged.side
    return sides


def _value(state: AccountState, deposit: Evidence) -> str:
    """The deposit's value at current prices, as evidence shows it (``unpriced``: none)."""
    amount = Decimal(deposit["amount"])
    return shown_value(dust_line.value_usd(amount, state.prices.get(deposit["asset"])))


_THEN_WITHDRAW = N_("Wait for the deposit to complete, then withdraw the funds.")


def _deposit_fix(pending: Sequence[Evidence], policy: Policy) -> Message:
    """What the customer does once the deposits land: withdraw an asset, settle a small
    balance, say that one without a market price has an unknown value (``small_balances``,
    the card's own wording home)."""
    small = [e for e in pending if e[LANDS_AS] == dust_line.Side.DUST.value]
    if not small:
        return Message(_THEN_WITHDRAW)
    unpriced = unpriced_count(small)
    saying = (
        small_balances.ARRIVES_THEN_SETTLE
        if len(small) == len(pending)
        else small_balances.ARRIVES_THEN_WITHDRAW_AND_SETTLE
    )
    tolerance = to_wire(policy.eligibility.dust_tolerance_usd)
    return say(saying, len(small) - unpriced, unpriced, tolerance)


def _expected_by(state: AccountState, direction: TransferDirection) -> datetime | None:
    """When the last transfer in flight is expected to complete; None if any has no date."""
    dates = [
        t.expected_completion_at
        for t in state.transfers
        if t.direction is direction and t.status in IN_FLIGHT_TRANSFER_STATUSES
    ]
    return None if not dates or None in dates else max(d for d in dates if d is not None)


def check_deposit_pending(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    sides = _landing_sides(state, policy)
    pending: list[Evidence] = [
        {**e, LANDS_AS: sides[e["asset"]].value, "value_usd": _value(state, e)}
        for e in _in_flight(state, TransferDirection.DEPOSIT)
    ]
    return result(
        CheckCode.DEPOSIT_PENDING,
        bool(pending),
        Resolver.USER,
        ok=Message(N_("No deposits are in progress.")),
        fail=Message.counted(
            N_plural(
                "{count} deposit is still in progress.", "{count} deposits are still in progress."
            ),
            len(pending),
        ),
        fix=Remediation(
            Action.WAIT,
            _deposit_fix(pending, policy),
            _expected_by(state, TransferDirection.DEPOSIT),
        ),
        evidence=pending,
    )


def check_withdrawal_pending(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    pending = _in_flight(state, TransferDirection.WITHDRAWAL)
    return result(
        CheckCode.WITHDRAWAL_PENDING,
        bool(pending),
        Resolver.SUPPORT,
        ok=Message(N_("No withdrawals are in progress.")),
        fail=Message.counted(
            N_plural(
                "{count} withdrawal is still in progress.",
                "{count} withdrawals are still in progress.",
            ),
            len(pending),
        ),
        fix=Remediation(
            Action.WAIT,
            Message(N_("Wait for the withdrawal to complete; contact support if it is overdue.")),
            _expected_by(state, TransferDirection.WITHDRAWAL),
        ),
        evidence=pending,
    )


def check_withdrawal_review(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    window = timedelta(days=policy.eligibility.withdrawal_review_window_days)
    threshold = policy.eligibility.withdrawal_review_threshold_usd
    since = now - window
    total = ZERO
    unpriced: list[str] = []
    counted: list[Evidence] = []
    for t in state.transfers:
        if t.direction is not TransferDirection.WITHDRAWAL or t.created_at < since:
            continue
        if t.status in (TransferStatus.FAILED, TransferStatus.CANCELLED):
            continue
        price = state.prices.get(t.asset)
        if price is None:
            unpriced.append(t.id)
            continue
        total += t.amount * price
        counted.append({"id": t.id, "asset": t.asset, "amount": to_wire(t.amount)})
    review = total > threshold
    return result(
        CheckCode.WITHDRAWAL_REVIEW,
        review,
        Resolver.SUPPORT,
        ok=Message(N_("Recent withdrawals do not need a review.")),
        fail=Message(N_("Your closure request will be reviewed by our team before it proceeds.")),
        fix=Remediation(Action.NONE, Message(N_("Nothing to do: a person will review it."))),
        detail=Message(
            N_("Withdrawals worth {total} USD in the last {days} days exceed {threshold} USD."),
            {
                "total": to_wire(total.quantize(Decimal("0.01"))),
                "days": str(policy.eligibility.withdrawal_review_window_days),
                "threshold": to_wire(threshold),
            },
        ),
        internal_evidence=[*counted, *({"id": i, "value_usd": "unpriced"} for i in unpriced)],
        failing_status=CheckStatus.REVIEW,
    )
