"""The deadline of a running campaign, in batches that each commit whole: the set-based
re-check of the members (also every ``support_recheck_hours`` after the deadline),
closures opened through the normal workflow, the support list, the closures' outcomes,
and the end of the campaign.

Deciding batches take the campaign's row lock and re-read the members' status under it,
so any number of workers share the work and a member gets at most one closure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
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
    deadline_event,
    member_apply,
)
from lastgate.campaign.ports import CampaignUnitOfWork
from lastgate.campaign.service.campaigns import (
    Campaigns,
    TickReport,
    campaign_subject,
    check_step,
    recheck_after,
    record_point,
)
from lastgate.campaign.service.moves import move
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.service import workflow as closure
from lastgate.kernel.errors import ClosureAlreadyOpen


def actor(campaign: Campaign) -> str:
    """The audit actor of the campaign's own (unattended) steps."""
    return f"campaign:{campaign.id}"


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
            campaign = move(campaign, CampaignEvent.DEADLINE, now=now)
            uow.campaigns.save(campaign)
            uow.audit.record(
                actor=actor(campaign),
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
    submitted, support = evaluate(cs, campaign, TO_EVALUATE, decide=True, batch_size=batch_size)
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


def evaluate(
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
                actor=actor(campaign),
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
                initiated_by=actor(campaign),
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
                    actor=actor(campaign),
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
        campaign = move(campaign, CampaignEvent.FINISH, now=now, ended_at=now)
        uow.campaigns.save(campaign)
        uow.audit.record(
            actor=actor(campaign),
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
