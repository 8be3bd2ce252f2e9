"""Snapshot import and export on the reference ledger, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from lastgate.kernel.errors import AccountNotFound, InvalidSnapshot
from lastgate.ledger.adapters import tables as t
from lastgate.ledger.adapters.snapshot import OrderSnapshot, Snapshot
from lastgate.ledger.adapters.snapshot_io import (
    dump_snapshot,
    export_accounts,
    import_snapshot,
    parse_snapshot,
)
from tests.builders import T0, account, load, snapshot

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "snapshot.json"


def order(ref: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": ref,
        "product": "spot",
        "symbol": "BTC/USDT",
        "side": "buy",
        "kind": "limit",
        "status": "open",
        "quantity": "1.25",
        "price": "80000",
        "created_at": "2026-11-20T10:00:00+00:00",
        **fields,
    }


def btc(available: str = "0.5") -> dict[str, Any]:
    return {"account_type": "funding", "asset": "BTC", "available": available, "frozen": "0"}


def import_text(engine: Engine, text: str) -> None:
    """What ``lastgate ledger import FILE`` does: validate whole, then write."""
    import_snapshot(engine, parse_snapshot(text))


def ledger_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every customer table, without surrogate ids, in a stable order."""
    tables = (t.customers, *t.CUSTOMER_TABLES)
    with engine.connect() as conn:
        return {
            table.name: sorted(
                (tuple(str(v) for k, v in row._mapping.items() if k != "id") for row in rows),
            )
            for table in tables
            for rows in [conn.execute(select(table)).all()]
        }


def uids(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(t.customers.c.uid)).scalars())


def exported(engine: Engine, uid: str) -> dict[str, Any]:
    return export_accounts(engine, [uid], now=T0).accounts[0].model_dump()


@pytest.fixture
def existing(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """U1 loaded with a balance and an order; returns the ledger's rows after that."""
    load(engine, account("U1", balances=[btc()], orders=[order("o1")]))
    return ledger_rows(engine)


def mixed_file() -> str:
    """A good new account, a changed U1, and one bad account: refused whole."""
    return json.dumps(
        snapshot(
            account("U2", balances=[btc("3")]),
            account("U1", email="changed@example.com", orders=[]),
            account("U3", balances=[btc("-1")]),
        )
    )


def test_a_refused_file_leaves_the_existing_account_unchanged(engine, existing) -> None:
    with pytest.raises(InvalidSnapshot):
        import_text(engine, mixed_file())

    assert ledger_rows(engine) == existing


def test_a_refused_file_loads_none_of_its_valid_accounts(engine, existing) -> None:
    with pytest.raises(InvalidSnapshot):
        import_text(engine, mixed_file())

    assert uids(engine) == {"U1"}


def test_a_refused_file_names_the_bad_account_path(engine, existing) -> None:
    with pytest.raises(InvalidSnapshot) as caught:
        import_text(engine, mixed_file())

    assert [d["path"] for d in caught.value.details] == ["accounts[2].balances[0].available"]


def test_a_failure_while_writing_rolls_back_the_whole_file(engine, existing) -> None:
    # Bypass validation to make the database itself refuse the second account's order.
    valid = parse_snapshot(json.dumps(snapshot(account("U2"), account("U3"), prices={})))
    broken_order = OrderSnapshot.model_validate(order("o9")).model_copy(update={"status": None})
    broken = valid.accounts[1].model_copy(update={"orders": [broken_order]})
    changed_u1 = valid.accounts[0].model_copy(update={"uid": "U1"})
    file = valid.model_copy(update={"accounts": [changed_u1, valid.accounts[0], broken]})

    with pytest.raises(IntegrityError):
        import_snapshot(engine, file)

    assert ledger_rows(engine) == existing


def test_import_replaces_the_orders_of_an_existing_account(engine) -> None:
    load(engine, account("U1", orders=[order("o1"), order("o2"), order("o3")]))

    load(engine, account("U1", orders=[order("o2", status="cancelled")]))

    orders = export_accounts(engine, ["U1"], now=T0).accounts[0].orders
    assert [(o.id, o.status) for o in orders] == [("o2", "cancelled")]


def test_import_drops_collections_missing_from_the_new_snapshot(engine) -> None:
    load(engine, account("U1", balances=[btc()], orders=[order("o1")]))

    load(engine, account("U1"))

    acc = export_accounts(engine, ["U1"], now=T0).accounts[0]
    assert (acc.balances, acc.orders) == ([], [])


def test_import_replaces_the_customer_fields_of_an_existing_account(engine) -> None:
    load(engine, account("U1"))

    load(engine, account("U1", email="new@example.com", status="frozen"))

    acc = export_accounts(engine, ["U1"], now=T0).accounts[0]
    assert (acc.email, acc.status) == ("new@example.com", "frozen")


def test_import_leaves_accounts_the_file_does_not_name_alone(engine) -> None:
    load(engine, account("U1", balances=[btc()]), account("U2", balances=[btc("7")]))
    before = exported(engine, "U2")

    load(engine, account("U1"))

    assert exported(engine, "U2") == before


def test_import_keeps_one_customer_row_per_uid(engine) -> None:
    load(engine, account("U1"))
    load(engine, account("U1"))

    with engine.connect() as conn:
        assert conn.execute(select(t.customers.c.uid)).scalars().all() == ["U1"]


def test_prices_are_upserted(engine) -> None:
    load(engine, prices={"BTC": "90000", "ETH": "3000"})

    load(engine, prices={"BTC": "91000.5", "SOL": "150"})

    with engine.connect() as conn:
        rows = conn.execute(select(t.asset_prices.c.asset, t.asset_prices.c.price_usd)).all()
    assert dict(rows) == {"BTC": Decimal("91000.5"), "ETH": Decimal("3000"), "SOL": Decimal("150")}


def test_import_summary_counts_accounts_prices_and_rows(engine) -> None:
    text = json.dumps(snapshot(account("U1", balances=[btc()], orders=[order("o1")])))

    summary = import_snapshot(engine, parse_snapshot(text))

    assert (summary.accounts, summary.prices, summary.rows) == (1, 8, 3)


def test_export_then_import_is_lossless_for_every_collection(engine) -> None:
    example = parse_snapshot(EXAMPLE.read_text(encoding="utf-8"))
    import_snapshot(engine, example)
    first = export_accounts(engine, [a.uid for a in example.accounts], now=T0)

    _empty_customers(engine)
    import_text(engine, dump_snapshot(first))
    second = export_accounts(engine, [a.uid for a in example.accounts], now=T0)

    assert [a.model_dump() for a in second.accounts] == [a.model_dump() for a in first.accounts]
    assert [a.model_dump() for a in first.accounts] == [a.model_dump() for a in example.accounts]


def test_export_includes_the_price_of_every_asset_held_owed_or_moved(engine) -> None:
    import_snapshot(engine, parse_snapshot(EXAMPLE.read_text(encoding="utf-8")))

    prices = export_accounts(engine, ["U20481"], now=T0).prices

    assert {p.asset for p in prices} == {"BTC", "ETH", "LUNC", "SOL", "USDT"}


def test_export_includes_the_price_of_an_asset_only_owed(engine) -> None:
    loan = {
        "id": "l1",
        "kind": "margin_borrow",
        "asset": "USDT",
        "outstanding": "120",
        "opened_at": "2026-10-02T16:00:00+00:00",
    }
    load(engine, account("U1", loans=[loan]))

    prices = export_accounts(engine, ["U1"], now=T0).prices

    assert [p.asset for p in prices] == ["USDT"]


def test_export_of_an_unknown_uid_is_refused(engine) -> None:
    with pytest.raises(AccountNotFound):
        export_accounts(engine, ["NOPE"], now=T0)


def test_decimals_keep_every_digit(engine) -> None:
    huge = "12345678901234567890.123456789012345678"
    position = {
        "id": "p1",
        "product": "perpetual",
        "symbol": "BTCUSDT",
        "size": "-" + huge,
        "opened_at": "2026-11-20T10:00:00+00:00",
    }
    tiny = "0.000000000000000001"
    load(engine, account("U1", balances=[btc(huge) | {"frozen": tiny}], positions=[position]))

    wire = json.loads(dump_snapshot(export_accounts(engine, ["U1"], now=T0)))["accounts"][0]

    assert (wire["balances"][0]["available"], wire["balances"][0]["frozen"]) == (huge, tiny)
    assert wire["positions"][0]["size"] == "-" + huge


def test_times_come_back_timezone_aware_in_utc(engine) -> None:
    load(engine, account("U1", created_at="2023-01-15T11:00:00+02:00"))

    created = export_accounts(engine, ["U1"], now=T0).accounts[0].created_at

    assert created.utcoffset() == timedelta(0)
    assert created == datetime(2023, 1, 15, 9, 0, tzinfo=UTC)


def test_export_writes_times_with_an_offset(engine) -> None:
    load(engine, account("U1", created_at="2023-01-15T11:00:00+02:00"))

    wire = json.loads(dump_snapshot(export_accounts(engine, ["U1"], now=T0)))

    assert wire["accounts"][0]["created_at"] == "2023-01-15T09:00:00Z"


def test_export_leaves_out_null_fields(engine) -> None:
    load(engine, account("U1", email=None, phone=None))

    wire = json.loads(dump_snapshot(export_accounts(engine, ["U1"], now=T0)))

    assert "email" not in wire["accounts"][0] and "phone" not in wire["accounts"][0]


def test_an_exported_file_is_a_valid_snapshot(engine) -> None:
    load(engine, account("U1", balances=[btc()], orders=[order("o1")]))

    text = dump_snapshot(export_accounts(engine, ["U1"], now=T0))

    assert isinstance(parse_snapshot(text), Snapshot)


def _empty_customers(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in (*t.CUSTOMER_TABLES, t.customers):
            conn.execute(table.delete())
