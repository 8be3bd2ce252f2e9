"""The one SQLAlchemy ``MetaData`` every feature's tables register on, with the naming
convention the migrations rely on, and the id column type."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, MetaData

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: A 64-bit id on PostgreSQL; SQLite's INTEGER PRIMARY KEY (its rowid) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")
