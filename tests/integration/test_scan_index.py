"""The verification scan on its token index (lastgate.platform.db.textsearch, textrule): a UID or
identifier planted among many rows is still found, and only as a whole (a UID inside a
longer UID, an e-mail inside a longer e-mail are other customers), the SQLite index
follows inserts, updates and deletes, a table left without its triggers is still
searched, every column the scan searches is indexed, and PostgreSQL's tokenizer is the
same rule as Python's."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, delete, text, update

from lastgate.closure.adapters import tables as wt
from lastgate.erasure.adapters import scan as scan_module
from lastgate.erasure.adapters import scan_lookup, scan_targets
from lastgate.erasure.adapters.catalogue import metadata
from lastgate.erasure.adapters.scan import scan
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform.db import textrule, textsearch

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
    assert _findings(engine, cid) == {
        ("outbox", "payload", "UID", 1),
        ("outbox", "payload", "email", 1),  # case does not matter, on either database
        ("holds", "reason", "phone", 1),
        ("approvals", "actor", "UID", 1),
    }


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


def test_a_cjk_name_is_found_inside_a_sentence_without_spaces(engine) -> None:
    with engine.begin() as conn:
        cid = _customer(conn, UID)
        other = _customer(conn, "U7001")
        _hold(conn, other, "与王五同一设备", ref="h1")
        _hold(conn, other, "王五一同", ref="h2")
        _hold(conn, other, "王六", ref="h3")  # shares a character only
        _hold(conn, other, f"用户{UID}已关闭", ref="h4")  # the UID between CJK characters
    found = _findings(engine, cid, {"full_name": "王五"})
    assert found == {("holds", "reason", "full_name", 2), ("holds", "reason", "UID", 1)}
    # One character has no pair to look up: the tables themselves are searched.
    found = _findings(engine, cid, {"full_name": "六"})
    assert found == {("holds", "reason", "full_name", 1), ("holds", "reason", "UID", 1)}


def test_an_identifier_is_found_whole_not_inside_a_longer_one(engine) -> None:
    with engine.begin() as conn:
        cid = _customer(conn, UID)
        other = _customer(conn, "U7001")
        _notices(conn, 1, lambda i: {"uid": f"{UID}1", "to": f"jim{EMAIL}"})  # others
        _notices(conn, 1, lambda i: {"uid": f"X{UID}", "to": f"{EMAIL}x.cn"}, 1)
        _notices(conn, 1, lambda i: {"text": f"call {PHONE}9 or 0{PHONE[1:]}"}, 2)
        _hold(conn, other, f"{UID} at the start", ref="h1")
        _hold(conn, other, f"at the end: {UID}", ref="h2")
        _hold(conn, other, f"in the middle ({UID}), of free text", ref="h3")
        _hold(conn, other, f"{UID}1 and {UID}-2", ref="h4")  # the second one is it
        _hold(conn, other, f"write to <{EMAIL}>; or {PHONE}.", ref="h5")
        conn.execute(
            wt.approvals.insert().values(
                subject="closure:x",
                kind="review",
                actor="agent-1",
                decision="approve",
                note=json.dumps({"customer": UID, "name": NAME.upper()}),
                decided_at=ledger_now(),
            )
        )
    assert _findings(engine, cid) == {
        ("holds", "reason", "UID", 4),
        ("holds", "reason", "email", 1),
        ("holds", "reason", "phone", 1),
        ("approvals", "note", "UID", 1),
        ("approvals", "note", "full_name", 1),
    }


@pytest.mark.parametrize(
    ("identifier", "value", "holds"),
    [
        ("U0001234", "U00012345", False),
        ("U0001234", "XU0001234", False),
        ("U0001234", "u0001234", True),
        ("U0001234", '{"uid":"U0001234"}', True),
        ("U0001234", "U0001234_x", True),  # "_" separates tokens
        ("bob@x.com", "jimbob@x.com", False),
        ("bob@x.com", "bob@x.community", False),
        ("bob@x.com", "mail bob@x.com.", True),
        ("bob@x.com", "bob@x.com.cn", True),  # a full stop or a longer domain: a false alarm
        ("bob@x.com", "bob@x.comx", False),
        ("+4915100012345", "x+4915100012345", True),
        ("+4915100012345", "+49151000123456", False),
        ("Mei Lin", "MEI LIN's", True),
        ("Mei Lin", "Mei Linda", False),
        ("Müller", "MÜLLER", True),
        ("Müller", "Mu\u0308ller", True),  # decomposed: the same after NFC
        ("王五", "与王五同一设备", True),
        ("王五", "王六五", False),
        ("", "anything", False),
    ],
)
def test_the_rule(identifier: str, value: str, holds: bool) -> None:
    assert textrule.occurs(identifier, value) is holds
    if holds and (token := textrule.lookup_token(identifier)) is not None:
        assert token in textrule.tokens(value)  # the index finds what the rule accepts


@pytest.mark.parametrize(
    ("identifier", "token"),
    [
        ("U00012345", "u00012345"),
        ("u00012345@bench.test", "u00012345"),
        ("+49 151 00012345", "00012345"),
        ("john.doe@gmail.com", "john"),  # the person, not the provider
        ("Mei Lin", "mei"),
        ("Bench Person 00001234", "00001234"),
        ("王小明", "王小"),
        ("王", None),
        ("+-.", None),
    ],
)
def test_the_token_looked_up(identifier: str, token: str | None) -> None:
    assert textrule.lookup_token(identifier) == token


def test_postgresql_tokenizes_as_python_does(postgresql_engine) -> None:
    values = [
        "Müller ÉCOLE Ωμέγα ΟΔΟΣ İstanbul straße u7000² ab_cd ½ Ⅻ",
        '{"uid": "U00012345", "to": "u00012345@bench.test", "n": 1}',
        "用户U7000已关闭\uff0c请联系王五 mei.lin@EXAMPLE.org +4915100012345",
        "สมชาย ใจดี 김민수님 やまだ・たろう 山田太郎",
        "Mu\u0308ller",
        "\U00020000\U00020001x \u0663\u0664\u0665 \uff35\uff29\uff24\uff11\uff12 \u00bd\u2167",
    ]
    with postgresql_engine.connect() as conn:
        for value in values:
            found = conn.execute(text("SELECT textsearch_tokenize(:v)"), {"v": value}).scalar()
            assert set(found) == set(textrule.tokens(value)), value
            folded = conn.execute(text("SELECT textsearch_fold(:v)"), {"v": value}).scalar()
            assert folded == textrule.fold(value)


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


def test_a_table_written_without_its_triggers_is_found_again_once_reindexed(engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's indexes follow every write")
    with engine.begin() as conn:
        cid = _customer(conn, UID)
        other = _customer(conn, "U7001")
        _hold(conn, other, "an old hold", ref="h0")
        for statement in textsearch.sqlite_triggers("holds")[:3]:  # a client without them
            conn.execute(text(statement))
        _hold(conn, other, f"linked to {EMAIL}", ref="h1")
        conn.execute(delete(ledger.holds).where(ledger.holds.c.ref == "h0"))
    assert _findings(engine, cid) == {("holds", "reason", "email", 1)}  # searched itself
    with engine.begin() as conn:
        for statement in textsearch.sqlite_reindex("holds"):
            conn.execute(text(statement))
    assert _findings(engine, cid) == {("holds", "reason", "email", 1)}  # through the index
    with engine.connect() as conn:
        assert "holds" in {name for name, _ in scan_lookup.indexed(conn).values()}
        entries = conn.execute(
            text(f"SELECT count(*) FROM {textsearch.TOKENS} WHERE token = 'old'")
        ).scalar_one()
    assert entries == 0  # the deleted row's entries went with the rebuild


def _searched() -> dict[str, set[str]]:
    """Every column the scan searches, per table (the customer row is read by its key)."""
    searched: dict[str, set[str]] = {}
    for table in metadata.sorted_tables:
        if table.name in scan_module.SKIPPED_TABLES or table is ledger.customers:
            continue
        columns = {col for col, _ in scan_targets.targets(table, ("UID", "email"))}
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
            covered = scan_lookup.indexed(conn)
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


def test_rows_keyed_by_text_or_by_two_columns_are_followed_too(engine) -> None:
    from lastgate.campaign.adapters import tables as ct

    with engine.begin() as conn:
        cid = _customer(conn, UID)
        _notices(conn, 1, lambda i: {"text": f"Reply to {EMAIL}"})
        campaign = {"id": "k1", "jurisdiction": "EU", "state": "running", "terms": "{}"}
        conn.execute(
            ct.campaigns.insert().values(
                **campaign,
                name="Dormant accounts",
                deadline=ledger_now(),
                report="{}",
                planned_by="ops-1",
                created_at=ledger_now(),
                updated_at=ledger_now(),
                version=1,
                reminders_sent=0,
                note="",
            )
        )
        conn.execute(
            ct.campaign_members.insert().values(
                campaign_id="k1",
                uid="U7001",
                jurisdiction="EU",
                status="notified",
                outcome="keep",
                codes=f"see {PHONE}",
                updated_at=ledger_now(),
                version=1,
                reminders=0,
            )
        )
    assert _findings(engine, cid) == {
        ("outbox", "payload", "email", 1),
        ("campaign_members", "codes", "phone", 1),
    }
    with engine.begin() as conn:
        conn.execute(update(wt.outbox).values(payload="{}"))
        conn.execute(update(ct.campaign_members).values(codes=f"{UID}"))
    assert _findings(engine, cid) == {("campaign_members", "codes", "UID", 1)}
    with engine.begin() as conn:
        conn.execute(delete(wt.outbox))
        conn.execute(delete(ct.campaign_members))
        conn.execute(delete(ct.campaigns))
    assert _findings(engine, cid) == set()
    if engine.dialect.name == "sqlite":  # the deletes took every entry of those rows away
        with engine.connect() as conn:
            left = conn.execute(
                text(
                    f"SELECT c.tbl, count(*) FROM {textsearch.TOKENS} t "
                    f"JOIN {textsearch.COLUMNS} c ON c.code = t.ref % {textsearch.SLOTS} "
                    "GROUP BY c.tbl"
                )
            ).all()
            keys = conn.execute(text(f"SELECT count(*) FROM {textsearch.KEYS}")).scalar_one()
        assert left == [] and keys == 0


def test_migration_0011_indexes_the_rows_already_there_and_goes_back(tmp_path) -> None:
    from alembic import command

    from lastgate.platform.db.engine import alembic_config, make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine, "0010")
    with engine.begin() as conn:
        cid = _customer(conn, UID)
        _hold(conn, _customer(conn, "U7001"), f"linked to {EMAIL.upper()}")
    migrate(engine)
    with engine.connect() as conn:
        assert "holds" in {name for name, _ in scan_lookup.indexed(conn).values()}
    assert _findings(engine, cid) == {("holds", "reason", "email", 1)}
    command.downgrade(alembic_config(engine), "0010")  # back to 0009's trigram copy
    with engine.connect() as conn:
        names = set(conn.exec_driver_sql("SELECT name FROM sqlite_master").scalars())
        assert "textsearch" in names and textsearch.TOKENS not in names
        assert scan_lookup.indexed(conn) == {}  # the scan searches the tables themselves
    assert _findings(engine, cid) == {("holds", "reason", "email", 1)}
    engine.dispose()


def test_the_planner_settings_are_set_back_after_the_lookups(postgresql_engine) -> None:
    names = ("jit", "max_parallel_workers_per_gather", "plan_cache_mode")
    read = text("SELECT " + ", ".join(f"current_setting('{n}')" for n in names))
    with postgresql_engine.begin() as conn:
        conn.execute(text("SET LOCAL max_parallel_workers_per_gather = 3"))
        before = tuple(conn.execute(read).one())
        scan(conn, uid=UID, customer_id=1, identifiers=IDENTIFIERS)
        assert tuple(conn.execute(read).one()) == before == (before[0], "3", before[2])
