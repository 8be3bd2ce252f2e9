"""The end of the dust path on both databases: what a sweep leaves (its own proceeds among
it) is given up only with the customer's explicit consent, every balance named and valued,
recorded in the ledger and the audit log; then the account closes, and its certificate
lists what was given up."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from lastgate.closure.adapters import tables as wt
from lastgate.closure.model.lifecycle import ClosureReason, ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.execution import execute_due
from lastgate.eligibility.model.report import CheckCode, CheckStatus
from lastgate.erasure.adapters.certificate_signing import public_key_pem, verify
from lastgate.erasure.adapters.tables import erasure_runs
from lastgate.erasure.wiring import run_pending
from lastgate.ledger.adapters import tables as ledger
from lastgate.platform.db.audit_tables import audit_log
from lastgate.remediation import service as r
from tests.builders import account, load
from tests.integration.test_remediation import (
    ME,
    UID,
    bal,
    balances,
    entries,
    refused,
    set_price,
    status_of,
)
from tests.workflow_support import AGENT_A, OFFICER_A, customer, outbox_rows, settings, workflow

LEFTOVERS = [
    bal("trading", "DOGE", "50"),  # 5 USD: converted by the sweep
    bal("funding", "LUNC", "15000"),  # no price: only given up, with consent
]


@pytest.fixture
def wf(engine, clock):
    return workflow(engine, clock)


def named(offer) -> list[tuple[str, str, Decimal]]:
    return [(x.account_type, x.asset, x.amount) for x in offer.lines]


def sweep(wf) -> None:
    quote = r.quote_dust_sweep(wf, ME, UID)
    r.execute_dust_sweep(wf, ME, UID, quote.id, forfeit_consent=False)


def forfeit_audit(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_log.c.actor, audit_log.c.payload).where(
                audit_log.c.action == "dust.forfeited"
            )
        ).all()
    return [{"actor": row.actor, **json.loads(row.payload)} for row in rows]


def test_a_sweep_that_would_leave_dust_is_not_offered_and_all_of_it_can_be_given_up(
    engine, wf
) -> None:
    """5 USD of DOGE would leave 4.9 USDT after the fee: still dust, so no sweep (the fee
    paid for nothing); giving the small balances up is offered instead, every one named."""
    load(engine, account(UID, balances=LEFTOVERS))
    plan = r.dust_plan(wf, ME, UID)
    assert (plan.convertible, plan.sweep, plan.leaves_dust, plan.forfeit.allowed) == (
        True,
        False,
        True,
        True,
    )
    assert plan.result is not None and plan.result.amount == Decimal("4.9")
    refused("SWEEP_RESULT_DUST", r.quote_dust_sweep, wf, ME, UID)
    offer = plan.forfeit
    assert named(offer) == [("funding", "LUNC", Decimal("15000")), ("trading", "DOGE", Decimal(50))]
    assert offer.total_usd == Decimal("5") and offer.limit_usd == Decimal("10.21")  # 10 / 0.98

    done = r.forfeit_dust(wf, ME, UID, named(offer), consent=True)

    assert status_of(wf, CheckCode.DUST_REMAINING) is CheckStatus.PASS
    assert [e[0] for e in entries(engine)] == ["dust_forfeit", "dust_forfeit"]
    [audit] = forfeit_audit(engine)
    assert audit["actor"] == UID and audit["consent"] is True
    assert audit["consent_by"] == "account_holder" and audit["forfeit_id"] == done.id
    assert audit["balances"] == [
        {"account_type": "funding", "asset": "LUNC", "amount": "15000", "value_usd": None},
        {"account_type": "trading", "asset": "DOGE", "amount": "50", "value_usd": "5"},
    ]
    assert (audit["total_usd"], audit["limit_usd"]) == ("5", "10.21")


def test_the_sweep_converts_what_sells_and_the_unpriced_token_is_decided_on_its_own(
    engine, wf
) -> None:
    """With 6 USDT held, converting the DOGE clears the line (10.9 USDT). LUNC, unpriced,
    is not given up by the sweep: it stays, and is given up afterwards, on its own."""
    load(engine, account(UID, balances=[*LEFTOVERS, bal("funding", "USDT", "6")]))
    assert r.dust_plan(wf, ME, UID).sweep
    sweep(wf)
    assert balances(engine)[("funding", "LUNC")] == Decimal("15000")
    assert balances(engine)[("funding", "USDT")] == Decimal("10.9")
    plan = r.dust_plan(wf, ME, UID)
    assert (plan.convertible, plan.sweep) == (False, False)
    assert named(plan.forfeit) == [("funding", "LUNC", Decimal("15000"))]
    r.forfeit_dust(wf, ME, UID, named(plan.forfeit), consent=True)
    assert status_of(wf, CheckCode.DUST_REMAINING) is CheckStatus.PASS
    assert status_of(wf, CheckCode.ASSETS_REMAINING) is CheckStatus.BLOCK  # withdraw it


def test_nothing_is_given_up_without_consent(engine, wf) -> None:
    load(engine, account(UID, balances=[bal("funding", "USDT", "3")]))
    offer = r.dust_forfeit_offer(wf, ME, UID)
    refused("FORFEIT_CONSENT_REQUIRED", r.forfeit_dust, wf, ME, UID, named(offer), consent=False)
    assert balances(engine)[("funding", "USDT")] == Decimal("3")
    assert forfeit_audit(engine) == []


def test_a_list_that_is_not_the_accounts_whole_list_is_refused(engine, wf) -> None:
    load(engine, account(UID, balances=[bal("funding", "USDT", "3"), bal("trading", "XRP", "2")]))
    offer = r.dust_forfeit_offer(wf, ME, UID)
    assert len(offer.lines) == 2
    refused("BALANCES_CHANGED", r.forfeit_dust, wf, ME, UID, named(offer)[:1], consent=True)
    wrong_amount = [(t, a, amount + 1) for t, a, amount in named(offer)]
    refused("BALANCES_CHANGED", r.forfeit_dust, wf, ME, UID, wrong_amount, consent=True)
    refused("INVALID_INPUT", r.forfeit_dust, wf, ME, UID, named(offer) * 2, consent=True)
    assert balances(engine)[("trading", "XRP")] == Decimal("2")


def test_a_balance_that_grew_into_an_asset_cannot_be_given_up(engine, wf) -> None:
    load(engine, account(UID, balances=[bal("funding", "DOGE", "50")]))  # 5 USD
    offer = r.dust_forfeit_offer(wf, ME, UID)
    set_price(engine, "DOGE", "1")  # now 50 USD: an asset, off the forfeit list
    refused("BALANCES_CHANGED", r.forfeit_dust, wf, ME, UID, named(offer), consent=True)
    assert balances(engine)[("funding", "DOGE")] == Decimal("50")


def test_more_than_the_policy_allows_is_refused_and_must_be_withdrawn(engine, wf) -> None:
    load(engine, account(UID, balances=[bal("funding", "USDT", "6"), bal("trading", "USDT", "5")]))
    offer = r.dust_forfeit_offer(wf, ME, UID)
    assert offer.total_usd == Decimal("11") and not offer.within_limit and not offer.allowed
    error = refused("FORFEIT_OVER_LIMIT", r.forfeit_dust, wf, ME, UID, named(offer), consent=True)
    assert error.details == [{"path": "total_usd", "reason": "11"}]
    assert balances(engine)[("funding", "USDT")] == Decimal("6")


def test_exactly_the_limit_may_be_given_up_and_unpriced_balances_count_nothing(engine, wf) -> None:
    load(engine, account(UID, balances=[bal("funding", "USDT", "10"), bal("funding", "LUNC", "9")]))
    offer = r.dust_forfeit_offer(wf, ME, UID)
    assert [x.value_usd for x in offer.lines] == [None, Decimal("10")]
    assert offer.allowed
    r.forfeit_dust(wf, ME, UID, named(offer), consent=True)
    assert status_of(wf, CheckCode.DUST_REMAINING) is CheckStatus.PASS


def test_nothing_left_frozen_and_closed_accounts_are_refused(engine, wf) -> None:
    load(engine, account(UID), account("U2", balances=[bal("funding", "USDT", "1")]))
    refused("NOTHING_TO_FORFEIT", r.forfeit_dust, wf, ME, UID, [], consent=True)
    other = customer("U2")
    offer = named(r.dust_forfeit_offer(wf, other, "U2"))
    c = ledger.customers.c
    for status, code in (("frozen", "ACCOUNT_FROZEN"), ("closed", "ACCOUNT_CLOSED")):
        with engine.begin() as conn:
            conn.execute(update(ledger.customers).where(c.uid == "U2").values(status=status))
        refused(code, r.forfeit_dust, wf, other, "U2", offer, consent=True)
    assert balances(engine, "U2")[("funding", "USDT")] == Decimal("1")


def test_a_customer_cannot_give_up_another_accounts_balances(engine, wf) -> None:
    load(engine, account(UID), account("U2", balances=[bal("funding", "USDT", "1")]))
    refused("FORBIDDEN", r.dust_forfeit_offer, wf, ME, "U2")
    refused("FORBIDDEN", r.forfeit_dust, wf, ME, "U2", [("funding", "USDT", 1)], consent=True)


@pytest.mark.parametrize("staff", [AGENT_A, OFFICER_A], ids=["agent", "compliance"])
def test_staff_see_the_offer_but_the_consent_is_the_customers(engine, wf, staff) -> None:
    load(engine, account(UID, balances=[bal("funding", "USDT", "2")]))
    offer = r.dust_forfeit_offer(wf, staff, UID)
    refused("FORBIDDEN", r.forfeit_dust, wf, staff, UID, named(offer), consent=True)
    assert forfeit_audit(engine) == []
    assert balances(engine, UID)[("funding", "USDT")] == Decimal("2")


def test_the_plan_offers_the_sweep_first_while_it_converts_something(engine, wf, clock) -> None:
    load(engine, account(UID, balances=[bal("trading", "DOGE", "50"), bal("funding", "USDT", "6")]))
    plan = r.dust_plan(wf, ME, UID)
    assert (plan.convertible, plan.sweep, plan.next_sweep_at) == (True, True, None)
    # 11 USD together: more than may be given up; converting them clears the line instead.
    assert not plan.forfeit.allowed
    sweep(wf)
    b, c = ledger.balances.c, ledger.customers.c
    with engine.begin() as conn:  # new dust lands after the sweep
        cid = conn.execute(select(c.id).where(c.uid == UID)).scalar_one()
        conn.execute(
            update(ledger.balances)
            .where(b.customer_id == cid, b.asset == "DOGE")
            .values(available=Decimal("20"))
        )
    plan = r.dust_plan(wf, ME, UID)
    assert (plan.convertible, plan.sweep) == (True, False)
    assert plan.next_sweep_at == clock() + timedelta(hours=24)
    assert plan.forfeit.allowed  # no waiting needed: it can be given up now, with consent
    assert [x.asset for x in plan.forfeit.lines] == ["DOGE"]  # the 10.9 USDT is no dust


def test_after_the_forfeit_the_account_is_submitted_closed_and_certified(engine, clock) -> None:
    config = settings()
    wf = workflow(engine, clock, config)
    load(engine, account(UID, balances=LEFTOVERS))
    refused("NOT_ELIGIBLE", closure.submit, wf, ME, UID, ClosureReason.FEES, "")
    r.forfeit_dust(wf, ME, UID, named(r.dust_forfeit_offer(wf, ME, UID)), consent=True)

    request = closure.submit(wf, ME, UID, ClosureReason.FEES, "")
    closure.start_verification(wf, ME, request.id, "email")
    code = outbox_rows(engine, "verification_code")[0]["payload"]["params"]["code"]
    verified = closure.verify(wf, ME, request.id, "email", code)
    assert verified.state is ClosureState.COOLING_OFF
    clock.advance(days=15)
    execute_due(wf)  # the final re-check: the forfeited balances are gone from the ledger
    with wf.unit_of_work() as uow:
        assert uow.closures.get(request.id).state is ClosureState.CLOSED
    with engine.begin() as conn:
        conn.execute(update(wt.outbox).values(delivered_at=clock()))
    assert run_pending(engine, clock, config, wf.policies).finished

    with engine.connect() as conn:
        document = json.loads(conn.execute(select(erasure_runs.c.certificate)).scalar_one())
    certificate = verify(document, public_key_pem(config))
    assert [(f.account_type, f.asset, f.amount, f.consent_by) for f in certificate.forfeited] == [
        ("funding", "LUNC", "15000", "account_holder"),
        ("trading", "DOGE", "50", "account_holder"),
    ]
