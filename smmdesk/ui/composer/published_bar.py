"""The composer's bar for a post that has (partly) gone out, or failed to.

A published post is read-only in the composer, because its text is on the
networks; changing it is an explicit act here ("Edit on networks…") that
goes to every network that can edit, and names the ones that cannot.
Deleting asks first and removes the post from the networks before the app.
A failed or missed post gets "Retry" and, where the engine could not tell
whether it went out, "It is published" so the user's own look settles it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from smmdesk.core.vocabulary import TargetStatus
from smmdesk.store.database import Store
from smmdesk.store.models import Post
from smmdesk.store.posts import TargetOutcome, edit_published_text
from smmdesk.sync.jobs import JobFailure
from smmdesk.sync.publish_outcomes import mark_published_by_user, retry_target
from smmdesk.sync.published_post_jobs import RemoteChangeResult


class PublishedBar(QWidget):
    changed = Signal()  # the post changed here: reload it
    deleted = Signal()  # the post is gone from the networks and the app

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.coordinator = None  # set by the main window once the engine runs
        self.post_id: int | None = None
        self.outcomes: dict[int, TargetOutcome] = {}
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # network words are untrusted
        self.edit_button = QPushButton("Edit on networks…")
        self.edit_button.clicked.connect(self.edit_on_networks)
        self.delete_button = QPushButton("Delete from networks…")
        self.delete_button.clicked.connect(self.delete_from_networks)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setToolTip("Put the failed or missed accounts back in line")
        self.retry_button.clicked.connect(lambda: self.retry(checked_by_user=True))
        self.mark_button = QPushButton("It is published")
        self.mark_button.setToolTip(
            "You found the post on the network: record it, and never send it again"
        )
        self.mark_button.clicked.connect(self.mark_published)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message, 1)
        for button in (self.retry_button, self.mark_button, self.edit_button, self.delete_button):
            layout.addWidget(button)
        self.hide()

    def show_post(self, post_id: int, outcomes: dict[int, TargetOutcome]) -> None:
        self.post_id, self.outcomes = post_id, outcomes
        statuses = {o.status for o in outcomes.values()}
        published = TargetStatus.PUBLISHED in statuses
        failed = bool(statuses & {TargetStatus.FAILED, TargetStatus.MISSED})
        self.edit_button.setVisible(published)
        self.delete_button.setVisible(published)
        self.retry_button.setVisible(failed)
        self.mark_button.setVisible(failed)
        if published and failed:
            self.message.setText("Published on some accounts; failed on others (see below).")
        elif published:
            self.message.setText("Published. Its text here is read-only: it is on the networks.")
        elif failed:
            reasons = [o.error for o in outcomes.values() if o.error and o.status != "published"]
            why = f": {reasons[0].rstrip('.')}." if reasons else "."
            self.message.setText(f"Not published{why} Fix it if needed, then Retry.")
        self.setVisible(published or failed)

    # --- actions -------------------------------------------------------------------

    def edit_on_networks(self) -> None:
        if self.post_id is None or self.coordinator is None:
            return
        with self.store.session() as session:
            post = session.get(Post, self.post_id)
            current = post.body if post is not None else ""
        text, ok = QInputDialog.getMultiLineText(
            self, "Edit on networks", "New text (sent to every network that allows edits):", current
        )
        if not ok or text == current:
            return
        with self.store.transaction() as session:
            edit_published_text(session, self.post_id, text)
        self.message.setText("Sending the new text…")
        self.coordinator.edit_published(self.post_id, self._remote_done("updated"))
        self.changed.emit()

    def delete_from_networks(self) -> None:
        if self.post_id is None or self.coordinator is None:
            return
        answer = QMessageBox.question(
            self,
            "Delete from networks",
            "Delete this post from every network it was published on, and from SMM Desk?\n"
            "Comments under it disappear with it on most networks.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.message.setText("Deleting…")
        self.coordinator.delete_published(self.post_id, self._remote_done("deleted"))

    def _remote_done(self, verb: str):  # type: ignore[no-untyped-def]
        def done(result: RemoteChangeResult | None, failure: JobFailure | None) -> None:
            if failure is not None:
                self.message.setText(f"Nothing was {verb}: {failure.message}")
                return
            assert result is not None
            parts = []
            if result.done:
                parts.append(f"{verb.capitalize()} on {', '.join(result.done)}.")
            if result.refused:
                parts.append("Not possible on " + "; ".join(result.refused))
            self.message.setText(" ".join(parts) or "No published copy to change.")
            if result.post_deleted:
                self.deleted.emit()

        return done

    def retry(self, checked_by_user: bool) -> None:
        if self.post_id is None:
            return
        with self.store.transaction() as session:
            for outcome in self.outcomes.values():
                if outcome.status in (TargetStatus.FAILED, TargetStatus.MISSED):
                    target_id = _target_id(session, self.post_id, outcome.account_id)
                    retry_target(session, target_id, checked_by_user=checked_by_user)
        if self.coordinator is not None:
            self.coordinator.publish_due()
        self.changed.emit()

    def mark_published(self) -> None:
        if self.post_id is None:
            return
        url, ok = QInputDialog.getText(
            self,
            "It is published",
            "Link to the post on the network (optional):",
            QLineEdit.EchoMode.Normal,
        )
        if not ok:
            return
        with self.store.transaction() as session:
            for outcome in self.outcomes.values():
                if outcome.status in (TargetStatus.FAILED, TargetStatus.MISSED):
                    target_id = _target_id(session, self.post_id, outcome.account_id)
                    mark_published_by_user(session, target_id, url.strip())
        self.changed.emit()


def _target_id(session, post_id: int, account_id: int) -> int:  # type: ignore[no-untyped-def]
    post = session.get(Post, post_id)
    assert post is not None
    return next(t.id for t in post.targets if t.account_id == account_id)
