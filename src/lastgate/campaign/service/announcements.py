"""The notices of a running campaign, in batches that each commit whole: the notice and
the withdraw-only restriction after a start, the reminders before the deadline, and the
release of a cancelled campaign's members.

Every batch locks the members it takes (``SKIP LOCKED``) or the campaign's row, and
re-reads their status under the lock, so any number of workers share the work and a
member is told once per step. A crash loses at most the batch in flight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from lastgate.campaign.model import (
    Campaign,
    CampaignState,
    MemberEvent,
    MemberStatus,
    days_left,
    due_reminder,
    member_apply,
)
from lastgate.campaign.ports import CampaignUnitOfWork
from lastgate.campaign.service.campaigns import (
    Campaigns,
    Progress,
    campaign_subject,
    no_progress,
    record_point,
)
from lastgate.campaign.service.deadline import actor, evaluate

WITHDRAW_ONLY = "withdraw_only"
FaultHook = Callable[[str], None]


def no_fault(point: str) -> None:
    """Production: no fault. Tests crash the process at ``point``."""


# -- notices after the start --------------------------------------------------------------


def announce(
    cs: Campaigns,
    campaign_id: str,
    *,
    batch_size: int,
    progress: Progress = no_progress,
    fault: FaultHook = no_fault,
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
            actor=actor(campaign),
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
    evaluate(cs, campaign, {MemberStatus.NOTIFIED}, decide=False, batch_size=batch_size)
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
            actor=actor(campaign),
            action="campaign.reminded",
            subject=campaign_subject(campaign_id),
            payload={"days_before": days, "uids": [m.uid for m in members]},
        )
    return len(members)


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
            actor=actor(campaign),
            action="campaign.released",
            subject=campaign_subject(campaign_id),
            payload={"uids": [m.uid for m in members]},
        )
    return len(members)
