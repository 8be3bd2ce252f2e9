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


def test_the_open_orders_index_holds_the_models_open_statuses() -> None:
    # A migration's code is frozen: if the model's set changes, a new migration must too.
    from importlib import import_module

    from lastgate.ledger.adapters.tables import OPEN_ORDERS
    from lastgate.ledger.model import OPEN_ORDER_STATUSES

    m0012 = import_module("lastgate.platform.db.migrations.versions.0012_open_orders_index")
    assert tuple(sorted(s.value for s in OPEN_ORDER_STATUSES)) == m0012.OPEN_STATUSES
    assert m0012.PREDICATE == OPEN_ORDERS


def test_the_open_orders_index_built_beforehand_is_kept(tmp_path) -> None:
    # docs/deployment.md: on a large ledger it is built CONCURRENTLY before upgrading.
    from lastgate.platform.db.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine, "0011")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE INDEX ix_orders_open ON orders (customer_id) "
            "WHERE status IN ('open', 'partially_filled', 'trigger_pending')"
        )
    migrate(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts=OPTS), metadata) == []
