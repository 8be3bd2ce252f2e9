"""The remediation side of the account-actions port on the reference ledger.

Each one-step fix is one set-based ``UPDATE`` over the customer's rows (never a loop over
them), returning the references it changed so the audit can name them. The dust sweep
writes its quote, empties the quoted balances in one statement, credits the target asset
and records every amount in ``ledger_entries`` — all on the caller's connection, inside
the caller's transaction; a forfeit empties the balances given up and records each the
same way. An exchange implements the same methods over its own systems.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, ScalarSelect, insert, or_, select, tuple_, update

from lastgate.eligibility.model import dust_line
from lastgate.kernel.errors import AccountNotFound
from lastgate.kernel.money import ZERO, to_wire
from lastgate.ledger.adapters import tables as ledger
from lastgate.ledger.model import OPEN_ORDER_STATUSES, AutomationStatus, CustomerStatus, OrderStatus
from lastgate.remediation.adapters.tables import dust_quotes, ledger_entries
from lastgate.remediation.model import (
    FUNDING,
    DustQuote,
    ForfeitLine,
    Holding,
    QuoteLine,
    balance_keys,
)

DEBIT, CREDIT, FORFEIT = "dust_sweep_debit", "dust_sweep_credit", "dust_forfeit"
_RUNNING_AUTOMATIONS = (AutomationStatus.ACTIVE.value, AutomationStatus.PAUSED.value)


def _lines_to_json(lines: Sequence[QuoteLine]) -> str:
    return json.dumps(
        [
            {
                "account_type": line.account_type,
                "asset": line.asset,
                "amount": to_wire(line.amount),
                "price_usd": None if line.price_usd is None else to_wire(line.price_usd),
                "value_usd": to_wire(line.value_usd),
                "forfeit": line.forfeit,
            }
            for line in lines
        ]
    )


def _lines_from_json(text: str) -> tuple[QuoteLine, ...]:
    return tuple(
        QuoteLine(
            account_type=item["account_type"],
            asset=item["asset"],
            amount=Decimal(item["amount"]),
            price_usd=None if item["price_usd"] is None else Decimal(item["price_usd"]),
            value_usd=Decimal(item["value_usd"]),
            forfeit=bool(item["forfeit"]),
        )
        for item in json.loads(text)
    )


class LedgerRemediationActions:
    """Dust sweep, key revocation, order cancellation and automation stop on the ledger."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # -- the customer -----------------------------------------------------------------

    def _customer_id(self, uid: str) -> ScalarSelect[Any]:
        return select(ledger.customers.c.id).where(ledger.customers.c.uid == uid).scalar_subquery()

    def account_status(self, uid: str, *, lock: bool = False) -> CustomerStatus:
        """The customer's status; ``lock`` serialises every sweep of the customer."""
        query = select(ledger.customers.c.status).where(ledger.customers.c.uid == uid)
        if lock:
            query = query.with_for_update()
        status = self._conn.execute(query).scalar_one_or_none()
        if status is None:
            raise AccountNotFound(f"no account with UID {uid}")
        return CustomerStatus(status)

    # -- the dust sweep ---------------------------------------------------------------

    def dust_holdings(self, uid: str, *, lock: bool = False) -> list[Holding]:
        """Every non-zero balance with its asset's price and tradeability; ``lock`` holds
        the balance rows (never the prices) until the transaction ends."""
        b, p = ledger.balances.c, ledger.asset_prices.c
        query = (
            select(b.account_type, b.asset, b.available, b.frozen, p.price_usd, p.tradeable)
            .join_from(ledger.balances, ledger.asset_prices, b.asset == p.asset, isouter=True)
            .where(b.customer_id == self._customer_id(uid))
            .order_by(b.account_type, b.asset)
        )
        if lock:
            query = query.with_for_update(of=ledger.balances)
        rows = self._conn.execute(query).all()
        holdings = [
            Holding(
                account_type=row.account_type,
                asset=row.asset,
                amount=dust_line.total(row.available, row.frozen),
                price_usd=row.price_usd,
                tradeable=bool(row.tradeable) if row.tradeable is not None else False,
            )
            for row in rows
        ]
        return [h for h in holdings if h.amount != ZERO]

    def tradeable_prices(self, assets: Collection[str]) -> dict[str, Decimal | None]:
        """USD price of each asset now; None when it has none or cannot be traded."""
        p = ledger.asset_prices.c
        found = {
            row.asset: row.price_usd if row.tradeable else None
            for row in self._conn.execute(
                select(p.asset, p.price_usd, p.tradeable).where(p.asset.in_(sorted(assets)))
            )
        }
        return {asset: found.get(asset) for asset in assets}

    def save_quote(self, quote: DustQuote) -> None:
        self._conn.execute(
            insert(dust_quotes).values(
                id=quote.id,
                customer_id=self._customer_id(quote.uid),
                created_at=quote.created_at,
                expires_at=quote.expires_at,
                target_asset=quote.target_asset,
                target_price_usd=quote.target_price_usd,
                fee_percent=quote.fee_percent,
                gross=quote.gross,
                fee=quote.fee,
                net=quote.net,
                lines=_lines_to_json(quote.lines),
            )
        )

    def find_quote(self, uid: str, quote_id: str) -> tuple[DustQuote, datetime | None] | None:
        """The customer's quote and when it was executed (None: not yet); None if none."""
        q = dust_quotes.c
        row = self._conn.execute(
            select(dust_quotes).where(q.id == quote_id, q.customer_id == self._customer_id(uid))
        ).first()
        if row is None:
            return None
        quote = DustQuote(
            id=row.id,
            uid=uid,
            created_at=row.created_at,
            expires_at=row.expires_at,
            target_asset=row.target_asset,
            target_price_usd=row.target_price_usd,
            fee_percent=row.fee_percent,
            lines=_lines_from_json(row.lines),
            gross=row.gross,
            fee=row.fee,
            net=row.net,
        )
        return quote, row.executed_at

    def last_sweep_at(self, uid: str) -> datetime | None:
        q = dust_quotes.c
        last: datetime | None = self._conn.execute(
            select(q.executed_at)
            .where(q.customer_id == self._customer_id(uid), q.executed_at.is_not(None))
            .order_by(q.executed_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        return last

    def holds_quoted_balances(self, quote: DustQuote) -> bool:
        """Every quoted balance still holds exactly the quoted amount (rows locked)."""
        b = ledger.balances.c
        rows = self._conn.execute(
            select(b.account_type, b.asset, b.available, b.frozen)
            .where(
                b.customer_id == self._customer_id(quote.uid),
                tuple_(b.account_type, b.asset).in_(balance_keys(quote.lines)),
            )
            .with_for_update()
        ).all()
        held = {(r.account_type, r.asset): r.available + r.frozen for r in rows}
        return all(held.get((x.account_type, x.asset)) == x.amount for x in quote.lines)

    def claim_quote(self, quote_id: str, *, at: datetime, forfeit_consent: bool) -> bool:
        """Mark the quote executed; False if another execution claimed it first."""
        q = dust_quotes.c
        result = self._conn.execute(
            update(dust_quotes)
            .where(q.id == quote_id, q.executed_at.is_(None))
            .values(executed_at=at, forfeit_consent=forfeit_consent)
        )
        return result.rowcount == 1

    def sweep(self, quote: DustQuote, *, at: datetime, consent_by: str | None) -> None:
        """Empty the quoted balances, credit the net proceeds, write the ledger entries."""
        cid = self._conn.execute(
            select(ledger.customers.c.id).where(ledger.customers.c.uid == quote.uid)
        ).scalar_one()
        b = ledger.balances.c
        self._conn.execute(
            update(ledger.balances)
            .where(
                b.customer_id == cid,
                tuple_(b.account_type, b.asset).in_(balance_keys(quote.lines)),
            )
            .values(available=ZERO, frozen=ZERO)
        )
        if quote.net > ZERO:
            self._credit(cid, quote.target_asset, quote.net)
        entries: list[Mapping[str, Any]] = [
            {
                "customer_id": cid,
                "kind": FORFEIT if line.forfeit else DEBIT,
                "account_type": line.account_type,
                "asset": line.asset,
                "amount": line.amount,
                "ref": quote.id,
                "consent_by": consent_by if line.forfeit else None,
                "at": at,
            }
            for line in quote.lines
        ]
        entries.append(
            {
                "customer_id": cid,
                "kind": CREDIT,
                "account_type": FUNDING,
                "asset": quote.target_asset,
                "amount": quote.net,
                "ref": quote.id,
                "consent_by": None,
                "at": at,
            }
        )
        self._conn.execute(insert(ledger_entries), entries)

    def forfeit(
        self, uid: str, lines: Sequence[ForfeitLine], *, at: datetime, ref: str, consent_by: str
    ) -> None:
        """Empty the balances given up in one ``UPDATE``; one ``dust_forfeit`` entry each."""
        cid = self._conn.execute(
            select(ledger.customers.c.id).where(ledger.customers.c.uid == uid)
        ).scalar_one()
        b = ledger.balances.c
        self._conn.execute(
            update(ledger.balances)
            .where(
                b.customer_id == cid,
                tuple_(b.account_type, b.asset).in_(
                    [(line.account_type, line.asset) for line in lines]
                ),
            )
            .values(available=ZERO, frozen=ZERO)
        )
        self._conn.execute(
            insert(ledger_entries),
            [
                {
                    "customer_id": cid,
                    "kind": FORFEIT,
                    "account_type": line.account_type,
                    "asset": line.asset,
                    "amount": line.amount,
                    "ref": ref,
                    "consent_by": consent_by,
                    "at": at,
                }
                for line in lines
            ],
        )

    def _credit(self, cid: int, asset: str, amount: Decimal) -> None:
        # Read, add in Python, write: SQLite keeps amounts as text, where SQL "+" is float.
        b = ledger.balances.c
        key = (b.customer_id == cid, b.account_type == FUNDING, b.asset == asset)
        current = self._conn.execute(
            select(b.available).where(*key).with_for_update()
        ).scalar_one_or_none()
        if current is None:
            self._conn.execute(
                insert(ledger.balances).values(
                    customer_id=cid,
                    account_type=FUNDING,
                    asset=asset,
                    available=amount,
                    frozen=ZERO,
                )
            )
        else:
            self._conn.execute(
                update(ledger.balances).where(*key).values(available=current + amount)
            )

    # -- the other one-step fixes -----------------------------------------------------

    def revoke_api_keys(self, uid: str, *, at: datetime) -> list[str]:
        """Revoke every active API key and third-party authorisation; their references."""
        k = ledger.api_keys.c
        return self._refs(
            update(ledger.api_keys)
            .where(
                k.customer_id == self._customer_id(uid),
                k.revoked_at.is_(None),
                or_(k.expires_at.is_(None), k.expires_at > at),
            )
            .values(revoked_at=at)
            .returning(k.ref)
        )

    def cancel_open_orders(self, uid: str, *, at: datetime) -> list[str]:
        """Cancel every open, partly filled or pending conditional order; their references."""
        o = ledger.orders.c
        return self._refs(
            update(ledger.orders)
            .where(
                o.customer_id == self._customer_id(uid),
                o.status.in_(sorted(s.value for s in OPEN_ORDER_STATUSES)),
            )
            .values(status=OrderStatus.CANCELLED.value)
            .returning(o.ref)
        )

    def stop_automations(self, uid: str, *, at: datetime) -> list[str]:
        """Stop every active or paused recurring buy, bot and copy-trading plan."""
        a = ledger.automations.c
        return self._refs(
            update(ledger.automations)
            .where(
                a.customer_id == self._customer_id(uid),
                a.status.in_(_RUNNING_AUTOMATIONS),
            )
            .values(status=AutomationStatus.STOPPED.value)
            .returning(a.ref)
        )

    def _refs(self, statement: Any) -> list[str]:
        return sorted(str(ref) for ref in self._conn.execute(statement).scalars())
