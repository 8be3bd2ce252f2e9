"""Trade and transfer history in the import formats of crypto tax tools.

Pure: plain records in, CSV rows (lists of strings) out. Koinly's "universal" format and
CoinTracking's CSV import are documented in docs/export.md with their sources. Amounts
are exact decimal strings, never floats; times are UTC in each tool's own format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Context, Decimal
from typing import Final, Literal

from lastgate.kernel.money import to_wire

#: Koinly universal template, column for column (support.koinly.io, "How to create a
#: custom CSV file with your data").
KOINLY_COLUMNS: Final = (
    "Date",
    "Sent Amount",
    "Sent Currency",
    "Received Amount",
    "Received Currency",
    "Fee Amount",
    "Fee Currency",
    "Net Worth Amount",
    "Net Worth Currency",
    "Label",
    "Description",
    "TxHash",
)
#: CoinTracking's CSV import layout: its own trade-list export, which it reads back.
COINTRACKING_COLUMNS: Final = (
    "Type",
    "Buy",
    "Cur.",
    "Sell",
    "Cur.",
    "Fee",
    "Cur.",
    "Exchange",
    "Group",
    "Comment",
    "Date",
)
SUMMARY_COLUMNS: Final = (
    "Year",
    "Asset",
    "Bought",
    "Sold",
    "Deposited",
    "Withdrawn",
    "Fees",
)

#: Koinly documents "YYYY-MM-DD 00:00 UTC"; CoinTracking's export writes day first.
KOINLY_DATE: Final = "%Y-%m-%d %H:%M UTC"
COINTRACKING_DATE: Final = "%d.%m.%Y %H:%M:%S"

# Wide enough that no product or sum of ledger amounts (38 digits each) is ever rounded.
_EXACT = Context(prec=200)

#: Quote assets tried, longest first, on a symbol written without a separator.
_QUOTES: Final = ("FDUSD", "USDT", "USDC", "BUSD", "TUSD", "EUR", "USD", "GBP", "BTC", "ETH")


@dataclass(frozen=True, slots=True)
class Trade:
    """A spot trade: ``quantity`` of ``base`` bought or sold for ``quote`` at ``price``.

    ``price`` is None when the ledger knows none (a market order without a fill price).
    """

    ref: str
    at: datetime
    side: Literal["buy", "sell"]
    base: str
    quote: str
    quantity: Decimal
    price: Decimal | None
    note: str = ""
    fee: Decimal | None = None
    fee_asset: str | None = None

    @property
    def quote_amount(self) -> Decimal | None:
        """What was paid (buy) or received (sell) in the quote asset, exactly."""
        return None if self.price is None else _EXACT.multiply(self.quantity, self.price)


@dataclass(frozen=True, slots=True)
class Transfer:
    """A completed deposit or withdrawal of one asset."""

    ref: str
    at: datetime
    direction: Literal["deposit", "withdrawal"]
    asset: str
    amount: Decimal
    network: str | None = None
    fee: Decimal | None = None
    fee_asset: str | None = None
    tx_hash: str | None = None


@dataclass(frozen=True, slots=True)
class YearTotals:
    """One calendar year's movements of one asset; ``fees`` is None when none are known."""

    year: int
    asset: str
    bought: Decimal
    sold: Decimal
    deposited: Decimal
    withdrawn: Decimal
    fees: Decimal | None


def split_symbol(symbol: str) -> tuple[str, str]:
    """``BTC/USDT``, ``BTC-USDT``, ``BTC_USDT`` or ``BTCUSDT`` → ``("BTC", "USDT")``."""
    for separator in ("/", "-", "_"):
        if separator in symbol:
            base, _, quote = symbol.partition(separator)
            if base and quote:
                return base, quote
    for quote in _QUOTES:
        if symbol.endswith(quote) and len(symbol) > len(quote):
            return symbol[: -len(quote)], quote
    raise ValueError(f"cannot tell base from quote in symbol {symbol!r}")


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(UTC)


def _amount(value: Decimal | None) -> str:
    return "" if value is None else to_wire(value)


def _fee(fee: Decimal | None, asset: str | None) -> tuple[str, str]:
    if fee is None or asset is None:
        return "", ""
    return to_wire(fee), asset


def _trade_description(trade: Trade) -> str:
    parts = [f"{trade.side} {trade.base}/{trade.quote}", f"order {trade.ref}"]
    if trade.note:
        parts.append(trade.note)
    return "; ".join(parts)


def _transfer_description(transfer: Transfer) -> str:
    text = f"{transfer.direction} {transfer.ref}"
    return f"{text} via {transfer.network}" if transfer.network else text


def koinly_trade_rows(trades: Iterable[Trade]) -> list[list[str]]:
    """Koinly universal rows: a buy sends quote and receives base, a sell the reverse."""
    rows = []
    for trade in trades:
        base_amount, quote_amount = to_wire(trade.quantity), _amount(trade.quote_amount)
        quote = trade.quote if trade.quote_amount is not None else ""
        if trade.side == "buy":
            sent, received = (quote_amount, quote), (base_amount, trade.base)
        else:
            sent, received = (base_amount, trade.base), (quote_amount, quote)
        rows.append(
            [
                _utc(trade.at).strftime(KOINLY_DATE),
                *sent,
                *received,
                *_fee(trade.fee, trade.fee_asset),
                "",
                "",
                "",
                _trade_description(trade),
                "",
            ]
        )
    return rows


def koinly_transfer_rows(transfers: Iterable[Transfer]) -> list[list[str]]:
    """Koinly universal rows: a deposit only receives, a withdrawal only sends."""
    rows = []
    for transfer in transfers:
        moved = (to_wire(transfer.amount), transfer.asset)
        sent, received = (("", ""), moved) if transfer.direction == "deposit" else (moved, ("", ""))
        rows.append(
            [
                _utc(transfer.at).strftime(KOINLY_DATE),
                *sent,
                *received,
                *_fee(transfer.fee, transfer.fee_asset),
                "",
                "",
                "",
                _transfer_description(transfer),
                transfer.tx_hash or "",
            ]
        )
    return rows


def cointracking_rows(
    trades: Iterable[Trade], transfers: Iterable[Transfer], *, exchange: str
) -> list[list[str]]:
    """CoinTracking rows, trades and transfers together in time order (then by ref)."""
    keyed: list[tuple[datetime, str, list[str]]] = []
    for trade in trades:
        base_amount, quote_amount = to_wire(trade.quantity), _amount(trade.quote_amount)
        quote = trade.quote if trade.quote_amount is not None else ""
        if trade.side == "buy":
            bought, sold = (base_amount, trade.base), (quote_amount, quote)
        else:
            bought, sold = (quote_amount, quote), (base_amount, trade.base)
        at = _utc(trade.at)
        keyed.append(
            (
                at,
                f"order {trade.ref}",
                [
                    "Trade",
                    *bought,
                    *sold,
                    *_fee(trade.fee, trade.fee_asset),
                    exchange,
                    "",
                    _trade_description(trade),
                    at.strftime(COINTRACKING_DATE),
                ],
            )
        )
    for transfer in transfers:
        moved = (to_wire(transfer.amount), transfer.asset)
        deposit = transfer.direction == "deposit"
        bought, sold = (moved, ("", "")) if deposit else (("", ""), moved)
        at = _utc(transfer.at)
        keyed.append(
            (
                at,
                f"{transfer.direction} {transfer.ref}",
                [
                    "Deposit" if deposit else "Withdrawal",
                    *bought,
                    *sold,
                    *_fee(transfer.fee, transfer.fee_asset),
                    exchange,
                    "",
                    _transfer_description(transfer),
                    at.strftime(COINTRACKING_DATE),
                ],
            )
        )
    keyed.sort(key=lambda item: (item[0], item[1]))
    return [row for _, _, row in keyed]


@dataclass
class _Running:
    bought: Decimal = Decimal(0)
    sold: Decimal = Decimal(0)
    deposited: Decimal = Decimal(0)
    withdrawn: Decimal = Decimal(0)
    fees: Decimal | None = None

    def add_fee(self, fee: Decimal) -> None:
        self.fees = fee if self.fees is None else _EXACT.add(self.fees, fee)


def yearly_totals(trades: Iterable[Trade], transfers: Iterable[Transfer]) -> list[YearTotals]:
    """Per UTC calendar year and asset: bought and sold in trades, deposited, withdrawn.

    A trade's base asset is bought (buy) or sold (sell); its quote asset the reverse, for
    quantity * price. So for each asset, bought - sold + deposited - withdrawn - fees is
    the net change over the year.
    """
    running: dict[tuple[int, str], _Running] = {}

    def cell(moment: datetime, asset: str) -> _Running:
        return running.setdefault((_utc(moment).year, asset), _Running())

    for trade in trades:
        base, quote_amount = cell(trade.at, trade.base), trade.quote_amount
        if trade.side == "buy":
            base.bought = _EXACT.add(base.bought, trade.quantity)
        else:
            base.sold = _EXACT.add(base.sold, trade.quantity)
        if quote_amount is not None:
            quote = cell(trade.at, trade.quote)
            if trade.side == "buy":
                quote.sold = _EXACT.add(quote.sold, quote_amount)
            else:
                quote.bought = _EXACT.add(quote.bought, quote_amount)
        if trade.fee is not None and trade.fee_asset is not None:
            cell(trade.at, trade.fee_asset).add_fee(trade.fee)
    for transfer in transfers:
        entry = cell(transfer.at, transfer.asset)
        if transfer.direction == "deposit":
            entry.deposited = _EXACT.add(entry.deposited, transfer.amount)
        else:
            entry.withdrawn = _EXACT.add(entry.withdrawn, transfer.amount)
        if transfer.fee is not None and transfer.fee_asset is not None:
            cell(transfer.at, transfer.fee_asset).add_fee(transfer.fee)
    return [
        YearTotals(year, asset, r.bought, r.sold, r.deposited, r.withdrawn, r.fees)
        for (year, asset), r in sorted(running.items())
    ]


def summary_rows(totals: Iterable[YearTotals]) -> list[list[str]]:
    """The per-year summary as CSV rows; an unknown fee is an empty cell, not zero."""
    return [
        [
            str(t.year),
            t.asset,
            to_wire(t.bought),
            to_wire(t.sold),
            to_wire(t.deposited),
            to_wire(t.withdrawn),
            _amount(t.fees),
        ]
        for t in totals
    ]


def render_csv(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 CSV with a header row and CRLF line ends (RFC 4180); every field a string."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
