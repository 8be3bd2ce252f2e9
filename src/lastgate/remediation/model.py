"""The dust sweep's arithmetic: which balances a quote takes, what they are worth, the fee;
and the forfeit of what is still dust after it: which balances, worth how much, allowed or not.

Pure and exact: ``Decimal`` throughout, computed with enough precision for 38-digit ledger
amounts, and rounded once, to the ledger's 18 decimal places, in the exchange's favour
(the gross total down, the fee up), so the credit written is the credit quoted. Which
balances are dust, and what they are worth, is ``eligibility.model.dust_line``'s rule: the
one the eligibility check draws.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, ROUND_UP, Context, Decimal, localcontext

from lastgate.eligibility.model import dust_line

#: The ledger keeps 18 decimal places (NUMERIC(38, 18)).
LEDGER_PLACES = Decimal("1e-18")
FUNDING = "funding"
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)


def _exact() -> Context:
    # The dust line's precision, without its Inexact trap: proceeds divide, and round once.
    return Context(prec=dust_line.PRECISION)


@dataclass(frozen=True, slots=True)
class Holding:
    """One non-zero balance with its asset's USD price (None: no market price)."""

    account_type: str
    asset: str
    amount: Decimal
    price_usd: Decimal | None
    tradeable: bool = True

    @property
    def value_usd(self) -> Decimal | None:
        return dust_line.value_usd(self.amount, self.price_usd)

    @property
    def convertible(self) -> bool:
        """It can be sold at a price; otherwise it can only be forfeited."""
        return self.tradeable and self.price_usd is not None


@dataclass(frozen=True, slots=True)
class SweepTerms:
    """The policy figures one quote is made under."""

    target_asset: str
    fee_percent: Decimal
    dust_tolerance_usd: Decimal
    quote_ttl: timedelta


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """One balance the sweep takes. ``price_usd`` None and ``forfeit`` True: given up."""

    account_type: str
    asset: str
    amount: Decimal
    price_usd: Decimal | None
    value_usd: Decimal
    forfeit: bool


@dataclass(frozen=True, slots=True)
class DustQuote:
    """What a sweep would do, at the prices of ``created_at``, until ``expires_at``."""

    id: str
    uid: str
    created_at: datetime
    expires_at: datetime
    target_asset: str
    target_price_usd: Decimal
    fee_percent: Decimal
    lines: tuple[QuoteLine, ...]
    gross: Decimal
    fee: Decimal
    net: Decimal

    @property
    def forfeits(self) -> tuple[QuoteLine, ...]:
        return tuple(line for line in self.lines if line.forfeit)

    @property
    def conversions(self) -> tuple[QuoteLine, ...]:
        return tuple(line for line in self.lines if not line.forfeit)

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


def is_dust(holding: Holding, tolerance_usd: Decimal) -> bool:
    """Worth at most the tolerance, or unpriced: ``dust_line``, the eligibility check's line.

    An untradeable asset worth more than the tolerance is an asset, not dust.
    """
    return dust_line.is_dust(holding.amount, holding.price_usd, tolerance_usd)


def sweepable(holdings: Iterable[Holding], terms: SweepTerms) -> list[Holding]:
    """The dust a sweep takes: all of it, except the target asset in the funding account,
    which is where the proceeds land."""
    return [
        h
        for h in holdings
        if is_dust(h, terms.dust_tolerance_usd)
        and not (h.asset == terms.target_asset and h.account_type == FUNDING)
    ]


def proceeds(
    values_usd: Iterable[Decimal], target_price_usd: Decimal, fee_percent: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    """(gross, fee, net) in the target asset; gross rounded down, fee rounded up."""
    if target_price_usd <= _ZERO:
        raise ValueError("the target asset needs a positive price")
    with localcontext(_exact()):
        total_usd = sum(values_usd, _ZERO)
        gross = (total_usd / target_price_usd).quantize(LEDGER_PLACES, rounding=ROUND_DOWN)
        fee = (gross * fee_percent / _HUNDRED).quantize(LEDGER_PLACES, rounding=ROUND_UP)
        return gross, fee, gross - fee


def build_quote(
    *,
    quote_id: str,
    uid: str,
    holdings: Iterable[Holding],
    target_price_usd: Decimal,
    terms: SweepTerms,
    now: datetime,
) -> DustQuote:
    """The quote for ``holdings`` at current prices; its lines may be empty."""
    lines: list[QuoteLine] = []
    for h in sorted(sweepable(holdings, terms), key=lambda h: (h.account_type, h.asset)):
        forfeit = not h.convertible
        value = h.value_usd
        lines.append(
            QuoteLine(
                account_type=h.account_type,
                asset=h.asset,
                amount=h.amount,
                price_usd=None if forfeit else h.price_usd,
                value_usd=_ZERO if forfeit or value is None else value,
                forfeit=forfeit,
            )
        )
    gross, fee, net = proceeds(
        (line.value_usd for line in lines if not line.forfeit), target_price_usd, terms.fee_percent
    )
    return DustQuote(
        id=quote_id,
        uid=uid,
        created_at=now,
        expires_at=now + terms.quote_ttl,
        target_asset=terms.target_asset,
        target_price_usd=target_price_usd,
        fee_percent=terms.fee_percent,
        lines=tuple(lines),
        gross=gross,
        fee=fee,
        net=net,
    )


def moved_beyond(quoted: Decimal, current: Decimal | None, limit_percent: Decimal) -> bool:
    """The price moved more than ``limit_percent`` either way (or is gone). Exactly at
    the limit is still within it."""
    if current is None:
        return True
    with localcontext(_exact()):
        return abs(current - quoted) * _HUNDRED > limit_percent * quoted


@dataclass(frozen=True, slots=True)
class PriceMove:
    asset: str
    quoted: Decimal
    current: Decimal | None


def price_moves(
    quote: DustQuote,
    current: Mapping[str, Decimal | None],
    limit_percent: Decimal,
) -> list[PriceMove]:
    """Every asset the quote converts (and the target) whose price moved beyond the limit.

    ``current`` maps an asset to its tradeable price now; None or missing: not tradeable.
    """
    quoted: dict[str, Decimal] = {quote.target_asset: quote.target_price_usd}
    for line in quote.conversions:
        assert line.price_usd is not None
        quoted[line.asset] = line.price_usd
    return [
        PriceMove(asset, price, current.get(asset))
        for asset, price in sorted(quoted.items())
        if moved_beyond(price, current.get(asset), limit_percent)
    ]


def next_sweep_at(last_sweep_at: datetime | None, min_interval: timedelta) -> datetime | None:
    """When the next sweep may run; None if one may run now (no earlier sweep)."""
    return None if last_sweep_at is None else last_sweep_at + min_interval


def balance_keys(lines: Sequence[QuoteLine]) -> list[tuple[str, str]]:
    """(account_type, asset) of each line: the balances the sweep empties."""
    return [(line.account_type, line.asset) for line in lines]


# -- giving up what remains ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ForfeitLine:
    """One small balance the customer may give up: its exact amount and USD value now
    (None: the asset has no market price)."""

    account_type: str
    asset: str
    amount: Decimal
    value_usd: Decimal | None


@dataclass(frozen=True, slots=True)
class ForfeitOffer:
    """Every small balance of an account, valued, and whether policy lets them be given up.

    All or nothing: a forfeit takes exactly these balances, so that one consent covers a
    list the customer has read whole. Unpriced balances count as 0 towards the limit.
    """

    uid: str
    lines: tuple[ForfeitLine, ...]
    total_usd: Decimal
    limit_usd: Decimal

    @property
    def within_limit(self) -> bool:
        return self.total_usd <= self.limit_usd

    @property
    def allowed(self) -> bool:
        """Something to give up, worth no more than the policy lets a customer give up."""
        return bool(self.lines) and self.within_limit


def forfeit_offer(
    uid: str, holdings: Iterable[Holding], *, tolerance_usd: Decimal, limit_usd: Decimal
) -> ForfeitOffer:
    """Every balance on the dust side of ``dust_line`` (the check's own line), the target
    asset and unpriced assets included, with the sum of the priced values."""
    lines = tuple(
        ForfeitLine(h.account_type, h.asset, h.amount, h.value_usd)
        for h in sorted(holdings, key=lambda h: (h.account_type, h.asset))
        if is_dust(h, tolerance_usd)
    )
    with localcontext(_exact()):
        total = sum((line.value_usd for line in lines if line.value_usd is not None), _ZERO)
    return ForfeitOffer(uid=uid, lines=lines, total_usd=total, limit_usd=limit_usd)


def forfeit_keys(lines: Iterable[ForfeitLine]) -> list[tuple[str, str, Decimal]]:
    """(account_type, asset, amount) of each line: what a consent names."""
    return sorted((line.account_type, line.asset, line.amount) for line in lines)


@dataclass(frozen=True, slots=True)
class DustPlan:
    """What the self-check can offer for an account's small balances right now.

    ``convertible``: a sweep would sell at least one of them; ``sweep``: and one may run
    now (so it comes first: the customer keeps their value); ``next_sweep_at``: when one
    may run again if the interval refuses it now; ``forfeit``: everything that is dust, to
    give up with consent.
    """

    convertible: bool
    sweep: bool
    next_sweep_at: datetime | None
    frozen: bool
    forfeit: ForfeitOffer


def converts_something(holdings: Iterable[Holding], terms: SweepTerms) -> bool:
    """A sweep would sell at least one balance (not only give up unpriced ones)."""
    return any(h.convertible for h in sweepable(holdings, terms))
