"""Trading and products: open orders and positions, loans, earn, automations, P2P orders
and disputes, each blocking while it is open."""

from __future__ import annotations

from datetime import datetime

from lastgate.eligibility.model.checks.result import iso, result
from lastgate.eligibility.model.report import (
    Action,
    CheckCode,
    CheckResult,
    Remediation,
    Resolver,
)
from lastgate.kernel.messages import N_, Message, N_plural
from lastgate.kernel.money import ZERO, to_wire
from lastgate.kernel.policy import Policy
from lastgate.ledger.model import (
    OPEN_ORDER_STATUSES,
    P2P_DONE_STATUSES,
    AccountState,
    AutomationStatus,
    DisputeStatus,
    EarnStatus,
)


def check_open_orders(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    orders = [
        {
            "id": o.id,
            "product": o.product.value,
            "symbol": o.symbol,
            "kind": o.kind.value,
            "status": o.status.value,
            "created_at": iso(o.created_at),
        }
        for o in state.orders
        if o.status in OPEN_ORDER_STATUSES
    ]
    return result(
        CheckCode.OPEN_ORDERS,
        bool(orders),
        Resolver.USER,
        ok=Message(N_("No open orders.")),
        fail=Message.counted(
            N_plural("{count} order is still open.", "{count} orders are still open."), len(orders)
        ),
        fix=Remediation(Action.CANCEL_ORDERS, Message(N_("Cancel all open orders."))),
        evidence=orders,
    )


def check_open_positions(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    positions = [
        {"id": p.id, "product": p.product.value, "symbol": p.symbol, "size": to_wire(p.size)}
        for p in state.positions
        if p.size != ZERO
    ]
    return result(
        CheckCode.OPEN_POSITIONS,
        bool(positions),
        Resolver.USER,
        ok=Message(N_("No open positions.")),
        fail=Message.counted(
            N_plural(
                "{count} futures or options position is open.",
                "{count} futures or options positions are open.",
            ),
            len(positions),
        ),
        fix=Remediation(Action.CLOSE_POSITIONS, Message(N_("Close all positions."))),
        evidence=positions,
    )


def check_outstanding_loans(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    loans = [
        {
            "id": loan.id,
            "kind": loan.kind.value,
            "asset": loan.asset,
            "outstanding": to_wire(loan.outstanding),
        }
        for loan in state.loans
        if loan.outstanding > ZERO
    ]
    return result(
        CheckCode.OUTSTANDING_LOANS,
        bool(loans),
        Resolver.USER,
        ok=Message(N_("No outstanding loans.")),
        fail=Message.counted(
            N_plural("{count} loan is not repaid.", "{count} loans are not repaid."), len(loans)
        ),
        fix=Remediation(Action.REPAY_LOANS, Message(N_("Repay your loans."))),
        evidence=loans,
    )


def _matured_by(state: AccountState) -> datetime | None:
    """When the last active product matures; None if any is flexible (no maturity)."""
    dates = [e.matures_at for e in state.earn if e.status is not EarnStatus.REDEEMED]
    return None if not dates or None in dates else max(d for d in dates if d is not None)


def check_active_earn(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    active = [
        {
            "id": e.id,
            "kind": e.kind.value,
            "asset": e.asset,
            "amount": to_wire(e.amount),
            "status": e.status.value,
            "matures_at": iso(e.matures_at) if e.matures_at else "flexible",
        }
        for e in state.earn
        if e.status is not EarnStatus.REDEEMED
    ]
    return result(
        CheckCode.ACTIVE_EARN,
        bool(active),
        Resolver.USER,
        ok=Message(N_("No savings, staking or locked products are active.")),
        fail=Message.counted(
            N_plural(
                "{count} savings, staking or locked product is active.",
                "{count} savings, staking or locked products are active.",
            ),
            len(active),
        ),
        fix=Remediation(
            Action.REDEEM_EARN,
            Message(N_("Redeem them, or wait until they mature on the date shown.")),
            _matured_by(state),
        ),
        evidence=active,
    )


def check_active_automation(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    running = [
        {"id": a.id, "kind": a.kind.value, "status": a.status.value}
        for a in state.automations
        if a.status is not AutomationStatus.STOPPED
    ]
    return result(
        CheckCode.ACTIVE_AUTOMATION,
        bool(running),
        Resolver.USER,
        ok=Message(N_("No recurring buys, bots or copy trading are running.")),
        fail=Message.counted(
            N_plural(
                "{count} recurring buy, trading bot or copy-trading plan is set up.",
                "{count} recurring buy, trading bot or copy-trading plans are set up.",
            ),
            len(running),
        ),
        fix=Remediation(Action.STOP_AUTOMATIONS, Message(N_("Stop all plans."))),
        evidence=running,
    )


def check_p2p_order_open(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    open_orders = [
        {"id": o.id, "status": o.status.value}
        for o in state.p2p_orders
        if o.status not in P2P_DONE_STATUSES
    ]
    return result(
        CheckCode.P2P_ORDER_OPEN,
        bool(open_orders),
        Resolver.USER,
        ok=Message(N_("No P2P orders are in progress.")),
        fail=Message.counted(
            N_plural(
                "{count} P2P order is not completed.", "{count} P2P orders are not completed."
            ),
            len(open_orders),
        ),
        fix=Remediation(Action.SETTLE_P2P, Message(N_("Complete or cancel your P2P orders."))),
        evidence=open_orders,
    )


def check_dispute_open(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    disputes = [
        {"id": d.id, "kind": d.kind.value} for d in state.disputes if d.status is DisputeStatus.OPEN
    ]
    return result(
        CheckCode.DISPUTE_OPEN,
        bool(disputes),
        Resolver.SUPPORT,
        ok=Message(N_("No disputes, chargebacks or complaints are open.")),
        fail=Message.counted(
            N_plural(
                "{count} dispute, chargeback or complaint is open.",
                "{count} disputes, chargebacks or complaints are open.",
            ),
            len(disputes),
        ),
        fix=Remediation(
            Action.CONTACT_SUPPORT,
            Message(N_("Our support team must resolve the dispute first.")),
        ),
        evidence=disputes,
    )
