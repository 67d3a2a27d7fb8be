"""Planning: post versions, review decisions, hashtag groups and snippets,
weekday themes and target mix per client, testimonial permission and link
justification per post, and feed bookkeeping for ideas.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "post_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_post_versions_post_id", "post_versions", ["post_id"])
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_decisions_post_id", "review_decisions", ["post_id"])
    for table, column in (("hashtag_groups", "tags"), ("text_snippets", "body")):
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("client_id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(length=100), nullable=False),
            sa.Column(column, sa.Text(), nullable=False),
            sa.ForeignKeyConstraint(["client_id"], ["clients.id"]),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(f"ix_{table}_client_id", table, ["client_id"])

    with op.batch_alter_table("clients") as batch_op:
        batch_op.add_column(
            sa.Column("weekday_themes", sa.Text(), nullable=False, server_default="{}")
        )
        batch_op.add_column(sa.Column("target_mix", sa.Text(), nullable=False, server_default="{}"))
        batch_op.add_column(
            sa.Column("content_types", sa.Text(), nullable=False, server_default="[]")
        )
    with op.batch_alter_table("posts") as batch_op:
        batch_op.add_column(
            sa.Column("testimonial_by", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("testimonial_permission_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("link_justification", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("idea_sources") as batch_op:
        batch_op.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("next_poll_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("etag", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("modified", sa.String(length=100), nullable=False, server_default="")
        )
    with op.batch_alter_table("ideas") as batch_op:
        batch_op.add_column(
            sa.Column("entry_id", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("published_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("dismissed_at", sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint("uq_ideas_source_entry", ["source_id", "entry_id"])


def downgrade() -> None:
    raise RuntimeError("SMM Desk migrations go one way; restore the backup instead")
