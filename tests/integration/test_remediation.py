"""The one-step fixes on the reference ledger, on both databases: the dust sweep honours its
quote or refuses it and changes nothing; each other fix removes its blocker at once and is
idempotent."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.eligibility.service import check_account
from lastgate.kernel.errors import Forbidden, LastgateError
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform.db.audit_tables import audit_log
from lastgate.remediation import service as r
from lastgate.remediation.adapters.tables import dust_quotes, ledger_entries
from tests.builders import PRICES, T0, account, iso, load
from tests.workflow_support import AGENT_A, OFFICER_A, customer, workflow

UID = "U1000"
ME = customer(UID)


def bal(account_type: str, asset: str, available: str, frozen: str = "0") -> dict[str, str]:
    return {"account_type": account_type, "asset": asset, "available": available, "frozen": frozen}


DUST = [
    bal("trading", "DOGE", "50"),  # 5 USD
    bal("funding", "SHIB", "200000", "100000"),  # 3 USD, partly frozen
    bal("funding", "USDT", "100"),  # the target, not dust: stays and is credited
]


@pytest.fixture
def wf(engine, clock):
    return workflow(engine, clock)


def balances(engine: Engine, uid: str = UID) -> dict[tuple[str, str], Decimal]:
    b, c = ledger.balances.c, ledger.customers.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(b.account_type, b.asset, b.available, b.frozen)
            .join_from(ledger.balances, ledger.customers, b.customer_id == c.id)
            .where(c.uid == uid)
        ).all()
    return {(row.account_type, row.asset): row.available + row.frozen for row in rows}


def entries(engine: Engine) -> list[tuple[str, str, str, Decimal, str | None]]:
    e = ledger_entries.c
    with engine.connect() as conn:
        rows = conn.execute(select(ledger_entries).order_by(e.id)).all()
    return [(x.kind, x.account_type, x.asset, x.amount, x.consent_by) for x in rows]


def set_price(engine: Engine, asset: str, price: str | None, *, tradeable: bool = True) -> None:
    p = ledger.asset_prices.c
    with engine.begin() as conn:
        if price is None:
            conn.execute(ledger.asset_prices.delete().where(p.asset == asset))
        else:
            conn.execute(
                update(ledger.asset_prices)
                .where(p.asset == asset)
                .values(price_usd=Decimal(price), tradeable=tradeable)
            )


def audit_actions(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(audit_log.c.action).order_by(audit_log.c.seq)).scalars())


def status_of(wf, code: CheckCode) -> CheckStatus:
    report = check_account(UID, accounts=wf.accounts, policies=wf.policies, clock=wf.clock)
    return report.result(code).status


def refused(code: str, call: Any, *args: Any, **kwargs: Any) -> LastgateError:
    with pytest.raises(LastgateError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


# -- the dust sweep -------------------------------------------------------------------------


def test_a_quote_is_honoured_exactly(engine, wf) -> None:
    load(engine, account(UID, balances=DUST))
    assert status_of(wf, CheckCode.DUST_REMAINING) is CheckStatus.BLOCK
    quote = r.quote_dust_sweep(wf, ME, UID)
    assert [(x.account_type, x.asset, x.amount) for x in quote.lines] == [
        ("funding", "SHIB", Decimal("300000")),
        ("trading", "DOGE", Decimal("50")),
    ]
    assert (quote.gross, quote.fee, quote.net) == (Decimal("8"), Decimal("0.16"), Decimal("7.84"))

    done = r.execute_dust_sweep(wf, ME, UID, quote.id, forfeit_consent=False)

    assert done.quote.net == Decimal("7.84")
    assert balances(engine) == {
        ("trading", "DOGE"): Decimal(0),
        ("funding", "SHIB"): Decimal(0),
        ("funding", "USDT"): Decimal("107.84"),
    }
    assert entries(engine) == [
        ("dust_sweep_debit", "funding", "SHIB", Decimal("300000"), None),
        ("dust_sweep_debit", "trading", "DOGE", Decimal("50"), None),
        ("dust_sweep_credit", "funding", "USDT", Decimal("7.84"), None),
    ]
    assert status_of(wf, CheckCode.DUST_REMAINING) is CheckStatus.PASS
    assert audit_actions(engine) == ["dust_sweep.quoted", "dust_sweep.executed"]


def test_the_target_is_created_in_the_funding_account_when_absent(engine, wf) -> None:
    load(engine, account(UID, balances=[bal("trading", "DOGE", "60"), bal("earn", "DOGE", "60")]))
    quote = r.quote_dust_sweep(wf, ME, UID)
    r.execute_dust_sweep(wf, ME, UID, quote.id, forfeit_consent=False)
    assert balances(engine)[("funding", "USDT")] == Decimal("11.76")


def test_a_price_moved_beyond_the_limit_is_refused_and_nothing_changes(engine, wf) -> None:
    load(engine, account(UID, balances=DUST))
    quote = r.quote_dust_sweep(wf, ME, UID)
    before = balances(engine)
    set_price(engine, "DOGE", "0.10201")  # +2.01 %
    error = refused(
        "PRICE_MOVED", r.execute_dust_sweep, wf, ME, UID, quote.id, forfeit_consent=False
    )
    assert error.details == [{"path": "DOGE", "reason": "quoted 0.1, now 0.10201"}]
    assert balances(engine) == before
    assert entries(engine) == []
    with engine.connect() as conn:
        assert conn.execute(select(dust_quotes.c.executed_at)).scalar_one() is None


def test_a_price_moved_within_the_limit_is_accepted_at_the_quoted_price(engine, wf) -> None:
    load(engine, account(UID, balances=DUST))
    quote = r.quote_dust_sweep(wf, ME, UID)
    set_price(engine, "DOGE", "0.098")  # -2 %: at the limit
    r.execute_dust_sweep(wf, ME, UID, quote.id, forfeit_consent=False)
    assert balances(engine)[("funding", "USDT")] == Decimal("107.84")


def test_a_target_price_moved_beyond_the_limit_is_refused(engine, wf) -> None:
    load(engine, account(UID, balances=DUST))
    quote = r.quote_dust_sweep(wf, ME, UID)
    set_price(engine, "USDT", "0.97")
    refused("PRICE_MOVED", r.execute_dust_sweep, wf, ME, UID, quote.id, forfeit_consent=False)


def test_an_expired_quote_is_refused(engine, wf, clock) -> None:
    load(engine, account(UID, balances=DUST))
    quote = r.quote_dust_sweep(wf, ME, UID)
    clock.advance(seconds=60)
    refused("QUOTE_EXPIRED", r.execute_dust_sweep, wf, ME, UID, quote.id, forfeit_consent=False)
    assert entries(engine) == []


def test_one_sweep_per_interval(engine, wf, clock) -> None:
    load(engine, account(UID, balances=DUST))
    first = r.quote_dust_sweep(wf, ME, UID)
    second = r.quote_dust_sweep(wf, ME, UID)
    r.execute_dust_sweep(wf, ME, UID, first.id, forfeit_consent=False)
    # New dust lands; the second quote is refused by frequency before anything else.
    load(
        engine, account(UID, balances=[bal("trading", "SOL", "0.06"), bal("funding", "USDT", "5")])
    )
    refused(
        "SWEEP_TOO_FREQUENT", r.execute_dust_sweep, wf, ME, UID, second.id, forfeit_consent=False
    )
    clock.advance(hours=23, minutes=59)
    error = refused("SWEEP_TOO_FREQUENT", r.quote_dust_sweep, wf, ME, UID)
    assert error.details == [{"path": "next_sweep_at", "reason": iso(T0 + timedelta(hours=24))}]
    clock.advance(minutes=1)
    third = r.quote_dust_sweep(wf, ME, UID)
    r.execute_dust_sweep(wf, ME, UID, third.id, forfeit_consent=False)
    assert balances(engine)[("trading", "SOL")] == 0


def test_a_quote_is_executed_once(engine, wf) -> None:
    load(engine, account(UID, balances=DUST))
    quote = r.quote_dust_sweep(wf, ME, UID)
    r.execute_dust_sweep(wf, ME, UID, quote.id, forfeit_consent=False)
    refused(
        "QUOTE_ALREADY_USED", r.execute_dust_sweep, wf, ME, UID, quote.id, forfeit_consent=False
    )
    assert len(entries(engine)) == 3


def test_two_concurrent_executions_of_one_quote_one_wins(engine, wf) -> None:
    load(engine, account(UID, balances=DUST))
    quote = r.quote_dust_sweep(wf, ME, UID)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def execute() -> None:
        start.wait()
        try:
            r.execute_dust_sweep(wf, ME, UID, quote.id, forfeit_consent=False)
            outcomes.append("ok")
        except LastgateError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=execute) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["QUOTE_ALREADY_USED", "ok"]
    assert balances(engine)[("funding", "USDT")] == Decimal("107.84")
    assert len(entries(engine)) == 3


def test_delisted_assets_are_left_for_the_customer_to_decide_not_given_up_by_a_sweep(
    engine, wf
) -> None:
    """Converting what can be sold gives up nothing: a token with no price (or no market)
    stays in the account, named on the quote, and still blocks until the customer gives
    it up on its own."""
    load(
        engine,
        account(UID, balances=[*DUST, bal("trading", "SOL", "0.01"), bal("earn", "GONE", "9")]),
        prices={**PRICES, "GONE": "0"},
    )
    set_price(engine, "GONE", None)  # no market price at all
    set_price(engine, "SOL", "150", tradeable=False)  # priced, but delisted
    quote = r.quote_dust_sweep(wf, ME, UID)
    assert quote.forfeits == ()
    assert [(h.account_type, h.asset) for h in quote.kept] == [("earn", "GONE"), ("trading", "SOL")]

    done = r.execute_dust_sweep(wf, ME, UID, quote.id, forfeit_consent=False)

    assert done.consent_by is None
    assert entries(engine) == [
        ("dust_sweep_debit", "funding", "SHIB", Decimal("300000"), None),
        ("dust_sweep_debit", "trading", "DOGE", Decimal("50"), None),
        ("dust_sweep_credit", "funding", "USDT", Decimal("7.84"), None),
    ]
    after = balances(engine)
    assert (after[("earn", "GONE")], after[("trading", "SOL")]) == (Decimal(9), Decimal("0.01"))
    assert status_of(wf, CheckCode.DUST_REMAINING) is CheckStatus.BLOCK


def test_a_sweep_that_would_leave_dust_is_refused_and_changes_nothing(engine, wf) -> None:
    """5 + 3 USD of dust, no USDT held: 7.84 USDT after the fee, still under 10 USD. The
    customer would pay the fee and stay blocked: no quote."""
    load(engine, account(UID, balances=DUST[:2]))
    error = refused("SWEEP_RESULT_DUST", r.quote_dust_sweep, wf, ME, UID)
    assert error.details == [{"path": "result", "reason": "7.84"}]
    assert audit_actions(engine) == []
    with engine.connect() as conn:
        assert conn.execute(select(dust_quotes)).all() == []


def test_a_quoted_sweep_whose_result_has_become_dust_is_refused_at_execution(engine, wf) -> None:
    """The USDT that lifted the result over the line was withdrawn after the quote: the
    sweep would now leave 7.94 USDT, dust; it is refused before any trade."""
    load(engine, account(UID, balances=[*DUST[:2], bal("funding", "USDT", "2.2")]))
    quote = r.quote_dust_sweep(wf, ME, UID)
    assert quote.result is not None and quote.result.amount == Decimal("10.04")
    load(engine, account(UID, balances=[*DUST[:2], bal("funding", "USDT", "0.1")]))
    refused("SWEEP_RESULT_DUST", r.execute_dust_sweep, wf, ME, UID, quote.id, forfeit_consent=False)
    assert entries(engine) == []


def test_a_balance_changed_since_the_quote_is_refused(engine, wf) -> None:
    load(engine, account(UID, balances=DUST))
    quote = r.quote_dust_sweep(wf, ME, UID)
    load(engine, account(UID, balances=[bal("trading", "DOGE", "60"), *DUST[1:]]))
    refused("BALANCES_CHANGED", r.execute_dust_sweep, wf, ME, UID, quote.id, forfeit_consent=False)


def test_nothing_to_sweep_and_a_frozen_account_are_refused(engine, wf) -> None:
    load(engine, account(UID, balances=[bal("funding", "BTC", "1")]))
    refused("NOTHING_TO_SWEEP", r.quote_dust_sweep, wf, ME, UID)
    load(engine, account(UID, status="frozen", balances=DUST))
    refused("ACCOUNT_FROZEN", r.quote_dust_sweep, wf, ME, UID)


def test_a_quote_of_another_account_is_not_found(engine, wf) -> None:
    load(engine, account(UID, balances=DUST), account("U2000", balances=DUST))
    theirs = r.quote_dust_sweep(wf, customer("U2000"), "U2000")
    refused("QUOTE_NOT_FOUND", r.execute_dust_sweep, wf, ME, UID, theirs.id, forfeit_consent=False)


@pytest.mark.parametrize("staff", [AGENT_A, OFFICER_A], ids=["agent", "compliance"])
def test_staff_may_quote_but_not_sweep_the_trade_is_the_customers(engine, wf, staff) -> None:
    load(engine, account(UID, balances=DUST))
    quote = r.quote_dust_sweep(wf, staff, UID)
    refused("FORBIDDEN", r.execute_dust_sweep, wf, staff, UID, quote.id, forfeit_consent=True)
    assert entries(engine) == []
    done = r.execute_dust_sweep(wf, ME, UID, quote.id, forfeit_consent=False)
    assert done.quote.net == Decimal("7.84")


def test_a_customer_cannot_act_on_another_account(engine, wf) -> None:
    load(engine, account(UID, balances=DUST), account("U2000"))
    other = customer("U2000")
    for call in (r.quote_dust_sweep, r.revoke_all_api_keys, r.cancel_all_orders):
        with pytest.raises(Forbidden):
            call(wf, other, UID)
    with pytest.raises(Forbidden):
        r.execute_dust_sweep(wf, other, UID, "q", forfeit_consent=True)


# -- the other one-step fixes ---------------------------------------------------------------

KEYS = [
    {"id": "k1", "kind": "api_key", "label": "bot", "created_at": iso(T0 - timedelta(days=9))},
    {"id": "k2", "kind": "third_party", "label": "tax app", "created_at": iso(T0)},
    {
        "id": "k3",
        "kind": "api_key",
        "label": "revoked",
        "created_at": iso(T0 - timedelta(days=9)),
        "revoked_at": iso(T0 - timedelta(days=1)),
    },
]


def _order(ref: str, status: str) -> dict[str, str]:
    return {
        "id": ref,
        "product": "spot",
        "symbol": "ETH/USDT",
        "side": "buy",
        "kind": "limit",
        "status": status,
        "quantity": "1",
        "price": "3000",
        "created_at": iso(T0 - timedelta(hours=1)),
    }


ORDERS = [
    _order("o1", "open"),
    _order("o2", "partially_filled"),
    {**_order("o3", "trigger_pending"), "kind": "stop"},
    _order("o4", "filled"),
]
AUTOMATIONS = [
    {"id": f"a{i}", "kind": kind, "status": status, "created_at": iso(T0)}
    for i, (kind, status) in enumerate(
        [("recurring_buy", "active"), ("trading_bot", "paused"), ("copy_trading", "stopped")]
    )
]


@pytest.mark.parametrize(
    ("fix", "code", "data", "refs", "action"),
    [
        (
            r.revoke_all_api_keys,
            CheckCode.API_KEYS_ACTIVE,
            {"api_keys": KEYS},
            ("k1", "k2"),
            "api_keys.revoked",
        ),
        (
            r.cancel_all_orders,
            CheckCode.OPEN_ORDERS,
            {"orders": ORDERS},
            ("o1", "o2", "o3"),
            "orders.cancelled",
        ),
        (
            r.stop_all_automations,
            CheckCode.ACTIVE_AUTOMATION,
            {"automations": AUTOMATIONS},
            ("a0", "a1"),
            "automations.stopped",
        ),
    ],
    ids=["revoke-api-keys", "cancel-orders", "stop-automations"],
)
def test_a_one_step_fix_removes_its_blocker_at_once_and_is_idempotent(
    engine, wf, fix, code, data, refs, action
) -> None:
    load(engine, account(UID, **data))
    assert status_of(wf, code) is CheckStatus.BLOCK

    done = fix(wf, ME, UID)

    assert (done.affected, done.refs) == (len(refs), refs)
    assert status_of(wf, code) is CheckStatus.PASS
    again = fix(wf, ME, UID)
    assert (again.affected, again.refs) == (0, ())
    assert audit_actions(engine) == [action]


def test_staff_fixes_are_audited_with_their_name(engine, wf) -> None:
    load(engine, account(UID, api_keys=KEYS))
    r.revoke_all_api_keys(wf, AGENT_A, UID)
    with engine.connect() as conn:
        row = conn.execute(select(audit_log.c.actor, audit_log.c.action)).one()
    assert tuple(row) == (AGENT_A.subject, "api_keys.revoked")


def test_a_closed_account_cannot_be_fixed(engine, wf) -> None:
    load(engine, account(UID, status="closed", orders=ORDERS))
    refused("ACCOUNT_CLOSED", r.cancel_all_orders, wf, AGENT_A, UID)
