"""campaigns: forced offboarding campaigns, their members and funnel; withdraw-only

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 13:00:00

An offboarding campaign (the platform leaves a market): the campaign, one row per
account in it, and its funnel over time. The reference ledger's customers gain the
withdraw-only restriction; closure requests say who asked for them (``origin``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lastgate.platform.db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _at(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, lastgate.platform.db.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.add_column(
        "customers",
        sa.Column("withdraw_only", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "closure_requests",
        sa.Column(
            "origin", sa.String(length=16), nullable=False, server_default=sa.text("'customer'")
        ),
    )
    op.add_column("closure_requests", sa.Column("initiated_by", sa.String(length=80)))
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("jurisdiction", sa.String(length=8), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        _at("deadline", False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("planned_by", sa.String(length=64), nullable=False),
        _at("created_at", False),
        _at("updated_at", False),
        sa.Column("version", sa.Integer(), nullable=False),
        _at("started_at"),
        sa.Column("started_by", sa.String(length=64), nullable=True),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        _at("next_check_at"),
        _at("ended_at"),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    op.create_index("ix_campaigns_state", "campaigns", ["state"])
    op.create_table(
        "campaign_members",
        sa.Column("campaign_id", sa.String(length=36), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("jurisdiction", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("codes", sa.Text(), nullable=False),
        _at("updated_at", False),
        sa.Column("version", sa.Integer(), nullable=False),
        _at("notified_at"),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("closure_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_members_campaign_id_campaigns"),
        ),
        sa.PrimaryKeyConstraint("campaign_id", "uid", name=op.f("pk_campaign_members")),
    )
    op.create_index("ix_campaign_members_status", "campaign_members", ["campaign_id", "status"])
    op.create_index("ix_campaign_members_uid", "campaign_members", ["uid"])
    op.create_table(
        "campaign_funnel",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("campaign_id", sa.String(length=36), nullable=False),
        sa.Column("step", sa.String(length=48), nullable=False),
        _at("at", False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_funnel_campaign_id_campaigns"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_funnel")),
        sa.UniqueConstraint("campaign_id", "step", name="uq_campaign_funnel_step"),
    )


def downgrade() -> None:
    op.drop_table("campaign_funnel")
    op.drop_index("ix_campaign_members_uid", table_name="campaign_members")
    op.drop_index("ix_campaign_members_status", table_name="campaign_members")
    op.drop_table("campaign_members")
    op.drop_index("ix_campaigns_state", table_name="campaigns")
    op.drop_table("campaigns")
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch rebuild of
    # ``customers`` on SQLite would cascade deletes into every ledger table.
    op.drop_column("closure_requests", "initiated_by")
    op.drop_column("closure_requests", "origin")
    op.drop_column("customers", "withdraw_only")
