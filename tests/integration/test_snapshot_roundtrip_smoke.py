"""The snapshot import and export round-trip on both databases."""

from __future__ import annotations

from decimal import Decimal

from lastgate.adapters.ledger.snapshot_io import export_accounts, parse_snapshot
from tests.builders import T0, account, load


def test_import_then_export_gives_back_the_same_account(engine) -> None:
    original = account(
        "U1",
        balances=[
            {"account_type": "funding", "asset": "BTC", "available": "0.00031", "frozen": "0.5"}
        ],
        orders=[
            {
                "id": "o1",
                "product": "spot",
                "symbol": "BTC/USDT",
                "side": "buy",
                "kind": "limit",
                "status": "open",
                "quantity": "1.25",
                "price": "80000",
                "created_at": "2026-11-20T10:00:00+00:00",
            }
        ],
    )
    load(engine, original)
    exported = parse_snapshot(export_accounts(engine, ["U1"], now=T0).model_dump_json())
    acc = exported.accounts[0]
    assert acc.balances[0].available == Decimal("0.00031")
    assert acc.balances[0].frozen == Decimal("0.5")
    assert acc.orders[0].id == "o1"
    assert acc.orders[0].created_at.isoformat() == "2026-11-20T10:00:00+00:00"
    assert {p.asset for p in exported.prices} == {"BTC"}
