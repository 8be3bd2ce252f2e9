"""The eligibility checks: one pure function per code, and ``evaluate`` to run them all.

Every check returns a ``CheckResult``, passing or not, so the customer sees the whole list.
Boundaries, stated once here and in docs/checks.md:

- a balance worth exactly the dust tolerance is dust; above it, it is an asset;
- a balance of an asset with no market price is dust (it can only be forfeited);
- a security cooldown ends at the change time plus the policy's days, to the second;
- withdrawals are reviewed when their total value in the window is above the threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from lastgate.eligibility.model.report import (
    Action,
    CheckCode,
    CheckResult,
    CheckStatus,
    EligibilityReport,
    Evidence,
    Remediation,
    Resolver,
)
from lastgate.kernel.messages import N_, Message
from lastgate.kernel.money import ZERO, to_wire
from lastgate.kernel.policy import Policy
from lastgate.ledger.model import (
    IN_FLIGHT_TRANSFER_STATUSES,
    OPEN_ORDER_STATUSES,
    P2P_DONE_STATUSES,
    AccountState,
    AutomationStatus,
    Balance,
    DisputeStatus,
    EarnStatus,
    HoldKind,
    KycStatus,
    SubAccountStatus,
    TransferDirection,
    TransferStatus,
)

Check = Callable[[AccountState, Policy, datetime], CheckResult]


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _result(
    code: CheckCode,
    blocked: bool,
    resolver: Resolver,
    *,
    ok: Message,
    fail: Message,
    fix: Remediation,
    detail: Message | None = None,
    evidence: Iterable[Evidence] = (),
    internal_evidence: Iterable[Evidence] = (),
    failing_status: CheckStatus = CheckStatus.BLOCK,
) -> CheckResult:
    if not blocked:
        return CheckResult(
            code=code,
            status=CheckStatus.PASS,
            resolver=resolver,
            message=ok,
            remediation=Remediation(Action.NONE, Message("")),
            detail=Message(""),
        )
    return CheckResult(
        code=code,
        status=failing_status,
        resolver=resolver,
        message=fail,
        remediation=fix,
        detail=detail or fail,
        evidence=tuple(evidence),
        internal_evidence=tuple(internal_evidence),
    )


# -- balances -------------------------------------------------------------------------


def _value_usd(balance: Balance, prices: dict[str, Decimal]) -> Decimal | None:
    price = prices.get(balance.asset)
    return None if price is None else balance.total * price


def _balance_evidence(balance: Balance, value: Decimal | None) -> Evidence:
    return {
        "account_type": balance.account_type.value,
        "asset": balance.asset,
        "available": to_wire(balance.available),
        "frozen": to_wire(balance.frozen),
        "value_usd": "unpriced" if value is None else to_wire(value.quantize(Decimal("0.01"))),
    }


def _split_balances(
    state: AccountState, tolerance: Decimal
) -> tuple[list[Evidence], list[Evidence]]:
    """Non-zero balances split into (above the tolerance, dust)."""
    assets: list[Evidence] = []
    dust: list[Evidence] = []
    for balance in state.balances:
        if balance.total == ZERO:
            continue
        value = _value_usd(balance, state.prices)
        if value is not None and value > tolerance:
            assets.append(_balance_evidence(balance, value))
        else:
            dust.append(_balance_evidence(balance, value))
    return assets, dust


def check_assets_remaining(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    tolerance = policy.eligibility.dust_tolerance_usd
    assets, _ = _split_balances(state, tolerance)
    return _result(
        CheckCode.ASSETS_REMAINING,
        bool(assets),
        Resolver.USER,
        ok=Message(N_("No balances remain above the dust tolerance.")),
        fail=Message(
            N_("{count} balance(s) worth more than {tolerance} USD remain in your account."),
            {"count": str(len(assets)), "tolerance": to_wire(tolerance)},
        ),
        fix=Remediation(
            Action.WITHDRAW,
            Message(N_("Withdraw these assets, or transfer them to another account.")),
        ),
        evidence=assets,
    )


def check_dust_remaining(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    tolerance = policy.eligibility.dust_tolerance_usd
    _, dust = _split_balances(state, tolerance)
    return _result(
        CheckCode.DUST_REMAINING,
        bool(dust),
        Resolver.USER,
        ok=Message(N_("No small balances remain.")),
        fail=Message(
            N_("{count} small balance(s), each worth at most {tolerance} USD, remain."),
            {"count": str(len(dust)), "tolerance": to_wire(tolerance)},
        ),
        fix=Remediation(
            Action.SWEEP_DUST,
            Message(
                N_(
                    "Sweep them in one step into a single asset, or give them up with "
                    "your explicit consent."
                )
            ),
        ),
        evidence=dust,
    )


# -- transfers --------------------------------------------------------------------------


def _in_flight(state: AccountState, direction: TransferDirection) -> list[Evidence]:
    return [
        {
            "id": t.id,
            "asset": t.asset,
            "amount": to_wire(t.amount),
            "status": t.status.value,
            "created_at": _iso(t.created_at),
            "expected_completion_at": (
                _iso(t.expected_completion_at) if t.expected_completion_at else "unknown"
            ),
        }
        for t in state.transfers
        if t.direction is direction and t.status in IN_FLIGHT_TRANSFER_STATUSES
    ]


def check_deposit_pending(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    pending = _in_flight(state, TransferDirection.DEPOSIT)
    return _result(
        CheckCode.DEPOSIT_PENDING,
        bool(pending),
        Resolver.USER,
        ok=Message(N_("No deposits are in progress.")),
        fail=Message(N_("{count} deposit(s) are still in progress."), {"count": str(len(pending))}),
        fix=Remediation(
            Action.WAIT,
            Message(N_("Wait for the deposit to complete, then withdraw the funds.")),
        ),
        evidence=pending,
    )


def check_withdrawal_pending(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    pending = _in_flight(state, TransferDirection.WITHDRAWAL)
    return _result(
        CheckCode.WITHDRAWAL_PENDING,
        bool(pending),
        Resolver.SUPPORT,
        ok=Message(N_("No withdrawals are in progress.")),
        fail=Message(
            N_("{count} withdrawal(s) are still in progress."), {"count": str(len(pending))}
        ),
        fix=Remediation(
            Action.WAIT,
            Message(N_("Wait for the withdrawal to complete; contact support if it is overdue.")),
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
    return _result(
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


# -- trading and products ---------------------------------------------------------------


def check_open_orders(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    orders = [
        {
            "id": o.id,
            "product": o.product.value,
            "symbol": o.symbol,
            "kind": o.kind.value,
            "status": o.status.value,
            "created_at": _iso(o.created_at),
        }
        for o in state.orders
        if o.status in OPEN_ORDER_STATUSES
    ]
    return _result(
        CheckCode.OPEN_ORDERS,
        bool(orders),
        Resolver.USER,
        ok=Message(N_("No open orders.")),
        fail=Message(N_("{count} order(s) are still open."), {"count": str(len(orders))}),
        fix=Remediation(Action.CANCEL_ORDERS, Message(N_("Cancel all open orders."))),
        evidence=orders,
    )


def check_open_positions(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    positions = [
        {"id": p.id, "product": p.product.value, "symbol": p.symbol, "size": to_wire(p.size)}
        for p in state.positions
        if p.size != ZERO
    ]
    return _result(
        CheckCode.OPEN_POSITIONS,
        bool(positions),
        Resolver.USER,
        ok=Message(N_("No open positions.")),
        fail=Message(
            N_("{count} futures or options position(s) are open."),
            {"count": str(len(positions))},
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
    return _result(
        CheckCode.OUTSTANDING_LOANS,
        bool(loans),
        Resolver.USER,
        ok=Message(N_("No outstanding loans.")),
        fail=Message(N_("{count} loan(s) are not repaid."), {"count": str(len(loans))}),
        fix=Remediation(Action.REPAY_LOANS, Message(N_("Repay your loans."))),
        evidence=loans,
    )


def check_active_earn(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    active = [
        {
            "id": e.id,
            "kind": e.kind.value,
            "asset": e.asset,
            "amount": to_wire(e.amount),
            "status": e.status.value,
            "matures_at": _iso(e.matures_at) if e.matures_at else "flexible",
        }
        for e in state.earn
        if e.status is not EarnStatus.REDEEMED
    ]
    return _result(
        CheckCode.ACTIVE_EARN,
        bool(active),
        Resolver.USER,
        ok=Message(N_("No savings, staking or locked products are active.")),
        fail=Message(
            N_("{count} savings, staking or locked product(s) are active."),
            {"count": str(len(active))},
        ),
        fix=Remediation(
            Action.REDEEM_EARN,
            Message(N_("Redeem them, or wait until they mature on the date shown.")),
        ),
        evidence=active,
    )


def check_active_automation(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    running = [
        {"id": a.id, "kind": a.kind.value, "status": a.status.value}
        for a in state.automations
        if a.status is not AutomationStatus.STOPPED
    ]
    return _result(
        CheckCode.ACTIVE_AUTOMATION,
        bool(running),
        Resolver.USER,
        ok=Message(N_("No recurring buys, bots or copy trading are running.")),
        fail=Message(
            N_("{count} recurring buy, trading bot or copy-trading plan(s) are set up."),
            {"count": str(len(running))},
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
    return _result(
        CheckCode.P2P_ORDER_OPEN,
        bool(open_orders),
        Resolver.USER,
        ok=Message(N_("No P2P orders are in progress.")),
        fail=Message(
            N_("{count} P2P order(s) are not completed."), {"count": str(len(open_orders))}
        ),
        fix=Remediation(Action.SETTLE_P2P, Message(N_("Complete or cancel your P2P orders."))),
        evidence=open_orders,
    )


def check_dispute_open(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    disputes = [
        {"id": d.id, "kind": d.kind.value} for d in state.disputes if d.status is DisputeStatus.OPEN
    ]
    return _result(
        CheckCode.DISPUTE_OPEN,
        bool(disputes),
        Resolver.SUPPORT,
        ok=Message(N_("No disputes, chargebacks or complaints are open.")),
        fail=Message(
            N_("{count} dispute(s), chargeback(s) or complaint(s) are open."),
            {"count": str(len(disputes))},
        ),
        fix=Remediation(
            Action.CONTACT_SUPPORT,
            Message(N_("Our support team must resolve the dispute first.")),
        ),
        evidence=disputes,
    )


# -- access -----------------------------------------------------------------------------


def check_api_keys_active(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    keys = [
        {"id": k.id, "kind": k.kind.value, "label": k.label, "created_at": _iso(k.created_at)}
        for k in state.api_keys
        if k.is_active(now)
    ]
    return _result(
        CheckCode.API_KEYS_ACTIVE,
        bool(keys),
        Resolver.USER,
        ok=Message(N_("No API keys or third-party authorisations are active.")),
        fail=Message(
            N_("{count} API key(s) or third-party authorisation(s) are active."),
            {"count": str(len(keys))},
        ),
        fix=Remediation(Action.REVOKE_API_KEYS, Message(N_("Revoke all of them."))),
        evidence=keys,
    )


def check_sub_accounts_open(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    subs = [
        {"uid": s.uid, "status": s.status.value}
        for s in state.sub_accounts
        if s.status is not SubAccountStatus.CLOSED
    ]
    return _result(
        CheckCode.SUB_ACCOUNTS_OPEN,
        bool(subs),
        Resolver.USER,
        ok=Message(N_("No sub-accounts are open.")),
        fail=Message(N_("{count} sub-account(s) are not closed."), {"count": str(len(subs))}),
        fix=Remediation(Action.CLOSE_SUB_ACCOUNTS, Message(N_("Close your sub-accounts first."))),
        evidence=subs,
    )


def check_security_cooldown(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    cooldown = timedelta(days=policy.eligibility.security_cooldown_days)
    recent = sorted(
        (e for e in state.security_events if now < e.occurred_at + cooldown),
        key=lambda e: e.occurred_at,
    )
    evidence = [
        {
            "change": e.kind.value,
            "changed_at": _iso(e.occurred_at),
            "ends_at": _iso(e.occurred_at + cooldown),
        }
        for e in recent
    ]
    ends_at = max((e.occurred_at + cooldown for e in recent), default=now)
    return _result(
        CheckCode.SECURITY_COOLDOWN,
        bool(recent),
        Resolver.TIME,
        ok=Message(N_("No recent changes to your security settings.")),
        fail=Message(
            N_("Your security settings changed recently; closure is possible from {ends_at}."),
            {"ends_at": _iso(ends_at)},
        ),
        fix=Remediation(Action.WAIT, Message(N_("Wait until the date shown."))),
        evidence=evidence,
    )


# -- restrictions and identity ----------------------------------------------------------


def _active_holds(state: AccountState, kinds: frozenset[HoldKind]) -> list[Evidence]:
    return [
        {"id": h.id, "kind": h.kind.value, "reason": h.reason, "placed_at": _iso(h.placed_at)}
        for h in state.holds
        if h.active and h.kind in kinds
    ]


def check_risk_lock(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    holds = _active_holds(state, frozenset({HoldKind.RISK_LOCK}))
    return _result(
        CheckCode.RISK_LOCK,
        bool(holds),
        Resolver.SUPPORT,
        ok=Message(N_("Your account is not restricted by risk control.")),
        fail=Message(N_("Your account is restricted by risk control.")),
        fix=Remediation(
            Action.CONTACT_SUPPORT, Message(N_("Appeal to support to have the restriction lifted."))
        ),
        detail=Message(
            N_("Risk lock active: {reasons}"), {"reasons": "; ".join(h["reason"] for h in holds)}
        ),
        internal_evidence=holds,
    )


def check_kyc_incomplete(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    incomplete = state.kyc.status in (
        KycStatus.NOT_STARTED,
        KycStatus.PENDING,
        KycStatus.REJECTED,
        KycStatus.EXPIRED,
    )
    return _result(
        CheckCode.KYC_INCOMPLETE,
        incomplete,
        Resolver.USER,
        ok=Message(N_("Your identity is verified.")),
        fail=Message(N_("Your identity verification is not complete.")),
        fix=Remediation(
            Action.COMPLETE_KYC,
            Message(N_("Finish identity verification, or contact support.")),
        ),
        detail=Message(N_("KYC status: {status}"), {"status": state.kyc.status.value}),
        evidence=[{"kyc_status": state.kyc.status.value}] if incomplete else [],
    )


def check_kyc_disputed(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    disputed = state.kyc.status is KycStatus.DISPUTED or state.kyc.applicant_mismatch
    return _result(
        CheckCode.KYC_DISPUTED,
        disputed,
        Resolver.SUPPORT,
        ok=Message(N_("Your identity is not in dispute.")),
        fail=Message(N_("Your identity needs to be confirmed by our support team.")),
        fix=Remediation(
            Action.CONTACT_SUPPORT,
            Message(N_("Open a ticket and attach your identity documents.")),
        ),
        detail=Message(
            N_("KYC status {status}; applicant mismatch: {mismatch}"),
            {"status": state.kyc.status.value, "mismatch": str(state.kyc.applicant_mismatch)},
        ),
    )


def check_legal_hold(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    holds = _active_holds(state, frozenset({HoldKind.JUDICIAL_FREEZE, HoldKind.LAW_ENFORCEMENT}))
    return _result(
        CheckCode.LEGAL_HOLD,
        bool(holds),
        Resolver.COMPLIANCE,
        ok=Message(N_("No legal restriction applies to your account.")),
        fail=Message(N_("A legal restriction applies to your account.")),
        fix=Remediation(
            Action.NONE, Message(N_("There is nothing you can do; contact support for help."))
        ),
        detail=Message(
            N_("Legal hold active: {reasons}"), {"reasons": "; ".join(h["reason"] for h in holds)}
        ),
        internal_evidence=holds,
    )


def check_compliance_review(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    holds = _active_holds(state, frozenset({HoldKind.AML_INVESTIGATION}))
    return _result(
        CheckCode.COMPLIANCE_REVIEW,
        bool(holds),
        Resolver.COMPLIANCE,
        ok=Message(N_("No compliance investigation is open.")),
        fail=Message(N_("An AML investigation is open.")),
        fix=Remediation(Action.NONE, Message(N_("Compliance must close the investigation."))),
        detail=Message(
            N_("AML investigation open: {reasons}"),
            {"reasons": "; ".join(h["reason"] for h in holds)},
        ),
        internal_evidence=holds,
    )


CHECKS: tuple[tuple[CheckCode, Check], ...] = (
    (CheckCode.ASSETS_REMAINING, check_assets_remaining),
    (CheckCode.DUST_REMAINING, check_dust_remaining),
    (CheckCode.DEPOSIT_PENDING, check_deposit_pending),
    (CheckCode.WITHDRAWAL_PENDING, check_withdrawal_pending),
    (CheckCode.OPEN_ORDERS, check_open_orders),
    (CheckCode.OPEN_POSITIONS, check_open_positions),
    (CheckCode.OUTSTANDING_LOANS, check_outstanding_loans),
    (CheckCode.ACTIVE_EARN, check_active_earn),
    (CheckCode.ACTIVE_AUTOMATION, check_active_automation),
    (CheckCode.P2P_ORDER_OPEN, check_p2p_order_open),
    (CheckCode.DISPUTE_OPEN, check_dispute_open),
    (CheckCode.API_KEYS_ACTIVE, check_api_keys_active),
    (CheckCode.SUB_ACCOUNTS_OPEN, check_sub_accounts_open),
    (CheckCode.SECURITY_COOLDOWN, check_security_cooldown),
    (CheckCode.RISK_LOCK, check_risk_lock),
    (CheckCode.WITHDRAWAL_REVIEW, check_withdrawal_review),
    (CheckCode.KYC_INCOMPLETE, check_kyc_incomplete),
    (CheckCode.KYC_DISPUTED, check_kyc_disputed),
    (CheckCode.LEGAL_HOLD, check_legal_hold),
    (CheckCode.COMPLIANCE_REVIEW, check_compliance_review),
)


def evaluate(state: AccountState, policy: Policy, now: datetime) -> EligibilityReport:
    """Run every check against ``state`` as of ``now`` (timezone-aware UTC)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return EligibilityReport(
        uid=state.uid,
        jurisdiction=state.jurisdiction,
        checked_at=now,
        checks=tuple(check(state, policy, now) for _, check in CHECKS),
    )
