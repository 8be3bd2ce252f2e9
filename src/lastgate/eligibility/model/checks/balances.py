"""``ASSETS_REMAINING`` and ``DUST_REMAINING``: each balance on its side of the dust line.

The line is ``dust_line``'s, the same the dust sweep and the bulk sweep draw.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from lastgate.eligibility.model import dust_line
from lastgate.eligibility.model.checks import small_balances
from lastgate.eligibility.model.checks.result import result
from lastgate.eligibility.model.checks.small_balances import (
    say,
    shown_value,
    unpriced_count,
)
from lastgate.eligibility.model.report import (
    Action,
    CheckCode,
    CheckResult,
    Evidence,
    Remediation,
    Resolver,
)
from lastgate.kernel.messages import N_, Message, N_plural
from lastgate.kernel.money import to_wire
from lastgate.kernel.policy import Policy
from lastgate.ledger.model import AccountState, Balance


def _balance_evidence(balance: Balance, value: Decimal | None) -> Evidence:
    return {
        "account_type": balance.account_type.value,
        "asset": balance.asset,
        "available": to_wire(balance.available),
        "frozen": to_wire(balance.frozen),
        "value_usd": shown_value(value),
    }


def split_balances(state: AccountState, tolerance: Decimal) -> dict[dust_line.Side, list[Evidence]]:
    """Non-zero balances as evidence, by their side of the dust line."""
    sides: dict[dust_line.Side, list[Evidence]] = {side: [] for side in dust_line.Side}
    for balance in state.balances:
        amount = dust_line.total(balance.available, balance.frozen)
        judged = dust_line.judge(amount, state.prices.get(balance.asset), tolerance)
        if judged is not None:
            sides[judged.side].append(_balance_evidence(balance, judged.value_usd))
    return sides


#: What to do with a balance above the line. One the exchange's minimum withdrawal or its
#: fee makes impossible to withdraw is known only on the exchange, not here (the ledger
#: carries no withdrawal terms): the card says so and leads to support, who can.
_WITHDRAW = N_plural(
    "Withdraw it, or transfer it to another account. If it is below the minimum withdrawal, "
    "or worth less than the withdrawal fee, write to our support team.",
    "Withdraw them, or transfer them to another account. If one is below the minimum "
    "withdrawal, or worth less than its withdrawal fee, write to our support team.",
)


def check_assets_remaining(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    tolerance = policy.eligibility.dust_tolerance_usd
    assets = split_balances(state, tolerance)[dust_line.Side.ASSET]
    return result(
        CheckCode.ASSETS_REMAINING,
        bool(assets),
        Resolver.USER,
        ok=Message(
            N_("No balance worth more than {tolerance} USD remains in your account."),
            {"tolerance": to_wire(tolerance)},
        ),
        fail=Message.counted(
            N_plural(
                "{count} balance worth more than {tolerance} USD remains in your account.",
                "{count} balances worth more than {tolerance} USD remain in your account.",
            ),
            len(assets),
            tolerance=to_wire(tolerance),
        ),
        fix=Remediation(Action.WITHDRAW, Message.counted(_WITHDRAW, len(assets))),
        evidence=assets,
    )


def _dust_words(dust: list[Evidence], tolerance: str) -> tuple[Message, Message]:
    """The card's message and fix for ``dust``, true of priced and unpriced balances."""
    unpriced = unpriced_count(dust)
    small = len(dust) - unpriced
    return (
        say(small_balances.REMAINS, small, unpriced, tolerance),
        say(small_balances.SETTLE, small, unpriced, tolerance),
    )


def check_dust_remaining(state: AccountState, policy: Policy, now: datetime) -> CheckResult:
    tolerance = policy.eligibility.dust_tolerance_usd
    dust = split_balances(state, tolerance)[dust_line.Side.DUST]
    fail, fix = _dust_words(dust, to_wire(tolerance))
    return result(
        CheckCode.DUST_REMAINING,
        bool(dust),
        Resolver.USER,
        ok=Message(N_("No small balances remain.")),
        fail=fail,
        fix=Remediation(Action.SWEEP_DUST, fix),
        evidence=dust,
    )
