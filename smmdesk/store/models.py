"""The ORM models: what SMM Desk remembers.

The schema itself is owned by the Alembic migrations in ``migrations/``; these
classes map onto it and a test checks the two agree. Times are stored as UTC
(``UTCDateTime``); statuses and kinds as the string values in
``smmdesk.core.vocabulary``. An account row holds only the *key* under which
the vault keeps its secret, never the secret.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored naive in UTC.

    SQLite has no time zones; storing naive UTC keeps ORDER BY and range
    queries correct, and converting on the way in means a local time can never
    slip into the database unconverted.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    colour: Mapped[str] = mapped_column(String(9), default="#3d7eff")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    country: Mapped[str] = mapped_column(String(2), default="")
    # Working hours as minutes after midnight in the client's zone; days as
    # "0,1,2,3,4" with Monday = 0. The reply clock only runs inside them.
    work_start_minute: Mapped[int] = mapped_column(Integer, default=9 * 60)
    work_end_minute: Mapped[int] = mapped_column(Integer, default=18 * 60)
    work_days: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")
    reply_target_hours: Mapped[float] = mapped_column(Float, default=6.0)
    max_posts_per_day: Mapped[int] = mapped_column(Integer, default=3)
    min_gap_minutes: Mapped[int] = mapped_column(Integer, default=120)
    link_policy: Mapped[str] = mapped_column(String(20), default="free")
    notes: Mapped[str] = mapped_column(Text, default="")
    # JSON: {"0": "Motivation Monday", ...} with Monday = 0.
    weekday_themes: Mapped[str] = mapped_column(Text, default="{}")
    # JSON: {"photo": 30, "question": 20, ...}, shares in percent.
    target_mix: Mapped[str] = mapped_column(Text, default="{}")
    # JSON list of the content types offered for this client; "[]" = all.
    content_types: Mapped[str] = mapped_column(Text, default="[]")
    # A post that fell due while the app was closed goes out at start only if
    # it is less late than this; otherwise the user decides.
    grace_minutes: Mapped[int] = mapped_column(Integer, default=120)
    # The client's own classification rules (JSON, see core.triage); "" = defaults.
    triage_rules: Mapped[str] = mapped_column(Text, default="")
    # Words a reply to a complaint should not use, one per line (tone check).
    flagged_words: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    accounts: Mapped[list[Account]] = relationship(back_populates="client")


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    remote_id: Mapped[str] = mapped_column(String(200), default="")
    instance_url: Mapped[str] = mapped_column(String(300), default="")
    vault_key: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="ok")
    status_message: Mapped[str] = mapped_column(Text, default="")
    inbox_cursor: Mapped[str | None] = mapped_column(Text, nullable=True)
    # JSON object of the connector's non-secret facts (AccountIdentity.settings).
    settings_json: Mapped[str] = mapped_column(Text, default="{}")
    # A rate limit named by the network: no request for this account before then.
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    client: Mapped[Client] = relationship(back_populates="accounts")


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (Index("ix_posts_scheduled_at", "scheduled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    content_type: Mapped[str] = mapped_column(String(20), default="text")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # A testimonial is published only with the customer's permission: who, when.
    testimonial_by: Mapped[str] = mapped_column(String(200), default="")
    testimonial_permission_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Why an external link is in the post, where the client's policy asks.
    link_justification: Mapped[str] = mapped_column(Text, default="")
    # A contest's rules, kept with the post that runs it (SMM-PRACTICE rule 5).
    contest_rules: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    targets: Mapped[list[PostTarget]] = relationship(
        back_populates="post", cascade="all, delete-orphan"
    )
    media: Mapped[list[PostMedia]] = relationship(
        cascade="all, delete-orphan", order_by="PostMedia.position"
    )


class PostVersion(Base):
    """Earlier texts of a post, kept so any of them can be restored."""

    __tablename__ = "post_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewDecision(Base):
    """A client's decision on a post from a review pack, with who and when."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(20))  # "approved" | "changes_requested"
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HashtagGroup(Base):
    __tablename__ = "hashtag_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    tags: Mapped[str] = mapped_column(Text, default="")  # "#coffee #riga"


class TextSnippet(Base):
    __tablename__ = "text_snippets"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")


class PostTarget(Base):
    """One post on one account, with its own variant text and outcome."""

    __tablename__ = "post_targets"
    __table_args__ = (UniqueConstraint("post_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    variant_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    remote_id: Mapped[str] = mapped_column(String(200), default="")
    remote_url: Mapped[str] = mapped_column(String(500), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Sent with the publish request where the network supports it, and used to
    # look for an already-published post after a crash.
    idempotency_key: Mapped[str] = mapped_column(String(64), default="")
    # Failed tries that may be retried, and when the next one is due.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # True: hand the post to the network's scheduler instead of publishing it
    # from this laptop; ``scheduled_remote_id`` is then the network's id for it.
    handoff: Mapped[bool] = mapped_column(Boolean, default=False)
    scheduled_remote_id: Mapped[str] = mapped_column(String(200), default="")

    post: Mapped[Post] = relationship(back_populates="targets")
    account: Mapped[Account] = relationship()


class PublishAttempt(Base):
    """A row committed as ``sending`` before each publish request (invariant 2)."""

    __tablename__ = "publish_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(
        ForeignKey("post_targets.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(20), default="sending")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")


class Media(Base):
    """An image stored once in the profile's media folder, by content hash."""

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    relative_path: Mapped[str] = mapped_column(String(300))
    mime_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer, default=0)
    height: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PostMedia(Base):
    __tablename__ = "post_media"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    item: Mapped[Media] = relationship()


class InboxItem(Base):
    __tablename__ = "inbox_items"
    __table_args__ = (
        UniqueConstraint("account_id", "remote_id"),
        Index("ix_inbox_items_created_at", "created_at"),
        Index("ix_inbox_items_status_created", "status", "created_at"),
        Index("ix_inbox_items_kind_created", "kind", "created_at"),
        Index("ix_inbox_items_category_created", "category", "created_at"),
        Index("ix_inbox_items_account_created", "account_id", "created_at"),
        Index("ix_inbox_items_status_due", "status", "due_at"),
        Index("ix_inbox_items_filter", "account_id", "status", "kind", "category", "due_at"),
        Index("ix_inbox_items_author", "account_id", "author_id"),
        Index("ix_inbox_items_post", "account_id", "post_remote_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    remote_id: Mapped[str] = mapped_column(String(200))
    post_remote_id: Mapped[str] = mapped_column(String(200), default="")
    parent_remote_id: Mapped[str] = mapped_column(String(200), default="")
    author_id: Mapped[str] = mapped_column(String(200), default="")
    author_name: Mapped[str] = mapped_column(String(200), default="")
    author_handle: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    category: Mapped[str] = mapped_column(String(20), default="unsorted")
    status: Mapped[str] = mapped_column(String(20), default="new")
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The response clock's deadline (client's working hours); None = no answer due.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # "manual" once the manager corrected the category: never re-classified.
    category_source: Mapped[str] = mapped_column(String(10), default="auto")
    language: Mapped[str] = mapped_column(String(8), default="")
    escalation_note: Mapped[str] = mapped_column(Text, default="")
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Removed on the network: the local copy stays (invariant 4), marked.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    overdue_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The network takes an answer only until then (Facebook's 24-hour window).
    reply_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    account: Mapped[Account] = relationship()


class InboxEvent(Base):
    """One line of an inbox item's history in the app (received, replied, ...)."""

    __tablename__ = "inbox_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inbox_items.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")


class ContestDraw(Base):
    """A winner draw, stored with its seed and entrants so it can be repeated."""

    __tablename__ = "contest_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    keyword: Mapped[str] = mapped_column(String(200), default="")
    winners_count: Mapped[int] = mapped_column(Integer)
    one_per_person: Mapped[bool] = mapped_column(Boolean, default=True)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    seed: Mapped[str] = mapped_column(String(40))
    entrants_json: Mapped[str] = mapped_column(Text)
    winners_json: Mapped[str] = mapped_column(Text)
    rules: Mapped[str] = mapped_column(Text, default="")


class Reply(Base):
    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inbox_items.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    remote_id: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SavedReply(Base):
    __tablename__ = "saved_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), nullable=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20), default="other")


class IdeaSource(Base):
    __tablename__ = "idea_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    failures: Mapped[int] = mapped_column(Integer, default=0)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    etag: Mapped[str] = mapped_column(String(200), default="")
    modified: Mapped[str] = mapped_column(String(100), default="")


class Idea(Base):
    __tablename__ = "ideas"
    __table_args__ = (UniqueConstraint("source_id", "entry_id", name="uq_ideas_source_entry"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("idea_sources.id"), nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    # The feed entry's id (guid) so that a re-read feed adds nothing twice.
    entry_id: Mapped[str] = mapped_column(String(500), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), nullable=True)


class AccountMetric(Base):
    __tablename__ = "account_metrics"
    __table_args__ = (Index("ix_account_metrics_account_time", "account_id", "measured_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # NULL = the network does not give this number ("not available", never 0).
    followers: Mapped[int | None] = mapped_column(Integer, nullable=True)
    following: Mapped[int | None] = mapped_column(Integer, nullable=True)
    posts: Mapped[int | None] = mapped_column(Integer, nullable=True)


class PostMetric(Base):
    __tablename__ = "post_metrics"
    __table_args__ = (Index("ix_post_metrics_target_time", "target_id", "measured_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("post_targets.id", ondelete="CASCADE"))
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # NULL = the network does not report this count (Telegram has no reposts).
    likes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reposts: Mapped[int | None] = mapped_column(Integer, nullable=True)
    replies: Mapped[int | None] = mapped_column(Integer, nullable=True)
    views: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Competitor(Base):
    """A public account of another brand whose growth is shown beside the client's."""

    __tablename__ = "competitors"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class CompetitorMetric(Base):
    __tablename__ = "competitor_metrics"
    __table_args__ = (
        Index("ix_competitor_metrics_competitor_time", "competitor_id", "measured_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competitor_id: Mapped[int] = mapped_column(ForeignKey("competitors.id", ondelete="CASCADE"))
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    followers: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AccountGoal(Base):
    """A follower goal for one account: e.g. 5,000 by 2026-12-31 (a local date)."""

    __tablename__ = "account_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    target_followers: Mapped[int] = mapped_column(Integer)
    by_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportNote(Base):
    """The manager's words for a client's report over one period (local dates)."""

    __tablename__ = "report_notes"
    __table_args__ = (UniqueConstraint("client_id", "period_start", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
