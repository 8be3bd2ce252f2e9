"""The campaign's rules, without a database: transitions, deadlines, reminders, decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from lastgate.campaign.model import (
    CAMPAIGN_TRANSITIONS,
    MEMBER_TRANSITIONS,
    Campaign,
    CampaignAlreadyStarted,
    CampaignEvent,
    CampaignMember,
    CampaignState,
    CampaignTerms,
    DeadlineInPast,
    IllegalCampaignTransition,
    MemberEvent,
    MemberStatus,
    NoticeTooShort,
    Verdict,
    campaign_apply,
    days_left,
    deadline_event,
    due_reminder,
    member_apply,
    validate_deadline,
)
from lastgate.kernel.policy import OffboardingPolicy

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
DEADLINE = datetime(2027, 1, 25, tzinfo=UTC)
TERMS = CampaignTerms(min_notice_days=62, reminder_days=(14, 7, 1), support_recheck_hours=24)


def campaign(state: CampaignState = CampaignState.PLANNED, **fields) -> Campaign:
    return Campaign(
        id="c1",
        name="Leaving NL",
        jurisdiction="NL",
        state=state,
        deadline=DEADLINE,
        terms=TERMS,
        planned_by="cy",
        created_at=NOW,
        updated_at=NOW,
        **fields,
    )


def member(status: MemberStatus) -> CampaignMember:
    return CampaignMember("c1", "N1", "NL", status, "pass", (), NOW)


def test_a_planned_campaign_starts_into_its_grace_period() -> None:
    started = campaign_apply(campaign(), CampaignEvent.START, now=NOW, started_by="di")
    assert started.state is CampaignState.GRACE and started.version == 2


def test_starting_anything_but_a_planned_campaign_says_so() -> None:
    with pytest.raises(CampaignAlreadyStarted):
        campaign_apply(campaign(CampaignState.GRACE), CampaignEvent.START, now=NOW)


def test_the_deadline_cannot_come_early() -> None:
    with pytest.raises(IllegalCampaignTransition):
        campaign_apply(campaign(CampaignState.GRACE), CampaignEvent.DEADLINE, now=NOW)
    closing = campaign_apply(campaign(CampaignState.GRACE), CampaignEvent.DEADLINE, now=DEADLINE)
    assert closing.state is CampaignState.CLOSING


@pytest.mark.parametrize("state", [CampaignState.CLOSING, CampaignState.FINISHED])
def test_a_campaign_past_its_deadline_cannot_be_cancelled(state) -> None:
    with pytest.raises(IllegalCampaignTransition):
        campaign_apply(campaign(state), CampaignEvent.CANCEL, now=NOW)


def test_a_grace_period_cannot_be_cancelled_once_the_deadline_passed() -> None:
    with pytest.raises(IllegalCampaignTransition):
        campaign_apply(campaign(CampaignState.GRACE), CampaignEvent.CANCEL, now=DEADLINE)


def test_every_transition_leads_to_a_known_state() -> None:
    assert set(CAMPAIGN_TRANSITIONS.values()) <= set(CampaignState)
    assert {s for s, _ in MEMBER_TRANSITIONS} | set(MEMBER_TRANSITIONS.values()) == set(
        MemberStatus
    )


def test_a_closed_member_cannot_be_submitted_again() -> None:
    with pytest.raises(IllegalCampaignTransition):
        member_apply(member(MemberStatus.CLOSED), MemberEvent.SUBMIT, now=NOW)
    with pytest.raises(IllegalCampaignTransition):
        member_apply(member(MemberStatus.CLOSURE_SUBMITTED), MemberEvent.SUBMIT, now=NOW)


def test_a_failed_closure_puts_the_member_back_on_the_support_list() -> None:
    after = member_apply(
        member(MemberStatus.CLOSURE_SUBMITTED), MemberEvent.CLOSURE_FAILED, now=NOW
    )
    assert after.status is MemberStatus.SUPPORT


def test_the_deadline_must_leave_the_minimum_notice() -> None:
    with pytest.raises(DeadlineInPast):
        validate_deadline(NOW - timedelta(days=1), now=NOW, min_notice_days=62)
    with pytest.raises(NoticeTooShort):
        validate_deadline(NOW + timedelta(days=61), now=NOW, min_notice_days=62)
    validate_deadline(NOW + timedelta(days=62), now=NOW, min_notice_days=62)


@pytest.mark.parametrize(
    ("now", "sent", "due"),
    [
        (DEADLINE - timedelta(days=15), 0, None),
        (DEADLINE - timedelta(days=14), 0, 0),
        (DEADLINE - timedelta(days=10), 1, None),
        (DEADLINE - timedelta(days=6), 1, 1),
        (DEADLINE - timedelta(hours=2), 1, 2),  # the 7-day one missed: only the latest
        (DEADLINE - timedelta(hours=2), 3, None),
        (DEADLINE, 2, None),  # no reminder at or after the deadline
    ],
)
def test_the_reminder_due_is_the_latest_one_not_sent(now, sent, due) -> None:
    assert due_reminder(campaign(CampaignState.GRACE, reminders_sent=sent), now) == due


def test_days_left_round_up() -> None:
    assert days_left(DEADLINE, DEADLINE - timedelta(hours=23)) == 1
    assert days_left(DEADLINE, DEADLINE - timedelta(days=7)) == 7
    assert days_left(DEADLINE, DEADLINE + timedelta(hours=1)) == 0


@pytest.mark.parametrize(
    ("verdict", "open_closure", "event"),
    [
        (Verdict("N1", "NL", "pass", ()), False, MemberEvent.SUBMIT),
        (Verdict("N1", "NL", "review", ("WITHDRAWAL_REVIEW",)), False, MemberEvent.SUBMIT),
        (Verdict("N1", "NL", "block", ("ASSETS_REMAINING",)), False, MemberEvent.LIST_FOR_SUPPORT),
        (Verdict("N1", "NL", "pass", ()), True, MemberEvent.OWN_CLOSURE),
        (Verdict("N1", "NL", "pass", (), closed=True), False, MemberEvent.CLOSED_ELSEWHERE),
    ],
)
def test_what_the_deadline_does_to_an_account(verdict, open_closure, event) -> None:
    assert deadline_event(verdict, open_closure=open_closure) is event


def test_the_policy_refuses_reminders_outside_the_notice_or_repeated() -> None:
    with pytest.raises(ValidationError):
        OffboardingPolicy(min_notice_days=10, reminder_days=(14,))
    with pytest.raises(ValidationError):
        OffboardingPolicy(reminder_days=(7, 7))
    assert OffboardingPolicy(reminder_days=(1, 14, 7)).reminders == (14, 7, 1)
