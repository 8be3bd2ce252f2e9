"""The erasure plan's last step, after the ten of ``executor.PLAN``: the verification
scan, which trusts nothing the steps recorded, and the signed closure certificate."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, bindparam, select, update

from lastgate.erasure.adapters.executor import Context, data_key
from lastgate.erasure.adapters.scan import scan
from lastgate.erasure.adapters.tables import erasure_runs, retained_records
from lastgate.erasure.model import data_map as dm
from lastgate.kernel.money import to_wire
from lastgate.platform import audit_log, vault

#: Its name in ``erasure_steps``: never rename it.
FINISH = "finish"

_r = retained_records.c
_SEALED = select(_r.ciphertext).where(
    _r.key_id == bindparam("key_id"), _r.source == bindparam("source")
)
_SEALED_IN_ORDER = _SEALED.order_by(_r.id)
_FINISH_RUN = (
    update(erasure_runs)
    .where(erasure_runs.c.id == bindparam("run_id"))
    .values(finished_at=bindparam("at"), certificate=bindparam("signed"))
)


def _identifiers(conn: Connection, ctx: Context) -> dict[str, str]:
    """The customer's identifiers, read back from the vault (the ledger no longer has them)."""
    key_id, key = data_key(conn, ctx)
    ciphertext = conn.execute(_SEALED, {"key_id": key_id, "source": "customers"}).scalar_one()
    identity = json.loads(vault.open_record(key, ciphertext, key_id=key_id, source="customers"))
    return {k: identity[k] for k in ("email", "phone", "full_name", "id_number") if identity[k]}


def _forfeited(conn: Connection, ctx: Context) -> list[dict[str, str]]:
    """The balances the customer gave up with consent: their ``dust_forfeit`` ledger
    entries, read back from the vault (the ledger's rows are anonymised by now)."""
    from lastgate.remediation.adapters.ledger import FORFEIT

    key_id, key = data_key(conn, ctx)
    records = conn.execute(
        _SEALED_IN_ORDER, {"key_id": key_id, "source": "ledger_entries"}
    ).scalars()
    rows = [
        json.loads(line)
        for ciphertext in records
        for line in vault.open_record(
            key, ciphertext, key_id=key_id, source="ledger_entries"
        ).splitlines()
        if line
    ]
    return [row for row in rows if row["kind"] == FORFEIT]


def finish(conn: Connection, ctx: Context) -> int:
    """The last step: the verification scan, the signed certificate, the audit entry."""
    tables, findings = scan(
        conn, uid=ctx.uid, customer_id=ctx.customer_id, identifiers=_identifiers(conn, ctx)
    )
    certificate = build_certificate(
        ctx, tables, [str(f) for f in findings], forfeited=_forfeited(conn, ctx)
    )
    conn.execute(
        _FINISH_RUN, {"run_id": ctx.run_id, "at": ctx.now, "signed": json.dumps(certificate)}
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
