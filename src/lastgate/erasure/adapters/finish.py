"""The erasure plan's last step, after the ten of ``executor.PLAN``: the verification
scan, which trusts nothing the steps recorded, and the signed closure certificate."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, bindparam, select, update

from lastgate.erasure.adapters import scan as verification
from lastgate.erasure.adapters import step_io
from lastgate.erasure.adapters.executor import data_key
from lastgate.erasure.adapters.step_io import Context
from lastgate.erasure.adapters.tables import customer_keys, erasure_runs, retained_records
from lastgate.erasure.model import data_map as dm
from lastgate.kernel.money import to_wire
from lastgate.platform import audit_log, vault
from lastgate.platform.db import pipeline

#: Its name in ``erasure_steps``: never rename it.
FINISH = "finish"

_r = retained_records.c
#: The run's sealed records of one source, in the order they were sealed.
_SEALED = (
    select(_r.ciphertext)
    .select_from(retained_records.join(customer_keys, customer_keys.c.key_id == _r.key_id))
    .where(customer_keys.c.run_id == bindparam("run_id"), _r.source == bindparam("source"))
    .order_by(_r.id)
)
_FINISH_RUN = (
    update(erasure_runs)
    .where(erasure_runs.c.id == bindparam("run_id"))
    .values(finished_at=bindparam("at"), certificate=bindparam("signed"))
)


def finish_reads(ctx: Context) -> step_io.Batch:
    """What the finish reads first: the scan's own first reads, then the customer's
    identity and ledger entries as the vault keeps them."""
    run = {"run_id": ctx.run_id}
    return [
        *verification.first_reads(ctx.customer_id),
        (_SEALED, {**run, "source": "customers"}),
        (_SEALED, {**run, "source": "ledger_entries"}),
    ]


def _opened(key: tuple[str, bytes], source: str, sealed: pipeline.Sent) -> list[bytes]:
    key_id, data_key_ = key
    return [
        vault.open_record(data_key_, ciphertext, key_id=key_id, source=source)
        for (ciphertext,) in sealed.rows
    ]


def _identifiers(key: tuple[str, bytes], sealed: pipeline.Sent) -> dict[str, str]:
    """The customer's identifiers, read back from the vault (the ledger no longer has them)."""
    [text] = _opened(key, "customers", sealed)
    identity = json.loads(text)
    return {k: identity[k] for k in ("email", "phone", "full_name", "id_number") if identity[k]}


def _forfeited(key: tuple[str, bytes], sealed: pipeline.Sent) -> list[dict[str, str]]:
    """The balances the customer gave up with consent: their ``dust_forfeit`` ledger
    entries, read back from the vault (the ledger's rows are anonymised by now)."""
    from lastgate.remediation.adapters.ledger import FORFEIT

    rows = [
        json.loads(line)
        for text in _opened(key, "ledger_entries", sealed)
        for line in text.splitlines()
        if line
    ]
    return [row for row in rows if row["kind"] == FORFEIT]


def finish(conn: Connection, ctx: Context) -> int:
    """The last step: the verification scan, the signed certificate, the audit entry."""
    links, customer, identity, entries = step_io.read(conn, ctx, finish_reads(ctx))
    key = data_key(conn, ctx)
    tables, findings = verification.scan(
        conn,
        uid=ctx.uid,
        customer_id=ctx.customer_id,
        identifiers=_identifiers(key, identity),
        first=(links, customer),
    )
    certificate = build_certificate(
        ctx, tables, [str(f) for f in findings], forfeited=_forfeited(key, entries)
    )
    signed = json.dumps(certificate)
    step_io.later(conn, ctx, _FINISH_RUN, {"run_id": ctx.run_id, "at": ctx.now, "signed": signed})
    step_io.later(
        conn,
        ctx,
        *audit_log.entry(
            now=ctx.now,
            actor="system",
            action="erasure.finished",
            subject=f"closure:{ctx.closure_id}",
            payload={
                "uid": ctx.uid,
                "scan_passed": not findings,
                "findings": [str(f) for f in findings],
            },
        ),
    )
    return len(findings)


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
    bases = ctx.policy.retention.legal_basis  # the customer's jurisdiction's own law
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
                legal_basis=c.legal_basis(bases),
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
