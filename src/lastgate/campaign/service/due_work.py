"""The due work of running campaigns, in batches that each commit whole: notices and the
withdraw-only restriction after a start, reminders, the deadline (set-based re-check,
closures opened through the normal workflow, the support list), the closures' outcomes,
and the release of a cancelled campaign's members.

Every batch locks the members it takes (``SKIP LOCKED``) or the campaign's row, and
re-reads their status under the lock, so any number of workers (and an operator's
``lastgate campaign tick``) share the work: a member is told once per step, and gets at
most one closure. A crash loses at most the batch in flight, which the next run redoes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice

from lastgate.campaign.model import (
    FINAL_MEMBER_STATUSES,
    TO_EVALUATE,
    Campaign,
    CampaignEvent,
    CampaignMember,
    CampaignState,
    MemberEvent,
    MemberStatus,
    Verdict,
    campaign_apply,
    days_left,
    deadline_event,
    due_reminder,
    member_apply,
)
from lastgate.campaign.ports import CampaignUnitOfWork
from lastgate.campaign.service.campaigns import (
    Campaigns,
    Progress,
    campaign_subject,
    check_step,
    no_progress,
    recheck_after,
    record_point,
)
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.kernel.errors import ClosureAlreadyOpen, ConcurrentUpdate

SYSTEM = "system"
WITHDRAW_ONLY = "withdraw_only"
FaultHook = Callable[[str], None]


def _no_fault(point: str) -> None:
    """Production: no fault. Tests crash the process at ``point``."""


@dataclass
class TickReport:
    notified: int = 0
    reminded: int = 0
    submitted: int = 0
    support: int = 0
    settled: int = 0  # members whose closure request ended
    released: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _actor(campaign: Campaign) -> str:
    return f"campaign:{campaign.id}"


# -- notices after the start --------------------------------------------------------------


def announce(
    cs: Campaigns,
    campaign_id: str,
    *,
    batch_size: int,
    progress: Progress = no_progress,
    fault: FaultHook = _no_fault,
) -> int:
    """Tell every planned member and make their account withdraw-only; resumable."""
    sent = 0
    with cs.unit_of_work() as uow:
        total = uow.campaigns.count_members(campaign_id, {MemberStatus.PLANNED})
    while (n := _announce_batch(cs, campaign_id, batch_size)) > 0:
        sent += n
        progress(sent, total)
        fault("campaign_batch")
    return sent


def _announce_batch(cs: Campaigns, campaign_id: str, batch_size: int) -> int:
    now = cs.clock()
    with cs.unit_of_work() as uow:
        campaign = uow.campaigns.get(campaign_id)
        if campaign.state is not CampaignState.GRACE:
            return 0
        members = uow.campaigns.claim_members(campaign_id, {MemberStatus.PLANNED}, batch_size)
        if not members:
            record_point(uow, campaign_id, "announced", now)
            return 0
        params = {
            "deadline_at": campaign.deadline.isoformat(),
            "selfcheck_url": cs.selfcheck_url,
            "export_url": cs.export_url,
        }
        told: list[str] = []
        for member in members:
            if uow.remediation.account_status(member.uid).value == "closed":
                member = member_apply(member, MemberEvent.CLOSED_ELSEWHERE, now=now)
            else:
                _restrict(uow, campaign, member.uid)
                uow.notifier.notify_customer(
                    member.uid,
                    "campaign_announced",
                    params,
                    subject_ref=campaign_subject(campaign_id),
                )
                member = member_apply(member, MemberEvent.NOTIFY, now=now, notified_at=now)
                told.append(member.uid)
            uow.campaigns.save_member(member)
        uow.audit.record(
            actor=_actor(campaign),
            action="campaign.notified",
            subject=campaign_subject(campaign_id),
            payload={"uids": told, "restriction": WITHDRAW_ONLY},
        )
    return len(members)


def _restrict(uow: CampaignUnitOfWork, campaign: Campaign, uid: str) -> None:
    uow.actions.restrict_to_withdrawals(uid)
    uow.notifier.publish_event(
        "account.withdraw_only",
        {
            "uid": uid,
            "cause": "campaign",
            "campaign_id": campaign.id,
            "deadline": campaign.deadline.isoformat(),
        },
        subject_ref=campaign_subject(campaign.id),
    )


# -- reminders ----------------------------------------------------------------------------


def remind(cs: Campaigns, campaign_id: str, *, batch_size: int) -> int:
    """Send the reminder due now to every notified member, once each; resumable."""
    with cs.unit_of_work() as uow:
        campaign = uow.campaigns.get(campaign_id)
    stage = due_reminder(campaign, cs.clock())
    if campaign.state is not CampaignState.GRACE or stage is None:
        return 0
    _evaluate(cs, campaign, {MemberStatus.NOTIFIED}, decide=False, batch_size=batch_size)
    sent = 0
    while (n := _remind_batch(cs, campaign_id, stage, batch_size)) > 0:
        sent += n
    return sent


def _remind_batch(cs: Campaigns, campaign_id: str, stage: int, batch_size: int) -> int:
    now = cs.clock()
    with cs.unit_of_work() as uow:
        campaign = uow.campaigns.get(campaign_id)
        if campaign.state is not CampaignState.GRACE or campaign.reminders_sent > stage:
            return 0
        members = uow.campaigns.claim_members(
            campaign_id, {MemberStatus.NOTIFIED}, batch_size, reminders_below=stage + 1
        )
        days = campaign.terms.reminder_days[stage]
        if not members:
            campaign = uow.campaigns.get(campaign_id, lock=True)
            if campaign.reminders_sent <= stage:
                campaign = replace(
                    campaign, reminders_sent=stage + 1, updated_at=now, version=campaign.version + 1
                )
                uow.campaigns.save(campaign)
                record_point(uow, campaign_id, f"reminder {days}d", now)
            return 0
        params = {
            "deadline_at": campaign.deadline.isoformat(),
            "days_left": str(days_left(campaign.deadline, now)),
            "selfcheck_url": cs.selfcheck_url,
            "export_url": cs.export_url,
        }
        for member in members:
            uow.notifier.notify_customer(
                member.uid, "campaign_reminder", params, subject_ref=campaign_subject(campaign_id)
            )
            uow.campaigns.save_member(
                replace(member, reminders=stage + 1, updated_at=now, version=member.version + 1)
            )
        uow.audit.record(
            actor=_actor(campaign),
            action="campaign.reminded",
            subject=campaign_subject(campaign_id),
            payload={"days_before": days, "uids": [m.uid for m in members]},
        )
    return len(members)


# -- the deadline, and the support list's re-checks ------------------------------------------


def close_due(cs: Campaigns, campaign_id: str, *, batch_size: int, report: TickReport) -> None:
    """At the deadline (and every ``support_recheck_hours`` after it): check the members
    set-based; open a closure for each that passes, list the rest for support."""
    now = cs.clock()
    with cs.unit_of_work() as uow:
        campaign = uow.campaigns.get(campaign_id, lock=True)
        if campaign.state is CampaignState.GRACE:
            if now < campaign.deadline or uow.campaigns.count_members(
                campaign_id, {MemberStatus.PLANNED}
            ):
                return  # not yet; or someone is still to be told (never closed unannounced)
            campaign = campaign_apply(campaign, CampaignEvent.DEADLINE, now=now)
            uow.campaigns.save(campaign)
            uow.audit.record(
                actor=_actor(campaign),
                action="campaign.deadline",
                subject=campaign_subject(campaign_id),
                payload={},
            )
            uow.notifier.publish_event(
                "campaign.deadline",
                {"campaign_id": campaign_id, "deadline": campaign.deadline.isoformat()},
                subject_ref=campaign_subject(campaign_id),
            )
    if campaign.state is not CampaignState.CLOSING:
        return
    if campaign.next_check_at is not None and now < campaign.next_check_at:
        return
    first = campaign.next_check_at is None
    submitted, support = _evaluate(cs, campaign, TO_EVALUATE, decide=True, batch_size=batch_size)
    report.submitted += submitted
    report.support += support
    with cs.unit_of_work() as uow:
        campaign = uow.campaigns.get(campaign_id, lock=True)
        if campaign.next_check_at is None or campaign.next_check_at <= now:
            campaign = replace(
                campaign,
                next_check_at=recheck_after(campaign, now),
                updated_at=now,
                version=campaign.version + 1,
            )
            uow.campaigns.save(campaign)
            record_point(uow, campaign_id, "deadline" if first else check_step(now), now)


def _evaluate(
    cs: Campaigns,
    campaign: Campaign,
    statuses: set[MemberStatus] | frozenset[MemberStatus],
    *,
    decide: bool,
    batch_size: int,
) -> tuple[int, int]:
    """Sweep the members in ``statuses`` set-based; record each verdict, and with
    ``decide`` act on it. (closures opened, members listed for support)"""
    with cs.unit_of_work() as uow:
        uids = uow.campaigns.member_uids(campaign.id, statuses)
    if not uids:
        return 0, 0
    verdicts = iter(cs.sweep.run(cs.clock(), uids=uids))
    submitted = support = 0
    while batch := list(islice(verdicts, batch_size)):
        s, f = _decide_batch(cs, campaign, batch, statuses, decide=decide)
        submitted, support = submitted + s, support + f
    return submitted, support


def _decide_batch(
    cs: Campaigns,
    campaign: Campaign,
    verdicts: Sequence[Verdict],
    statuses: set[MemberStatus] | frozenset[MemberStatus],
    *,
    decide: bool,
) -> tuple[int, int]:
    now = cs.clock()
    by_uid = {v.uid: v for v in verdicts}
    decided: dict[str, list[str]] = {}
    with cs.unit_of_work() as uow:
        # The campaign's row lock makes deciding workers take turns; each re-reads the
        # members' status under it, so a member decided by another is skipped.
        current = uow.campaigns.get(campaign.id, lock=True)
        if decide and current.state is not CampaignState.CLOSING:
            return 0, 0
        members = uow.campaigns.members(campaign.id, list(by_uid), statuses)
        open_closures = uow.campaigns.open_closures([m.uid for m in members]) if decide else {}
        for member in members:
            verdict = by_uid[member.uid]
            if not decide:
                after = replace(
                    member,
                    outcome=verdict.outcome,
                    codes=verdict.codes,
                    updated_at=now,
                    version=member.version + 1,
                )
            else:
                after = _decide(cs, uow, campaign, member, verdict, open_closures.get(member.uid))
            uow.campaigns.save_member(after)
            if after.status is not member.status or decide:
                decided.setdefault(after.status.value, []).append(member.uid)
        if decide and decided:
            uow.audit.record(
                actor=_actor(campaign),
                action="campaign.decided",
                subject=campaign_subject(campaign.id),
                payload=decided,
            )
    return (
        len(decided.get(MemberStatus.CLOSURE_SUBMITTED.value, [])),
        len(decided.get(MemberStatus.SUPPORT.value, [])),
    )


def _decide(
    cs: Campaigns,
    uow: CampaignUnitOfWork,
    campaign: Campaign,
    member: CampaignMember,
    verdict: Verdict,
    open_closure: str | None,
) -> CampaignMember:
    now = cs.clock()
    event = deadline_event(verdict, open_closure=open_closure is not None)
    found = {"outcome": verdict.outcome, "codes": verdict.codes}
    if event is MemberEvent.SUBMIT:
        try:
            request = closure.open_for_platform(
                cs.workflow,
                uow,
                member.uid,
                jurisdiction=verdict.jurisdiction,
                needs_review=verdict.outcome == "review",
                initiated_by=_actor(campaign),
                reason_text=f"Offboarding campaign: {campaign.name}",
            )
        except ClosureAlreadyOpen:  # the customer submitted a moment ago
            mine = uow.closures.open_for(member.uid)
            return member_apply(
                member,
                MemberEvent.OWN_CLOSURE,
                now=now,
                closure_id=mine.id if mine else None,
                **found,
            )
        return member_apply(member, event, now=now, closure_id=request.id, **found)
    if event is MemberEvent.OWN_CLOSURE:
        return member_apply(member, event, now=now, closure_id=open_closure, **found)
    if event is MemberEvent.LIST_FOR_SUPPORT and member.status is MemberStatus.NOTIFIED:
        uow.notifier.notify_customer(
            member.uid,
            "campaign_action_needed",
            {"selfcheck_url": cs.selfcheck_url},
            subject_ref=campaign_subject(campaign.id),
        )
    return member_apply(member, event, now=now, **found)


# -- closures that ended, and the end of the campaign ---------------------------------------


def settle(cs: Campaigns, campaign_id: str, *, batch_size: int) -> int:
    """Members whose closure request ended: closed, or back to the support list."""
    settled = 0
    while True:
        now = cs.clock()
        with cs.unit_of_work() as uow:
            campaign = uow.campaigns.get(campaign_id)
            pairs = uow.campaigns.awaiting_closures(campaign_id, batch_size)
            outcome: dict[str, list[str]] = {}
            for member, state in pairs:
                event = (
                    MemberEvent.CLOSURE_CLOSED
                    if state is ClosureState.CLOSED
                    else MemberEvent.CLOSURE_FAILED
                )
                after = member_apply(member, event, now=now)
                uow.campaigns.save_member(after)
                outcome.setdefault(after.status.value, []).append(member.uid)
            if pairs:
                uow.audit.record(
                    actor=_actor(campaign),
                    action="campaign.settled",
                    subject=campaign_subject(campaign_id),
                    payload=outcome,
                )
        if not pairs:
            return settled
        settled += len(pairs)


def finish_if_done(cs: Campaigns, campaign_id: str, *, changed: bool) -> None:
    now = cs.clock()
    with cs.unit_of_work() as uow:
        campaign = uow.campaigns.get(campaign_id, lock=True)
        if campaign.state is not CampaignState.CLOSING:
            return
        statuses, _, _ = uow.campaigns.counts(campaign_id)
        if any(n for s, n in statuses.items() if MemberStatus(s) not in FINAL_MEMBER_STATUSES):
            if changed:
                record_point(uow, campaign_id, f"update {now.isoformat(timespec='seconds')}", now)
            return
        campaign = campaign_apply(campaign, CampaignEvent.FINISH, now=now, ended_at=now)
        uow.campaigns.save(campaign)
        uow.audit.record(
            actor=_actor(campaign),
            action="campaign.finished",
            subject=campaign_subject(campaign_id),
            payload=dict(statuses),
        )
        uow.notifier.publish_event(
            "campaign.finished",
            {"campaign_id": campaign_id},
            subject_ref=campaign_subject(campaign_id),
        )
        record_point(uow, campaign_id, "finished", now)


# -- a cancelled campaign's members -------------------------------------------------------


def release(cs: Campaigns, campaign_id: str, *, batch_size: int) -> int:
    """Lift the withdraw-only restriction of every member (unless another live campaign
    holds it) and tell those who were told; resumable."""
    released = 0
    while (n := _release_batch(cs, campaign_id, batch_size)) > 0:
        released += n
    return released


def _release_batch(cs: Campaigns, campaign_id: str, batch_size: int) -> int:
    now = cs.clock()
    with cs.unit_of_work() as uow:
        campaign = uow.campaigns.get(campaign_id)
        if campaign.state is not CampaignState.CANCELLED or campaign.ended_at is not None:
            return 0
        members = uow.campaigns.claim_members(
            campaign_id, {MemberStatus.PLANNED, MemberStatus.NOTIFIED}, batch_size
        )
        if not members:
            campaign = uow.campaigns.get(campaign_id, lock=True)
            if campaign.ended_at is None:
                campaign = replace(
                    campaign, ended_at=now, updated_at=now, version=campaign.version + 1
                )
                uow.campaigns.save(campaign)
                record_point(uow, campaign_id, "cancelled", now)
            return 0
        for member in members:
            if member.status is MemberStatus.NOTIFIED:
                if not uow.campaigns.restricted_elsewhere(member.uid, campaign_id):
                    uow.actions.lift_withdrawal_restriction(member.uid)
                    uow.notifier.publish_event(
                        "account.withdraw_only_lifted",
                        {"uid": member.uid, "cause": "campaign", "campaign_id": campaign_id},
                        subject_ref=campaign_subject(campaign_id),
                    )
                uow.notifier.notify_customer(
                    member.uid, "campaign_cancelled", {}, subject_ref=campaign_subject(campaign_id)
                )
            uow.campaigns.save_member(member_apply(member, MemberEvent.RELEASE, now=now))
        uow.audit.record(
            actor=_actor(campaign),
            action="campaign.released",
            subject=campaign_subject(campaign_id),
            payload={"uids": [m.uid for m in members]},
        )
    return len(members)


# -- one pass over every campaign with work -----------------------------------------------


def tick(
    cs: Campaigns,
    *,
    batch_size: int,
    campaign_id: str | None = None,
    progress: Progress = no_progress,
    fault: FaultHook = _no_fault,
) -> TickReport:
    """Do whatever is due now on every running campaign (or one): safe anywhere, any time,
    on any number of workers at once."""
    report = TickReport()
    for cid in [campaign_id] if campaign_id else _with_work(cs):
        try:
            _tick_one(cs, cid, batch_size, report, progress, fault)
        except ConcurrentUpdate:
            continue  # another worker moved the campaign on; the next pass sees where
    return report


def _with_work(cs: Campaigns) -> Iterator[str]:
    with cs.unit_of_work() as uow:
        live = uow.campaigns.in_states(
            {CampaignState.GRACE, CampaignState.CLOSING, CampaignState.CANCELLED}
        )
        unfinished = [cid for cid in live if _unfinished(uow.campaigns.get(cid))]
    yield from unfinished


def _unfinished(campaign: Campaign) -> bool:
    return campaign.state is not CampaignState.CANCELLED or campaign.ended_at is None


def _tick_one(
    cs: Campaigns,
    campaign_id: str,
    batch_size: int,
    report: TickReport,
    progress: Progress,
    fault: FaultHook,
) -> None:
    with cs.unit_of_work() as uow:
        state = uow.campaigns.get(campaign_id).state
    if state is CampaignState.CANCELLED:
        report.released += release(cs, campaign_id, batch_size=batch_size)
        return
    if state is CampaignState.GRACE:
        report.notified += announce(
            cs, campaign_id, batch_size=batch_size, progress=progress, fault=fault
        )
        report.reminded += remind(cs, campaign_id, batch_size=batch_size)
        close_due(cs, campaign_id, batch_size=batch_size, report=report)
    with cs.unit_of_work() as uow:
        state = uow.campaigns.get(campaign_id).state
    if state is CampaignState.CLOSING:
        settled = settle(cs, campaign_id, batch_size=batch_size)
        report.settled += settled
        close_due(cs, campaign_id, batch_size=batch_size, report=report)
        finish_if_done(cs, campaign_id, changed=settled > 0)
