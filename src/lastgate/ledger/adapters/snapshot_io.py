"""Reading, writing, importing and exporting account snapshots on the reference ledger.

An import is all or nothing: the file is validated whole first (every error reported with
its path), then written in one transaction. An account already in the ledger is replaced.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, Table, delete, insert, select, update

from lastgate.kernel.errors import AccountNotFound, InvalidSnapshot
from lastgate.ledger.adapters import tables as t
from lastgate.ledger.adapters.snapshot import AccountSnapshot, PriceSnapshot, Snapshot

#: Snapshot collection → (table, column renames from snapshot field to column).
_COLLECTIONS: dict[str, tuple[Table, dict[str, str]]] = {
    "security_events": (t.security_events, {}),
    "balances": (t.balances, {}),
    "orders": (t.orders, {"id": "ref"}),
    "positions": (t.positions, {"id": "ref"}),
    "loans": (t.loans, {"id": "ref"}),
    "earn": (t.earn_subscriptions, {"id": "ref"}),
    "automations": (t.automations, {"id": "ref"}),
    "p2p_orders": (t.p2p_orders, {"id": "ref"}),
    "disputes": (t.disputes, {"id": "ref"}),
    "transfers": (t.transfers, {"id": "ref"}),
    "api_keys": (t.api_keys, {"id": "ref"}),
    "sub_accounts": (t.sub_accounts, {"uid": "sub_uid"}),
    "holds": (t.holds, {"id": "ref"}),
}


@dataclass(frozen=True)
class ImportSummary:
    accounts: int
    prices: int
    rows: int


def _path(loc: Iterable[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(root)"


def parse_snapshot(text: str | bytes) -> Snapshot:
    """Validate a snapshot document; ``InvalidSnapshot`` lists every error with its path."""
    try:
        snapshot = Snapshot.model_validate_json(text)
    except ValidationError as exc:
        details = [{"path": _path(e["loc"]), "reason": e["msg"]} for e in exc.errors()]
        raise InvalidSnapshot(_summary(details), details=details) from exc
    details = list(_consistency_errors(snapshot))
    if details:
        raise InvalidSnapshot(_summary(details), details=details)
    return snapshot


def _summary(details: Sequence[dict[str, str]]) -> str:
    shown = "; ".join(f"{d['path']}: {d['reason']}" for d in details[:5])
    more = f" (and {len(details) - 5} more)" if len(details) > 5 else ""
    return f"snapshot refused, {len(details)} error(s): {shown}{more}"


def _duplicates(values: Iterable[Any]) -> set[Any]:
    return {value for value, n in Counter(values).items() if n > 1}


def _consistency_errors(snapshot: Snapshot) -> Iterable[dict[str, str]]:
    """What a schema cannot say: uniqueness, and references that must make sense."""
    for asset in sorted(_duplicates(p.asset for p in snapshot.prices)):
        yield {"path": "prices", "reason": f"asset {asset} priced more than once"}
    for uid in sorted(_duplicates(acc.uid for acc in snapshot.accounts)):
        yield {"path": "accounts", "reason": f"UID {uid} appears more than once"}
    for i, acc in enumerate(snapshot.accounts):
        where = f"accounts[{i}]"
        for key in sorted(_duplicates((b.account_type, b.asset) for b in acc.balances)):
            yield {
                "path": f"{where}.balances",
                "reason": f"balance {key[0]}/{key[1]} listed more than once",
            }
        for name in (
            "orders",
            "positions",
            "loans",
            "earn",
            "automations",
            "p2p_orders",
            "disputes",
            "transfers",
            "api_keys",
            "holds",
        ):
            for ref in sorted(_duplicates(item.id for item in getattr(acc, name))):
                yield {"path": f"{where}.{name}", "reason": f"id {ref} appears more than once"}
        for uid in sorted(_duplicates(sub.uid for sub in acc.sub_accounts)):
            yield {
                "path": f"{where}.sub_accounts",
                "reason": f"sub-account {uid} listed more than once",
            }
        for j, sub in enumerate(acc.sub_accounts):
            if sub.uid == acc.uid:
                yield {
                    "path": f"{where}.sub_accounts[{j}].uid",
                    "reason": "an account cannot be its own sub-account",
                }
        for j, key in enumerate(acc.api_keys):
            if key.revoked_at is not None and key.revoked_at < key.created_at:
                yield {
                    "path": f"{where}.api_keys[{j}].revoked_at",
                    "reason": "revoked before it was created",
                }
        for j, hold in enumerate(acc.holds):
            if hold.lifted_at is not None and hold.lifted_at < hold.placed_at:
                yield {
                    "path": f"{where}.holds[{j}].lifted_at",
                    "reason": "lifted before it was placed",
                }


def import_snapshot(engine: Engine, snapshot: Snapshot) -> ImportSummary:
    """Write a validated snapshot in one transaction, replacing the accounts it names."""
    with engine.begin() as conn:
        _upsert_prices(conn, snapshot.prices)
        rows = sum(_replace_account(conn, account) for account in snapshot.accounts)
    return ImportSummary(len(snapshot.accounts), len(snapshot.prices), rows)


def _upsert_prices(conn: Connection, prices: Sequence[PriceSnapshot]) -> None:
    if not prices:
        return
    assets = [p.asset for p in prices]
    conn.execute(delete(t.asset_prices).where(t.asset_prices.c.asset.in_(assets)))
    conn.execute(insert(t.asset_prices), [p.model_dump() for p in prices])


def _customer_row(account: AccountSnapshot) -> dict[str, Any]:
    return {
        "uid": account.uid,
        "jurisdiction": account.jurisdiction,
        "status": account.status.value,
        "email": account.email,
        "phone": account.phone,
        "full_name": account.full_name,
        "id_number": account.id_number,
        "country": account.country,
        "kyc_status": account.kyc.status.value,
        "kyc_level": account.kyc.level,
        "kyc_applicant_mismatch": account.kyc.applicant_mismatch,
        "kyc_verified_at": account.kyc.verified_at,
        "created_at": account.created_at,
    }


def _replace_account(conn: Connection, account: AccountSnapshot) -> int:
    existing = conn.execute(
        select(t.customers.c.id).where(t.customers.c.uid == account.uid)
    ).scalar_one_or_none()
    if existing is None:
        cid = conn.execute(
            insert(t.customers).returning(t.customers.c.id), _customer_row(account)
        ).scalar_one()
    else:
        cid = existing
        for table in t.CUSTOMER_TABLES:
            conn.execute(delete(table).where(table.c.customer_id == cid))
        conn.execute(update(t.customers).where(t.customers.c.id == cid), _customer_row(account))
    written = 1
    for name, (table, renames) in _COLLECTIONS.items():
        items = getattr(account, name)
        if not items:
            continue
        rows = []
        for item in items:
            row = {renames.get(k, k): v for k, v in item.model_dump().items()}
            row["customer_id"] = cid
            rows.append(row)
        conn.execute(insert(table), rows)
        written += len(rows)
    return written


def export_accounts(engine: Engine, uids: Sequence[str], *, now: datetime) -> Snapshot:
    """The snapshot of ``uids`` with the prices of every asset they hold or moved."""
    with engine.connect() as conn:
        accounts = [_read_account(conn, uid) for uid in uids]
        assets = sorted({asset for acc in accounts for asset in _assets_of(acc)})
        prices = (
            [
                PriceSnapshot.model_validate(dict(row._mapping))
                for row in conn.execute(
                    select(t.asset_prices).where(t.asset_prices.c.asset.in_(assets))
                )
            ]
            if assets
            else []
        )
    return Snapshot(generated_at=now, prices=prices, accounts=accounts)


def _assets_of(account: AccountSnapshot) -> Iterable[str]:
    """Every asset the account holds, owes, has subscribed, trades P2P or moved."""
    for name in ("balances", "loans", "earn", "p2p_orders", "transfers"):
        for item in getattr(account, name):
            yield item.asset


def _read_account(conn: Connection, uid: str) -> AccountSnapshot:
    customer = conn.execute(select(t.customers).where(t.customers.c.uid == uid)).first()
    if customer is None:
        raise AccountNotFound(f"no account with UID {uid}")
    c = customer._mapping
    data: dict[str, Any] = {
        "uid": c["uid"],
        "jurisdiction": c["jurisdiction"],
        "status": c["status"],
        "email": c["email"],
        "phone": c["phone"],
        "full_name": c["full_name"],
        "id_number": c["id_number"],
        "country": c["country"],
        "created_at": c["created_at"],
        "kyc": {
            "status": c["kyc_status"],
            "level": c["kyc_level"],
            "applicant_mismatch": c["kyc_applicant_mismatch"],
            "verified_at": c["kyc_verified_at"],
        },
    }
    for name, (table, renames) in _COLLECTIONS.items():
        back = {column: field for field, column in renames.items()}
        skip = {"id", "customer_id"} - set(renames.values())
        # Insertion order where rows have an id; balances (no id) by their key.
        order = [table.c.id] if "id" in table.c else list(table.primary_key.columns)
        data[name] = [
            {back.get(k, k): v for k, v in row._mapping.items() if k not in skip}
            for row in conn.execute(
                select(table).where(table.c.customer_id == c["id"]).order_by(*order)
            )
        ]
    return AccountSnapshot.model_validate(data)


def dump_snapshot(snapshot: Snapshot) -> str:
    """The snapshot as indented JSON, leaving out fields that are null."""
    return json.dumps(
        snapshot.model_dump(mode="json", exclude_none=True), indent=2, ensure_ascii=False
    )
