"""The audit chain on both databases: appends, sealing, verification, tampering detected."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from lastgate.kernel.audit import GENESIS, link_hash, verify_chain
from lastgate.kernel.audit import seal as link
from lastgate.platform import audit_log
from lastgate.platform.db.audit_tables import append_only_ddl
from lastgate.platform.db.audit_tables import audit_log as audit_table
from lastgate.platform.db.engine import make_engine, migrate
from lastgate.platform.db.types import UTCDateTime
from tests.conftest import POSTGRES_URL


def _append(conn: Connection, clock, subject: str = "closure:1", i: int = 0):
    return audit_log.append(
        conn,
        now=clock(),
        actor="agent-ada",
        action="closure.approve",
        subject=subject,
        payload={"i": i, "note": "ok ✓"},
    )


def _write(engine, clock, n: int, subject: str = "closure:1") -> None:
    for i in range(n):
        with engine.begin() as conn:
            _append(conn, clock, subject, i)


def _sealed(engine, clock, n: int) -> None:
    _write(engine, clock, n)
    assert audit_log.seal(engine) == n


def _tamper(engine, *statements: str) -> None:
    with engine.begin() as conn:
        create, drop = append_only_ddl(conn.dialect.name)
        for statement in drop:
            conn.execute(text(statement))
        for sql in statements:
            conn.execute(text(sql))
        for statement in create:
            conn.execute(text(statement))


def _broken_at(engine) -> list[int]:
    """Where verification finds breaks; it seals first, as ``lastgate audit verify`` does."""
    return [b.seq for b in audit_log.verify(engine).breaks]


def _postgresql_only(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time whatever the log does")


@pytest.fixture
def impatient(engine):
    """The same database with a 2 s lock timeout: waiting for a lock fails, never hangs."""
    _postgresql_only(engine)
    url = engine.url.render_as_string(hide_password=False)
    other = make_engine(url, connect_args={"options": "-c lock_timeout=2000"})
    yield other
    other.dispose()


def test_an_untouched_chain_verifies_and_its_head_is_the_last_entry(engine, clock) -> None:
    _write(engine, clock, 5)
    check = audit_log.verify(engine)
    assert check.intact and check.unsealed == 0
    with engine.connect() as conn:
        last = list(audit_log.entries(conn))[-1]
        assert audit_log.head(conn) == (5, last.hash) == check.head
    assert audit_log.seal(engine) == 0  # nothing left to seal


def test_unsealed_entries_verify_by_their_content_and_join_the_chain_when_sealed(
    engine, clock
) -> None:
    _write(engine, clock, 3)
    with engine.connect() as conn:
        assert [e.sealed for e in audit_log.entries(conn)] == [False] * 3
        assert verify_chain(audit_log.entries(conn)) == []
    assert audit_log.seal(engine) == 3
    with engine.connect() as conn:
        assert [e.chain_seq for e in audit_log.entries(conn)] == [1, 2, 3]


def test_two_writers_with_open_transactions_do_not_wait_for_each_other(impatient, clock) -> None:
    """Each holds an appended entry uncommitted; the second commits while the first is
    still open, and the sealer runs meanwhile: none of them waits for a lock (a wait
    would hit the 2 s lock timeout and fail)."""
    first, second = impatient.connect(), impatient.connect()
    try:
        with first.begin():
            early = _append(first, clock, "closure:1")
            with second.begin():
                late = _append(second, clock, "closure:2")
            assert audit_log.seal(impatient) == 1  # only what has committed
            assert _broken_at(impatient) == []
        assert audit_log.seal(impatient) == 1
    finally:
        first.close()
        second.close()
    assert early.seq < late.seq
    with impatient.connect() as conn:
        chain = [(e.seq, e.chain_seq) for e in audit_log.entries(conn)]
    assert chain == [(late.seq, 1), (early.seq, 2)]  # the chain follows the commits
    assert _broken_at(impatient) == []


def test_a_rolled_back_append_leaves_a_gap_the_chain_does_not_mind(engine, clock) -> None:
    _write(engine, clock, 1)
    with engine.connect() as conn, conn.begin() as transaction:
        _append(conn, clock)
        transaction.rollback()
    _write(engine, clock, 1)
    assert _broken_at(engine) == []
    with engine.connect() as conn:
        assert [e.chain_seq for e in audit_log.entries(conn)] == [1, 2]


def test_concurrent_appends_and_seals_extend_one_chain(engine, clock) -> None:
    def work(i: int) -> None:
        _write(engine, clock, 5, f"closure:{i}")
        audit_log.seal(engine)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(work, range(4)))
    check = audit_log.verify(engine)
    assert check.intact and check.head[0] == 20


def test_an_edited_sealed_entry_is_detected(engine, clock) -> None:
    _sealed(engine, clock, 5)
    _tamper(engine, "UPDATE audit_log SET actor = 'mallory' WHERE chain_seq = 3")
    assert _broken_at(engine) == [3]


def test_an_edited_entry_not_yet_sealed_is_detected(engine, clock) -> None:
    _write(engine, clock, 2)
    _tamper(engine, "UPDATE audit_log SET payload = '{}' WHERE seq = 2")
    with engine.connect() as conn:
        found = verify_chain(audit_log.entries(conn))
    assert [b.seq for b in found] == [2]
    assert _broken_at(engine) == [2]  # and sealing it does not hide it


def test_a_removed_entry_is_detected(engine, clock) -> None:
    _sealed(engine, clock, 5)
    _tamper(engine, "DELETE FROM audit_log WHERE chain_seq = 2")
    assert _broken_at(engine)[:1] == [3]


def test_removing_the_last_entries_is_detected_by_the_head(engine, clock) -> None:
    _sealed(engine, clock, 5)
    _tamper(engine, "DELETE FROM audit_log WHERE chain_seq >= 4")
    breaks = audit_log.verify(engine).breaks
    assert [(b.seq, "removed from the end" in b.problem) for b in breaks] == [(5, True)]


def test_a_reordered_entry_is_detected(engine, clock) -> None:
    _sealed(engine, clock, 4)
    _tamper(
        engine,
        "UPDATE audit_log SET chain_seq = 0 WHERE chain_seq = 2",
        "UPDATE audit_log SET chain_seq = 2 WHERE chain_seq = 3",
        "UPDATE audit_log SET chain_seq = 3 WHERE chain_seq = 0",
    )
    assert {2, 3} <= set(_broken_at(engine))


def test_an_entry_inserted_into_the_chain_is_detected(engine, clock) -> None:
    """A forged entry spliced in at place 2, correctly linked to entry 1, and the later
    entries moved up: their own links still name their old places and neighbours."""
    _sealed(engine, clock, 3)
    with engine.connect() as conn:
        first = next(audit_log.entries(conn))
    forged = link([first], (1, first.hash))[0]
    _tamper(
        engine,
        "UPDATE audit_log SET chain_seq = chain_seq + 10 WHERE chain_seq >= 2",
        "UPDATE audit_log SET chain_seq = chain_seq - 9 WHERE chain_seq >= 12",
        "INSERT INTO audit_log (seq, occurred_at, actor, action, subject, payload, "
        "content_hash, chain_seq, prev_hash, hash) SELECT 100, occurred_at, actor, action, "
        f"subject, payload, content_hash, 2, '{forged.prev_hash}', '{forged.hash}' "
        "FROM audit_log WHERE chain_seq = 1",
        "UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_log WHERE chain_seq = 4)",
    )
    assert _broken_at(engine)[:1] == [2]  # the entry moved from place 2 to 3


def test_the_database_refuses_to_edit_or_delete_entries(engine, clock) -> None:
    _sealed(engine, clock, 1)
    _write(engine, clock, 1)
    refused = (
        "UPDATE audit_log SET actor = 'x'",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET hash = NULL, prev_hash = NULL, chain_seq = NULL",
        f"UPDATE audit_log SET hash = '{'1' * 64}', actor = 'x' WHERE chain_seq IS NULL",
    )
    for sql in refused:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    with engine.connect() as conn:
        assert conn.execute(select(audit_table.c.actor).distinct()).scalars().all() == ["agent-ada"]


def test_lastgate_audit_verify_seals_and_names_entries_removed_from_the_end(
    engine, clock, monkeypatch
) -> None:
    from typer.testing import CliRunner

    from lastgate.app.cli import app

    monkeypatch.setenv("LASTGATE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    _write(engine, clock, 3)
    intact = CliRunner().invoke(app, ["audit", "verify"])
    with engine.connect() as conn:
        digest = audit_log.head(conn)[1]
    assert intact.exit_code == 0 and f"intact: 3 entries, head {digest}" in intact.output
    _tamper(engine, "DELETE FROM audit_log WHERE chain_seq = 3")
    broken = CliRunner().invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1 and "removed from the end" in broken.output


@pytest.fixture(params=["sqlite", "postgresql"])
def unmigrated(request, tmp_path):
    """An empty database of its own, with no schema yet."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    request.getfixturevalue("postgresql_engine")  # skips or fails as the others do
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"lastgate_audit_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(POSTGRES_URL).set(database=name).render_as_string(False))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_entries_written_before_sealing_existed_verify_and_the_chain_goes_on(
    unmigrated, clock
) -> None:
    """A log written by the old code (each entry linked as it was appended, seq = place)
    migrated to 0010: its entries are sealed as they are, and new ones follow them."""
    old_log = sa.table(
        "audit_log",
        *(sa.column(c) for c in ("seq", "actor", "action", "subject", "payload")),
        sa.column("occurred_at", UTCDateTime()),
        sa.column("prev_hash"),
        sa.column("hash"),
    )
    migrate(unmigrated, "0009")
    prev = GENESIS
    with unmigrated.begin() as conn:
        for seq in (1, 2):
            content = {"occurred_at": clock(), "actor": "a", "action": "b", "subject": "c"}
            digest = link_hash(chain_seq=seq, payload="{}", prev_hash=prev, **content)
            conn.execute(
                sa.insert(old_log).values(
                    seq=seq, payload="{}", prev_hash=prev, hash=digest, **content
                )
            )
            prev = digest
        conn.execute(text("UPDATE audit_head SET seq = 2, hash = :h"), {"h": prev})
    migrate(unmigrated)
    _write(unmigrated, clock, 1)
    check = audit_log.verify(unmigrated)
    assert check.intact and check.head[0] == 3
    with unmigrated.connect() as conn:
        assert [e.seq for e in audit_log.entries(conn)] == [1, 2, 3]


def test_the_upgrade_keeps_other_triggers_on_the_audit_log_on_sqlite(tmp_path) -> None:
    """0010 rebuilds audit_log on SQLite, which drops its triggers: others' come back."""
    engine = make_engine(f"sqlite:///{tmp_path / 'triggers.db'}")
    migrate(engine, "0009")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE seen (seq INTEGER)"))
        conn.execute(
            text(
                "CREATE TRIGGER audit_log_seen AFTER INSERT ON audit_log "
                "BEGIN INSERT INTO seen VALUES (NEW.seq); END"
            )
        )
    migrate(engine)
    with engine.begin() as conn:
        entry = _append(conn, lambda: datetime.now(UTC))
        assert conn.execute(text("SELECT seq FROM seen")).scalars().all() == [entry.seq]
    engine.dispose()
