"""Column types that keep money exact and times in UTC on both SQLite and PostgreSQL.

This is the one home of the SQLite codec: what ``Amount`` and ``UTCDateTime`` store, and
the functions that bind and read the same values through a driver's own cursor (the
reference ledger's one-statement reader and the bulk sweep bypass SQLAlchemy's types).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, overload

from sqlalchemy import Dialect, Numeric, String, TypeDecorator
from sqlalchemy.types import DateTime, TypeEngine


class Amount(TypeDecorator[Decimal]):
    """An exact decimal: NUMERIC(38, 18) on PostgreSQL, canonical text on SQLite.

    SQLite has no exact decimal type; storing text keeps every digit.
    """

    impl = Numeric(38, 18)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(60))
        return dialect.type_descriptor(Numeric(38, 18, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return amount_text(Decimal(value))
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        amount: Decimal | None = read_amount(value)
        return amount


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC instant; naive values are refused on the way in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        moment: datetime | None = read_time(value)
        return moment


# -- the same values through a driver's own cursor -------------------------------------

#: How SQLAlchemy's SQLite ``DateTime`` (so ``UTCDateTime``) writes an instant: naive UTC.
SQLITE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def amount_text(value: Decimal) -> str:
    """An amount as ``Amount`` stores it on SQLite: plain notation, every digit kept."""
    return format(value, "f")


def time_param(dialect: str, moment: datetime) -> datetime | str:
    """``moment`` bound as ``UTCDateTime`` would bind it in ``dialect``."""
    if dialect == "sqlite":
        return moment.astimezone(UTC).strftime(SQLITE_TIME_FORMAT)
    return moment


@overload
def read_amount(value: None) -> None: ...
@overload
def read_amount(value: str | Decimal) -> Decimal: ...
def read_amount(value: str | Decimal | None) -> Decimal | None:
    """An amount read back: SQLite's text or PostgreSQL's NUMERIC, as a Decimal."""
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(value)


@overload
def read_time(value: None) -> None: ...
@overload
def read_time(value: str | datetime) -> datetime: ...
def read_time(value: str | datetime | None) -> datetime | None:
    """An instant read back, aware and in UTC: SQLite's naive UTC (text from a bare
    cursor) or PostgreSQL's ``timestamptz``."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
