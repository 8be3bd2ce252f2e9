"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, and a movable clock.

Every test that takes ``engine`` runs twice, once per backend. PostgreSQL is found at
``LASTGATE_TEST_POSTGRES_URL`` (default: the local server, trust auth); when it cannot
be reached those runs are skipped, unless ``LASTGATE_REQUIRE_POSTGRES=1`` (as in CI),
which turns that into a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from lastgate.erasure.adapters.catalogue import metadata
from lastgate.kernel.audit import GENESIS
from lastgate.platform.db.audit_tables import append_only_ddl, audit_head
from lastgate.platform.db.engine import make_engine, migrate

#: The suite runs in explicit development mode, so the CLI's ``serve`` and ``worker`` take
#: the development secrets; tests/e2e/test_production_start.py runs them without it.
os.environ.setdefault("LASTGATE_DEVELOPMENT", "1")
#: The suite signs dozens of people in per minute from one address, through one app;
#: the rate limits' own tests (tests/e2e/test_rate_limits.py) set the limits they test.
for _rule in ("SIGN_IN", "OFFICIAL_CHECK", "ELIGIBILITY", "DEFAULT"):
    os.environ.setdefault(f"LASTGATE_RATE_LIMIT_{_rule}", "100000/minute")

POSTGRES_URL = os.environ.get(
    "LASTGATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("LASTGATE_REQUIRE_POSTGRES") == "1"


class MovableClock:
    """A clock tests can set and move; starts at a fixed instant."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = Path(tmp_path_factory.mktemp("db")) / "lastgate-test.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgresql_engine() -> Iterator[Engine]:
    admin_url = make_url(POSTGRES_URL)
    name = f"lastgate_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL required but unreachable at {POSTGRES_URL}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}: {exc}")
    engine = make_engine(admin_url.set(database=name).render_as_string(hide_password=False))
    migrate(engine)
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty(engine: Engine) -> None:
    """Remove every row, the append-only audit log's included."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            conn.execute(audit_head.insert().values(id=1, seq=0, hash=GENESIS))
            return
        create, drop = append_only_ddl(conn.dialect.name)
        for statement in drop:
            conn.execute(text(statement))
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        for statement in create:
            conn.execute(text(statement))
        conn.execute(audit_head.insert().values(id=1, seq=0, hash=GENESIS))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated, empty database; every test using it runs on both backends."""
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    _empty(engine)
    yield engine
