"""The customer's data export on the reference ledger: read the account, build the ZIP.

The archive is deterministic: the same ledger and the same ``now`` give the same bytes
(fixed file order, entry timestamps from ``now``, fixed permissions, no extra fields).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from typing import Any, Final

from sqlalchemy import Engine

from lastgate.export.model import (
    COINTRACKING_COLUMNS,
    KOINLY_COLUMNS,
    SUMMARY_COLUMNS,
    Trade,
    Transfer,
    cointracking_rows,
    koinly_trade_rows,
    koinly_transfer_rows,
    render_csv,
    split_symbol,
    summary_rows,
    yearly_totals,
)
from lastgate.export.service import EXPORTED, ExportArchive
from lastgate.ledger.adapters.snapshot import AccountSnapshot, Snapshot
from lastgate.ledger.adapters.snapshot_io import export_accounts
from lastgate.ledger.model import OrderStatus, Product, TransferDirection, TransferStatus
from lastgate.platform import audit_log

EXPORT_FORMAT: Final = "lastgate.export/1"
#: Orders that moved assets. Only spot and convert orders exchange one asset for another
#: outright; derivatives and margin stay in account.json.
TRADED_STATUSES: Final = frozenset({OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED})
TRADED_PRODUCTS: Final = frozenset({Product.SPOT, Product.CONVERT})
#: Collections left out of the customer's copy: holds name investigations the customer
#: must not be told of (anti-money-laundering "tipping-off" rules).
WITHHELD: Final = frozenset({"holds"})
#: The ZIP's files, in the order they are written.
FILES: Final = (
    "account.json",
    "trades.csv",
    "deposits.csv",
    "withdrawals.csv",
    "cointracking.csv",
    "summary-by-year.csv",
)


def trades_of(account: AccountSnapshot) -> list[Trade]:
    """Filled and partially filled spot orders as trades, at the order's price.

    The ledger records neither fill price nor filled quantity: a trade is valued at the
    order's limit price and, when partially filled, at the order's full quantity.
    """
    trades = []
    for order in account.orders:
        if order.status not in TRADED_STATUSES or order.product not in TRADED_PRODUCTS:
            continue
        base, quote = split_symbol(order.symbol)
        notes = []
        if order.status is OrderStatus.PARTIALLY_FILLED:
            notes.append("partially filled: order quantity shown")
        if order.price is None:
            notes.append("no price recorded")
        trades.append(
            Trade(
                ref=order.id,
                at=order.created_at,
                side=order.side,
                base=base,
                quote=quote,
                quantity=order.quantity,
                price=order.price,
                note="; ".join(notes),
            )
        )
    return trades


def transfers_of(account: AccountSnapshot) -> tuple[list[Transfer], list[Transfer]]:
    """Completed deposits and completed withdrawals, dated when they completed."""
    deposits: list[Transfer] = []
    withdrawals: list[Transfer] = []
    for item in account.transfers:
        if item.status is not TransferStatus.COMPLETED:
            continue
        record = Transfer(
            ref=item.id,
            at=item.completed_at or item.created_at,
            direction=item.direction.value,
            asset=item.asset,
            amount=item.amount,
            network=item.network,
        )
        (deposits if item.direction is TransferDirection.DEPOSIT else withdrawals).append(record)
    return deposits, withdrawals


def _by_time(records: list[Any]) -> list[Any]:
    return sorted(records, key=lambda r: (r.at.astimezone(UTC), r.ref))


def customer_copy(snapshot: Snapshot) -> dict[str, Any]:
    """The snapshot as JSON-ready data, without what the customer must not see."""
    data = snapshot.model_dump(mode="json", exclude_none=True)
    for account in data["accounts"]:
        for name in WITHHELD:
            account.pop(name, None)
    return data


@dataclass(frozen=True)
class _Files:
    contents: dict[str, bytes]
    counts: dict[str, int]


def build_files(snapshot: Snapshot, uid: str, *, now: datetime, exchange: str) -> _Files:
    """Every file of the export for the one account in ``snapshot``, account.json last."""
    (account,) = snapshot.accounts
    trades = _by_time(trades_of(account))
    deposits, withdrawals = (_by_time(items) for items in transfers_of(account))
    csvs = {
        "trades.csv": render_csv(KOINLY_COLUMNS, koinly_trade_rows(trades)),
        "deposits.csv": render_csv(KOINLY_COLUMNS, koinly_transfer_rows(deposits)),
        "withdrawals.csv": render_csv(KOINLY_COLUMNS, koinly_transfer_rows(withdrawals)),
        "cointracking.csv": render_csv(
            COINTRACKING_COLUMNS,
            cointracking_rows(trades, [*deposits, *withdrawals], exchange=exchange),
        ),
        "summary-by-year.csv": render_csv(
            SUMMARY_COLUMNS, summary_rows(yearly_totals(trades, [*deposits, *withdrawals]))
        ),
    }
    manifest = {
        "format": EXPORT_FORMAT,
        "generated_at": now.astimezone(UTC).isoformat(),
        "uid": uid,
        "files": [
            {"name": name, "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}
            for name, body in csvs.items()
        ],
    }
    document = {"manifest": manifest, "snapshot": customer_copy(snapshot)}
    account_json = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    counts = {
        "trades": len(trades),
        "deposits": len(deposits),
        "withdrawals": len(withdrawals),
    }
    return _Files({"account.json": account_json, **csvs}, counts)


def zip_bytes(contents: Mapping[str, bytes], *, now: datetime) -> bytes:
    """A ZIP of ``contents`` in ``FILES`` order whose bytes depend only on its input."""
    moment = now.astimezone(UTC)
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in FILES:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permissions below are read as such
            info.external_attr = 0o644 << 16
            archive.writestr(info, contents[name], compresslevel=9)
    return buffer.getvalue()


class LedgerDataExport:
    """The ``DataExportSource`` on the reference ledger and lastgate's audit log."""

    def __init__(self, engine: Engine, *, exchange: str = "lastgate") -> None:
        self._engine = engine
        self._exchange = exchange

    def build(self, uid: str, *, now: datetime) -> ExportArchive:
        snapshot = export_accounts(self._engine, [uid], now=now)
        files = build_files(snapshot, uid, now=now, exchange=self._exchange)
        content = zip_bytes(files.contents, now=now)
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return ExportArchive(
            filename=f"lastgate-export-{uid}-{stamp}.zip",
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            counts=files.counts,
            status=snapshot.accounts[0].status,
        )

    def record(self, *, now: datetime, actor: str, uid: str, payload: Mapping[str, object]) -> None:
        with self._engine.begin() as conn:
            audit_log.append(
                conn,
                now=now,
                actor=actor,
                action=EXPORTED,
                subject=f"account:{uid}",
                payload=payload,
            )
