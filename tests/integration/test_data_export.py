"""The data export on both databases: the ZIP round-trips, matches the ledger, and is
the customer's only."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine

from lastgate.export.adapters import FILES, LedgerDataExport
from lastgate.export.model import COINTRACKING_COLUMNS, KOINLY_COLUMNS, SUMMARY_COLUMNS
from lastgate.export.service import export_customer_data
from lastgate.kernel.access import Principal, Role
from lastgate.kernel.errors import AccountClosed, AccountNotFound, Forbidden
from lastgate.ledger.adapters.snapshot_io import export_accounts, parse_snapshot
from lastgate.platform import audit_log
from tests.builders import account, load
from tests.conftest import MovableClock

AML_REASON = "Structuring suspected, SAR-2026-0077"


def order(
    ref: str,
    symbol: str,
    side: str,
    status: str,
    qty: str,
    price: str | None,
    at: str,
    product: str = "spot",
) -> dict[str, Any]:
    data = {
        "id": ref,
        "product": product,
        "symbol": symbol,
        "side": side,
        "kind": "limit" if price else "market",
        "status": status,
        "quantity": qty,
        "created_at": at,
    }
    if price is not None:
        data["price"] = price
    return data


def transfer(
    ref: str, direction: str, asset: str, amount: str, status: str, at: str, done: str | None = None
) -> dict[str, Any]:
    data = {
        "id": ref,
        "direction": direction,
        "asset": asset,
        "amount": amount,
        "status": status,
        "network": "ETH",
        "address": "0x00000000000000000000000000000000000000ab",
        "created_at": at,
    }
    if done is not None:
        data["completed_at"] = done
    return data


TRADER = account(
    "U5000",
    orders=[
        order("o-buy", "BTC/USDT", "buy", "filled", "0.5", "60000.10", "2024-06-01T10:00:00+00:00"),
        order("o-sell", "ETH/BTC", "sell", "filled", "2", "0.05", "2025-02-01T10:00:00+00:00"),
        order(
            "o-part",
            "SOL/USDT",
            "buy",
            "partially_filled",
            "10",
            "150",
            "2025-03-01T10:00:00+00:00",
        ),
        order("o-open", "BTC/USDT", "buy", "cancelled", "9", "1", "2025-03-02T10:00:00+00:00"),
        order(
            "o-fut",
            "BTCUSDT",
            "buy",
            "filled",
            "3",
            "1",
            "2025-03-03T10:00:00+00:00",
            product="perpetual",
        ),
    ],
    transfers=[
        transfer(
            "d-1",
            "deposit",
            "USDT",
            "40000",
            "completed",
            "2024-05-31T09:00:00+00:00",
            "2024-05-31T09:30:00+00:00",
        ),
        transfer(
            "w-1",
            "withdrawal",
            "BTC",
            "0.25",
            "completed",
            "2025-04-01T09:00:00+00:00",
            "2025-04-01T09:45:00+00:00",
        ),
        transfer("w-2", "withdrawal", "BTC", "0.1", "pending", "2025-04-02T09:00:00+00:00"),
    ],
    holds=[
        {
            "id": "h-9",
            "kind": "aml_investigation",
            "reason": AML_REASON,
            "placed_by": "C-17",
            "placed_at": "2025-05-01T09:00:00+00:00",
        }
    ],
)
OTHER = account(
    "U6000",
    orders=[
        order(
            "x-secret",
            "DOGE/EUR",
            "buy",
            "filled",
            "777.13579",
            "0.09",
            "2025-01-01T00:00:00+00:00",
        )
    ],
    transfers=[
        transfer(
            "x-dep",
            "deposit",
            "EUR",
            "999.24681",
            "completed",
            "2025-01-01T00:00:00+00:00",
            "2025-01-01T00:01:00+00:00",
        )
    ],
)
QUIET = account("U7000")
CUSTOMER = Principal("U5000", Role.CUSTOMER)


@pytest.fixture
def ledger(engine: Engine) -> LedgerDataExport:
    load(engine, TRADER, OTHER, QUIET)
    return LedgerDataExport(engine)


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def table(body: bytes) -> tuple[list[str], list[list[str]]]:
    text = body.decode("utf-8")
    header = list(csv.DictReader(io.StringIO(text)).fieldnames or [])
    rows = list(csv.reader(io.StringIO(text)))[1:]
    return header, rows


def export(ledger: LedgerDataExport, clock: MovableClock, uid: str = "U5000") -> dict[str, bytes]:
    principal = Principal(uid, Role.CUSTOMER)
    name, content = export_customer_data(ledger, principal, uid, now=clock())
    assert name == f"lastgate-export-{uid}-20261123T120000Z.zip"
    return unzip(content)


def test_zip_holds_every_file_in_order(ledger: LedgerDataExport, clock: MovableClock) -> None:
    _, content = export_customer_data(ledger, CUSTOMER, "U5000", now=clock())
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == list(FILES)


def test_account_json_matches_the_ledger_and_hashes_match(
    ledger: LedgerDataExport, engine: Engine, clock: MovableClock
) -> None:
    files = export(ledger, clock)
    document = json.loads(files["account.json"])
    manifest = document["manifest"]
    assert manifest["uid"] == "U5000"
    assert manifest["format"] == "lastgate.export/1"
    assert manifest["generated_at"] == clock().isoformat()
    assert [f["name"] for f in manifest["files"]] == list(FILES[1:])
    for entry in manifest["files"]:
        body = files[entry["name"]]
        assert entry["sha256"] == hashlib.sha256(body).hexdigest()
        assert entry["bytes"] == len(body)

    exported = parse_snapshot(json.dumps(document["snapshot"]))
    (mine,) = exported.accounts
    expected = export_accounts(engine, ["U5000"], now=clock()).accounts[0]
    assert mine == expected.model_copy(update={"holds": []})
    assert mine.email == "u5000@example.com"


def test_holds_are_never_in_the_customer_copy(
    ledger: LedgerDataExport, clock: MovableClock
) -> None:
    files = export(ledger, clock)
    everything = b"".join(files.values()).decode("utf-8")
    assert AML_REASON not in everything
    assert "aml_investigation" not in everything
    assert "holds" not in json.loads(files["account.json"])["snapshot"]["accounts"][0]


def test_koinly_files_have_the_documented_columns_and_exact_amounts(
    ledger: LedgerDataExport, clock: MovableClock
) -> None:
    files = export(ledger, clock)
    parsed = {}
    for name in ("trades.csv", "deposits.csv", "withdrawals.csv"):
        header, rows = table(files[name])
        assert tuple(header) == KOINLY_COLUMNS
        parsed[name] = [dict(zip(header, row, strict=True)) for row in rows]

    buy, sell, part = parsed["trades.csv"]
    assert (buy["Date"], buy["Sent Amount"], buy["Sent Currency"]) == (
        "2024-06-01 10:00 UTC",
        "30000.05",
        "USDT",
    )
    assert (buy["Received Amount"], buy["Received Currency"]) == ("0.5", "BTC")
    assert (sell["Sent Amount"], sell["Sent Currency"]) == ("2", "ETH")
    assert (sell["Received Amount"], sell["Received Currency"]) == ("0.1", "BTC")
    assert (part["Sent Amount"], part["Received Amount"]) == ("1500", "10")
    assert "partially filled" in part["Description"]

    (deposit,) = parsed["deposits.csv"]
    assert (deposit["Date"], deposit["Received Amount"], deposit["Received Currency"]) == (
        "2024-05-31 09:30 UTC",
        "40000",
        "USDT",
    )
    assert deposit["Sent Amount"] == ""
    (withdrawal,) = parsed["withdrawals.csv"]
    assert (withdrawal["Sent Amount"], withdrawal["Sent Currency"]) == ("0.25", "BTC")
    assert withdrawal["Received Amount"] == ""


def test_cointracking_file_has_the_documented_columns(
    ledger: LedgerDataExport, clock: MovableClock
) -> None:
    header, rows = table(export(ledger, clock)["cointracking.csv"])
    assert tuple(header) == COINTRACKING_COLUMNS
    assert [[*row[:5], row[10]] for row in rows] == [
        ["Deposit", "40000", "USDT", "", "", "31.05.2024 09:30:00"],
        ["Trade", "0.5", "BTC", "30000.05", "USDT", "01.06.2024 10:00:00"],
        ["Trade", "0.1", "BTC", "2", "ETH", "01.02.2025 10:00:00"],
        ["Trade", "10", "SOL", "1500", "USDT", "01.03.2025 10:00:00"],
        ["Withdrawal", "", "", "0.25", "BTC", "01.04.2025 09:45:00"],
    ]
    assert {row[7] for row in rows} == {"lastgate"}


def test_summary_adds_up(ledger: LedgerDataExport, clock: MovableClock) -> None:
    header, rows = table(export(ledger, clock)["summary-by-year.csv"])
    assert tuple(header) == SUMMARY_COLUMNS
    summary = {(row[0], row[1]): [Decimal(v) if v else None for v in row[2:]] for row in rows}
    assert summary == {
        ("2024", "BTC"): [Decimal("0.5"), 0, 0, 0, None],
        ("2024", "USDT"): [0, Decimal("30000.05"), Decimal(40000), 0, None],
        ("2025", "BTC"): [Decimal("0.1"), 0, 0, Decimal("0.25"), None],
        ("2025", "ETH"): [0, Decimal(2), 0, 0, None],
        ("2025", "SOL"): [Decimal(10), 0, 0, 0, None],
        ("2025", "USDT"): [0, Decimal(1500), 0, 0, None],
    }
    # Every trade and transfer row is accounted for in the summary, asset by asset.
    _, trades = table(export(ledger, clock)["trades.csv"])
    received: dict[str, Decimal] = {}
    for row in trades:
        received[row[4]] = received.get(row[4], Decimal(0)) + Decimal(row[3])
    bought = {}
    for (_, asset), values in summary.items():
        bought[asset] = bought.get(asset, Decimal(0)) + Decimal(values[0] or 0)
    assert {a: v for a, v in bought.items() if v} == received


def test_another_customers_data_never_appears(
    ledger: LedgerDataExport, clock: MovableClock
) -> None:
    everything = b"".join(export(ledger, clock).values()).decode("utf-8")
    for marker in ("U6000", "x-secret", "x-dep", "DOGE", "777.13579", "999.24681", "u6000@"):
        assert marker not in everything


def test_same_clock_same_bytes(ledger: LedgerDataExport, clock: MovableClock) -> None:
    first = export_customer_data(ledger, CUSTOMER, "U5000", now=clock())
    second = export_customer_data(ledger, CUSTOMER, "U5000", now=clock())
    assert first == second
    clock.advance(minutes=5)
    assert export_customer_data(ledger, CUSTOMER, "U5000", now=clock())[1] != first[1]


def test_customer_without_history_gets_headers_only(
    ledger: LedgerDataExport, clock: MovableClock
) -> None:
    files = export(ledger, clock, "U7000")
    for name, columns in (
        ("trades.csv", KOINLY_COLUMNS),
        ("deposits.csv", KOINLY_COLUMNS),
        ("withdrawals.csv", KOINLY_COLUMNS),
        ("cointracking.csv", COINTRACKING_COLUMNS),
        ("summary-by-year.csv", SUMMARY_COLUMNS),
    ):
        header, rows = table(files[name])
        assert (tuple(header), rows) == (columns, [])
    assert json.loads(files["account.json"])["snapshot"]["accounts"][0]["uid"] == "U7000"


def test_a_customer_cannot_export_another_account(
    ledger: LedgerDataExport, engine: Engine, clock: MovableClock
) -> None:
    with pytest.raises(Forbidden):
        export_customer_data(ledger, CUSTOMER, "U6000", now=clock())
    with pytest.raises(Forbidden):
        export_customer_data(ledger, CUSTOMER, "U-nobody", now=clock())
    with engine.connect() as conn:
        assert [e for e in audit_log.entries(conn) if e.action == "data.exported"] == []


def test_staff_may_export_and_unknown_accounts_are_not_found(
    ledger: LedgerDataExport, clock: MovableClock
) -> None:
    agent = Principal("A-1", Role.AGENT)
    name, _ = export_customer_data(ledger, agent, "U6000", now=clock())
    assert name.startswith("lastgate-export-U6000-")
    with pytest.raises(AccountNotFound):
        export_customer_data(ledger, agent, "U-nobody", now=clock())


def test_every_export_is_audited_without_personal_data(
    ledger: LedgerDataExport, engine: Engine, clock: MovableClock
) -> None:
    _, content = export_customer_data(ledger, CUSTOMER, "U5000", now=clock())
    with engine.connect() as conn:
        (entry,) = [e for e in audit_log.entries(conn) if e.action == "data.exported"]
    assert (entry.actor, entry.subject) == ("U5000", "account:U5000")
    payload = json.loads(entry.payload)
    assert payload["sha256"] == hashlib.sha256(content).hexdigest()
    assert payload["trades_count"] == 3
    assert (payload["deposits_count"], payload["withdrawals_count"]) == (1, 1)
    assert "example.com" not in entry.payload
    assert "+49" not in entry.payload


def test_a_closed_accounts_customer_is_refused_and_nothing_is_audited_but_staff_may(
    engine: Engine, clock: MovableClock
) -> None:
    load(engine, account("U8000", status="closed"))
    ledger = LedgerDataExport(engine)
    with pytest.raises(AccountClosed):
        export_customer_data(ledger, Principal("U8000", Role.CUSTOMER), "U8000", now=clock())
    with engine.connect() as conn:
        assert [e for e in audit_log.entries(conn) if e.action == "data.exported"] == []
    name, _ = export_customer_data(ledger, Principal("A-1", Role.AGENT), "U8000", now=clock())
    assert name.startswith("lastgate-export-U8000-")
