"""Offboarding campaigns on lastgate's database: campaigns, members and funnel points,
with version checks, row locks (``SKIP LOCKED`` for workers) and set-based queries."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from lastgate.campaign.adapters.tables import campaign_funnel, campaign_members, campaigns
from lastgate.campaign.model import (
    FINAL_MEMBER_STATUSES,
    RESTRICTED,
    WAITING_ON_CLOSURE,
    Campaign,
    CampaignMember,
    CampaignNotFound,
    CampaignState,
    CampaignTerms,
    FunnelPoint,
    MemberStatus,
)
from lastgate.closure.adapters.tables import closure_requests
from lastgate.closure.model.lifecycle import OPEN_STATES, TERMINAL_STATES, ClosureState
from lastgate.kernel.errors import ConcurrentUpdate

_LIVE = (CampaignState.GRACE.value, CampaignState.CLOSING.value)
_IN_CHUNK = 5_000  # UIDs per IN list


def _campaign_row(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "name": campaign.name,
        "jurisdiction": campaign.jurisdiction,
        "state": campaign.state.value,
        "deadline": campaign.deadline,
        "terms": json.dumps(campaign.terms.as_dict(), sort_keys=True),
        "report": json.dumps(dict(campaign.report), sort_keys=True),
        "planned_by": campaign.planned_by,
        "created_at": campaign.created_at,
        "updated_at": campaign.updated_at,
        "version": campaign.version,
        "started_at": campaign.started_at,
        "started_by": campaign.started_by,
        "reminders_sent": campaign.reminders_sent,
        "next_check_at": campaign.next_check_at,
        "ended_at": campaign.ended_at,
        "note": campaign.note,
    }


def _campaign(row: Row[Any]) -> Campaign:
    m = row._mapping
    return Campaign(
        id=m["id"],
        name=m["name"],
        jurisdiction=m["jurisdiction"],
        state=CampaignState(m["state"]),
        deadline=m["deadline"],
        terms=CampaignTerms.from_dict(json.loads(m["terms"])),
        planned_by=m["planned_by"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        version=m["version"],
        started_at=m["started_at"],
        started_by=m["started_by"],
        reminders_sent=m["reminders_sent"],
        next_check_at=m["next_check_at"],
        ended_at=m["ended_at"],
        note=m["note"],
        report=json.loads(m["report"]),
    )


def _member_row(member: CampaignMember) -> dict[str, Any]:
    return {
        "campaign_id": member.campaign_id,
        "uid": member.uid,
        "jurisdiction": member.jurisdiction,
        "status": member.status.value,
        "outcome": member.outcome,
        "codes": " ".join(member.codes),
        "updated_at": member.updated_at,
        "version": member.version,
        "notified_at": member.notified_at,
        "reminders": member.reminders,
        "closure_id": member.closure_id,
    }


def _member(row: Row[Any]) -> CampaignMember:
    m = row._mapping
    return CampaignMember(
        campaign_id=m["campaign_id"],
        uid=m["uid"],
        jurisdiction=m["jurisdiction"],
        status=MemberStatus(m["status"]),
        outcome=m["outcome"],
        codes=tuple(m["codes"].split()),
        updated_at=m["updated_at"],
        version=m["version"],
        notified_at=m["notified_at"],
        reminders=m["reminders"],
        closure_id=m["closure_id"],
    )


def _values(statuses: Collection[MemberStatus]) -> list[str]:
    return sorted(s.value for s in statuses)


class SqlCampaigns:
    """The campaign store on the caller's connection (inside its unit of work)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # -- campaigns ---------------------------------------------------------------------

    def add(self, campaign: Campaign) -> None:
        self._conn.execute(insert(campaigns), _campaign_row(campaign))

    def get(self, campaign_id: str, *, lock: bool = False) -> Campaign:
        query = select(campaigns).where(campaigns.c.id == campaign_id)
        if lock:
            query = query.with_for_update()
        row = self._conn.execute(query).first()
        if row is None:
            raise CampaignNotFound(f"no campaign {campaign_id}")
        return _campaign(row)

    def save(self, campaign: Campaign) -> None:
        row = _campaign_row(campaign)
        del row["id"]
        result = self._conn.execute(
            update(campaigns)
            .where(campaigns.c.id == campaign.id, campaigns.c.version == campaign.version - 1)
            .values(**row)
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"campaign {campaign.id} changed meanwhile; try again")

    def listing(self, limit: int) -> Sequence[Campaign]:
        query = select(campaigns).order_by(campaigns.c.created_at.desc()).limit(limit)
        return [_campaign(row) for row in self._conn.execute(query)]

    def in_states(self, states: Collection[CampaignState]) -> Sequence[str]:
        return list(
            self._conn.execute(
                select(campaigns.c.id)
                .where(campaigns.c.state.in_(sorted(s.value for s in states)))
                .order_by(campaigns.c.created_at)
            ).scalars()
        )

    # -- members -----------------------------------------------------------------------

    def add_members(self, members: Sequence[CampaignMember]) -> None:
        if members:
            self._conn.execute(insert(campaign_members), [_member_row(m) for m in members])

    def claim_members(
        self, campaign_id: str, statuses: Collection[MemberStatus], limit: int, **where: int
    ) -> Sequence[CampaignMember]:
        c = campaign_members.c
        query = select(campaign_members).where(
            c.campaign_id == campaign_id, c.status.in_(_values(statuses))
        )
        if "reminders_below" in where:
            query = query.where(c.reminders < where["reminders_below"])
        query = query.order_by(c.uid).limit(limit).with_for_update(skip_locked=True)
        return [_member(row) for row in self._conn.execute(query)]

    def members(
        self, campaign_id: str, uids: Collection[str], statuses: Collection[MemberStatus]
    ) -> Sequence[CampaignMember]:
        c = campaign_members.c
        found: list[CampaignMember] = []
        ordered = sorted(uids)
        for start in range(0, len(ordered), _IN_CHUNK):
            query = (
                select(campaign_members)
                .where(
                    c.campaign_id == campaign_id,
                    c.uid.in_(ordered[start : start + _IN_CHUNK]),
                    c.status.in_(_values(statuses)),
                )
                .order_by(c.uid)
                .with_for_update()
            )
            found += [_member(row) for row in self._conn.execute(query)]
        return found

    def member_uids(self, campaign_id: str, statuses: Collection[MemberStatus]) -> list[str]:
        c = campaign_members.c
        return list(
            self._conn.execute(
                select(c.uid)
                .where(c.campaign_id == campaign_id, c.status.in_(_values(statuses)))
                .order_by(c.uid)
            ).scalars()
        )

    def count_members(self, campaign_id: str, statuses: Collection[MemberStatus]) -> int:
        c = campaign_members.c
        return int(
            self._conn.execute(
                select(func.count()).where(
                    c.campaign_id == campaign_id, c.status.in_(_values(statuses))
                )
            ).scalar_one()
        )

    def save_member(self, member: CampaignMember) -> None:
        row = _member_row(member)
        c = campaign_members.c
        result = self._conn.execute(
            update(campaign_members)
            .where(
                c.campaign_id == member.campaign_id,
                c.uid == member.uid,
                c.version == member.version - 1,
            )
            .values(**{k: v for k, v in row.items() if k not in ("campaign_id", "uid")})
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"campaign member {member.uid} changed meanwhile")

    def awaiting_closures(
        self, campaign_id: str, limit: int
    ) -> Sequence[tuple[CampaignMember, ClosureState]]:
        c, r = campaign_members.c, closure_requests.c
        query = (
            select(campaign_members, r.state.label("closure_state"))
            .join_from(campaign_members, closure_requests, c.closure_id == r.id)
            .where(
                c.campaign_id == campaign_id,
                c.status.in_(_values(WAITING_ON_CLOSURE)),
                r.state.in_(sorted(s.value for s in TERMINAL_STATES)),
            )
            .order_by(c.uid)
            .limit(limit)
            .with_for_update(of=campaign_members, skip_locked=True)
        )
        return [
            (_member(row), ClosureState(row.closure_state)) for row in self._conn.execute(query)
        ]

    def open_closures(self, uids: Collection[str]) -> Mapping[str, str]:
        r = closure_requests.c
        found: dict[str, str] = {}
        ordered = sorted(uids)
        for start in range(0, len(ordered), _IN_CHUNK):
            rows = self._conn.execute(
                select(r.uid, r.id).where(
                    r.uid.in_(ordered[start : start + _IN_CHUNK]),
                    r.state.in_(sorted(s.value for s in OPEN_STATES)),
                )
            )
            found.update({row.uid: row.id for row in rows})
        return found

    def restricted_elsewhere(self, uid: str, campaign_id: str) -> bool:
        c = campaign_members.c
        row = self._conn.execute(
            select(c.campaign_id)
            .join_from(campaign_members, campaigns, c.campaign_id == campaigns.c.id)
            .where(
                c.uid == uid,
                c.campaign_id != campaign_id,
                c.status.in_(_values(RESTRICTED)),
                campaigns.c.state.in_(_LIVE),
            )
            .limit(1)
        ).first()
        return row is not None

    # -- figures -----------------------------------------------------------------------

    def counts(
        self, campaign_id: str
    ) -> tuple[Mapping[str, int], Mapping[str, int], Iterator[Sequence[str]]]:
        c = campaign_members.c
        mine = c.campaign_id == campaign_id
        statuses = {
            row[0]: int(row[1])
            for row in self._conn.execute(
                select(c.status, func.count()).where(mine).group_by(c.status)
            )
        }
        outcomes = {
            row[0]: int(row[1])
            for row in self._conn.execute(
                select(c.outcome, func.count())
                .where(
                    mine,
                    c.status.not_in(_values(FINAL_MEMBER_STATUSES)),
                )
                .group_by(c.outcome)
            )
        }
        blocked = self._conn.execute(
            select(c.codes).where(
                and_(
                    mine,
                    c.outcome == "block",
                    c.status.in_(_values(RESTRICTED | {MemberStatus.PLANNED})),
                )
            )
        ).scalars()
        return statuses, outcomes, (codes.split() for codes in blocked.all())

    def record_point(self, campaign_id: str, point: FunnelPoint) -> bool:
        try:
            with self._conn.begin_nested():
                self._conn.execute(
                    insert(campaign_funnel).values(
                        campaign_id=campaign_id,
                        step=point.step,
                        at=point.at,
                        figures=json.dumps(point.as_dict(), sort_keys=True),
                    )
                )
        except IntegrityError:  # another worker recorded this step first
            return False
        return True

    def funnel(self, campaign_id: str) -> Sequence[FunnelPoint]:
        f = campaign_funnel.c
        points = []
        for row in self._conn.execute(
            select(campaign_funnel).where(f.campaign_id == campaign_id).order_by(f.at, f.id)
        ):
            figures = json.loads(row.figures)
            points.append(
                FunnelPoint(
                    at=row.at,
                    step=row.step,
                    members=figures["members"],
                    eligible=figures["eligible"],
                    by_status=figures["by_status"],
                    by_code=figures["by_code"],
                )
            )
        return points


def members_with_closures(
    conn: Connection, campaign_id: str, *, status: str | None = None, after: str | None = None
) -> Iterator[tuple[CampaignMember, str | None]]:
    """Every member in UID order with the state of its closure request (for reports)."""
    c, r = campaign_members.c, closure_requests.c
    query = (
        select(campaign_members, r.state.label("closure_state"))
        .join_from(campaign_members, closure_requests, c.closure_id == r.id, isouter=True)
        .where(c.campaign_id == campaign_id)
        .order_by(c.uid)
    )
    if status is not None:
        query = query.where(c.status == status)
    if after is not None:
        query = query.where(c.uid > after)
    for row in conn.execution_options(yield_per=5_000).execute(query):
        yield _member(row), row.closure_state
