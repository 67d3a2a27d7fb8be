"""Inbox search: an FTS5 index over inbox text and author, and list indexes.

The FTS table is external-content (it stores no copy of the text) and is
kept up to date by ``smmdesk.store.inbox_search`` in batches after each sync,
not by triggers: a trigger-maintained index slows bulk inserts about 15x.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_items", schema=None) as batch_op:
        batch_op.create_index("ix_inbox_items_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_inbox_items_status", ["status"], unique=False)
    op.execute(
        "CREATE VIRTUAL TABLE inbox_fts USING fts5("
        "body, author_name, content='inbox_items', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    # Index what a database of the first schema already holds.
    op.execute(
        "INSERT INTO inbox_fts(rowid, body, author_name) "
        "SELECT id, body, author_name FROM inbox_items"
    )


def downgrade() -> None:
    raise RuntimeError("SMM Desk migrations go one way; restore the backup instead")
