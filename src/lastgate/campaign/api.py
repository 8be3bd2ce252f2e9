"""Offboarding campaigns over HTTP, for staff: plan (the dry run), start (two compliance
officers), cancel, status, funnel, members (the support list), and the report as CSV or
HTML. Notices, reminders and the deadline are the worker's (``lastgate worker``)."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, status
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from lastgate.campaign.adapters.report import render_html, write_csv
from lastgate.campaign.adapters.sql import members_with_closures
from lastgate.campaign.model import (
    JURISDICTION_PATTERN,
    MAX_NAME,
    Campaign,
    CampaignState,
    FunnelPoint,
    MemberStatus,
)
from lastgate.campaign.service import campaigns
from lastgate.campaign.service.campaigns import Campaigns
from lastgate.kernel.errors import InvalidInput
from lastgate.platform.http.deps import Context, CurrentPrincipal
from lastgate.platform.http.errors import ErrorOut

router = APIRouter(prefix="/v1", tags=["campaigns"])

CampaignId = Annotated[str, Path(min_length=36, max_length=36)]
MAX_UIDS = 1_000_000
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut} for code in (401, 403, 404, 409, 422)
}


def get_campaigns(context: Context) -> Campaigns:
    return context.service(Campaigns)


CampaignsDep = Annotated[Campaigns, Depends(get_campaigns)]


class PlanIn(BaseModel):
    """A jurisdiction, or a list of UIDs; the deadline as an ISO 8601 time with an offset."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME)
    deadline: datetime
    jurisdiction: str | None = Field(default=None, pattern=JURISDICTION_PATTERN)
    uids: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        default=None, max_length=MAX_UIDS
    )

    @model_validator(mode="after")
    def _aware(self) -> PlanIn:
        if self.deadline.tzinfo is None:
            raise ValueError("deadline must carry a UTC offset")
        return self


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class FiguresOut(BaseModel):
    """Members per status and blocked accounts per code, at one moment."""

    step: str
    at: datetime
    members: int
    eligible: int = Field(description="Members not blocked at their latest check.")
    by_status: dict[str, int]
    by_code: dict[str, int]


class CampaignOut(BaseModel):
    id: str
    name: str
    jurisdiction: str | None
    state: CampaignState
    deadline: datetime
    planned_by: str
    created_at: datetime
    started_at: datetime | None
    started_by: str | None
    ended_at: datetime | None
    note: str
    terms: dict[str, Any]
    dry_run: dict[str, Any] = Field(
        description="accounts, passing, eligible, blocked, by_code, assets (decimal strings)"
    )
    now: FiguresOut | None = None


class StartOut(BaseModel):
    campaign: CampaignOut
    started: bool = Field(description="False: the first approval; a second officer must start it.")


class MemberOut(BaseModel):
    uid: str
    jurisdiction: str
    status: MemberStatus
    outcome: str
    blocking_codes: list[str]
    closure_id: str | None
    closure_state: str | None
    notified_at: datetime | None
    reminders: int


def _figures(point: FunnelPoint) -> FiguresOut:
    return FiguresOut(
        step=point.step,
        at=point.at,
        members=point.members,
        eligible=point.eligible,
        by_status=dict(point.by_status),
        by_code=dict(point.by_code),
    )


def _out(campaign: Campaign, now: FunnelPoint | None = None) -> CampaignOut:
    return CampaignOut(
        id=campaign.id,
        name=campaign.name,
        jurisdiction=campaign.jurisdiction,
        state=campaign.state,
        deadline=campaign.deadline,
        planned_by=campaign.planned_by,
        created_at=campaign.created_at,
        started_at=campaign.started_at,
        started_by=campaign.started_by,
        ended_at=campaign.ended_at,
        note=campaign.note,
        terms=campaign.terms.as_dict(),
        dry_run=dict(campaign.report),
        now=_figures(now) if now else None,
    )


@router.post("/campaigns", status_code=status.HTTP_201_CREATED, responses=_ERRORS)
def plan(body: PlanIn, cs: CampaignsDep, principal: CurrentPrincipal) -> CampaignOut:
    """Compliance: the dry run. Sweeps the jurisdiction (or the UIDs) set-based and stores
    the plan; nothing is sent or restricted. 422 UNKNOWN_JURISDICTION, UNKNOWN_ACCOUNTS,
    EMPTY_CAMPAIGN, DEADLINE_IN_PAST, NOTICE_TOO_SHORT."""
    return _out(
        campaigns.plan(
            cs,
            principal,
            name=body.name,
            deadline=body.deadline,
            jurisdiction=body.jurisdiction,
            uids=body.uids,
        )
    )


@router.get("/campaigns", responses=_ERRORS)
def listing(cs: CampaignsDep, principal: CurrentPrincipal) -> list[CampaignOut]:
    """Staff: campaigns, newest first."""
    return [_out(c) for c in campaigns.listing(cs, principal)]


@router.get("/campaigns/{campaign_id}", responses=_ERRORS)
def read(campaign_id: CampaignId, cs: CampaignsDep, principal: CurrentPrincipal) -> CampaignOut:
    """Staff: the campaign with its figures now."""
    found, now = campaigns.get(cs, principal, campaign_id)
    return _out(found, now)


@router.post("/campaigns/{campaign_id}/start", responses=_ERRORS)
def start(campaign_id: CampaignId, cs: CampaignsDep, principal: CurrentPrincipal) -> StartOut:
    """Compliance: approve the start. The second, different officer's approval starts it
    (403 SECOND_APPROVER_REQUIRED for the same one twice; 409 CAMPAIGN_ALREADY_STARTED);
    the worker then sends the notices and makes the accounts withdraw-only."""
    found, started = campaigns.start(cs, principal, campaign_id)
    return StartOut(campaign=_out(found), started=started)


@router.post("/campaigns/{campaign_id}/cancel", responses=_ERRORS)
def cancel(
    campaign_id: CampaignId, body: ReasonIn, cs: CampaignsDep, principal: CurrentPrincipal
) -> CampaignOut:
    """Compliance: cancel before the deadline; the worker lifts the restrictions and tells
    the customers (409 ILLEGAL_TRANSITION after the deadline)."""
    return _out(campaigns.cancel(cs, principal, campaign_id, body.reason))


@router.get("/campaigns/{campaign_id}/funnel", responses=_ERRORS)
def funnel(
    campaign_id: CampaignId, cs: CampaignsDep, principal: CurrentPrincipal
) -> list[FiguresOut]:
    """Staff: the figures recorded at each step (planned, announced, reminders, deadline,
    re-checks, end)."""
    return [_figures(p) for p in campaigns.funnel(cs, principal, campaign_id)]


@router.get("/campaigns/{campaign_id}/members", responses=_ERRORS)
def members(
    campaign_id: CampaignId,
    cs: CampaignsDep,
    context: Context,
    principal: CurrentPrincipal,
    member_status: Annotated[MemberStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    after: Annotated[str | None, Query(max_length=64, description="Last UID seen.")] = None,
) -> list[MemberOut]:
    """Staff: members in UID order (``?status=support`` is the support list), paged with
    ``after``."""
    campaigns.get(cs, principal, campaign_id)
    found: list[MemberOut] = []
    with context.engine.connect() as conn:
        status_value = member_status.value if member_status else None
        rows = members_with_closures(conn, campaign_id, status=status_value, after=after)
        for member, state in rows:
            found.append(
                MemberOut(
                    uid=member.uid,
                    jurisdiction=member.jurisdiction,
                    status=member.status,
                    outcome=member.outcome,
                    blocking_codes=list(member.codes) if member.outcome == "block" else [],
                    closure_id=member.closure_id,
                    closure_state=state,
                    notified_at=member.notified_at,
                    reminders=member.reminders,
                )
            )
            if len(found) >= limit:
                break
    return found


@router.get("/campaigns/{campaign_id}/report", responses=_ERRORS)
def report(
    campaign_id: CampaignId,
    cs: CampaignsDep,
    context: Context,
    principal: CurrentPrincipal,
    format: Annotated[str, Query(pattern="^(html|csv)$")] = "html",
) -> Response:
    """Staff: the report, a self-contained HTML page with charts, or CSV (one row per
    member)."""
    campaigns.get(cs, principal, campaign_id)
    if format == "csv":
        out = io.StringIO()
        write_csv(context.engine, campaign_id, out)
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="campaign-{campaign_id}.csv"',
                "Cache-Control": "no-store",
            },
        )
    if format != "html":  # pragma: no cover - the pattern refuses it first
        raise InvalidInput("format is html or csv")
    page = render_html(context.engine, campaign_id, context.clock())
    return HTMLResponse(
        page,
        headers={
            "Cache-Control": "no-store",
            # Inline styles only: nothing is fetched, no script runs.
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )
