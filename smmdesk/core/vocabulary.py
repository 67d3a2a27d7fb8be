"""The named states and categories the whole app shares.

They are stored in the database as their string values, so a value here is
never renamed, only added.
"""

from __future__ import annotations

import enum


class PostStatus(enum.StrEnum):
    IDEA = "idea"
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class TargetStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # committed before the publish request: see DESIGN invariant 2
    PUBLISHED = "published"
    FAILED = "failed"
    # Handed to the network's own scheduler; it publishes without this laptop.
    SCHEDULED_REMOTE = "scheduled_remote"
    # Fell due while the app was closed and is later than the client's grace
    # period: waits for the user to publish it now, move it, or drop it.
    MISSED = "missed"

    @property
    def label(self) -> str:
        return {
            "scheduled_remote": "Scheduled on the network",
            "missed": "Missed its time",
        }.get(self.value, self.value.capitalize())


class ContentType(enum.StrEnum):
    PHOTO = "photo"
    VIDEO = "video"
    TEXT = "text"
    QUESTION = "question"
    LINK = "link"
    TESTIMONIAL = "testimonial"
    FAQ = "faq"
    NEWS = "news"
    PROMOTION = "promotion"
    EVENT = "event"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"faq": "FAQ", "promotion": "Promotion / discount"}.get(
            self.value, self.value.capitalize()
        )


class AccountStatus(enum.StrEnum):
    OK = "ok"
    NEEDS_REAUTH = "needs_reauth"
    ERROR = "error"


class InboxKind(enum.StrEnum):
    COMMENT = "comment"
    REPLY = "reply"
    MENTION = "mention"
    DIRECT_MESSAGE = "direct_message"

    @property
    def label(self) -> str:
        return "Message" if self is InboxKind.DIRECT_MESSAGE else self.value.capitalize()


class InboxStatus(enum.StrEnum):
    NEW = "new"
    REPLIED = "replied"
    DONE = "done"
    ESCALATED = "escalated"


class InboxCategory(enum.StrEnum):
    UNSORTED = "unsorted"
    QUESTION = "question"
    COMPLAINT = "complaint"
    PRAISE = "praise"
    SPAM = "spam"
    OTHER = "other"


class ReplyStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
