"""The verification scan on its substring indexes (lastgate.platform.db.textsearch): a UID
or identifier planted among many rows is still found, the SQLite copy follows inserts,
updates and deletes, a table left without its triggers is still searched, and every
column the scan searches is indexed."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, delete, text, update

from lastgate.closure.adapters import tables as wt
from lastgate.erasure.adapters import scan as scan_module
from lastgate.erasure.adapters.catalogue import metadata
from lastgate.erasure.adapters.scan import scan
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform.db import textsearch

UID, EMAIL, PHONE, NAME = "U7000", "mei.lin@example.org", "+8613800001234", "Mei Lin"
IDENTIFIERS = {"email": EMAIL, "phone": PHONE, "full_name": NAME, "id_number": "P7000"}
OTHERS = 2000


def _customer(conn, uid: str, **extra) -> int:
    return int(
        conn.execute(
            ledger.customers.insert()
            .values(
                uid=uid,
                jurisdiction="EU",
                status="closed",
                kyc_status="verified",
                kyc_level=2,
                kyc_applicant_mismatch=False,
                created_at=ledger_now(),
                **extra,
            )
            .returning(ledger.customers.c.id)
        ).scalar_one()
    )


def ledger_now():
    from datetime import UTC, datetime

    return datetime(2026, 11, 23, 12, tzinfo=UTC)


def _notices(conn, count: int, payload_of, start: int = 0) -> None:
    conn.execute(
        wt.outbox.insert(),
        [
            {
                "id": f"n-{start + i}",
                "created_at": ledger_now(),
                "channel": "email",
                "topic": "closure.update",
                "recipient": f"someone{start + i}@example.net",
                "subject_ref": f"closure:{start + i}",
                "payload": json.dumps(payload_of(start + i)),
                "deliver_after": ledger_now(),
                "attempts": 1,
            }
            for i in range(count)
        ],
    )


def _findings(engine: Engine, cid: int, identifiers: dict[str, str] = IDENTIFIERS) -> set:
    with engine.connect() as conn:
        _, found = scan(conn, uid=UID, customer_id=cid, identifiers=identifiers)
    return {(f.table, f.column, f.what, f.rows) for f in found}


def _hold(conn, cid: int, reason: str, ref: str = "h1") -> None:
    conn.execute(
        ledger.holds.insert().values(
            customer_id=cid,
            ref=ref,
            kind="risk_lock",
            reason=reason,
            placed_by="risk-3",
            placed_at=ledger_now(),
        )
    )


def test_a_uid_or_identifier_planted_among_many_rows_is_found(engine) -> None:
    with engine.begin() as conn:
        cid = _customer(conn, UID)
        other = _customer(conn, "U7001", full_name=NAME)  # a namesake's own row is theirs
        # Thousands of notices naming other people, look-alike UIDs among them.
        _notices(conn, OTHERS, lambda i: {"uid": f"U7000{i}", "to": f"x{i}@example.net"})
        _notices(conn, 1, lambda i: {"uid": UID, "text": "Your account is closed."}, OTHERS)
        _notices(conn, 1, lambda i: {"text": f"Reply to {EMAIL.upper()} today"}, OTHERS + 1)
        _hold(conn, other, f"Same device as the holder of {PHONE}, see ticket")
        conn.execute(
            wt.approvals.insert().values(
                subject="closure:x",
                kind="review",
                actor=UID,
                decision="approve",
                note="",
                decided_at=ledger_now(),
            )
        )
    expected = {
        ("outbox", "payload", "UID", 1),
        ("holds", "reason", "phone", 1),
        ("approvals", "actor", "UID", 1),
    }
    if engine.dialect.name == "sqlite":  # LIKE ignores ASCII case on SQLite only
        expected.add(("outbox", "payload", "email", 1))
    assert _findings(engine, cid) == expected


def test_the_index_follows_inserts_updates_and_deletes(engine) -> None:
    with engine.begin() as conn:
        cid = _customer(conn, UID)
        other = _customer(conn, "U7001")
        _hold(conn, other, f"linked to {EMAIL}")
    assert _findings(engine, cid) == {("holds", "reason", "email", 1)}
    with engine.begin() as conn:
        conn.execute(update(ledger.holds).values(reason="cleared by risk"))
    assert _findings(engine, cid) == set()
    with engine.begin() as conn:
        conn.execute(update(ledger.holds).values(reason=f"again {EMAIL}", placed_by=UID))
    assert _findings(engine, cid) == {
        ("holds", "reason", "email", 1),
        ("holds", "placed_by", "UID", 1),
    }
    with engine.begin() as conn:
        conn.execute(delete(ledger.holds))
    assert _findings(engine, cid) == set()


def test_a_name_shorter_than_a_trigram_is_still_found(engine) -> None:
    with engine.begin() as conn:
        cid = _customer(conn, UID)
        _hold(conn, _customer(conn, "U7001"), "与王五同一设备")
    found = _findings(engine, cid, {"full_name": "王五"})
    assert found == {("holds", "reason", "full_name", 1)}


def test_a_table_without_its_triggers_is_searched_itself(engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's indexes are the planner's: the queries do not depend on them")
    with engine.begin() as conn:
        for statement in textsearch.sqlite_triggers("holds")[:3]:  # the DROPs
            conn.execute(text(statement))
    try:
        with engine.begin() as conn:
            cid = _customer(conn, UID)
            _hold(conn, _customer(conn, "U7001"), f"linked to {EMAIL}")
        assert _findings(engine, cid) == {("holds", "reason", "email", 1)}
    finally:
        with engine.begin() as conn:
            for statement in textsearch.sqlite_triggers("holds"):
                conn.execute(text(statement))


def _searched() -> dict[str, set[str]]:
    """Every column the scan searches, per table (the customer row is read by its key)."""
    searched: dict[str, set[str]] = {}
    for table in metadata.sorted_tables:
        if table.name in scan_module.SKIPPED_TABLES or table is ledger.customers:
            continue
        columns = {col for col, _, _ in scan_module._targets(table, ("UID", "email"))}
        if columns:
            searched[table.name] = columns
    return searched


def test_every_searched_column_is_index_served(engine) -> None:
    declared = {name: {col for col, _ in spec.columns} for name, spec in textsearch.TABLES.items()}
    assert declared == _searched(), "index the new columns in a migration (textsearch.TABLES)"
    codes = [code for spec in textsearch.TABLES.values() for _, code in spec.columns]
    assert len(codes) == len(set(codes)) and max(codes) < textsearch.SLOTS
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            covered = scan_module._indexed(conn)
            indexed = {(t, c) for t, c in covered.values()}
        else:
            names = set(
                conn.execute(text("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'text%'"))
                .scalars()
                .all()
            )
            indexed = {(t, c) for t, cols in declared.items() for c in cols} & {
                (t, c)
                for t, cols in declared.items()
                for c in cols
                if textsearch.index_name(t, c) in names
            }
    assert indexed == {(t, c) for t, cols in declared.items() for c in cols}
