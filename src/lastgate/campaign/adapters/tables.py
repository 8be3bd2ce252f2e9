"""Tables of offboarding campaigns: the campaign, its members, and its funnel over time.

Members are named by ``uid``, as in the workflow tables; a member's row is the record of
why the platform closed (or tried to close) the account, kept with the UID only.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from lastgate.platform.db.metadata import Id, metadata
from lastgate.platform.db.types import UTCDateTime

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("jurisdiction", String(8)),
    Column("state", String(16), nullable=False),
    Column("deadline", UTCDateTime(), nullable=False),
    Column("terms", Text, nullable=False),  # JSON: the policy's figures at planning
    Column("report", Text, nullable=False),  # JSON: the dry run's figures
    Column("planned_by", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("started_at", UTCDateTime()),
    Column("started_by", String(64)),
    Column("reminders_sent", Integer, nullable=False),
    Column("next_check_at", UTCDateTime()),
    Column("ended_at", UTCDateTime()),
    Column("note", Text, nullable=False),
    Index("ix_campaigns_state", "state"),
)

campaign_members = Table(
    "campaign_members",
    metadata,
    Column("campaign_id", String(36), ForeignKey("campaigns.id"), primary_key=True),
    Column("uid", String(64), primary_key=True),
    Column("jurisdiction", String(8), nullable=False),
    Column("status", String(24), nullable=False),
    Column("outcome", String(8), nullable=False),
    Column("codes", Text, nullable=False),  # failing check codes, space-separated
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("notified_at", UTCDateTime()),
    Column("reminders", Integer, nullable=False),
    Column("closure_id", String(36)),
    Index("ix_campaign_members_status", "campaign_id", "status"),
    Index("ix_campaign_members_uid", "uid"),
)

#: One row per step of the campaign (planned, announced, each reminder, the deadline,
#: each re-check, the end): the figures its report charts over time.
campaign_funnel = Table(
    "campaign_funnel",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("campaign_id", String(36), ForeignKey("campaigns.id"), nullable=False),
    Column("step", String(48), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("figures", Text, nullable=False),  # JSON: FunnelPoint.as_dict()
    UniqueConstraint("campaign_id", "step", name="uq_campaign_funnel_step"),
)
