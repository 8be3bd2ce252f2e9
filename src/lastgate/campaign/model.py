"""Forced offboarding campaigns: the platform leaves a market and closes its accounts.

A campaign and each of its members move through state machines held as data, like the
closure request's:

```
planned ──start──▶ grace ──deadline──▶ closing ──finish──▶ finished
   └──────cancel──────┴──▶ cancelled            (cancellable until the deadline)
```

Members: ``planned`` (in the dry run) → ``notified`` (told, withdraw-only) → at the
deadline ``closure_submitted`` (a closure opened by the platform) → ``closed``; or
``support`` (listed with their blocking codes, checked again later); or
``already_closing`` / ``closed_by_customer`` (their own request); ``released`` when the
campaign is cancelled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from lastgate.kernel.errors import IllegalTransition, InvalidInput, NotFound
from lastgate.kernel.state_machine import StateMachine

#: Jurisdiction codes as accounts carry them (capitals, as policies name them).
JURISDICTION_PATTERN = r"^[A-Z]{2,8}$"
MAX_NAME = 200


class CampaignState(StrEnum):
    PLANNED = "planned"
    GRACE = "grace"
    CLOSING = "closing"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class CampaignEvent(StrEnum):
    START = "start"
    DEADLINE = "deadline"
    FINISH = "finish"
    CANCEL = "cancel"


_C, _CE = CampaignState, CampaignEvent

#: The campaign's lifecycle: (state, event) → next state.
CAMPAIGN_TRANSITIONS: Mapping[tuple[CampaignState, CampaignEvent], CampaignState] = {
    (_C.PLANNED, _CE.START): _C.GRACE,
    (_C.PLANNED, _CE.CANCEL): _C.CANCELLED,
    (_C.GRACE, _CE.CANCEL): _C.CANCELLED,
    (_C.GRACE, _CE.DEADLINE): _C.CLOSING,
    (_C.CLOSING, _CE.FINISH): _C.FINISHED,
}


class MemberStatus(StrEnum):
    PLANNED = "planned"
    NOTIFIED = "notified"
    CLOSURE_SUBMITTED = "closure_submitted"
    CLOSED = "closed"
    SUPPORT = "support"
    ALREADY_CLOSING = "already_closing"
    CLOSED_BY_CUSTOMER = "closed_by_customer"
    RELEASED = "released"


class MemberEvent(StrEnum):
    NOTIFY = "notify"  # notice sent, account made withdraw-only
    SUBMIT = "submit"  # the platform opened a closure request
    LIST_FOR_SUPPORT = "list_for_support"  # blocked at the deadline (or again later)
    OWN_CLOSURE = "own_closure"  # the customer's own request is open: left to it
    CLOSED_ELSEWHERE = "closed_elsewhere"  # the account closed through its own request
    CLOSURE_CLOSED = "closure_closed"  # the request it waits on closed the account
    CLOSURE_FAILED = "closure_failed"  # that request ended without closing (blocked…)
    RELEASE = "release"  # the campaign was cancelled


_M, _ME = MemberStatus, MemberEvent

#: A member's path: (status, event) → next status.
MEMBER_TRANSITIONS: Mapping[tuple[MemberStatus, MemberEvent], MemberStatus] = {
    (_M.PLANNED, _ME.NOTIFY): _M.NOTIFIED,
    (_M.PLANNED, _ME.RELEASE): _M.RELEASED,
    (_M.PLANNED, _ME.CLOSED_ELSEWHERE): _M.CLOSED_BY_CUSTOMER,
    (_M.NOTIFIED, _ME.RELEASE): _M.RELEASED,
    (_M.NOTIFIED, _ME.SUBMIT): _M.CLOSURE_SUBMITTED,
    (_M.NOTIFIED, _ME.LIST_FOR_SUPPORT): _M.SUPPORT,
    (_M.NOTIFIED, _ME.OWN_CLOSURE): _M.ALREADY_CLOSING,
    (_M.NOTIFIED, _ME.CLOSED_ELSEWHERE): _M.CLOSED_BY_CUSTOMER,
    (_M.SUPPORT, _ME.SUBMIT): _M.CLOSURE_SUBMITTED,
    (_M.SUPPORT, _ME.LIST_FOR_SUPPORT): _M.SUPPORT,
    (_M.SUPPORT, _ME.OWN_CLOSURE): _M.ALREADY_CLOSING,
    (_M.SUPPORT, _ME.CLOSED_ELSEWHERE): _M.CLOSED_BY_CUSTOMER,
    (_M.CLOSURE_SUBMITTED, _ME.CLOSURE_CLOSED): _M.CLOSED,
    (_M.CLOSURE_SUBMITTED, _ME.CLOSURE_FAILED): _M.SUPPORT,
    (_M.ALREADY_CLOSING, _ME.CLOSURE_CLOSED): _M.CLOSED_BY_CUSTOMER,
    (_M.ALREADY_CLOSING, _ME.CLOSURE_FAILED): _M.SUPPORT,
}


# -- errors ----------------------------------------------------------------------------


class CampaignNotFound(NotFound):
    code = "CAMPAIGN_NOT_FOUND"


class IllegalCampaignTransition(IllegalTransition):
    """The campaign (or member) is not in a state where this can happen."""


class CampaignAlreadyStarted(IllegalCampaignTransition):
    code = "CAMPAIGN_ALREADY_STARTED"


class UnknownJurisdiction(InvalidInput):
    """No account carries this jurisdiction code."""

    code = "UNKNOWN_JURISDICTION"


class UnknownAccounts(InvalidInput):
    """UIDs in the list that name no account; ``details`` lists them."""

    code = "UNKNOWN_ACCOUNTS"


class EmptyCampaign(InvalidInput):
    """Nothing to offboard: no open account in the scope."""

    code = "EMPTY_CAMPAIGN"


class DeadlineInPast(InvalidInput):
    code = "DEADLINE_IN_PAST"


class NoticeTooShort(InvalidInput):
    """The deadline leaves less than the policy's minimum notice."""

    code = "NOTICE_TOO_SHORT"


# -- the machines, read from the tables ------------------------------------------------

CAMPAIGN_LIFECYCLE: StateMachine[CampaignState, CampaignEvent] = StateMachine(
    CampaignState,
    CAMPAIGN_TRANSITIONS,
    refusal="cannot {event} a campaign that is {state}",
    error=IllegalCampaignTransition,
)
MEMBER_LIFECYCLE: StateMachine[MemberStatus, MemberEvent] = StateMachine(
    MemberStatus,
    MEMBER_TRANSITIONS,
    refusal="cannot {event} a member who is {state}",
    error=IllegalCampaignTransition,
)

#: Members the campaign is done with (closed, by it or their own request, or released).
FINAL_MEMBER_STATUSES = MEMBER_LIFECYCLE.terminal
#: Members waiting on a closure request (the campaign's or their own).
WAITING_ON_CLOSURE = frozenset({_M.CLOSURE_SUBMITTED, _M.ALREADY_CLOSING})
#: Members checked again (set-based) at the deadline and, once listed, periodically.
TO_EVALUATE = frozenset({_M.NOTIFIED, _M.SUPPORT})
#: Members whose account the campaign keeps withdraw-only.
RESTRICTED = frozenset({_M.NOTIFIED, _M.SUPPORT, _M.CLOSURE_SUBMITTED, _M.ALREADY_CLOSING})


# -- the campaign ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CampaignTerms:
    """The policy's figures, frozen at planning so that the approvers approve them."""

    min_notice_days: int
    reminder_days: tuple[int, ...]  # days before the deadline, earliest reminder first
    support_recheck_hours: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "min_notice_days": self.min_notice_days,
            "reminder_days": list(self.reminder_days),
            "support_recheck_hours": self.support_recheck_hours,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CampaignTerms:
        return cls(
            min_notice_days=int(data["min_notice_days"]),
            reminder_days=tuple(int(d) for d in data["reminder_days"]),
            support_recheck_hours=int(data["support_recheck_hours"]),
        )


@dataclass(frozen=True, slots=True)
class Campaign:
    """One offboarding campaign: its scope, deadline, terms and where it stands."""

    id: str
    name: str
    jurisdiction: str | None  # None: a list of UIDs
    state: CampaignState
    deadline: datetime
    terms: CampaignTerms
    planned_by: str
    created_at: datetime
    updated_at: datetime
    version: int = 1
    started_at: datetime | None = None
    started_by: str | None = None  # the second approver, whose approval started it
    reminders_sent: int = 0  # reminder stages done (index into terms.reminder_days)
    next_check_at: datetime | None = None  # closing: next re-check of the support list
    ended_at: datetime | None = None
    note: str = ""  # why it was cancelled
    report: Mapping[str, Any] = field(default_factory=dict)  # the dry run's figures

    @property
    def cancellable(self) -> bool:
        return CAMPAIGN_LIFECYCLE.allows(self.state, CampaignEvent.CANCEL)


@dataclass(frozen=True, slots=True)
class CampaignMember:
    """One account in a campaign and what became of it."""

    campaign_id: str
    uid: str
    jurisdiction: str
    status: MemberStatus
    outcome: str  # pass, review or block at the latest evaluation
    codes: tuple[str, ...]  # failing check codes at the latest evaluation
    updated_at: datetime
    version: int = 1
    notified_at: datetime | None = None
    reminders: int = 0
    closure_id: str | None = None


def campaign_apply(
    campaign: Campaign, event: CampaignEvent, *, now: datetime, **changes: Any
) -> Campaign:
    """``campaign`` after ``event``; ``IllegalCampaignTransition`` if not allowed."""
    if event is CampaignEvent.START and not CAMPAIGN_LIFECYCLE.allows(campaign.state, event):
        raise CampaignAlreadyStarted(f"the campaign is {campaign.state.value}, not planned")
    target = CAMPAIGN_LIFECYCLE.next(campaign.state, event)
    if event is CampaignEvent.DEADLINE and now < campaign.deadline:
        raise IllegalCampaignTransition("the deadline has not come")
    if event is CampaignEvent.CANCEL and now >= campaign.deadline:
        raise IllegalCampaignTransition("the deadline has passed: the campaign cannot be cancelled")
    return replace(campaign, state=target, updated_at=now, version=campaign.version + 1, **changes)


def member_apply(
    member: CampaignMember, event: MemberEvent, *, now: datetime, **changes: Any
) -> CampaignMember:
    """``member`` after ``event``; ``IllegalCampaignTransition`` if not allowed."""
    target = MEMBER_LIFECYCLE.next(member.status, event)
    return replace(member, status=target, updated_at=now, version=member.version + 1, **changes)


# -- rules -----------------------------------------------------------------------------


def validate_deadline(deadline: datetime, *, now: datetime, min_notice_days: int) -> None:
    """The deadline must be ahead, by at least the policy's minimum notice."""
    if deadline.tzinfo is None:
        raise InvalidInput("the deadline must carry a time zone")
    if deadline <= now:
        raise DeadlineInPast(f"the deadline {deadline.isoformat()} is in the past")
    earliest = now + timedelta(days=min_notice_days)
    if deadline < earliest:
        raise NoticeTooShort(
            f"the policy asks for {min_notice_days} days' notice: the deadline must be on "
            f"or after {earliest.isoformat()}",
            details=[{"path": "deadline", "reason": f"earliest {earliest.isoformat()}"}],
        )


def due_reminder(campaign: Campaign, now: datetime) -> int | None:
    """The index of the reminder to send now, if any: the latest one due and not sent.

    When several are due at once (the workers were stopped), only the latest goes out:
    three reminders in a row would be noise. None at or after the deadline.
    """
    if now >= campaign.deadline:
        return None
    due = [
        i
        for i, days in enumerate(campaign.terms.reminder_days)
        if now >= campaign.deadline - timedelta(days=days)
    ]
    if not due or due[-1] < campaign.reminders_sent:
        return None
    return due[-1]


def days_left(deadline: datetime, now: datetime) -> int:
    """Whole days to the deadline, rounded up (a reminder 23 hours ahead says 1)."""
    seconds = (deadline - now).total_seconds()
    return max(0, -int(-seconds // 86400))


@dataclass(frozen=True, slots=True)
class Verdict:
    """One account's eligibility as the set-based sweep computed it."""

    uid: str
    jurisdiction: str
    outcome: str  # pass, review or block
    codes: tuple[str, ...]
    closed: bool = False  # the account is closed already

    @property
    def eligible(self) -> bool:
        return self.outcome != "block"


def deadline_event(verdict: Verdict, *, open_closure: bool) -> MemberEvent:
    """What the deadline does to an account: leave its own request be, note a closure
    that happened, close it if nothing blocks, else list it for support."""
    if verdict.closed:
        return MemberEvent.CLOSED_ELSEWHERE
    if open_closure:
        return MemberEvent.OWN_CLOSURE
    if verdict.eligible:
        return MemberEvent.SUBMIT
    return MemberEvent.LIST_FOR_SUPPORT


# -- the funnel ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FunnelPoint:
    """The campaign at one moment: members per status, how many pass, codes."""

    at: datetime
    step: str
    members: int
    eligible: int  # nothing blocks at the latest evaluation
    by_status: Mapping[str, int]
    by_code: Mapping[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "members": self.members,
            "eligible": self.eligible,
            "by_status": dict(self.by_status),
            "by_code": dict(self.by_code),
        }


def funnel_point(
    step: str,
    at: datetime,
    statuses: Mapping[str, int],
    outcomes: Mapping[str, int],
    code_lists: Iterable[Sequence[str]],
) -> FunnelPoint:
    """A funnel point from members counted per status and per outcome, and their codes."""
    by_code: Counter[str] = Counter()
    for codes in code_lists:
        by_code.update(codes)
    return FunnelPoint(
        at=at,
        step=step,
        members=sum(statuses.values()),
        eligible=sum(n for outcome, n in outcomes.items() if outcome != "block"),
        by_status={s.value: int(statuses.get(s.value, 0)) for s in MemberStatus},
        by_code=dict(sorted(by_code.items(), key=lambda kv: (-kv[1], kv[0]))),
    )
