"""The PostgreSQL pool pings a connection before handing it out only when it has been idle
(``engine.PING_AFTER_IDLE_SECONDS``): one the server dropped meanwhile is replaced, one
returned a moment ago costs no round trip. The threshold is patched, nothing sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from lastgate.platform.db import engine as engine_module
from lastgate.platform.db.engine import make_engine


@pytest.fixture
def own(postgresql_engine: Engine) -> Iterator[tuple[Engine, list[int]]]:
    """An engine with a pool of its own, and the pings it sends."""
    engine = make_engine(postgresql_engine.url.render_as_string(hide_password=False))
    pings: list[int] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(1)
        return ping(dbapi_connection)

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    yield engine, pings
    engine.dispose()


def _pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_postgresql_a_connection_returned_a_moment_ago_is_not_pinged(own, monkeypatch) -> None:
    engine, pings = own
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 3600.0)
    first = _pid(engine)  # a fresh connection: never pinged
    assert _pid(engine) == first and _pid(engine) == first
    assert pings == []
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert _pid(engine) == first
    assert pings == [1]


def test_postgresql_a_connection_dropped_while_idle_is_replaced(
    own, postgresql_engine, monkeypatch
) -> None:
    engine, pings = own
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    dropped = _pid(engine)
    with postgresql_engine.connect() as conn:  # the server drops it while it sits in the pool
        assert conn.execute(text(f"SELECT pg_terminate_backend({dropped})")).scalar_one()
    replaced = _pid(engine)  # would raise if the dead connection were handed out
    assert replaced != dropped
    assert pings == [1]
