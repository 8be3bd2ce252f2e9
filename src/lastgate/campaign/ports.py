"""Ports of offboarding campaigns: the campaign store (inside the unit of work) and the
set-based eligibility sweep (outside it: it reads one snapshot of the whole ledger)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from lastgate.campaign.model import (
    Campaign,
    CampaignMember,
    CampaignState,
    FunnelPoint,
    MemberStatus,
    Verdict,
)
from lastgate.closure.model.lifecycle import ClosureState
from lastgate.closure.ports import UnitOfWork


class CampaignRepository(Protocol):
    def add(self, campaign: Campaign) -> None: ...

    def add_members(self, members: Sequence[CampaignMember]) -> None: ...

    def get(self, campaign_id: str, *, lock: bool = False) -> Campaign:
        """The campaign; ``CampaignNotFound`` if none. ``lock`` holds its row to commit."""
        ...

    def save(self, campaign: Campaign) -> None:
        """Write if the stored version is ``campaign.version - 1``; else ``ConcurrentUpdate``."""
        ...

    def listing(self, limit: int) -> Sequence[Campaign]: ...

    def in_states(self, states: Collection[CampaignState]) -> Sequence[str]:
        """Ids of campaigns in ``states``, oldest first."""
        ...

    def claim_members(
        self, campaign_id: str, statuses: Collection[MemberStatus], limit: int, **where: int
    ) -> Sequence[CampaignMember]:
        """Up to ``limit`` members in ``statuses`` (``reminders_below=n``: with fewer than
        n reminders), row-locked and skipped by other workers."""
        ...

    def members(
        self, campaign_id: str, uids: Collection[str], statuses: Collection[MemberStatus]
    ) -> Sequence[CampaignMember]:
        """Those of ``uids`` still in ``statuses``, row-locked."""
        ...

    def member_uids(self, campaign_id: str, statuses: Collection[MemberStatus]) -> list[str]: ...

    def count_members(self, campaign_id: str, statuses: Collection[MemberStatus]) -> int: ...

    def save_member(self, member: CampaignMember) -> None:
        """Version-checked like ``save``."""
        ...

    def awaiting_closures(
        self, campaign_id: str, limit: int
    ) -> Sequence[tuple[CampaignMember, ClosureState]]:
        """Members waiting on a closure request that has ended, with its final state."""
        ...

    def open_closures(self, uids: Collection[str]) -> Mapping[str, str]:
        """uid → id of the open closure request, for those of ``uids`` that have one."""
        ...

    def restricted_elsewhere(self, uid: str, campaign_id: str) -> bool:
        """Another live campaign keeps ``uid`` withdraw-only."""
        ...

    def counts(
        self, campaign_id: str
    ) -> tuple[Mapping[str, int], Mapping[str, int], Iterator[Sequence[str]]]:
        """(members per status, members per outcome, each blocked member's codes)."""
        ...

    def record_point(self, campaign_id: str, point: FunnelPoint) -> bool:
        """Store a funnel point unless one with that step exists; True if stored."""
        ...

    def funnel(self, campaign_id: str) -> Sequence[FunnelPoint]: ...


class SweepRun(Protocol):
    """Verdicts streamed in customer order; ``assets`` is complete after the last."""

    total: int

    def __iter__(self) -> Iterator[Verdict]: ...

    @property
    def assets(self) -> Mapping[str, Decimal]: ...


class EligibilitySweep(Protocol):
    """Eligibility of many accounts at once, set-based (docs/bulk.md)."""

    def run(
        self, now: datetime, *, uids: Sequence[str] | None = None, jurisdiction: str | None = None
    ) -> SweepRun: ...

    def jurisdiction_exists(self, jurisdiction: str) -> bool: ...

    def unknown_uids(self, uids: Sequence[str]) -> list[str]: ...


class CampaignUnitOfWork(UnitOfWork, Protocol):
    """The closure workflow's unit of work, with the campaign store in the same transaction."""

    @property
    def campaigns(self) -> CampaignRepository: ...
