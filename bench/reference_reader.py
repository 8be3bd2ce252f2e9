"""The first ``LedgerStateReader``: one SQLAlchemy Core query per table.

Kept as the reference the optimised reader must agree with (``bench.verify_reader``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, Table, or_, select

from lastgate.kernel.errors import AccountNotFound
from lastgate.ledger import model as a
from lastgate.ledger.adapters import tables as t


class ReferenceStateReader:
    """Reads only what the checks need: open items, in-flight transfers, recent withdrawals."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def load(self, uid: str, *, withdrawals_since: datetime) -> a.AccountState:
        with self._engine.connect() as conn:
            return read_account_state(conn, uid, withdrawals_since=withdrawals_since)


def read_account_state(
    conn: Connection, uid: str, *, withdrawals_since: datetime
) -> a.AccountState:
    customer = conn.execute(
        select(
            t.customers.c.id,
            t.customers.c.jurisdiction,
            t.customers.c.status,
            t.customers.c.kyc_status,
            t.customers.c.kyc_applicant_mismatch,
        ).where(t.customers.c.uid == uid)
    ).first()
    if customer is None:
        raise AccountNotFound(f"no account with UID {uid}")
    cid = customer.id

    def rows(table: Table, *where: Any) -> list[Row[Any]]:
        return list(conn.execute(select(table).where(table.c.customer_id == cid, *where)))

    balances = rows(t.balances)
    assets = {b.asset for b in balances}
    transfers = rows(
        t.transfers,
        or_(
            t.transfers.c.status.in_([s.value for s in a.IN_FLIGHT_TRANSFER_STATUSES]),
            (t.transfers.c.direction == a.TransferDirection.WITHDRAWAL.value)
            & (t.transfers.c.created_at >= withdrawals_since),
        ),
    )
    assets.update(tr.asset for tr in transfers)
    prices = (
        {
            p.asset: p.price_usd
            for p in conn.execute(
                select(t.asset_prices.c.asset, t.asset_prices.c.price_usd).where(
                    t.asset_prices.c.asset.in_(sorted(assets))
                )
            )
        }
        if assets
        else {}
    )

    return a.AccountState(
        uid=uid,
        jurisdiction=customer.jurisdiction,
        status=a.CustomerStatus(customer.status),
        kyc=a.Kyc(a.KycStatus(customer.kyc_status), bool(customer.kyc_applicant_mismatch)),
        security_events=tuple(
            a.SecurityEvent(a.SecurityChange(r.kind), r.occurred_at)
            for r in rows(t.security_events)
        ),
        balances=tuple(
            a.Balance(a.AccountType(r.account_type), r.asset, r.available, r.frozen)
            for r in balances
        ),
        prices=prices,
        orders=tuple(
            a.Order(
                r.ref,
                a.Product(r.product),
                r.symbol,
                a.OrderKind(r.kind),
                a.OrderStatus(r.status),
                r.created_at,
            )
            for r in rows(t.orders, t.orders.c.status.in_([s.value for s in a.OPEN_ORDER_STATUSES]))
        ),
        positions=tuple(
            a.Position(r.ref, a.Product(r.product), r.symbol, r.size) for r in rows(t.positions)
        ),
        loans=tuple(
            a.Loan(r.ref, a.LoanKind(r.kind), r.asset, r.outstanding) for r in rows(t.loans)
        ),
        earn=tuple(
            a.EarnSubscription(
                r.ref, a.EarnKind(r.kind), r.asset, r.amount, a.EarnStatus(r.status), r.matures_at
            )
            for r in rows(t.earn_subscriptions)
        ),
        automations=tuple(
            a.Automation(r.ref, a.AutomationKind(r.kind), a.AutomationStatus(r.status))
            for r in rows(t.automations)
        ),
        p2p_orders=tuple(a.P2POrder(r.ref, a.P2POrderStatus(r.status)) for r in rows(t.p2p_orders)),
        disputes=tuple(
            a.Dispute(r.ref, a.DisputeKind(r.kind), a.DisputeStatus(r.status))
            for r in rows(t.disputes)
        ),
        transfers=tuple(
            a.Transfer(
                r.ref,
                a.TransferDirection(r.direction),
                r.asset,
                r.amount,
                a.TransferStatus(r.status),
                r.created_at,
                r.expected_completion_at,
            )
            for r in transfers
        ),
        api_keys=tuple(
            a.ApiKey(r.ref, a.ApiKeyKind(r.kind), r.label, r.created_at, r.expires_at, r.revoked_at)
            for r in rows(t.api_keys)
        ),
        sub_accounts=tuple(
            a.SubAccount(r.sub_uid, a.SubAccountStatus(r.status)) for r in rows(t.sub_accounts)
        ),
        holds=tuple(
            a.Hold(r.ref, a.HoldKind(r.kind), r.reason, r.placed_at, r.lifted_at)
            for r in rows(t.holds)
        ),
    )
