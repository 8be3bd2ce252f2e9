"""Readiness (``GET /readyz``) and ``lastgate worker --check``: ready on a migrated
database; not ready, naming the part, on a database never migrated and on one that does
not answer; on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from lastgate.app.api import create_app
from lastgate.app.worker import check
from lastgate.platform.db.engine import make_engine
from tests.conftest import POSTGRES_URL
from tests.workflow_support import settings


@pytest.fixture(params=["sqlite", "postgresql"])
def unmigrated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database that answers but was never migrated."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    request.getfixturevalue("postgresql_engine")  # skips (or fails) as the suite does
    name = f"lastgate_empty_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine whose database cannot be reached: a SQLite file in a directory that does
    not exist, a PostgreSQL server on a closed port."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    else:
        url = make_url(POSTGRES_URL).set(host="127.0.0.1", port=1)
        engine = create_engine(url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()


def _readyz(engine: Engine) -> tuple[int, dict]:
    with TestClient(create_app(settings(), engine=engine)) as client:
        response = client.get("/readyz")
    return response.status_code, response.json()


def test_a_migrated_database_is_ready(engine: Engine) -> None:
    assert _readyz(engine) == (
        200,
        {"status": "ready", "database": "ok", "migrations": "at head"},
    )
    assert check(engine) is None


def test_a_database_never_migrated_is_not_ready(unmigrated: Engine) -> None:
    status, body = _readyz(unmigrated)
    assert status == 503
    assert body["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert body["error"]["details"][0]["path"] == "migrations"
    assert "never migrated" in body["error"]["message"]
    problem = check(unmigrated)
    assert problem is not None and problem.part == "migrations"


def test_a_database_that_does_not_answer_is_not_ready(unreachable: Engine) -> None:
    status, body = _readyz(unreachable)
    assert status == 503
    assert body["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert body["error"]["details"][0]["path"] == "database"
    problem = check(unreachable)
    assert problem is not None and problem.part == "database"


def test_a_database_behind_head_is_not_ready(unmigrated: Engine) -> None:
    from lastgate.platform.db.engine import migrate

    migrate(unmigrated, "0001")
    status, body = _readyz(unmigrated)
    assert status == 503
    assert body["error"]["details"][0]["path"] == "migrations"
    assert "the database is at 0001" in body["error"]["message"]


def _worker_check(url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LASTGATE_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "lastgate.app.cli", "worker", "--check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_worker_check_command_exits_by_readiness(tmp_path: Path) -> None:
    database = tmp_path / "w.db"
    empty = _worker_check(f"sqlite:///{database}")
    assert empty.returncode == 1
    assert "worker NOT READY (migrations)" in empty.stderr
    engine = make_engine(f"sqlite:///{database}")
    from lastgate.platform.db.engine import migrate

    migrate(engine)
    engine.dispose()
    ready = _worker_check(f"sqlite:///{database}")
    assert ready.returncode == 0, ready.stderr
    assert "worker ready" in ready.stdout
