"""Offboarding campaigns on both databases: from the dry run through notices, reminders
and the deadline to automatic closures and the support list, with an injected clock."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from lastgate.campaign.adapters.tables import campaigns as campaigns_table
from lastgate.campaign.model import CampaignState, IllegalCampaignTransition
from lastgate.campaign.service import campaigns as campaign
from lastgate.campaign.service.due_work import tick
from lastgate.closure.adapters.tables import closure_requests
from lastgate.closure.model.lifecycle import ClosureOrigin, ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.execution import execute_due
from lastgate.closure.service.workflow import FourEyesRequired
from lastgate.kernel.audit import verify_chain
from lastgate.kernel.errors import Forbidden, LastgateError
from lastgate.platform import audit_log
from tests.builders import account, load
from tests.campaign_support import DEADLINE, campaigns, leaving_market, members, withdraw_only
from tests.workflow_support import (
    AGENT_A,
    AGENT_B,
    OFFICER_A,
    OFFICER_B,
    customer,
    customer_status,
    outbox_rows,
)


@pytest.fixture
def cs(engine, clock):
    leaving_market(engine)
    return campaigns(engine, clock)


def planned(cs):
    return campaign.plan(cs, OFFICER_A, name="Leaving NL", deadline=DEADLINE, jurisdiction="nl")


def started(cs):
    plan = planned(cs)
    campaign.start(cs, OFFICER_A, plan.id)
    campaign.start(cs, OFFICER_B, plan.id)
    return plan


def notices_to(engine, topic: str) -> Counter[tuple[str, str]]:
    return Counter((r["payload"]["uid"], r["channel"]) for r in outbox_rows(engine, topic))


# -- the dry run ----------------------------------------------------------------------------


def test_the_dry_run_counts_accounts_passing_blockers_and_assets(cs, engine) -> None:
    plan = planned(cs)
    assert plan.state is CampaignState.PLANNED and plan.jurisdiction == "NL"
    assert plan.report["accounts"] == 4
    assert plan.report["passing"] == 2 and plan.report["blocked"] == 2
    assert plan.report["by_code"] == {"ASSETS_REMAINING": 1, "KYC_INCOMPLETE": 1}
    assert plan.report["assets"] == {"BTC": "0.5"}
    assert set(members(engine, plan.id)) == {"N1", "N2", "N3", "N4"}
    # a dry run changes nothing for the customers
    assert outbox_rows(engine) == [] and not withdraw_only(engine, "N1")


def test_a_list_of_uids_plans_exactly_those_accounts(cs, engine) -> None:
    plan = campaign.plan(cs, OFFICER_A, name="list", deadline=DEADLINE, uids=["N1", "E1", "N1"])
    assert set(members(engine, plan.id)) == {"N1", "E1"}
    assert plan.jurisdiction is None


def test_accounts_already_closed_are_left_out_of_the_plan(cs, engine) -> None:
    load(engine, account("N5", jurisdiction="NL", status="closed"))
    plan = planned(cs)
    assert "N5" not in members(engine, plan.id) and plan.report["already_closed"] == 1


# -- the start: two officers, notices, withdraw-only ----------------------------------------


def test_starting_takes_two_different_compliance_officers(cs, engine) -> None:
    plan = planned(cs)
    first, started_now = campaign.start(cs, OFFICER_A, plan.id)
    assert not started_now and first.state is CampaignState.PLANNED
    with pytest.raises(FourEyesRequired):
        campaign.start(cs, OFFICER_A, plan.id)
    second, started_now = campaign.start(cs, OFFICER_B, plan.id)
    assert started_now and second.state is CampaignState.GRACE
    assert second.started_by == OFFICER_B.subject


def test_the_start_tells_every_member_and_makes_them_withdraw_only(cs, engine) -> None:
    plan = started(cs)
    report = tick(cs, batch_size=3)
    assert report.notified == 4
    sent = notices_to(engine, "campaign_announced")
    assert sent == Counter(
        {(u, ch): 1 for u in ("N1", "N2", "N3", "N4") for ch in ("email", "sms")}
    )
    body = outbox_rows(engine, "campaign_announced")[0]["payload"]["params"]
    assert body["deadline_at"] == DEADLINE.isoformat()
    assert body["selfcheck_url"] == "https://close.example/web/me"
    assert all(withdraw_only(engine, u) for u in ("N1", "N2", "N3", "N4"))
    assert not withdraw_only(engine, "E1")
    events = Counter(
        r["payload"]["data"]["uid"] for r in outbox_rows(engine, "account.withdraw_only")
    )
    assert events == Counter({"N1": 1, "N2": 1, "N3": 1, "N4": 1})
    assert {m["status"] for m in members(engine, plan.id).values()} == {"notified"}


def test_a_crash_midway_through_the_notices_resumes_without_sending_twice(cs, engine) -> None:
    plan = started(cs)

    class Crash(Exception):
        pass

    def crash_after_first_batch(point: str) -> None:
        raise Crash(point)

    with pytest.raises(Crash):
        tick(cs, batch_size=3, fault=crash_after_first_batch)
    assert len(notices_to(engine, "campaign_announced")) == 3 * 2  # the first batch committed
    tick(cs, batch_size=3)
    sent = notices_to(engine, "campaign_announced")
    assert len(sent) == 4 * 2 and set(sent.values()) == {1}
    statuses = Counter(m["status"] for m in members(engine, plan.id).values())
    assert statuses == Counter({"notified": 4})


# -- reminders -------------------------------------------------------------------------------


def test_each_reminder_goes_out_once_at_its_offset(cs, engine, clock) -> None:
    started(cs)
    tick(cs, batch_size=10)
    clock.now = DEADLINE.replace(day=10)  # 15 days before: none due yet
    tick(cs, batch_size=10)
    assert outbox_rows(engine, "campaign_reminder") == []
    clock.now = DEADLINE.replace(day=11, hour=1)  # inside 14 days
    tick(cs, batch_size=10)
    tick(cs, batch_size=10)
    first = outbox_rows(engine, "campaign_reminder")
    assert len(first) == 4 * 2
    assert {r["payload"]["params"]["days_left"] for r in first} == {"14"}
    clock.now = DEADLINE.replace(day=24, hour=1)  # the 7-day one was missed: only the 1-day
    tick(cs, batch_size=10)
    later = outbox_rows(engine, "campaign_reminder")[len(first) :]
    assert len(later) == 4 * 2
    assert {r["payload"]["params"]["days_left"] for r in later} == {"1"}


# -- the deadline ------------------------------------------------------------------------


def test_from_dry_run_to_automatic_closures_and_the_support_list(cs, engine, clock) -> None:
    plan = started(cs)
    tick(cs, batch_size=2)
    clock.now = DEADLINE
    report = tick(cs, batch_size=2)
    assert report.submitted == 2 and report.support == 2
    rows = members(engine, plan.id)
    assert rows["N3"]["status"] == "support" and rows["N3"]["codes"] == "ASSETS_REMAINING"
    assert rows["N4"]["status"] == "support" and rows["N4"]["codes"] == "KYC_INCOMPLETE"
    assert withdraw_only(engine, "N3") and withdraw_only(engine, "N4")
    for uid in ("N1", "N2"):
        assert rows[uid]["status"] == "closure_submitted"
        request = closure.get(cs.workflow, AGENT_A, rows[uid]["closure_id"])
        assert request.origin is ClosureOrigin.CAMPAIGN
        assert request.initiated_by == f"campaign:{plan.id}"
        assert request.state is ClosureState.COOLING_OFF  # no step-up: nobody to verify
        assert request.cooling_off_ends_at == DEADLINE  # closure_cooling_off_days = 0
    assert notices_to(engine, "campaign_action_needed") == Counter(
        {(u, ch): 1 for u in ("N3", "N4") for ch in ("email", "sms")}
    )
    # the worker closes them as any closure: final re-check, erasure queued
    executed = execute_due(cs.workflow)
    assert len(executed.closed) == 2
    assert customer_status(engine, "N1") == "closed"
    tick(cs, batch_size=2)
    rows = members(engine, plan.id)
    assert rows["N1"]["status"] == "closed" and rows["N2"]["status"] == "closed"
    now = campaign.get(cs, AGENT_A, plan.id)
    assert now[0].state is CampaignState.CLOSING  # the support list keeps it open
    # N3 withdraws; the next daily re-check closes it
    load(engine, account("N3", jurisdiction="NL"))
    clock.advance(hours=24)
    tick(cs, batch_size=2)
    assert members(engine, plan.id)["N3"]["status"] == "closure_submitted"
    steps = [p.step for p in campaign.funnel(cs, AGENT_A, plan.id)]
    assert steps[:3] == ["planned", "announced", "deadline"]
    with engine.connect() as conn:
        assert verify_chain(audit_log.entries(conn)) == []


def test_a_review_result_goes_to_the_agents_queue(cs, engine, clock) -> None:
    load(
        engine,
        account(
            "N5",
            jurisdiction="NL",
            transfers=[
                {
                    "id": "w1",
                    "direction": "withdrawal",
                    "asset": "USDT",
                    "amount": "20000",
                    "status": "completed",
                    "created_at": "2027-01-20T10:00:00+00:00",
                }
            ],
        ),
    )
    plan = started(cs)
    tick(cs, batch_size=10)
    clock.now = DEADLINE
    tick(cs, batch_size=10)
    row = members(engine, plan.id)["N5"]
    assert row["status"] == "closure_submitted" and row["outcome"] == "review"
    queue = closure.review_queue(cs.workflow, AGENT_A)
    assert [r.uid for r in queue] == ["N5"]
    closure.approve(cs.workflow, AGENT_A, row["closure_id"], "checked")
    request = closure.approve(cs.workflow, AGENT_B, row["closure_id"], "agree")
    assert request.state is ClosureState.COOLING_OFF


def test_a_member_with_their_own_closure_is_left_to_it(cs, engine, clock) -> None:
    plan = started(cs)
    tick(cs, batch_size=10)
    own = closure.submit(cs.workflow, customer("N1"), "N1", closure.ClosureReason.FEES, "")
    clock.now = DEADLINE
    tick(cs, batch_size=10)
    row = members(engine, plan.id)["N1"]
    assert row["status"] == "already_closing" and row["closure_id"] == own.id


def test_the_customer_cannot_cancel_a_closure_the_campaign_opened(cs, engine, clock) -> None:
    plan = started(cs)
    tick(cs, batch_size=10)
    clock.now = DEADLINE
    tick(cs, batch_size=10)
    closure_id = members(engine, plan.id)["N1"]["closure_id"]
    with pytest.raises(closure.Forbidden):
        closure.cancel(cs.workflow, customer("N1"), closure_id)


# -- concurrency ---------------------------------------------------------------------------


def test_two_workers_at_the_deadline_open_exactly_one_closure_per_account(
    cs, engine, clock
) -> None:
    load(engine, *(account(f"M{i:02}", jurisdiction="NL") for i in range(20)))
    plan = started(cs)
    tick(cs, batch_size=50)
    clock.now = DEADLINE
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            tick(cs, batch_size=3)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    tick(cs, batch_size=3)
    with engine.connect() as conn:
        per_uid = Counter(conn.execute(select(closure_requests.c.uid)).scalars())
    expected = {f"M{i:02}" for i in range(20)} | {"N1", "N2"}
    assert set(per_uid) == expected and set(per_uid.values()) == {1}
    rows = members(engine, plan.id)
    # each member was decided once: by the campaign, not mistaken for its own request
    assert {rows[u]["status"] for u in expected} == {"closure_submitted"}
    with engine.connect() as conn:
        opened = [e for e in audit_log.entries(conn) if e.action == "closure.submitted"]
    assert len(opened) == len(expected)
    assert notices_to(engine, "campaign_action_needed")[("N3", "email")] == 1


# -- cancel ---------------------------------------------------------------------------------


def test_cancelling_lifts_the_restriction_and_tells_the_members(cs, engine, clock) -> None:
    plan = started(cs)
    tick(cs, batch_size=10)
    clock.advance(days=3)
    cancelled = campaign.cancel(cs, OFFICER_A, plan.id, "the licence was granted after all")
    assert cancelled.state is CampaignState.CANCELLED
    tick(cs, batch_size=3)
    assert not any(withdraw_only(engine, u) for u in ("N1", "N2", "N3", "N4"))
    assert {m["status"] for m in members(engine, plan.id).values()} == {"released"}
    assert len(notices_to(engine, "campaign_cancelled")) == 4 * 2
    lifted = {
        r["payload"]["data"]["uid"] for r in outbox_rows(engine, "account.withdraw_only_lifted")
    }
    assert lifted == {"N1", "N2", "N3", "N4"}
    clock.now = DEADLINE
    tick(cs, batch_size=3)  # nothing happens at a cancelled campaign's deadline
    with engine.connect() as conn:
        assert conn.execute(select(closure_requests.c.id)).first() is None


def test_a_restriction_another_campaign_holds_stays_after_a_cancel(cs, engine, clock) -> None:
    first = started(cs)
    other = campaign.plan(cs, OFFICER_A, name="N1 only", deadline=DEADLINE, uids=["N1"])
    campaign.start(cs, OFFICER_A, other.id)
    campaign.start(cs, OFFICER_B, other.id)
    tick(cs, batch_size=10)
    campaign.cancel(cs, OFFICER_B, first.id, "merged into the other campaign")
    tick(cs, batch_size=10)
    assert withdraw_only(engine, "N1") and not withdraw_only(engine, "N2")


def test_a_campaign_cannot_be_cancelled_after_its_deadline(cs, engine, clock) -> None:
    plan = started(cs)
    tick(cs, batch_size=10)
    clock.now = DEADLINE
    with pytest.raises(IllegalCampaignTransition):
        campaign.cancel(cs, OFFICER_A, plan.id, "too late")


# -- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "deadline", "code"),
    [
        ({"jurisdiction": "ZZ"}, DEADLINE, "UNKNOWN_JURISDICTION"),
        ({"jurisdiction": "n1"}, DEADLINE, "INVALID_INPUT"),
        ({"uids": []}, DEADLINE, "EMPTY_CAMPAIGN"),
        ({"uids": ["N1", "NOPE"]}, DEADLINE, "UNKNOWN_ACCOUNTS"),
        ({"jurisdiction": "NL"}, datetime(2026, 11, 1, tzinfo=UTC), "DEADLINE_IN_PAST"),
        ({"jurisdiction": "NL"}, datetime(2027, 1, 15, tzinfo=UTC), "NOTICE_TOO_SHORT"),
        ({"jurisdiction": "NL", "uids": ["N1"]}, DEADLINE, "INVALID_INPUT"),
    ],
)
def test_bad_plans_are_refused_with_a_stable_code(cs, engine, scope, deadline, code) -> None:
    with pytest.raises(LastgateError) as refused:
        campaign.plan(cs, OFFICER_A, name="bad", deadline=deadline, **scope)
    assert refused.value.code == code
    with engine.connect() as conn:
        assert conn.execute(select(campaigns_table.c.id)).first() is None


def test_a_scope_with_only_closed_accounts_is_empty(cs, engine) -> None:
    load(engine, account("C1", jurisdiction="BE", status="closed"))
    with pytest.raises(LastgateError) as refused:
        campaign.plan(cs, OFFICER_A, name="BE", deadline=DEADLINE, jurisdiction="BE")
    assert refused.value.code == "EMPTY_CAMPAIGN"


def test_starting_twice_is_refused(cs) -> None:
    plan = started(cs)
    with pytest.raises(LastgateError) as refused:
        campaign.start(cs, OFFICER_A, plan.id)
    assert refused.value.code == "CAMPAIGN_ALREADY_STARTED"


def test_a_start_after_the_notice_window_closed_is_refused(cs, clock) -> None:
    plan = planned(cs)
    clock.advance(days=30)
    with pytest.raises(LastgateError) as refused:
        campaign.start(cs, OFFICER_A, plan.id)
    assert refused.value.code == "NOTICE_TOO_SHORT"


@pytest.mark.parametrize("who", [AGENT_A, customer("N1")])
def test_only_compliance_plans_starts_or_cancels(cs, who) -> None:
    with pytest.raises(Forbidden):
        campaign.plan(cs, who, name="x", deadline=DEADLINE, jurisdiction="NL")
    plan = planned(cs)
    with pytest.raises(Forbidden):
        campaign.start(cs, who, plan.id)
    with pytest.raises(Forbidden):
        campaign.cancel(cs, who, plan.id, "no")


def test_customers_cannot_read_campaigns(cs) -> None:
    plan = planned(cs)
    assert campaign.get(cs, AGENT_A, plan.id)[0].id == plan.id
    with pytest.raises(Forbidden):
        campaign.get(cs, customer("N1"), plan.id)


def test_the_campaign_finishes_when_every_account_is_closed(cs, engine, clock) -> None:
    plan = campaign.plan(cs, OFFICER_A, name="two", deadline=DEADLINE, uids=["N1", "N2"])
    campaign.start(cs, OFFICER_A, plan.id)
    campaign.start(cs, OFFICER_B, plan.id)
    tick(cs, batch_size=10)
    clock.now = DEADLINE
    tick(cs, batch_size=10)
    execute_due(cs.workflow)
    clock.advance(minutes=1)
    tick(cs, batch_size=10)
    done, now = campaign.get(cs, AGENT_A, plan.id)
    assert done.state is CampaignState.FINISHED and done.ended_at == clock.now
    assert now.by_status["closed"] == 2
    assert [p.step for p in campaign.funnel(cs, AGENT_A, plan.id)][-1] == "finished"
    assert outbox_rows(engine, "campaign.finished") != []
