"""Trades and transfers to Koinly and CoinTracking rows, and the per-year summary."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from lastgate.export.model import (
    COINTRACKING_COLUMNS,
    KOINLY_COLUMNS,
    SUMMARY_COLUMNS,
    Trade,
    Transfer,
    cointracking_rows,
    koinly_trade_rows,
    koinly_transfer_rows,
    render_csv,
    split_symbol,
    summary_rows,
    yearly_totals,
)

AT = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
BUY = Trade("o-1", AT, "buy", "BTC", "USDT", Decimal("0.5"), Decimal("60000.10"))
SELL = Trade("o-2", AT + timedelta(days=1), "sell", "ETH", "BTC", Decimal("2"), Decimal("0.05"))
DEPOSIT = Transfer("d-1", AT - timedelta(days=1), "deposit", "USDT", Decimal("40000"), "TRON")
WITHDRAWAL = Transfer("w-1", AT + timedelta(days=2), "withdrawal", "BTC", Decimal("0.25"))


def koinly(row: list[str]) -> dict[str, str]:
    return dict(zip(KOINLY_COLUMNS, row, strict=True))


def test_koinly_columns_are_the_universal_template() -> None:
    assert KOINLY_COLUMNS == (
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


def test_a_buy_sends_quote_and_receives_base_at_order_price() -> None:
    (row,) = koinly_trade_rows([BUY])
    assert koinly(row) | {"Description": ""} == {
        "Date": "2025-03-04 05:06 UTC",
        "Sent Amount": "30000.05",
        "Sent Currency": "USDT",
        "Received Amount": "0.5",
        "Received Currency": "BTC",
        "Fee Amount": "",
        "Fee Currency": "",
        "Net Worth Amount": "",
        "Net Worth Currency": "",
        "Label": "",
        "Description": "",
        "TxHash": "",
    }
    assert "o-1" in koinly(row)["Description"]


def test_a_sell_sends_base_and_receives_quote() -> None:
    (row,) = koinly_trade_rows([SELL])
    assert koinly(row)["Sent Amount"] == "2"
    assert koinly(row)["Sent Currency"] == "ETH"
    assert koinly(row)["Received Amount"] == "0.1"
    assert koinly(row)["Received Currency"] == "BTC"


def test_amounts_keep_every_digit() -> None:
    trade = Trade(
        "o-9",
        AT,
        "buy",
        "SHIB",
        "USDT",
        Decimal("12345678901234567890.123456789012345678"),
        Decimal("0.000000000000000001"),
    )
    (row,) = koinly_trade_rows([trade])
    assert koinly(row)["Received Amount"] == "12345678901234567890.123456789012345678"
    assert koinly(row)["Sent Amount"] == "12.345678901234567890123456789012345678"


def test_a_trade_without_a_price_leaves_the_quote_side_empty() -> None:
    trade = Trade("o-3", AT, "buy", "BTC", "USDT", Decimal("1"), None, note="no price recorded")
    (row,) = koinly_trade_rows([trade])
    assert (koinly(row)["Sent Amount"], koinly(row)["Sent Currency"]) == ("", "")
    assert "no price recorded" in koinly(row)["Description"]


def test_transfers_are_one_sided_and_dated_in_utc() -> None:
    local = Transfer(
        "d-2",
        datetime(2025, 1, 1, 1, 30, tzinfo=timezone(timedelta(hours=2))),
        "deposit",
        "ETH",
        Decimal("1.50"),
    )
    deposit, withdrawal = koinly_transfer_rows([local, WITHDRAWAL])
    assert koinly(deposit)["Date"] == "2024-12-31 23:30 UTC"
    assert koinly(deposit)["Received Amount"] == "1.5"
    assert koinly(deposit)["Sent Amount"] == ""
    assert koinly(withdrawal)["Sent Amount"] == "0.25"
    assert koinly(withdrawal)["Sent Currency"] == "BTC"
    assert koinly(withdrawal)["Received Amount"] == ""


def test_cointracking_rows_in_time_order() -> None:
    rows = cointracking_rows([SELL, BUY], [WITHDRAWAL, DEPOSIT], exchange="lastgate")
    assert [row[0] for row in rows] == ["Deposit", "Trade", "Trade", "Withdrawal"]
    deposit, buy, sell, withdrawal = rows
    assert deposit[1:5] == ["40000", "USDT", "", ""]
    assert buy[1:5] == ["0.5", "BTC", "30000.05", "USDT"]
    assert sell[1:5] == ["0.1", "BTC", "2", "ETH"]
    assert withdrawal[1:5] == ["", "", "0.25", "BTC"]
    assert buy[7] == "lastgate"
    assert buy[10] == "04.03.2025 05:06:07"
    assert all(len(row) == len(COINTRACKING_COLUMNS) for row in rows)


def test_yearly_totals_add_up() -> None:
    late = Trade(
        "o-4", datetime(2026, 1, 1, tzinfo=UTC), "sell", "BTC", "USDT", Decimal("0.1"), Decimal(1)
    )
    totals = {(t.year, t.asset): t for t in yearly_totals([BUY, SELL, late], [DEPOSIT, WITHDRAWAL])}
    assert sorted(totals) == [
        (2025, "BTC"),
        (2025, "ETH"),
        (2025, "USDT"),
        (2026, "BTC"),
        (2026, "USDT"),
    ]
    btc = totals[(2025, "BTC")]
    assert (btc.bought, btc.sold, btc.withdrawn) == (Decimal("0.6"), Decimal(0), Decimal("0.25"))
    usdt = totals[(2025, "USDT")]
    assert (usdt.deposited, usdt.sold) == (Decimal(40000), Decimal("30000.05"))
    assert totals[(2025, "ETH")].sold == Decimal(2)
    assert totals[(2026, "USDT")].bought == Decimal("0.1")
    assert all(t.fees is None for t in totals.values())


def test_known_fees_are_summed_and_unknown_fees_stay_empty() -> None:
    fee_trade = Trade(
        "o-5",
        AT,
        "buy",
        "BTC",
        "USDT",
        Decimal(1),
        Decimal(2),
        fee=Decimal("0.001"),
        fee_asset="BTC",
    )
    rows = summary_rows(yearly_totals([fee_trade, fee_trade], [DEPOSIT]))
    by_asset = {row[1]: row for row in rows}
    assert by_asset["BTC"][6] == "0.002"
    assert by_asset["USDT"][6] == ""


@pytest.mark.parametrize(
    ("symbol", "pair"),
    [
        ("BTC/USDT", ("BTC", "USDT")),
        ("ETH-EUR", ("ETH", "EUR")),
        ("SOL_USDC", ("SOL", "USDC")),
        ("DOGEUSDT", ("DOGE", "USDT")),
        ("ETHBTC", ("ETH", "BTC")),
    ],
)
def test_split_symbol(symbol: str, pair: tuple[str, str]) -> None:
    assert split_symbol(symbol) == pair


def test_split_symbol_refuses_what_it_cannot_read() -> None:
    with pytest.raises(ValueError, match="XYZ"):
        split_symbol("XYZ")


def test_empty_csv_has_the_header_only() -> None:
    for columns in (KOINLY_COLUMNS, COINTRACKING_COLUMNS, SUMMARY_COLUMNS):
        text = render_csv(columns, []).decode("utf-8")
        reader = csv.DictReader(io.StringIO(text))
        assert tuple(reader.fieldnames or ()) == columns
        assert list(reader) == []


def test_naive_times_are_refused() -> None:
    naive = Transfer("d-3", datetime(2025, 1, 1), "deposit", "BTC", Decimal(1))
    with pytest.raises(ValueError, match="timezone"):
        koinly_transfer_rows([naive])
