"""Use cases of offboarding campaigns run by staff: plan (the dry run), start (two
compliance officers), cancel, and the reads. The due work that follows a start —
notices, reminders, the deadline — is in ``lastgate.campaign.service.due_work``
(with ``announcements`` and ``deadline``).

Who: planning, starting and cancelling are compliance decisions (closing accounts in
bulk because the platform leaves a market is a legal act); starting takes two different
compliance officers, like lifting a hold. Agents read campaigns: the support list is
theirs to work.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from lastgate.campaign.model import (
    JURISDICTION_PATTERN,
    MAX_NAME,
    Campaign,
    CampaignAlreadyStarted,
    CampaignEvent,
    CampaignMember,
    CampaignState,
    CampaignTerms,
    EmptyCampaign,
    FunnelPoint,
    MemberStatus,
    UnknownAccounts,
    UnknownJurisdiction,
    funnel_point,
    validate_deadline,
)
from lastgate.campaign.ports import CampaignUnitOfWork, EligibilitySweep
from lastgate.campaign.service.moves import move
from lastgate.closure.service.workflow import FourEyesRequired, Workflow
from lastgate.kernel.access import Principal, Role, ensure_staff
from lastgate.kernel.clock import Clock
from lastgate.kernel.errors import InvalidInput
from lastgate.kernel.money import to_wire
from lastgate.kernel.policy import Policy
from lastgate.kernel.redaction import redact

START_APPROVAL = "campaign_start"
INSERT_BATCH = 5_000
DEFAULT_POLICY = "DEFAULT"
MAX_UIDS_SHOWN = 20
COMPLIANCE_ONLY = "only compliance officers run offboarding campaigns"
STAFF_ONLY = "campaigns are for staff"
_JURISDICTION = re.compile(JURISDICTION_PATTERN)

#: ``progress(done, total)`` for long work (the CLI draws a bar with it).
Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    """No one is watching."""


@dataclass
class TickReport:
    """What one pass of the due work did, counted in members."""

    notified: int = 0
    reminded: int = 0
    submitted: int = 0
    support: int = 0
    settled: int = 0  # members whose closure request ended
    released: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Campaigns:
    """What the campaign use cases need: the closure workflow's parts and the sweep."""

    workflow: Workflow
    sweep: EligibilitySweep
    units: Callable[[], CampaignUnitOfWork]

    @property
    def clock(self) -> Clock:
        return self.workflow.clock

    def unit_of_work(self) -> CampaignUnitOfWork:
        return self.units()

    def policy(self, jurisdiction: str | None) -> Policy:
        return self.workflow.policies.for_jurisdiction(jurisdiction or DEFAULT_POLICY)

    @property
    def selfcheck_url(self) -> str:
        return f"{self.workflow.public_base_url}/web/me"

    @property
    def export_url(self) -> str:
        return f"{self.workflow.public_base_url}/web/me/export"


def campaign_subject(campaign_id: str) -> str:
    return f"campaign:{campaign_id}"


# -- plan: the dry run --------------------------------------------------------------------


def _scope(
    cs: Campaigns, jurisdiction: str | None, uids: Sequence[str] | None
) -> tuple[str | None, list[str] | None]:
    if (jurisdiction is None) == (uids is None):
        raise InvalidInput("name either a jurisdiction or a list of UIDs")
    if jurisdiction is not None:
        code = jurisdiction.strip().upper()
        if not _JURISDICTION.fullmatch(code):
            raise InvalidInput(
                "a jurisdiction is 2 to 8 letters",
                details=[{"path": "jurisdiction", "reason": "2 to 8 letters"}],
            )
        if not cs.sweep.jurisdiction_exists(code):
            raise UnknownJurisdiction(f"no account carries jurisdiction {code}")
        return code, None
    wanted = sorted({uid.strip() for uid in uids or () if uid.strip()})
    if not wanted:
        raise EmptyCampaign("the list of UIDs is empty")
    unknown = cs.sweep.unknown_uids(wanted)
    if unknown:
        raise UnknownAccounts(
            f"{len(unknown)} UID(s) name no account",
            details=[{"path": "uids", "reason": uid} for uid in unknown[:MAX_UIDS_SHOWN]],
        )
    return None, wanted


def _terms(policy: Policy) -> CampaignTerms:
    o = policy.offboarding
    return CampaignTerms(
        min_notice_days=o.min_notice_days,
        reminder_days=o.reminders,
        support_recheck_hours=o.support_recheck_hours,
    )


def plan(
    cs: Campaigns,
    principal: Principal,
    *,
    name: str,
    deadline: datetime,
    jurisdiction: str | None = None,
    uids: Sequence[str] | None = None,
    progress: Progress = no_progress,
) -> Campaign:
    """Sweep the scope set-based and store the plan: exactly these members, with the dry
    run's figures. Accounts already closed are left out. Nothing is sent or restricted."""
    ensure_staff(principal, Role.COMPLIANCE, message=COMPLIANCE_ONLY)
    name = redact(name.strip()).text  # as stored, and the column holds MAX_NAME
    if not 1 <= len(name) <= MAX_NAME:
        raise InvalidInput(f"a campaign's name is 1 to {MAX_NAME} characters")
    now = cs.clock()
    jurisdiction, wanted = _scope(cs, jurisdiction, uids)
    terms = _terms(cs.policy(jurisdiction))
    validate_deadline(deadline, now=now, min_notice_days=terms.min_notice_days)
    campaign = Campaign(
        id=str(uuid.uuid4()),
        name=name,
        jurisdiction=jurisdiction,
        state=CampaignState.PLANNED,
        deadline=deadline,
        terms=terms,
        planned_by=principal.subject,
        created_at=now,
        updated_at=now,
    )
    with cs.unit_of_work() as uow:
        uow.campaigns.add(campaign)
        report, jurisdictions = _add_members(cs, uow, campaign, wanted, progress)
        # A list may span jurisdictions: the strictest notice among them applies.
        notice = max(cs.policy(j).offboarding.min_notice_days for j in jurisdictions)
        if notice > terms.min_notice_days:
            validate_deadline(deadline, now=now, min_notice_days=notice)
            terms = replace(terms, min_notice_days=notice)
        campaign = replace(campaign, terms=terms, report=report, version=campaign.version + 1)
        uow.campaigns.save(campaign)
        uow.audit.record(
            actor=principal.subject,
            action="campaign.planned",
            subject=campaign_subject(campaign.id),
            payload={
                "name": name,
                "jurisdiction": jurisdiction,
                "deadline": deadline.isoformat(),
                "terms": terms.as_dict(),
                **{k: v for k, v in report.items() if k != "assets"},
            },
        )
        record_point(uow, campaign.id, "planned", now)
    return campaign


def _add_members(
    cs: Campaigns,
    uow: CampaignUnitOfWork,
    campaign: Campaign,
    uids: list[str] | None,
    progress: Progress,
) -> tuple[dict[str, Any], set[str]]:
    """Stream the sweep into member rows (bounded memory); the dry run's figures."""
    now = campaign.created_at
    run = cs.sweep.run(now, uids=uids, jurisdiction=campaign.jurisdiction)
    batch: list[CampaignMember] = []
    by_code: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    jurisdictions: set[str] = set()
    closed = 0
    for done, verdict in enumerate(run, start=1):
        if done % 1000 == 0:
            progress(done, run.total)
        if verdict.closed:
            closed += 1
            continue
        outcomes[verdict.outcome] += 1
        by_code.update(verdict.codes)
        jurisdictions.add(verdict.jurisdiction)
        batch.append(
            CampaignMember(
                campaign_id=campaign.id,
                uid=verdict.uid,
                jurisdiction=verdict.jurisdiction,
                status=MemberStatus.PLANNED,
                outcome=verdict.outcome,
                codes=verdict.codes,
                updated_at=now,
            )
        )
        if len(batch) >= INSERT_BATCH:
            uow.campaigns.add_members(batch)
            batch = []
    uow.campaigns.add_members(batch)
    progress(run.total, run.total)
    accounts = sum(outcomes.values())
    if not accounts:
        raise EmptyCampaign("no open account in this scope")
    report = {
        "accounts": accounts,
        "passing": outcomes["pass"],
        "eligible": outcomes["pass"] + outcomes["review"],
        "blocked": outcomes["block"],
        "by_code": dict(sorted(by_code.items(), key=lambda kv: (-kv[1], kv[0]))),
        "assets": {asset: to_wire(total) for asset, total in sorted(run.assets.items())},
        "already_closed": closed,
        "swept_at": now.isoformat(),
    }
    return report, jurisdictions


# -- start and cancel ---------------------------------------------------------------------


def start(cs: Campaigns, principal: Principal, campaign_id: str) -> tuple[Campaign, bool]:
    """Approve the start. The first compliance officer's approval is recorded; a second,
    different officer's starts the campaign (the grace period). True when it started.
    The notices go out afterwards, in batches (``campaign_work.announce``)."""
    ensure_staff(principal, Role.COMPLIANCE, message=COMPLIANCE_ONLY)
    now = cs.clock()
    subject = campaign_subject(campaign_id)
    with cs.unit_of_work() as uow:
        campaign = uow.campaigns.get(campaign_id, lock=True)
        if campaign.state is not CampaignState.PLANNED:
            raise CampaignAlreadyStarted(f"the campaign is {campaign.state.value}, not planned")
        validate_deadline(
            campaign.deadline, now=now, min_notice_days=campaign.terms.min_notice_days
        )
        approvers = uow.approvals.actors(subject, START_APPROVAL)
        if principal.subject in approvers:
            raise FourEyesRequired("you already approved this start; a second officer must")
        uow.approvals.record(
            subject,
            kind=START_APPROVAL,
            actor=principal.subject,
            decision="approve",
            note="",
            at=now,
        )
        if not approvers:
            uow.audit.record(
                actor=principal.subject,
                action="campaign.start_requested",
                subject=subject,
                payload={},
            )
            return campaign, False
        campaign = move(
            campaign, CampaignEvent.START, now=now, started_at=now, started_by=principal.subject
        )
        uow.campaigns.save(campaign)
        uow.audit.record(
            actor=principal.subject,
            action="campaign.started",
            subject=subject,
            payload={"first_approver": approvers[0], "deadline": campaign.deadline.isoformat()},
        )
        uow.notifier.publish_event(
            "campaign.started",
            _event(campaign),
            subject_ref=subject,
        )
    return campaign, True


def cancel(cs: Campaigns, principal: Principal, campaign_id: str, reason: str) -> Campaign:
    """Cancel before the deadline. Members are released (restriction lifted, told) in
    batches by ``campaign_work.release``; this only decides."""
    ensure_staff(principal, Role.COMPLIANCE, message=COMPLIANCE_ONLY)
    if not reason.strip():
        raise InvalidInput("a reason is required to cancel")
    reason = redact(reason).text
    now = cs.clock()
    with cs.unit_of_work() as uow:
        campaign = uow.campaigns.get(campaign_id, lock=True)
        campaign = move(campaign, CampaignEvent.CANCEL, now=now, note=reason.strip())
        uow.campaigns.save(campaign)
        uow.audit.record(
            actor=principal.subject,
            action="campaign.cancelled",
            subject=campaign_subject(campaign_id),
            payload={"reason": reason.strip()},
        )
        uow.notifier.publish_event(
            "campaign.cancelled", _event(campaign), subject_ref=campaign_subject(campaign_id)
        )
    return campaign


def _event(campaign: Campaign) -> dict[str, Any]:
    return {
        "campaign_id": campaign.id,
        "name": campaign.name,
        "jurisdiction": campaign.jurisdiction,
        "state": campaign.state.value,
        "deadline": campaign.deadline.isoformat(),
    }


# -- reads --------------------------------------------------------------------------------


def get(cs: Campaigns, principal: Principal, campaign_id: str) -> tuple[Campaign, FunnelPoint]:
    """The campaign and its figures now."""
    ensure_staff(principal, message=STAFF_ONLY)
    with cs.unit_of_work() as uow:
        campaign = uow.campaigns.get(campaign_id)
        return campaign, current_point(uow, campaign_id, "now", cs.clock())


def listing(cs: Campaigns, principal: Principal, limit: int = 100) -> list[Campaign]:
    ensure_staff(principal, message=STAFF_ONLY)
    with cs.unit_of_work() as uow:
        return list(uow.campaigns.listing(limit))


def funnel(cs: Campaigns, principal: Principal, campaign_id: str) -> list[FunnelPoint]:
    ensure_staff(principal, message=STAFF_ONLY)
    with cs.unit_of_work() as uow:
        uow.campaigns.get(campaign_id)
        return list(uow.campaigns.funnel(campaign_id))


def current_point(
    uow: CampaignUnitOfWork, campaign_id: str, step: str, at: datetime
) -> FunnelPoint:
    statuses, outcomes, codes = uow.campaigns.counts(campaign_id)
    return funnel_point(step, at, statuses, outcomes, codes)


def record_point(uow: CampaignUnitOfWork, campaign_id: str, step: str, at: datetime) -> None:
    """Add the campaign's figures now to its funnel (once per step)."""
    uow.campaigns.record_point(campaign_id, current_point(uow, campaign_id, step, at))


def check_step(at: datetime) -> str:
    return f"check {at.isoformat(timespec='seconds')}"


def recheck_after(campaign: Campaign, now: datetime) -> datetime:
    return now + timedelta(hours=campaign.terms.support_recheck_hours)
