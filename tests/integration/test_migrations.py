"""Migrations are code: they build exactly the schema the tables declare, and go back down."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lastgate.erasure.adapters.catalogue import metadata
from lastgate.platform.db.engine import alembic_config, migrate
from lastgate.platform.db.textsearch import include_name

#: The substring indexes (lastgate.platform.db.textsearch) are not declared tables.
OPTS = {"include_name": include_name}


def test_the_migrated_schema_matches_the_declared_tables(engine) -> None:
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn, opts=OPTS), metadata)
    assert differences == []


def test_migrating_again_changes_nothing(engine) -> None:
    migrate(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts=OPTS), metadata) == []


def test_migrations_go_down_to_nothing_and_back(tmp_path) -> None:
    from lastgate.platform.db.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    command.downgrade(alembic_config(engine), "base")
    with engine.connect() as conn:
        tables = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version'"
        ).all()
    assert tables == []
    migrate(engine)
