"""What lastgate says of small balances and of balances with no market price, wherever it
says it: the small-balances card (``DUST_REMAINING``) and a deposit on its way that lands
as one (``DEPOSIT_PENDING``). One home, so that a balance without a price is said to have
an unknown value everywhere, never "worth at most 10 USD" in one place.

Each saying comes in three forms, by what its balances are: all priced (small, worth at
most the line), all without a market price, or both; ``say`` picks the form and counts.
"""

from __future__ import annotations

from decimal import Context, Decimal, localcontext
from typing import NamedTuple

from lastgate.eligibility.model import dust_line
from lastgate.eligibility.model.report import Evidence
from lastgate.kernel.messages import N_, Message, N_plural
from lastgate.kernel.money import to_wire

_CENT = Decimal("0.01")
#: The evidence's ``value_usd`` of a balance (or deposit) whose asset has no market price.
UNPRICED = "unpriced"
# Rounding for display only, wide enough that a 77-digit value quantizes without error.
_DISPLAY = Context(prec=dust_line.PRECISION)


def shown_value(value: Decimal | None) -> str:
    """A USD value as evidence carries it: to the cent, or ``unpriced``."""
    if value is None:
        return UNPRICED
    with localcontext(_DISPLAY):
        return to_wire(value.quantize(_CENT))


def unpriced_count(evidence: list[Evidence]) -> int:
    """How many of ``evidence``'s rows have no market price (their ``value_usd``)."""
    return sum(1 for e in evidence if e.get("value_usd") == UNPRICED)


#: A message's form: a plural pair (``N_plural``, its form picked by a count) or one id.
Form = tuple[str, str] | str


class Saying(NamedTuple):
    """One thing said, in its three forms: ``small`` counted by the small balances,
    ``unpriced`` by those without a price, ``both`` by all of them. Each may use
    ``{count}``, ``{small}``, ``{unpriced}`` and ``{tolerance}``."""

    small: Form
    unpriced: Form
    both: Form


def _message(form: Form, count: int, params: dict[str, str]) -> Message:
    if isinstance(form, str):
        return Message(form, params)
    return Message.counted(form, count, **params)


def say(saying: Saying, small: int, unpriced: int, tolerance: str) -> Message:
    """``saying`` in the form that is true of ``small`` priced and ``unpriced`` balances."""
    params = {"small": str(small), "unpriced": str(unpriced), "tolerance": tolerance}
    if not unpriced:
        return _message(saying.small, small, params)
    if not small:
        return _message(saying.unpriced, unpriced, params)
    return _message(saying.both, small + unpriced, params)


#: The small-balances card: what remains.
REMAINS = Saying(
    small=N_plural(
        "{count} small balance, worth at most {tolerance} USD, remains.",
        "{count} small balances, each worth at most {tolerance} USD, remain.",
    ),
    unpriced=N_plural(
        "{count} balance in an asset with no market price remains: its value is unknown.",
        "{count} balances in assets with no market price remain: their value is unknown.",
    ),
    both=N_plural(
        "{count} balance remains: {small} worth at most {tolerance} USD, and {unpriced} with "
        "no market price, whose value is unknown.",
        "{count} balances remain: {small} worth at most {tolerance} USD, and {unpriced} with "
        "no market price, whose value is unknown.",
    ),
)
#: The small-balances card: how to settle them.
SETTLE = Saying(
    small=N_plural(
        "Convert it in one step into another asset (offered only when the result is more "
        "than a small balance), or give it up with your explicit consent.",
        "Convert them in one step into a single asset (offered only when the result is more "
        "than a small balance), or give them up with your explicit consent.",
    ),
    unpriced=N_plural(
        "Without a price it cannot be converted: it stays in your account until you decide "
        "to give it up, with your explicit consent.",
        "Without a price they cannot be converted: they stay in your account until you "
        "decide to give them up, with your explicit consent.",
    ),
    both=N_(
        "Convert those with a market price in one step into a single asset (offered only "
        "when the result is more than a small balance), or give them up with your explicit "
        "consent. What has no market price cannot be converted: it stays in your account "
        "until you decide to give it up."
    ),
)
#: A deposit on its way that is a small balance once it lands: wait, then settle it.
ARRIVES_THEN_SETTLE = Saying(
    small=N_plural(
        "Wait for the deposit to arrive. It is then a small balance, worth at most "
        "{tolerance} USD: convert it or give it up, as the self-check offers for small "
        "balances.",
        "Wait for the deposits to arrive. They are then small balances, each worth at most "
        "{tolerance} USD: convert them or give them up, as the self-check offers for small "
        "balances.",
    ),
    unpriced=N_plural(
        "Wait for the deposit to arrive. Its asset has no market price, so its value is "
        "unknown and it cannot be converted: it stays in your account until you decide to "
        "give it up, with your explicit consent.",
        "Wait for the deposits to arrive. Their assets have no market price, so their value "
        "is unknown and they cannot be converted: they stay in your account until you decide "
        "to give them up, with your explicit consent.",
    ),
    both=N_(
        "Wait for the deposits to arrive. Then convert those worth at most {tolerance} USD "
        "or give them up, as the self-check offers for small balances. What has no market "
        "price cannot be converted: it stays in your account until you decide to give it up."
    ),
)
#: Deposits on their way of which some land as assets (withdrawn) and the others as small
#: balances (with a price, without one, or both).
ARRIVES_THEN_WITHDRAW_AND_SETTLE = Saying(
    small=N_(
        "Wait for the deposits to arrive. Then withdraw those worth more than {tolerance} "
        "USD; convert the small balances or give them up, as the self-check offers for small "
        "balances."
    ),
    unpriced=N_(
        "Wait for the deposits to arrive. Then withdraw those worth more than {tolerance} "
        "USD. What has no market price cannot be converted: it stays in your account until "
        "you decide to give it up, with your explicit consent."
    ),
    both=N_(
        "Wait for the deposits to arrive. Then withdraw those worth more than {tolerance} "
        "USD; convert the small balances or give them up, as the self-check offers for small "
        "balances. What has no market price cannot be converted: it stays in your account "
        "until you decide to give it up."
    ),
)
