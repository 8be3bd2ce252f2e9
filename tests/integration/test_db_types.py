"""The SQLite codec has one home: what the column types store is what the driver-level
helpers (used by the one-statement ledger reader) bind and read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select

from lastgate.platform.db.types import (
    Amount,
    UTCDateTime,
    amount_text,
    read_amount,
    read_time,
    time_param,
)

metadata = MetaData()
samples = Table(
    "samples",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("amount", Amount()),
    Column("at", UTCDateTime()),
)

AMOUNT = Decimal("12345678901234567890.123456789012345600")  # 38 digits, trailing zeros
MOMENT = datetime(2026, 3, 4, 5, 6, 7, 89, tzinfo=timezone(timedelta(hours=8)))


def test_the_driver_helpers_bind_and_read_what_the_column_types_store() -> None:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(samples).values(id=1, amount=AMOUNT, at=MOMENT))
        raw_amount, raw_at = conn.exec_driver_sql("SELECT amount, at FROM samples").one()
        typed = conn.execute(select(samples.c.amount, samples.c.at)).one()
        found = conn.exec_driver_sql(
            "SELECT count(*) FROM samples WHERE at = ?", (time_param("sqlite", MOMENT),)
        ).scalar_one()
    assert raw_amount == amount_text(AMOUNT)
    assert raw_at == time_param("sqlite", MOMENT)
    assert found == 1
    assert read_amount(raw_amount) == AMOUNT == typed.amount
    assert read_time(raw_at) == MOMENT == typed.at
    assert read_time(raw_at).tzinfo is UTC


def test_nothing_read_is_nothing() -> None:
    assert read_amount(None) is None and read_time(None) is None
