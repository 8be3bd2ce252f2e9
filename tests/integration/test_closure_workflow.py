"""The closure workflow on both databases: every transition, every refusal, the races."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from lastgate.closure.model.lifecycle import ClosureReason, ClosureState, IllegalTransition
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.execution import execute_due
from lastgate.kernel.audit import verify_chain
from lastgate.kernel.errors import (
    ClosureAlreadyOpen,
    ConcurrentUpdate,
    Forbidden,
    InvalidInput,
    NotEligible,
)
from lastgate.ledger.model import HoldKind
from lastgate.platform import audit_log
from tests.builders import account, iso, load
from tests.workflow_support import (
    AGENT_A,
    AGENT_B,
    OFFICER_A,
    OFFICER_B,
    customer,
    customer_status,
    outbox_rows,
    request_in,
    stored,
    workflow,
)


@pytest.fixture
def wf(engine, clock):
    load(engine, account())
    return workflow(engine, clock)


def in_cooling_off(wf):
    request = request_in(wf, ClosureState.IN_REVIEW)
    closure.approve(wf, AGENT_A, request.id, "checked the withdrawals")
    return closure.approve(wf, AGENT_B, request.id, "agree")


def audit_actions(engine, request) -> list[str]:
    with engine.connect() as conn:
        return [e.action for e in audit_log.entries(conn, subject=f"closure:{request.id}")]


# -- submission --------------------------------------------------------------------------


def test_a_clean_account_submits_a_draft(wf, engine) -> None:
    request = closure.submit(wf, customer(), "U1000", ClosureReason.FEES, "too expensive")
    assert request.state is ClosureState.DRAFT
    assert not request.needs_review and not request.needs_evidence
    assert audit_actions(engine, request) == ["closure.submitted"]
    assert {r["channel"] for r in outbox_rows(engine, "closure_submitted")} == {"email", "sms"}


def test_a_blocked_account_cannot_submit_and_is_told_why(wf, engine) -> None:
    load(engine, account(balances=[{"account_type": "funding", "asset": "BTC", "available": "1"}]))
    with pytest.raises(NotEligible) as refused:
        closure.submit(wf, customer(), "U1000", ClosureReason.FEES, "")
    assert [d["reason"] for d in refused.value.details] == ["ASSETS_REMAINING"]


def test_a_refusal_never_names_an_investigation(wf, engine, clock) -> None:
    load(
        engine,
        account(
            holds=[
                {
                    "id": "h1",
                    "kind": "aml_investigation",
                    "reason": "SAR",
                    "placed_by": "cy",
                    "placed_at": iso(clock()),
                }
            ]
        ),
    )
    with pytest.raises(NotEligible) as refused:
        closure.submit(wf, customer(), "U1000", ClosureReason.FEES, "")
    assert "COMPLIANCE_REVIEW" not in str(refused.value.message)
    assert [d["reason"] for d in refused.value.details] == ["SUPPORT_REQUIRED"]


def test_a_review_result_routes_the_request_to_a_human(wf, engine, clock) -> None:
    load(
        engine,
        account(
            transfers=[
                {
                    "id": "w1",
                    "direction": "withdrawal",
                    "asset": "USDT",
                    "amount": "20000",
                    "status": "completed",
                    "created_at": iso(clock() - timedelta(days=2)),
                }
            ]
        ),
    )
    request = closure.submit(wf, customer(), "U1000", ClosureReason.OTHER, "")
    assert request.needs_review


def test_a_high_value_account_needs_identity_evidence(wf, engine) -> None:
    load(
        engine,
        account(
            transfers=[
                {
                    "id": "w1",
                    "direction": "withdrawal",
                    "asset": "BTC",
                    "amount": "2",
                    "status": "completed",
                    "created_at": "2026-11-20T00:00:00+00:00",
                }
            ]
        ),
    )
    assert closure.submit(wf, customer(), "U1000", ClosureReason.OTHER, "").needs_evidence


def test_a_double_submit_is_refused(wf) -> None:
    closure.submit(wf, customer(), "U1000", ClosureReason.FEES, "")
    with pytest.raises(ClosureAlreadyOpen):
        closure.submit(wf, customer(), "U1000", ClosureReason.FEES, "")


def test_two_simultaneous_submits_open_exactly_one_request(wf, engine) -> None:
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def submit() -> None:
        barrier.wait()
        try:
            closure.submit(wf, customer(), "U1000", ClosureReason.FEES, "")
            outcomes.append("opened")
        except ClosureAlreadyOpen:
            outcomes.append("refused")

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["opened", "refused"]


def test_only_the_account_holder_may_submit(wf) -> None:
    with pytest.raises(Forbidden):
        closure.submit(wf, customer("U-OTHER"), "U1000", ClosureReason.FEES, "")
    with pytest.raises(Forbidden):
        closure.submit(wf, AGENT_A, "U1000", ClosureReason.FEES, "")


def test_a_customer_cannot_read_or_cancel_anothers_request(wf) -> None:
    request = closure.submit(wf, customer(), "U1000", ClosureReason.FEES, "")
    with pytest.raises(Forbidden):
        closure.get(wf, customer("U-OTHER"), request.id)
    with pytest.raises(Forbidden):
        closure.cancel(wf, customer("U-OTHER"), request.id)


# -- review ------------------------------------------------------------------------------


def test_approval_needs_two_different_people(wf, engine) -> None:
    request = request_in(wf, ClosureState.IN_REVIEW, needs_review=True)
    first = closure.approve(wf, AGENT_A, request.id, "withdrawals explained")
    assert first.state is ClosureState.IN_REVIEW
    with pytest.raises(closure.FourEyesRequired):
        closure.approve(wf, AGENT_A, request.id, "again")
    second = closure.approve(wf, AGENT_B, request.id, "agree")
    assert second.state is ClosureState.COOLING_OFF


def test_customers_cannot_approve_and_notes_are_required(wf) -> None:
    request = request_in(wf, ClosureState.IN_REVIEW)
    with pytest.raises(Forbidden):
        closure.approve(wf, customer(), request.id, "me")
    with pytest.raises(InvalidInput):
        closure.approve(wf, AGENT_A, request.id, "  ")
    with pytest.raises(InvalidInput):
        closure.reject(wf, AGENT_A, request.id, "")


def test_rejection_tells_the_customer_how_to_appeal(wf, engine) -> None:
    request = request_in(wf, ClosureState.IN_REVIEW)
    rejected = closure.reject(wf, AGENT_A, request.id, "source of funds unclear")
    assert rejected.state is ClosureState.REJECTED
    notice = outbox_rows(engine, "closure_rejected")[0]["payload"]
    assert notice["params"]["appeal_url"].endswith(f"closure={request.id}")


# -- cooling-off and execution -----------------------------------------------------------


def test_cooling_off_freezes_the_account_and_schedules_notices(wf, engine, clock) -> None:
    request = in_cooling_off(wf)
    assert request.cooling_off_ends_at == clock() + timedelta(days=14)
    assert customer_status(engine) == "frozen"
    started = outbox_rows(engine, "cooling_off_started")
    assert {r["channel"] for r in started} == {"email", "sms"}
    assert started[0]["payload"]["params"]["cancel_url"].endswith(f"/closure/{request.id}/cancel")
    reminder = outbox_rows(engine, "cooling_off_reminder")[0]
    assert reminder["deliver_after"] == request.cooling_off_ends_at - timedelta(hours=24)
    assert {r["topic"] for r in outbox_rows(engine) if r["channel"] == "webhook"} >= {
        "closure.cooling_off",
        "account.freeze",
    }


def test_cancelling_during_cooling_off_unfreezes_and_voids_the_reminder(wf, engine) -> None:
    request = in_cooling_off(wf)
    cancelled = closure.cancel(wf, customer(), request.id)
    assert cancelled.state is ClosureState.CANCELLED
    assert customer_status(engine) == "active"
    assert outbox_rows(engine, "cooling_off_reminder")[0]["voided_at"] is not None


def test_a_temporary_freeze_survives_a_cancelled_closure(wf, engine, clock) -> None:
    request = in_cooling_off(wf)
    with wf.unit_of_work() as uow:
        uow.freezes.add("U1000", "customer", at=clock(), unfreeze_after=None)
    closure.cancel(wf, customer(), request.id)
    assert customer_status(engine) == "frozen"


def test_nothing_executes_before_the_timer(wf, engine, clock) -> None:
    request = in_cooling_off(wf)
    clock.advance(days=14, seconds=-1)
    assert execute_due(wf).claimed == 0
    assert stored(wf, request).state is ClosureState.COOLING_OFF


def test_the_timer_closes_the_account_and_the_chain_holds(wf, engine, clock) -> None:
    request = in_cooling_off(wf)
    clock.advance(days=14)
    report = execute_due(wf)
    assert report.closed == [request.id]
    assert stored(wf, request).state is ClosureState.CLOSED
    assert customer_status(engine) == "closed"
    assert outbox_rows(engine, "closure_completed")
    with engine.connect() as conn:
        assert verify_chain(audit_log.entries(conn)) == []
    with pytest.raises(IllegalTransition):
        closure.cancel(wf, customer(), request.id)


def test_a_deposit_landing_during_cooling_off_blocks_and_unfreezes(wf, engine, clock) -> None:
    request = in_cooling_off(wf)
    load(
        engine,
        account(
            status="frozen",
            balances=[{"account_type": "funding", "asset": "ETH", "available": "0.5"}],
        ),
    )
    clock.advance(days=14)
    report = execute_due(wf)
    assert report.blocked == [request.id]
    assert stored(wf, request).state is ClosureState.BLOCKED
    assert customer_status(engine) == "active"
    notice = outbox_rows(engine, "closure_blocked")[0]["payload"]
    assert notice["params"]["reasons"] == "ASSETS_REMAINING"


def test_a_cancel_racing_the_timer_ends_in_exactly_one_state(wf, engine, clock) -> None:
    for round_ in range(3):
        uid = f"U-RACE-{round_}"
        load(engine, account(uid))
        request = request_in(wf, ClosureState.IN_REVIEW, uid=uid)
        closure.approve(wf, AGENT_A, request.id, "ok")
        closure.approve(wf, AGENT_B, request.id, "ok")
        clock.advance(days=14)
        barrier = threading.Barrier(2)
        errors: list[Exception] = []

        def cancel(request=request, barrier=barrier, errors=errors) -> None:
            barrier.wait()
            try:
                closure.cancel(wf, customer(request.uid), request.id)
            except IllegalTransition as exc:
                errors.append(exc)

        def timer(barrier=barrier) -> None:
            barrier.wait()
            execute_due(wf)

        threads = [threading.Thread(target=cancel), threading.Thread(target=timer)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        final = stored(wf, request).state
        assert final in (ClosureState.CANCELLED, ClosureState.CLOSED)
        assert customer_status(engine, request.uid) == (
            "active" if final is ClosureState.CANCELLED else "closed"
        )
        assert (final is ClosureState.CANCELLED) == (not errors)
        clock.advance(days=1)


def test_two_workers_close_a_request_exactly_once(wf, engine, clock) -> None:
    request = in_cooling_off(wf)
    clock.advance(days=14)
    barrier = threading.Barrier(2)

    def work() -> None:
        barrier.wait()
        execute_due(wf)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stored(wf, request).state is ClosureState.CLOSED
    assert audit_actions(engine, request).count("closure.complete") == 1
    assert len(outbox_rows(engine, "closure_completed")) == 2  # one e-mail, one SMS


# -- holds -------------------------------------------------------------------------------


def test_a_hold_during_review_parks_the_request_and_two_officers_lift_it(wf, engine) -> None:
    request = request_in(wf, ClosureState.IN_REVIEW)
    hold_id = closure.place_hold(wf, OFFICER_A, "U1000", HoldKind.JUDICIAL_FREEZE, "court 12/26")
    held = stored(wf, request)
    assert held.state is ClosureState.ON_HOLD and held.held_from is ClosureState.IN_REVIEW
    with pytest.raises(IllegalTransition):
        closure.approve(wf, AGENT_A, request.id, "ok")
    assert closure.lift_hold(wf, OFFICER_A, hold_id, "order withdrawn") is False
    with pytest.raises(closure.FourEyesRequired):
        closure.lift_hold(wf, OFFICER_A, hold_id, "again")
    assert stored(wf, request).state is ClosureState.ON_HOLD
    assert closure.lift_hold(wf, OFFICER_B, hold_id, "confirmed") is True
    assert stored(wf, request).state is ClosureState.IN_REVIEW


def test_only_compliance_places_holds(wf) -> None:
    with pytest.raises(Forbidden):
        closure.place_hold(
            wf, AGENT_A, "U1000", HoldKind.LEGAL_HOLD if False else HoldKind.JUDICIAL_FREEZE, "x"
        )


def test_a_hold_during_cooling_off_stops_the_timer(wf, engine, clock) -> None:
    request = in_cooling_off(wf)
    closure.place_hold(wf, OFFICER_A, "U1000", HoldKind.AML_INVESTIGATION, "case 9")
    clock.advance(days=15)
    assert execute_due(wf).claimed == 0
    assert stored(wf, request).state is ClosureState.ON_HOLD
    assert customer_status(engine) == "frozen"


def test_a_risk_lock_does_not_park_the_request(wf) -> None:
    request = request_in(wf, ClosureState.IN_REVIEW)
    closure.place_hold(wf, OFFICER_A, "U1000", HoldKind.RISK_LOCK, "abnormal login")
    assert stored(wf, request).state is ClosureState.IN_REVIEW


# -- refused transitions -----------------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [ClosureState.DRAFT, ClosureState.VERIFYING, ClosureState.COOLING_OFF, ClosureState.CLOSED],
)
def test_approving_outside_review_is_refused(wf, state) -> None:
    request = request_in(wf, state)
    with pytest.raises(IllegalTransition):
        closure.approve(wf, AGENT_A, request.id, "ok")
    assert stored(wf, request).state is state


@pytest.mark.parametrize(
    "state",
    [
        ClosureState.CLOSED,
        ClosureState.REJECTED,
        ClosureState.CANCELLED,
        ClosureState.BLOCKED,
        ClosureState.EXECUTING,
    ],
)
def test_cancelling_when_it_is_too_late_is_refused(wf, state) -> None:
    request = request_in(wf, state)
    with pytest.raises(IllegalTransition):
        closure.cancel(wf, customer(), request.id)


def test_a_stale_write_is_refused(wf) -> None:
    request = request_in(wf, ClosureState.DRAFT)
    from lastgate.closure.model.lifecycle import ClosureEvent, apply

    with wf.unit_of_work() as uow:
        uow.closures.save(apply(request, ClosureEvent.CANCEL, now=wf.clock()))
    with pytest.raises(ConcurrentUpdate), wf.unit_of_work() as uow:
        uow.closures.save(apply(request, ClosureEvent.START_VERIFICATION, now=wf.clock()))


def test_a_code_asked_for_by_email_goes_by_email_only(wf, engine) -> None:
    request = closure.submit(wf, customer(), "U1000", ClosureReason.FEES, "")
    verifying = closure.start_verification(wf, customer(), request.id, "email")
    assert verifying.state is ClosureState.VERIFYING
    assert [r["channel"] for r in outbox_rows(engine, "verification_code")] == ["email"]


def test_a_delivered_code_is_scrubbed_from_the_outbox(wf, engine, clock, tmp_path) -> None:
    from lastgate.notices.adapters.channels import channels_from_settings
    from lastgate.notices.adapters.delivery import deliver_due
    from tests.workflow_support import settings

    request = closure.submit(wf, customer(), "U1000", ClosureReason.FEES, "")
    closure.start_verification(wf, customer(), request.id, "email")
    code = outbox_rows(engine, "verification_code")[0]["payload"]["params"]["code"]
    config = settings().model_copy(update={"mailbox_dir": tmp_path, "webhook_url": None})
    deliver_due(engine, clock, config, channels_from_settings(config))
    assert any(code in p.read_text() for p in tmp_path.glob("*verification_code*"))
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT payload FROM outbox").scalars().all()
    assert stored and not any(code in payload for payload in stored)
