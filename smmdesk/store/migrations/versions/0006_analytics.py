"""Analytics: competitors and their followers, follower goals, report notes,
and metric counts that may be "not available".

A network that does not give a number (Telegram has no reposts, no
"following") must be stored as NULL, not 0: a zero in a client's report is
read as "nobody shared it". Existing rows keep their values; batch mode
copies the tables with the columns made nullable.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account_metrics") as batch:
        for column in ("followers", "following", "posts"):
            batch.alter_column(column, existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("post_metrics") as batch:
        for column in ("likes", "reposts", "replies"):
            batch.alter_column(column, existing_type=sa.Integer(), nullable=True)
    op.create_table(
        "competitors",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id"), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("handle", sa.String(200), nullable=False),
        sa.Column("label", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_competitors_client_id", "competitors", ["client_id"])
    op.create_table(
        "competitor_metrics",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "competitor_id",
            sa.Integer(),
            sa.ForeignKey("competitors.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("measured_at", sa.DateTime(), nullable=False),
        sa.Column("followers", sa.Integer(), nullable=True),
    )
    op.create_index(
        "ix_competitor_metrics_competitor_time",
        "competitor_metrics",
        ["competitor_id", "measured_at"],
    )
    op.create_table(
        "account_goals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "account_id", sa.Integer(), sa.ForeignKey("accounts.id"), nullable=False, unique=True
        ),
        sa.Column("target_followers", sa.Integer(), nullable=False),
        sa.Column("by_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "report_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("clients.id"), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("client_id", "period_start", "period_end"),
    )
    op.create_index("ix_report_notes_client_id", "report_notes", ["client_id"])


def downgrade() -> None:
    raise RuntimeError("SMM Desk migrations go one way; restore the backup instead")
