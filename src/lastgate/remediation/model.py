"""The dust sweep's arithmetic: which balances a quote takes, what they are worth, the fee,
and which side of the dust line its result lands on; and the forfeit of small balances:
which balances, worth how much, allowed or not.

A sweep converts only what can be sold: a balance without a market price stays where it
is, for the customer to decide about on its own. And a sweep is worth offering only when
what the funding account then holds of the target asset is above the line: a result that
is itself dust would cost the fee and leave closing blocked (``SweepResult.clears_line``).

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
from lastgate.kernel.messages import N_, N_plural

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
    #: Known when quoting (not stored): what the funding account then holds of the target
    #: asset, and the small balances the sweep cannot sell and leaves in the account.
    result: SweepResult | None = None
    kept: tuple[Holding, ...] = ()

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
    """The dust a sweep could take: all of it, except the target asset in the funding
    account, which is where the proceeds land."""
    return [
        h
        for h in holdings
        if is_dust(h, terms.dust_tolerance_usd)
        and not (h.asset == terms.target_asset and h.account_type == FUNDING)
    ]


def converted(holdings: Iterable[Holding], terms: SweepTerms) -> list[Holding]:
    """The dust a sweep sells: the sweepable balances that have a tradeable price."""
    return [h for h in sweepable(holdings, terms) if h.convertible]


def kept(holdings: Iterable[Holding], terms: SweepTerms) -> tuple[Holding, ...]:
    """The dust a sweep cannot sell (no price, or not tradeable): it stays in the account,
    still a small balance, and is given up only if the customer decides so, separately."""
    left = [h for h in sweepable(holdings, terms) if not h.convertible]
    return tuple(sorted(left, key=lambda h: (h.account_type, h.asset)))


#: Why a sweep is not offered when its result is dust; ``amount``, ``value``, ``line``
#: are the result's (the self-check's card and the small-balances page say it alike).
SWEEP_LEAVES_DUST = N_(
    "Converting is not offered: after the fee you would hold {amount}, worth {value}, still "
    "no more than the small-balance line of {line}. It would remain a small balance and "
    "closing would stay blocked."
)


#: Giving up every balance listed (small ones and those with no market price): the
#: self-check card's button and the heading of the page it opens.
GIVE_UP = N_plural("Give up this balance", "Give up these balances")


@dataclass(frozen=True, slots=True)
class SweepResult:
    """What the funding account holds of the target asset once a sweep is done (what it
    held, plus the net proceeds), its USD value, and its side of the dust line."""

    asset: str
    amount: Decimal
    value_usd: Decimal
    line_usd: Decimal
    side: dust_line.Side

    @property
    def clears_line(self) -> bool:
        """Above the line: no longer a small balance, so the sweep unblocks closing."""
        return self.side is dust_line.Side.ASSET


def sweep_result(
    holdings: Iterable[Holding], net: Decimal, target_price_usd: Decimal, terms: SweepTerms
) -> SweepResult:
    """The target asset's funding balance after crediting ``net``, judged by ``dust_line``
    (the eligibility check's own line): exactly at the line is still dust."""
    held = [
        h.amount for h in holdings if h.account_type == FUNDING and h.asset == terms.target_asset
    ]
    amount = dust_line.total(sum(held, _ZERO), net)
    value = dust_line.value_usd(amount, target_price_usd)
    assert value is not None  # a price was given
    side = dust_line.side(value, terms.dust_tolerance_usd)
    return SweepResult(terms.target_asset, amount, value, terms.dust_tolerance_usd, side)


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
    """The quote for ``holdings`` at current prices: it converts what can be sold and
    gives up nothing (``kept`` names what it leaves); its lines may be empty."""
    holdings = list(holdings)
    lines: list[QuoteLine] = []
    for h in sorted(converted(holdings, terms), key=lambda h: (h.account_type, h.asset)):
        value = h.value_usd
        assert value is not None  # convertible: it has a price
        lines.append(
            QuoteLine(
                account_type=h.account_type,
                asset=h.asset,
                amount=h.amount,
                price_usd=h.price_usd,
                value_usd=value,
                forfeit=False,
            )
        )
    gross, fee, net = proceeds(
        (line.value_usd for line in lines), target_price_usd, terms.fee_percent
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
        result=sweep_result(holdings, net, target_price_usd, terms),
        kept=kept(holdings, terms),
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

    ``convertible``: a sweep would sell at least one of them (``converts``: how many);
    ``result``: what it would leave in the funding account (None: the target asset has
    no price now); ``sweep``: it clears the line and one may run now (so it comes first:
    the customer keeps their value); ``next_sweep_at``: when one may run again if the
    interval refuses it now; ``forfeit``: everything that is dust, to give up with consent.
    """

    convertible: bool
    sweep: bool
    next_sweep_at: datetime | None
    frozen: bool
    forfeit: ForfeitOffer
    result: SweepResult | None = None
    converts: int = 0

    @property
    def worth_converting(self) -> bool:
        """A sweep would sell something and leave a balance above the line."""
        return self.convertible and self.result is not None and self.result.clears_line

    @property
    def leaves_dust(self) -> bool:
        """A sweep would sell something, but what it leaves would still be a small
        balance: the fee paid and closing still blocked, so it is not offered."""
        return self.convertible and self.result is not None and not self.result.clears_line


def converts_something(holdings: Iterable[Holding], terms: SweepTerms) -> bool:
    """A sweep would sell at least one balance."""
    return bool(converted(holdings, terms))


def would_leave(
    holdings: Iterable[Holding], target_price_usd: Decimal | None, terms: SweepTerms
) -> SweepResult | None:
    """What a sweep of ``holdings`` now would leave (None: the target has no price)."""
    if target_price_usd is None:
        return None
    holdings = list(holdings)
    values = (h.value_usd for h in converted(holdings, terms) if h.value_usd is not None)
    _, _, net = proceeds(values, target_price_usd, terms.fee_percent)
    return sweep_result(holdings, net, target_price_usd, terms)
