"""``ASSETS_REMAINING`` and ``DUST_REMAINING``: each balance on its side of the dust line.

The line is ``dust_line``'s, the same the dust sweep and the bulk sweep draw.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Context, Decimal, localcontext

from lastgate.eligibility.model import dust_line
from lastgate.eligibility.model.checks.result import result
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

_CENT = Decimal("0.01")
#: The evidence's ``value_usd`` of a balance whose asset has no market price.
UNPRICED = "unpriced"
# Rounding for display only, wide enough that a 77-digit value quantizes without error.
_DISPLAY = Context(prec=dust_line.PRECISION)


def _balance_evidence(balance: Balance, value: Decimal | None) -> Evidence:
    if value is None:
        shown = UNPRICED
    else:
        with localcontext(_DISPLAY):
            shown = to_wire(value.quantize(_CENT))
    return {
        "account_type": balance.account_type.value,
        "asset": balance.asset,
        "available": to_wire(balance.available),
        "frozen": to_wire(balance.frozen),
        "value_usd": shown,
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
        fix=Remediation(
            Action.WITHDRAW,
            Message(N_("Withdraw these assets, or transfer them to another account.")),
        ),
        evidence=assets,
    )


#: What the dust card says, by what its balances are: all priced (worth at most the
#: line), all without a market price (value unknown, nothing to convert), or both.
_SMALL = N_plural(
    "{count} small balance, worth at most {tolerance} USD, remains.",
    "{count} small balances, each worth at most {tolerance} USD, remain.",
)
_UNPRICED = N_plural(
    "{count} balance in an asset with no market price remains: its value is unknown.",
    "{count} balances in assets with no market price remain: their value is unknown.",
)
_BOTH = N_plural(
    "{count} balance remains: {small} worth at most {tolerance} USD, and {unpriced} with "
    "no market price, whose value is unknown.",
    "{count} balances remain: {small} worth at most {tolerance} USD, and {unpriced} with "
    "no market price, whose value is unknown.",
)
_SMALL_FIX = N_plural(
    "Convert it in one step into another asset (offered only when the result is more than "
    "a small balance), or give it up with your explicit consent.",
    "Convert them in one step into a single asset (offered only when the result is more "
    "than a small balance), or give them up with your explicit consent.",
)
_UNPRICED_FIX = N_plural(
    "Without a price it cannot be converted: it stays in your account until you decide to "
    "give it up, with your explicit consent.",
    "Without a price they cannot be converted: they stay in your account until you decide "
    "to give them up, with your explicit consent.",
)
_BOTH_FIX = N_(
    "Convert those with a market price in one step into a single asset (offered only when "
    "the result is more than a small balance), or give them up with your explicit consent. "
    "What has no market price cannot be converted: it stays in your account until you "
    "decide to give it up."
)


def _dust_words(dust: list[Evidence], tolerance: str) -> tuple[Message, Message]:
    """The card's message and fix for ``dust``, true of priced and unpriced balances."""
    unpriced = sum(1 for e in dust if e["value_usd"] == UNPRICED)
    small = len(dust) - unpriced
    if not unpriced:
        return (
            Message.counted(_SMALL, small, tolerance=tolerance),
            Message.counted(_SMALL_FIX, small),
        )
    if not small:
        return Message.counted(_UNPRICED, unpriced), Message.counted(_UNPRICED_FIX, unpriced)
    counts = {"small": str(small), "unpriced": str(unpriced), "tolerance": tolerance}
    return Message.counted(_BOTH, len(dust), **counts), Message(_BOTH_FIX)


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
