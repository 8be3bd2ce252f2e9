"""Erasure with legal retention, on both databases: what is left is exactly what the law
requires, checked by queries independent of the executor; crashes resume; purge shreds."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import String, func, select, update

from lastgate.closure.adapters import tables as wt
from lastgate.closure.service.execution import execute_due
from lastgate.erasure.adapters.catalogue import metadata
from lastgate.erasure.adapters.executor import PLAN
from lastgate.erasure.adapters.quarantine import quarantined_until
from lastgate.erasure.adapters.registry import DATA_MAP, NOT_CUSTOMER_DATA
from lastgate.erasure.adapters.runner import FINISH, dry_run, purge
from lastgate.erasure.adapters.tables import (
    customer_keys,
    erasure_runs,
    erasure_steps,
    identifier_quarantine,
    retained_records,
)
from lastgate.erasure.wiring import run_pending
from lastgate.ledger.adapters import tables as ledger
from lastgate.ledger.adapters.snapshot_io import export_accounts
from lastgate.platform import vault
from tests.builders import account, iso, load
from tests.workflow_support import close_as_customer, settings, workflow

EMAIL, PHONE, NAME, ID_NUMBER = "ada.erased@example.com", "+4915199990000", "Ada Erased", "X123"


def everything(now) -> dict:
    t = iso(now - timedelta(days=40))
    return account(
        "U1000",
        email=EMAIL,
        phone=PHONE,
        full_name=NAME,
        id_number=ID_NUMBER,
        security_events=[{"kind": "password", "occurred_at": t}],
        balances=[{"account_type": "funding", "asset": "BTC", "available": "0"}],
        orders=[
            {
                "id": f"o{i}",
                "product": "spot",
                "symbol": "BTC/USDT",
                "side": "buy",
                "kind": "limit",
                "status": "filled",
                "quantity": "0.5",
                "price": "80000",
                "created_at": t,
            }
            for i in range(30)
        ],
        positions=[
            {"id": "p1", "product": "futures", "symbol": "BTCUSD", "size": "0", "opened_at": t}
        ],
        loans=[
            {
                "id": "l1",
                "kind": "margin_borrow",
                "asset": "USDT",
                "outstanding": "0",
                "opened_at": t,
            }
        ],
        earn=[
            {"id": "e1", "kind": "flexible", "asset": "USDT", "amount": "0", "status": "redeemed"}
        ],
        automations=[{"id": "a1", "kind": "recurring_buy", "status": "stopped", "created_at": t}],
        p2p_orders=[
            {"id": "c1", "status": "completed", "asset": "USDT", "amount": "100", "created_at": t}
        ],
        disputes=[{"id": "d1", "kind": "complaint", "status": "resolved", "opened_at": t}],
        transfers=[
            {
                "id": "w1",
                "direction": "withdrawal",
                "asset": "BTC",
                "amount": "0.1",
                "status": "completed",
                "address": "bc1qerasedaddress",
                "created_at": t,
            }
        ],
        api_keys=[
            {"id": "k1", "kind": "api_key", "label": "Ada's bot", "created_at": t, "revoked_at": t}
        ],
        sub_accounts=[{"uid": "U1000-S1", "status": "closed"}],
        holds=[
            {
                "id": "h1",
                "kind": "risk_lock",
                "reason": "abnormal login",
                "placed_by": "cy",
                "placed_at": t,
                "lifted_at": t,
            }
        ],
    )


@pytest.fixture
def closed(engine, clock):
    """U1000 with every kind of data, closed by the worker after closing it themselves
    (submit, e-mail code, review), so the audit log names them as the actor of their own
    steps, as every customer-initiated closure does; U2000 an untouched neighbour.

    (A request stored already in review, approved by staff alone, left the customer out
    of the audit log: that is how the scan's finding on ``audit_log.actor`` went unseen.)
    """
    load(
        engine,
        everything(clock()),
        account(
            "U2000",
            orders=[
                {
                    "id": "n1",
                    "product": "spot",
                    "symbol": "BTC/USDT",
                    "side": "sell",
                    "kind": "limit",
                    "status": "filled",
                    "quantity": "2",
                    "price": "80000",
                    "created_at": iso(clock()),
                }
            ],
        ),
    )
    wf = workflow(engine, clock)
    with wf.unit_of_work() as uow:
        uow.connection.execute(
            wt.customer_settings.insert().values(
                uid="U1000", anti_phishing_code="OWL42", language="en", updated_at=clock()
            )
        )
    request = close_as_customer(wf, engine)
    clock.advance(days=14)
    assert execute_due(wf).closed == [request.id]
    with engine.begin() as conn:  # the notices went out
        conn.execute(update(wt.outbox).values(delivered_at=clock()))
    return wf, request


def count(conn, table, *where) -> int:
    return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def cid_of(conn, uid: str) -> int:
    return conn.execute(
        select(ledger.customers.c.id).where(ledger.customers.c.uid == uid)
    ).scalar_one()


def test_erasure_leaves_exactly_the_retained_categories(engine, clock, closed) -> None:
    neighbour_before = export_accounts(engine, ["U2000"], now=clock()).model_dump()
    report = run_pending(engine, clock, settings(), workflow(engine, clock).policies)
    assert len(report.finished) == 1
    with engine.connect() as conn:
        cid = cid_of(conn, "U1000")
        for table in ledger.CUSTOMER_TABLES:
            assert count(conn, table, table.c.customer_id == cid) == 0, table.name
        person = conn.execute(select(ledger.customers).where(ledger.customers.c.id == cid)).one()
        assert (person.email, person.phone, person.full_name, person.id_number) == (None,) * 4
        assert person.status == "closed"
        for column_text in (EMAIL, PHONE, NAME, ID_NUMBER, "bc1qerasedaddress", "OWL42"):
            for table in metadata.sorted_tables:
                for column in table.columns:
                    if isinstance(column.type, String):
                        assert count(conn, table, column.contains(column_text)) == 0, (
                            table.name,
                            column.name,
                            column_text,
                        )
        kept = dict(
            conn.execute(
                select(retained_records.c.source, func.sum(retained_records.c.rows)).group_by(
                    retained_records.c.source
                )
            ).all()
        )
        assert kept == {
            "customers": 1,
            "orders": 30,
            "transfers": 1,
            "p2p_orders": 1,
            "holds": 1,
            "closure_requests": 1,
        }
        run = conn.execute(select(erasure_runs)).one()
    assert export_accounts(engine, ["U2000"], now=clock()).model_dump() == neighbour_before
    assert run.finished_at is not None and '"passed": true' in run.certificate


def test_anonymised_trade_history_keeps_the_ledger_totals(engine, clock, closed) -> None:
    def totals():
        with engine.connect() as conn:
            rows = conn.execute(select(ledger.orders.c.symbol, ledger.orders.c.quantity)).all()
        by_symbol: dict[str, Decimal] = {}
        for symbol, quantity in rows:
            by_symbol[symbol] = by_symbol.get(symbol, Decimal(0)) + quantity
        return len(rows), by_symbol

    before = totals()
    run_pending(engine, clock, settings(), workflow(engine, clock).policies)
    assert totals() == before
    with engine.connect() as conn:
        anonymous = cid_of(conn, "anonymised")
        assert count(conn, ledger.orders, ledger.orders.c.customer_id == anonymous) == 30


def test_the_retained_records_open_with_the_key_and_name_the_person(engine, clock, closed):
    run_pending(engine, clock, settings(), workflow(engine, clock).policies)
    with engine.connect() as conn:
        key = conn.execute(select(customer_keys)).one()
        record = conn.execute(
            select(retained_records).where(retained_records.c.source == "customers")
        ).one()
    assert EMAIL not in record.ciphertext
    data_key = vault.unwrap(
        vault.MasterKeys.from_settings(settings()), key.wrapped_key, key.master_key_id, key.key_id
    )
    plain = vault.open_record(data_key, record.ciphertext, key_id=key.key_id, source="customers")
    assert EMAIL.encode() in plain


@pytest.mark.parametrize("crash_after", [name for name, _, _ in PLAN] + [FINISH])
def test_a_crash_in_any_step_resumes_without_loss_or_double_effect(
    engine, clock, closed, crash_after
) -> None:
    class Crash(Exception):
        pass

    def fault(step: str) -> None:
        if step == crash_after:
            raise Crash(step)

    policies = workflow(engine, clock).policies
    with pytest.raises(Crash):
        run_pending(engine, clock, settings(), policies, fault=fault)
    with engine.connect() as conn:  # the crashed step left nothing behind
        done = set(conn.execute(select(erasure_steps.c.step)).scalars())
    assert crash_after not in done
    assert len(run_pending(engine, clock, settings(), policies).finished) == 1
    assert run_pending(engine, clock, settings(), policies).steps == 0
    with engine.connect() as conn:
        assert count(conn, customer_keys) == 1
        assert count(conn, identifier_quarantine) == 3
        assert conn.execute(select(func.sum(retained_records.c.rows))).scalar_one() == 35
        assert count(conn, erasure_steps) == len(PLAN) + 1


def test_erasure_waits_for_notices_still_on_their_way(engine, clock, closed) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(wt.outbox).where(wt.outbox.c.channel == "email").values(delivered_at=None)
        )
    policies = workflow(engine, clock).policies
    assert run_pending(engine, clock, settings(), policies).waiting
    with engine.begin() as conn:
        conn.execute(update(wt.outbox).values(delivered_at=clock()))
    assert run_pending(engine, clock, settings(), policies).finished


def test_the_dry_run_shows_the_plan_and_changes_nothing(engine, clock, closed) -> None:
    with engine.connect() as conn:
        before = count(conn, ledger.orders), count(conn, retained_records)
    plan = {row["table"]: row for row in dry_run(engine, "U1000")}
    assert plan["orders"]["rows"] == 30 and plan["orders"]["action"] == "anonymise"
    assert plan["balances"]["action"] == "delete"
    with engine.connect() as conn:
        assert (count(conn, ledger.orders), count(conn, retained_records)) == before
        assert count(conn, erasure_steps) == 0


def test_identifiers_are_quarantined_as_keyed_hashes(engine, clock, closed) -> None:
    run_pending(engine, clock, settings(), workflow(engine, clock).policies)
    with engine.connect() as conn:
        assert count(conn, identifier_quarantine, identifier_quarantine.c.digest == EMAIL) == 0
        until = quarantined_until(conn, settings(), "email", " ADA.Erased@Example.com ", clock())
        assert until == clock() + timedelta(days=30)
        assert quarantined_until(conn, settings(), "id_number", "x-123", clock()) is not None
        assert quarantined_until(conn, settings(), "email", "someone@else.com", clock()) is None
        later = clock() + timedelta(days=30)
        assert quarantined_until(conn, settings(), "phone", PHONE, later) is None


def test_purge_after_the_clock_leaves_nothing_decryptable(engine, clock, closed) -> None:
    run_pending(engine, clock, settings(), workflow(engine, clock).policies)
    with engine.connect() as conn:
        key = conn.execute(select(customer_keys)).one()
    assert purge(engine, clock)["keys_destroyed"] == 0  # not yet
    clock.advance(days=5 * 365 + 2)
    result = purge(engine, clock)
    assert result == {"keys_destroyed": 1, "records_purged": 6, "quarantine_expired": 3}
    with engine.connect() as conn:
        after = conn.execute(select(customer_keys)).one()
        assert count(conn, retained_records) == 0
    assert after.wrapped_key is None and after.destroyed_at == clock()
    with pytest.raises(vault.KeyUnavailable):
        vault.unwrap(
            vault.MasterKeys.from_settings(settings()),
            after.wrapped_key,
            key.master_key_id,
            key.key_id,
        )
    assert purge(engine, clock) == {
        "keys_destroyed": 0,
        "records_purged": 0,
        "quarantine_expired": 0,
    }


def test_every_table_is_in_the_data_map_or_declared_free_of_customer_data() -> None:
    tables = {t.name for t in metadata.sorted_tables}
    unmapped = tables - set(DATA_MAP) - NOT_CUSTOMER_DATA
    assert unmapped == set(), f"add these tables to the data map: {sorted(unmapped)}"
    assert set(DATA_MAP) <= tables
    for table in metadata.sorted_tables:
        personal = {"customer_id", "uid", "email", "phone", "recipient"} & set(table.c.keys())
        if personal:
            assert table.name in DATA_MAP, table.name


def test_a_retained_record_altered_in_storage_does_not_open(engine, clock, closed) -> None:
    run_pending(engine, clock, settings(), workflow(engine, clock).policies)
    with engine.connect() as conn:
        key = conn.execute(select(customer_keys)).one()
        record = conn.execute(select(retained_records).limit(1)).one()
    data_key = vault.unwrap(
        vault.MasterKeys.from_settings(settings()), key.wrapped_key, key.master_key_id, key.key_id
    )
    altered = (
        record.ciphertext[:-6]
        + ("A" if record.ciphertext[-6] != "A" else "B")
        + record.ciphertext[-5:]
    )
    with pytest.raises(vault.KeyUnavailable):
        vault.open_record(data_key, altered, key_id=key.key_id, source=record.source)


def test_the_scan_finds_a_planted_leak_but_not_a_namesake(engine, clock, closed) -> None:
    from lastgate.erasure.adapters.scan import scan

    load(engine, account("U3000", full_name=NAME, phone=PHONE))  # another person, same name
    run_pending(engine, clock, settings(), workflow(engine, clock).policies)
    identifiers = {"email": EMAIL, "phone": PHONE, "full_name": NAME, "id_number": ID_NUMBER}
    with engine.connect() as conn:
        cid = cid_of(conn, "U1000")
        assert scan(conn, uid="U1000", customer_id=cid, identifiers=identifiers)[1] == []
    with engine.begin() as conn:
        conn.execute(
            wt.customer_settings.insert().values(
                uid="U1000", anti_phishing_code="X", language=f"{EMAIL}"[:8], updated_at=clock()
            )
        )
        conn.execute(
            ledger.disputes.insert().values(
                customer_id=cid_of(conn, "U3000"),
                ref="d9",
                kind="complaint",
                status="open",
                opened_at=clock(),
            )
        )
        conn.execute(
            ledger.holds.insert().values(
                customer_id=cid_of(conn, "U3000"),
                ref="h9",
                kind="risk_lock",
                reason=f"linked to {EMAIL}",
                placed_by="cy",
                placed_at=clock(),
            )
        )
        # A retained table, but a column the data map does not let keep the UID.
        conn.execute(
            wt.approvals.insert().values(
                subject="closure:x",
                kind="review",
                actor="U1000",
                decision="approve",
                note="",
                decided_at=clock(),
            )
        )
    with engine.connect() as conn:
        _, findings = scan(conn, uid="U1000", customer_id=cid, identifiers=identifiers)
    assert {(f.table, f.column, f.what) for f in findings} == {
        ("customer_settings", "uid", "UID"),
        ("holds", "reason", "email"),
        ("approvals", "actor", "UID"),
    }


def test_a_customer_closing_their_own_account_gets_a_certificate_whose_scan_passed(
    engine, clock, tmp_path
) -> None:
    """The normal flow end to end: the customer submits and verifies, cooling-off ends,
    the worker's own pass closes the account, delivers the notices and erases."""
    from lastgate.app.worker import run_once
    from lastgate.erasure.adapters.certificate_signing import public_key_pem, verify
    from lastgate.platform.audit_log import entries

    config = settings().model_copy(update={"webhook_url": None, "mailbox_dir": tmp_path})
    load(engine, everything(clock()))
    wf = workflow(engine, clock, config)
    request = close_as_customer(wf, engine)
    clock.advance(days=14)
    passes = [run_once(config, engine, clock) for _ in range(3)]
    assert passes[0]["closed"] == 1 and sum(p["erased"] for p in passes) == 1
    with engine.connect() as conn:
        own_steps = {e.action for e in entries(conn) if e.actor == "U1000"}
        document = conn.execute(select(erasure_runs.c.certificate)).scalar_one()
    assert {"closure.submitted", "closure.factor_verified"} <= own_steps  # the UID as actor
    certificate = verify(document.encode(), public_key_pem(config))
    assert certificate.closure_id == request.id
    assert certificate.scan.passed, certificate.scan.findings
    assert certificate.scan.findings == ()


def test_the_scan_allows_the_uid_exactly_where_the_data_map_says() -> None:
    from lastgate.erasure.adapters.registry import UID_KEPT, Mapping
    from lastgate.erasure.adapters.scan import UID_ALLOWED
    from lastgate.erasure.model import data_map as dm

    assert UID_ALLOWED == UID_KEPT
    assert ("audit_log", "actor") in UID_ALLOWED and ("approvals", "actor") not in UID_ALLOWED
    tables = {t.name: t for t in metadata.sorted_tables}
    for table, column in UID_KEPT:
        assert column in tables[table].c, (table, column)
        assert DATA_MAP[table].category.retained, table
    with pytest.raises(ValueError, match="not retained"):
        Mapping("balances", dm.ACCOUNT_DATA, "deleted", uid_columns=frozenset({"uid"}))
