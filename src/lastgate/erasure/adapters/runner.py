"""The erasure plans on the database: each step in its own transaction, the plan shown
without running it, and the vault purged when retention clocks run out."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select, update

from lastgate.erasure.adapters.executor import PLAN, Context, NotReady
from lastgate.erasure.adapters.quarantine import purge_expired
from lastgate.erasure.adapters.registry import DATA_MAP
from lastgate.erasure.adapters.scan import scan
from lastgate.erasure.adapters.tables import (
    customer_keys,
    erasure_runs,
    erasure_steps,
    retained_records,
)
from lastgate.erasure.model import data_map as dm
from lastgate.erasure.ports import FaultHook, Outcome
from lastgate.kernel.clock import Clock
from lastgate.kernel.money import to_wire
from lastgate.kernel.settings import Settings
from lastgate.ledger.adapters import tables as ledger
from lastgate.ledger.ports import PolicyBook
from lastgate.platform import audit_log, vault

FINISH = "finish"
log = logging.getLogger("lastgate.erasure")


def _context(
    conn: Connection,
    run_id: str,
    settings: Settings,
    policies: PolicyBook,
    now: datetime,
    *,
    lock: bool,
) -> Context | None:
    query = select(erasure_runs).where(
        erasure_runs.c.id == run_id, erasure_runs.c.finished_at.is_(None)
    )
    if lock:
        query = query.with_for_update(skip_locked=True)
    run = conn.execute(query).first()
    if run is None:
        return None
    customer = conn.execute(
        select(ledger.customers.c.id, ledger.customers.c.jurisdiction).where(
            ledger.customers.c.uid == run.uid
        )
    ).one()
    return Context(
        run.id,
        run.uid,
        run.closure_id,
        run.closed_at,
        customer.id,
        policies.for_jurisdiction(customer.jurisdiction),
        settings,
        now,
    )


def _done(conn: Connection, run_id: str) -> set[str]:
    return set(
        conn.execute(select(erasure_steps.c.step).where(erasure_steps.c.run_id == run_id)).scalars()
    )


class SqlErasureRuns:
    """The erasure plans on lastgate's database: each step one transaction, resumable."""

    def __init__(self, engine: Engine, clock: Clock, settings: Settings, policies: PolicyBook):
        self._engine, self._clock = engine, clock
        self._settings, self._policies = settings, policies

    def unfinished(self, limit: int) -> list[str]:
        with self._engine.connect() as conn:
            return list(
                conn.execute(
                    select(erasure_runs.c.id)
                    .where(erasure_runs.c.finished_at.is_(None))
                    .order_by(erasure_runs.c.started_at)
                    .limit(limit)
                ).scalars()
            )

    def advance(self, run_id: str, fault: FaultHook | None) -> tuple[Outcome, int]:
        return _advance(self._engine, self._clock, self._settings, self._policies, run_id, fault)


@contextmanager
def _transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction; on SQLite it takes the write lock at once (``BEGIN IMMEDIATE``)."""
    with engine.connect() as conn, conn.begin():
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield conn


def _advance(
    engine: Engine,
    clock: Clock,
    settings: Settings,
    policies: PolicyBook,
    run_id: str,
    fault: FaultHook | None,
) -> tuple[Outcome, int]:
    steps = 0
    for name, _category, step in (*PLAN, (FINISH, None, _finish)):
        with _transaction(engine) as conn:
            ctx = _context(conn, run_id, settings, policies, clock(), lock=True)
            if ctx is None:
                return "busy", steps  # finished meanwhile, or another worker holds it
            if name in _done(conn, run_id):
                continue
            try:
                with conn.begin_nested():
                    rows = step(conn, ctx)
            except NotReady:
                return "waiting", steps
            conn.execute(
                insert(erasure_steps).values(run_id=run_id, step=name, rows=rows, done_at=ctx.now)
            )
            steps += 1
            if fault is not None:
                fault(name)
        done = {"run_id": run_id, "closure_id": ctx.closure_id, "step": name, "rows": rows}
        log.info("erasure.step", extra={"event": "erasure.step", **done})  # committed
    return "finished", steps


def _identifiers(conn: Connection, ctx: Context) -> dict[str, str]:
    """The customer's identifiers, read back from the vault (the ledger no longer has them)."""
    key_row = conn.execute(select(customer_keys).where(customer_keys.c.run_id == ctx.run_id)).one()
    key = vault.unwrap(
        vault.MasterKeys.from_settings(ctx.settings),
        key_row.wrapped_key,
        key_row.master_key_id,
        key_row.key_id,
    )
    record = conn.execute(
        select(retained_records).where(
            retained_records.c.key_id == key_row.key_id, retained_records.c.source == "customers"
        )
    ).one()
    identity = json.loads(
        vault.open_record(key, record.ciphertext, key_id=key_row.key_id, source="customers")
    )
    return {k: identity[k] for k in ("email", "phone", "full_name", "id_number") if identity[k]}


def _forfeited(conn: Connection, ctx: Context) -> list[dict[str, str]]:
    """The balances the customer gave up with consent: their ``dust_forfeit`` ledger
    entries, read back from the vault (the ledger's rows are anonymised by now)."""
    from lastgate.remediation.adapters.ledger import FORFEIT

    key_row = conn.execute(select(customer_keys).where(customer_keys.c.run_id == ctx.run_id)).one()
    key = vault.unwrap(
        vault.MasterKeys.from_settings(ctx.settings),
        key_row.wrapped_key,
        key_row.master_key_id,
        key_row.key_id,
    )
    records = conn.execute(
        select(retained_records.c.ciphertext)
        .where(
            retained_records.c.key_id == key_row.key_id,
            retained_records.c.source == "ledger_entries",
        )
        .order_by(retained_records.c.id)
    ).scalars()
    rows = [
        json.loads(line)
        for ciphertext in records
        for line in vault.open_record(
            key, ciphertext, key_id=key_row.key_id, source="ledger_entries"
        ).splitlines()
        if line
    ]
    return [row for row in rows if row["kind"] == FORFEIT]


def _finish(conn: Connection, ctx: Context) -> int:
    tables, findings = scan(
        conn, uid=ctx.uid, customer_id=ctx.customer_id, identifiers=_identifiers(conn, ctx)
    )
    certificate = build_certificate(
        ctx, tables, [str(f) for f in findings], forfeited=_forfeited(conn, ctx)
    )
    conn.execute(
        update(erasure_runs)
        .where(erasure_runs.c.id == ctx.run_id)
        .values(finished_at=ctx.now, certificate=json.dumps(certificate))
    )
    audit_log.append(
        conn,
        now=ctx.now,
        actor="system",
        action="erasure.finished",
        subject=f"closure:{ctx.closure_id}",
        payload={
            "uid": ctx.uid,
            "scan_passed": not findings,
            "findings": [str(f) for f in findings],
        },
    )
    return len(findings)


def certificate_entries(closed_at: datetime, years: int) -> list[dict[str, str | None]]:
    entries = []
    for category in dm.CATEGORIES:
        until = category.retained_until(closed_at, years)
        entries.append(
            {
                "category": category.name,
                "description": category.description,
                "action": category.action.value,
                "legal_basis": category.legal_basis,
                "retained_until": until.isoformat() if until else None,
            }
        )
    return entries


def build_certificate(
    ctx: Context,
    tables_checked: int,
    findings: list[str],
    *,
    forfeited: Sequence[Mapping[str, str]] = (),
) -> dict[str, object]:
    """The signed closure certificate (``lastgate.erasure.adapters.certificate_signing``),
    listing the balances given up with consent (``dust_forfeit`` ledger entries)."""
    from lastgate.erasure.adapters.certificate_signing import sign
    from lastgate.erasure.model.certificate import (
        CertificateEntry,
        ClosureCertificate,
        ForfeitedBalance,
        ScanResult,
    )

    years = ctx.policy.retention.aml_records_years
    certificate = ClosureCertificate(
        certificate_id=ctx.run_id,
        uid=ctx.uid,
        closure_id=ctx.closure_id,
        closed_at=ctx.closed_at,
        issued_at=ctx.now,
        issuer=ctx.settings.certificate_issuer,
        entries=tuple(
            CertificateEntry(
                category=c.name,
                description=c.description,
                action=c.action.value,
                legal_basis=c.legal_basis,
                retained_until=c.retained_until(ctx.closed_at, years),
            )
            for c in dm.CATEGORIES
        ),
        scan=ScanResult(
            passed=not findings, tables_checked=tables_checked, findings=tuple(findings)
        ),
        forfeited=tuple(
            ForfeitedBalance(
                account_type=row["account_type"],
                asset=row["asset"],
                amount=to_wire(Decimal(row["amount"])),
                forfeited_at=datetime.fromisoformat(row["at"]),
                consent_by=row["consent_by"],
            )
            for row in sorted(forfeited, key=lambda r: (r["at"], r["account_type"], r["asset"]))
        ),
    )
    return sign(certificate, ctx.settings)


def dry_run(engine: Engine, uid: str) -> list[dict[str, object]]:
    """The plan for ``uid`` with the rows each table holds now; changes nothing."""
    with engine.connect() as conn:
        cid = conn.execute(
            select(ledger.customers.c.id).where(ledger.customers.c.uid == uid)
        ).scalar_one_or_none()
        if cid is None:
            from lastgate.kernel.errors import AccountNotFound

            raise AccountNotFound(f"no account with UID {uid}")
        plan: list[dict[str, object]] = []
        for table in _customer_keyed_tables():
            rows = conn.execute(
                select(func.count()).select_from(table).where(table.c.customer_id == cid)
            ).scalar_one()
            mapping = DATA_MAP[table.name]
            plan.append(
                {
                    "table": table.name,
                    "rows": rows,
                    "category": mapping.category.name,
                    "action": mapping.category.action.value,
                    "how": mapping.how,
                }
            )
    return plan


def _customer_keyed_tables() -> list[Table]:
    """Every mapped table whose rows are keyed to a customer of the ledger."""
    from lastgate.erasure.adapters.catalogue import metadata

    return [t for t in metadata.sorted_tables if "customer_id" in t.c and t.name in DATA_MAP]


def purge(engine: Engine, clock: Clock) -> dict[str, int]:
    """Crypto-shred every data key whose retention has ended, delete its records, and drop
    expired quarantine entries. Idempotent; recorded in the audit log."""
    now = clock()
    with engine.begin() as conn:
        due = list(
            conn.execute(
                select(customer_keys.c.key_id).where(
                    customer_keys.c.destroyed_at.is_(None), customer_keys.c.retain_until <= now
                )
            ).scalars()
        )
        records = 0
        for key_id in due:
            conn.execute(
                update(customer_keys)
                .where(customer_keys.c.key_id == key_id)
                .values(wrapped_key=None, destroyed_at=now)
            )
            records += conn.execute(
                delete(retained_records).where(retained_records.c.key_id == key_id)
            ).rowcount
        quarantine = purge_expired(conn, now)
        result = {
            "keys_destroyed": len(due),
            "records_purged": records,
            "quarantine_expired": quarantine,
        }
        if any(result.values()):
            audit_log.append(
                conn,
                now=now,
                actor="system",
                action="retention.purged",
                subject="retention",
                payload={**result, "key_ids": due},
            )
    return result
