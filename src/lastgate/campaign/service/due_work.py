"""The due work of running campaigns: one pass over every campaign with work does, in
order, the notices and reminders (``announcements``), the deadline, the closures'
outcomes and the end (``deadline``), and the release of a cancelled campaign's members.

Every batch locks the members it takes (``SKIP LOCKED``) or the campaign's row, and
re-reads their status under the lock, so any number of workers (and an operator's
``lastgate campaign tick``) share the work: a member is told once per step, and gets at
most one closure. A crash loses at most the batch in flight, which the next run redoes.
"""

from __future__ import annotations

from collections.abc import Iterator

from lastgate.campaign.model import Campaign, CampaignState
from lastgate.campaign.service.announcements import FaultHook, announce, no_fault, release, remind
from lastgate.campaign.service.campaigns import Campaigns, Progress, TickReport, no_progress
from lastgate.campaign.service.deadline import close_due, finish_if_done, settle
from lastgate.kernel.errors import ConcurrentUpdate

SYSTEM = "system"


# -- one pass over every campaign with work -----------------------------------------------


def tick(
    cs: Campaigns,
    *,
    batch_size: int,
    campaign_id: str | None = None,
    progress: Progress = no_progress,
    fault: FaultHook = no_fault,
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
