"""Publishing to real networks: connector settings and rate-limit pauses per
account, a grace period per client, retry bookkeeping and network hand-off
per post target.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(
            sa.Column("grace_minutes", sa.Integer(), nullable=False, server_default="120")
        )
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("settings_json", sa.Text(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("paused_until", sa.DateTime(), nullable=True))
    with op.batch_alter_table("inbox_items") as batch:
        batch.add_column(
            sa.Column("author_handle", sa.String(length=200), nullable=False, server_default="")
        )
    with op.batch_alter_table("post_targets") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("retry_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("handoff", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column(
                "scheduled_remote_id", sa.String(length=200), nullable=False, server_default=""
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("inbox_items") as batch:
        batch.drop_column("author_handle")
    with op.batch_alter_table("post_targets") as batch:
        batch.drop_column("scheduled_remote_id")
        batch.drop_column("handoff")
        batch.drop_column("retry_at")
        batch.drop_column("attempts")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("paused_until")
        batch.drop_column("settings_json")
    with op.batch_alter_table("clients") as batch:
        batch.drop_column("grace_minutes")
