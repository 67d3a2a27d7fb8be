"""Inbox items carry the network's reply window (Facebook Page messages).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_items") as batch:
        batch.add_column(sa.Column("reply_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    raise RuntimeError("SMM Desk migrations go one way; restore the backup instead")
