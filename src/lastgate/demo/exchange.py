"""The demo's exchange: what a customer does on the exchange itself, outside lastgate, or
waits for there, done in one step so that a demo journey can be walked to its end. A
deposit on its way arrives now (completed, its amount in the funding account), as the
chain would confirm it; an asset above the dust line is withdrawn to the customer's own
wallet (its available amount, as a completed withdrawal; a frozen amount stays, as it
would); the waiting period after a change to the account's security passes now (the
exchange's record of each recent change moved back in time, the demo clock's).

For ``lastgate demo`` only: its one caller is the demo sign-in page (``demo.pages``),
behind the ``demo_login`` setting, which a production start refuses. Each is one
transaction with its audit entry, by the customer, marked as a demo action. In the demo
the self-check's cards it acts on lead there (``ways_leading_here``, which the app's
wiring hands to the pages).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, Engine, insert, select, update

from lastgate.closure.pages.demo_hook import DemoWay
from lastgate.eligibility.model.report import CheckCode, CustomerReport, Evidence
from lastgate.kernel.messages import N_
from lastgate.ledger.adapters import tables as ledger
from lastgate.ledger.model import IN_FLIGHT_TRANSFER_STATUSES
from lastgate.platform import audit_log

DEPOSITS_ARRIVED = "ledger.demo_deposits_arrived"
ASSETS_WITHDRAWN = "ledger.demo_assets_withdrawn"
SECURITY_WAIT_PASSED = "ledger.demo_security_wait_passed"
_IN_FLIGHT = [s.value for s in IN_FLIGHT_TRANSFER_STATUSES]
_ZERO = Decimal(0)
#: Where the demo exchange's section and the demo clock's are on the demo sign-in page.
DEMO_EXCHANGE = "/web/demo-login#demo-exchange"
DEMO_CLOCK = "/web/demo-login#demo-clock"
#: What the demo exchange acts on: the deposits on their way, the balances above the
#: dust line and the recent security changes, as the self-check's checks list them.
ACTS_ON = {
    "deposits": CheckCode.DEPOSIT_PENDING,
    "assets": CheckCode.ASSETS_REMAINING,
    "security": CheckCode.SECURITY_COOLDOWN,
}
_TO_THE_EXCHANGE = DemoWay(
    N_(
        "In this demo you need not go to the exchange: the demo page does this for you in one step."
    ),
    N_("Go to the demo exchange"),
    DEMO_EXCHANGE,
)
_TO_THE_CLOCK = DemoWay(
    N_("In this demo you need not wait: the demo clock lets the waiting period pass now."),
    N_("Go to the demo clock"),
    DEMO_CLOCK,
)
#: Where each of ``ACTS_ON`` is done on the demo page.
_WAYS = {"deposits": _TO_THE_EXCHANGE, "assets": _TO_THE_EXCHANGE, "security": _TO_THE_CLOCK}


#: Where a balance can be withdrawn from at once; margin, futures, options and earn
#: balances back positions, loans and products, which are closed on the exchange first.
_WITHDRAWABLE = frozenset({"funding", "trading", "fiat"})


def to_do(report: CustomerReport) -> dict[str, list[Evidence]]:
    """What the demo exchange has to do for the customer of ``report`` (``ACTS_ON``): the
    demo sign-in page offers it, and in the demo the self-check's cards lead there. Of the
    balances above the dust line, those it can withdraw: an amount available (a locked
    one stays, as it would) in an account it can be withdrawn from."""
    found = {what: list(report.result(code).evidence) for what, code in ACTS_ON.items()}
    found["assets"] = [
        e
        for e in found["assets"]
        if e.get("account_type") in _WITHDRAWABLE and Decimal(e.get("available", "0")) > _ZERO
    ]
    return found


def ways_leading_here(report: CustomerReport) -> dict[str, DemoWay]:
    """The self-check's cards that lead to the demo page, by their codes: the checks of
    ``ACTS_ON`` it has something to do for (``to_do``), each to where it is done. The
    app's wiring hands this to the pages, in the demo only (``closure.pages.demo_hook``)."""
    return {ACTS_ON[what].value: _WAYS[what] for what, found in to_do(report).items() if found}


def _customer(conn: Connection, uid: str) -> int:
    return int(
        conn.execute(
            select(ledger.customers.c.id).where(ledger.customers.c.uid == uid)
        ).scalar_one()
    )


def _credit(conn: Connection, customer: int, asset: str, amount: Decimal) -> None:
    b = ledger.balances.c
    key = (b.customer_id == customer) & (b.account_type == "funding") & (b.asset == asset)
    held = conn.execute(select(b.available).where(key)).scalar()
    if held is None:
        conn.execute(
            insert(ledger.balances).values(
                customer_id=customer, account_type="funding", asset=asset, available=amount,
                frozen=_ZERO,
            )
        )  # fmt: skip
    else:
        conn.execute(update(ledger.balances).where(key).values(available=held + amount))


def _audit(
    conn: Connection, uid: str, action: str, now: datetime, done: dict[str, list[dict[str, str]]]
) -> None:
    audit_log.append(
        conn, now=now, actor=uid, action=action, subject=f"account:{uid}",
        payload={"demo": True, **done},
    )  # fmt: skip


def land_deposits(engine: Engine, uid: str, now: datetime) -> int:
    """Every deposit of ``uid`` on its way arrives now; how many did."""
    t = ledger.transfers.c
    with engine.begin() as conn:
        customer = _customer(conn, uid)
        rows = conn.execute(
            select(t.id, t.ref, t.asset, t.amount).where(
                (t.customer_id == customer) & (t.direction == "deposit") & t.status.in_(_IN_FLIGHT)
            )
        ).all()
        for row in rows:
            conn.execute(
                update(ledger.transfers)
                .where(t.id == row.id)
                .values(status="completed", completed_at=now)
            )
            _credit(conn, customer, row.asset, row.amount)
        if rows:
            done = [{"ref": r.ref, "asset": r.asset, "amount": str(r.amount)} for r in rows]
            _audit(conn, uid, DEPOSITS_ARRIVED, now, {"transfers": done})
    return len(rows)


def withdraw(engine: Engine, uid: str, balances: Iterable[tuple[str, str]], now: datetime) -> int:
    """Withdraw the available amount of each (account type, asset) of ``uid``: emptied and
    recorded as a completed withdrawal; how many were."""
    b = ledger.balances.c
    done: list[dict[str, str]] = []
    with engine.begin() as conn:
        customer = _customer(conn, uid)
        for account_type, asset in sorted(set(balances)):
            key = (
                (b.customer_id == customer) & (b.account_type == account_type) & (b.asset == asset)
            )
            available = conn.execute(select(b.available).where(key)).scalar()
            if available is None or available <= _ZERO:
                continue
            conn.execute(update(ledger.balances).where(key).values(available=_ZERO))
            ref = f"DEMO-W-{uuid.uuid4().hex[:12]}"
            conn.execute(
                insert(ledger.transfers).values(
                    customer_id=customer, ref=ref, direction="withdrawal",
                    asset=asset, amount=available, status="completed", network="demo",
                    address="the customer's own wallet", created_at=now, completed_at=now,
                )
            )  # fmt: skip
            done.append({"ref": ref, "asset": asset, "amount": str(available)})
        if done:
            _audit(conn, uid, ASSETS_WITHDRAWN, now, {"transfers": done})
    return len(done)


def _moment(value: object) -> datetime:
    return datetime.fromisoformat(str(value))


def wait_ends(changes: list[Evidence]) -> datetime | None:
    """When the waiting period after ``changes`` (the SECURITY_COOLDOWN check's evidence)
    ends: at the last one's end; None without any."""
    return max((_moment(c["ends_at"]) for c in changes), default=None)


def let_security_wait_pass(engine: Engine, uid: str, changes: list[Evidence], now: datetime) -> int:
    """The waiting period after ``uid``'s recent security changes (``changes``: the
    SECURITY_COOLDOWN check's evidence, each with its ``changed_at`` and ``ends_at``)
    passes now: each change inside the period is moved back by the time left until the
    last one's end, so that the last ends now; how many were moved."""
    last = wait_ends(changes)
    if last is None or last <= now:
        return 0
    left = last - now
    first = changes[0]  # the period is the same for every change of one account
    period = _moment(first["ends_at"]) - _moment(first["changed_at"])
    e = ledger.security_events.c
    done: list[dict[str, str]] = []
    with engine.begin() as conn:
        customer = _customer(conn, uid)
        recent = conn.execute(
            select(e.id, e.kind, e.occurred_at).where(
                (e.customer_id == customer) & (e.occurred_at > now - period)
            )
        ).all()
        for row in recent:
            moved = row.occurred_at - left
            conn.execute(
                update(ledger.security_events).where(e.id == row.id).values(occurred_at=moved)
            )
            done.append(
                {"change": row.kind, "was": row.occurred_at.isoformat(), "now": moved.isoformat()}
            )
        if done:
            _audit(conn, uid, SECURITY_WAIT_PASSED, now, {"changes": done})
    return len(done)
