"""The unified inbox: the response clock, triage, escalation, hiding, remote
edits and removals, the item's history, and contest draws.

The full-text index is rebuilt to cover the author's handle as well.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("triage_rules", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("flagged_words", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("contest_rules", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("inbox_items") as batch:
        batch.add_column(sa.Column("due_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("category_source", sa.String(10), nullable=False, server_default="auto")
        )
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default=""))
        batch.add_column(sa.Column("escalation_note", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("escalated_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("hidden_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("edited_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("overdue_notified_at", sa.DateTime(), nullable=True))
        # The list is newest first under any one filter, and counted under
        # several: one ordered index per filter, and one covering index that
        # answers every count without reading a row (see store/inbox_queries).
        batch.drop_index("ix_inbox_items_status")
        batch.create_index("ix_inbox_items_status_created", ["status", "created_at"])
        batch.create_index("ix_inbox_items_kind_created", ["kind", "created_at"])
        batch.create_index("ix_inbox_items_category_created", ["category", "created_at"])
        batch.create_index("ix_inbox_items_account_created", ["account_id", "created_at"])
        batch.create_index("ix_inbox_items_status_due", ["status", "due_at"])
        batch.create_index(
            "ix_inbox_items_filter", ["account_id", "status", "kind", "category", "due_at"]
        )
        batch.create_index("ix_inbox_items_author", ["account_id", "author_id"])
        batch.create_index("ix_inbox_items_post", ["account_id", "post_remote_id"])
    op.create_table(
        "inbox_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("inbox_items.id"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_inbox_events_item_id", "inbox_events", ["item_id"])
    op.create_table(
        "contest_draws",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("post_id", sa.Integer(), sa.ForeignKey("posts.id"), nullable=False),
        sa.Column("drawn_at", sa.DateTime(), nullable=False),
        sa.Column("keyword", sa.String(200), nullable=False, server_default=""),
        sa.Column("winners_count", sa.Integer(), nullable=False),
        sa.Column("one_per_person", sa.Boolean(), nullable=False),
        sa.Column("closes_at", sa.DateTime(), nullable=True),
        sa.Column("seed", sa.String(40), nullable=False),
        sa.Column("entrants_json", sa.Text(), nullable=False),
        sa.Column("winners_json", sa.Text(), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_contest_draws_post_id", "contest_draws", ["post_id"])
    op.execute("DROP TABLE inbox_fts")
    op.execute(
        "CREATE VIRTUAL TABLE inbox_fts USING fts5("
        "body, author_name, author_handle, content='inbox_items', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "INSERT INTO inbox_fts(rowid, body, author_name, author_handle) "
        "SELECT id, body, author_name, author_handle FROM inbox_items"
    )
    # The planner needs statistics to prefer the covering index for counts.
    op.execute("ANALYZE")


def downgrade() -> None:
    raise RuntimeError("SMM Desk migrations go one way; restore the backup instead")
