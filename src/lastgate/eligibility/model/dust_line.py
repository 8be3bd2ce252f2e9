"""The dust line, the one rule the eligibility check, the dust sweep and the bulk sweep share.

A non-zero balance is *dust* when it is worth at most the dust tolerance, or when its
asset has no market price (it can only be forfeited); worth more, it is an *asset*.

Exact: the ledger holds NUMERIC(38, 18), so a balance (available + frozen) has at most 39
significant digits and its value (times a 38-digit price) at most 77. Both are computed in
``EXACT``, an 80-digit context that traps ``Inexact``: no value is ever rounded onto the
other side of the line, and one that would have to be rounds nowhere but raises.
"""

from __future__ import annotations

from decimal import Context, Decimal, DivisionByZero, Inexact, InvalidOperation, Overflow
from decimal import localcontext as _localcontext
from enum import StrEnum
from typing import NamedTuple

#: Significant digits of ``EXACT``: 39-digit balances times 38-digit prices never round.
PRECISION = 80
EXACT = Context(prec=PRECISION, traps=[InvalidOperation, DivisionByZero, Overflow, Inexact])
_ZERO = Decimal(0)


class Side(StrEnum):
    """Which side of the line a non-zero balance is on."""

    ASSET = "asset"
    DUST = "dust"


#: A balance of an asset without a market price: dust, whatever the amount.
UNPRICED = Side.DUST


class Judged(NamedTuple):
    """One non-zero balance: its side of the line and its exact USD value (None: unpriced)."""

    side: Side
    value_usd: Decimal | None


def total(available: Decimal, frozen: Decimal) -> Decimal:
    """The balance the line judges: available plus frozen, exactly."""
    with _localcontext(EXACT):
        return available + frozen


def value_usd(amount: Decimal, price_usd: Decimal | None) -> Decimal | None:
    """``amount`` times its USD price, exactly; None when the asset has no price."""
    if price_usd is None:
        return None
    with _localcontext(EXACT):
        return amount * price_usd


def side(value: Decimal | None, tolerance_usd: Decimal) -> Side:
    """The line itself: at most the tolerance (or unpriced) is dust, above it an asset."""
    if value is None:
        return UNPRICED
    return Side.DUST if value <= tolerance_usd else Side.ASSET


def judge(amount: Decimal, price_usd: Decimal | None, tolerance_usd: Decimal) -> Judged | None:
    """The side and value of a balance of ``amount``; None for a zero balance (nothing)."""
    if amount == _ZERO:
        return None
    value = value_usd(amount, price_usd)
    return Judged(side(value, tolerance_usd), value)


def is_dust(amount: Decimal, price_usd: Decimal | None, tolerance_usd: Decimal) -> bool:
    """A non-zero balance on the dust side of the line."""
    judged = judge(amount, price_usd, tolerance_usd)
    return judged is not None and judged.side is Side.DUST
