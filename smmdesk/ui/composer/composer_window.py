"""The composer: write once, pick the client's accounts, adapt per network.

One window edits one post at a time; opening another post saves the current
one first. Saving is automatic (``AutoSaver``): at most about a second after
a change, and on switching posts, closing the window or quitting, so a killed
process loses at most the last second of typing (DESIGN invariant 3).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.clock import local_to_utc, to_local
from smmdesk.core.vocabulary import ContentType, PostStatus, TargetStatus
from smmdesk.store.database import Store
from smmdesk.store.posts import (
    ClientContext,
    PostDraft,
    client_context,
    load_post,
    save_post,
    target_outcomes,
)
from smmdesk.store.queries import StoreReader
from smmdesk.ui.composer.checks import ComposerChecks
from smmdesk.ui.composer.media_strip import MediaStrip
from smmdesk.ui.composer.post_text import PostTextTabs
from smmdesk.ui.composer.published_bar import PublishedBar
from smmdesk.ui.composer.targets_panel import TargetsPanel
from smmdesk.ui.theme import app_icon

EDITABLE_STATUSES = (
    PostStatus.IDEA,
    PostStatus.DRAFT,
    PostStatus.IN_REVIEW,
    PostStatus.APPROVED,
    PostStatus.SCHEDULED,
)


class AutoSaver:
    """Save at most ``delay_ms`` after the first unsaved change (a throttle).

    A debounce alone would never save while someone types without pausing;
    the throttle bounds what a crash can lose to about one second.
    """

    def __init__(self, save, delay_ms: int = 1000) -> None:  # type: ignore[no-untyped-def]
        self._save = save
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        self.dirty = False

    def touch(self) -> None:
        self.dirty = True
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        self._timer.stop()
        if self.dirty:
            self.dirty = False
            self._save()


class ComposerWindow(QWidget):
    saved = Signal(int)  # post id

    def __init__(self, store: Store, reader: StoreReader, media_dir, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent, Qt.WindowType.Window)
        self.store, self.reader, self.media_dir = store, reader, media_dir
        self.setWindowIcon(app_icon())
        self.resize(980, 760)
        self.post_id: int | None = None
        self.client: ClientContext | None = None
        self.status: str = PostStatus.DRAFT
        self._loading = False
        self.autosave = AutoSaver(self.save_now)

        self.client_label = QLabel()
        self.client_label.setObjectName("MonthTitle")
        self.content_type = QComboBox()
        self.status_box = QComboBox()
        for status in EDITABLE_STATUSES:
            self.status_box.addItem(status.label, str(status))
        self.saved_label = QLabel()
        self.saved_label.setObjectName("ViewHint")
        history = QPushButton("History…")
        history.setToolTip("Earlier versions of the text")
        history.clicked.connect(self.show_history)
        header = QHBoxLayout()
        header.addWidget(self.client_label)
        header.addStretch(1)
        header.addWidget(QLabel("Type"))
        header.addWidget(self.content_type)
        header.addWidget(QLabel("Status"))
        header.addWidget(self.status_box)
        header.addWidget(history)

        self.published_bar = PublishedBar(store)
        self.published_bar.changed.connect(lambda: self.post_id and self.open_post(self.post_id))
        self.published_bar.deleted.connect(self._deleted_on_networks)

        self.text = PostTextTabs()
        self.theme_hint = QLabel()
        self.theme_hint.setObjectName("ViewHint")
        self.theme_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.targets = TargetsPanel()
        targets_box = QGroupBox("Publish to")
        QVBoxLayout(targets_box).addWidget(self.targets)
        self.media = MediaStrip()
        media_box = QGroupBox("Images")
        QVBoxLayout(media_box).addWidget(self.media)

        self.schedule_on = QCheckBox("Publish at")
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.at = QTimeEdit()
        self.at.setDisplayFormat("HH:mm")
        self.zone_hint = QLabel()
        self.zone_hint.setObjectName("ViewHint")
        schedule = QHBoxLayout()
        for widget in (self.schedule_on, self.day, self.at, self.zone_hint):
            schedule.addWidget(widget)
        schedule.addStretch(1)

        self.testimonial_by = QLineEdit()
        self.testimonial_by.setPlaceholderText("Customer's name")
        self.permission_day = QDateEdit()
        self.permission_day.setCalendarPopup(True)
        self.testimonial_box = QGroupBox("Testimonial permission")
        form = QFormLayout(self.testimonial_box)
        form.addRow("Given by", self.testimonial_by)
        form.addRow("Given on", self.permission_day)
        self.justification = QLineEdit()
        self.justification.setPlaceholderText("Why this link helps the audience")

        self.checks = ComposerChecks()
        self.checks.add_justification_field(self.justification)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.published_bar)
        layout.addWidget(self.text, 3)
        layout.addWidget(self.theme_hint)
        layout.addWidget(targets_box)
        layout.addWidget(media_box)
        layout.addLayout(schedule)
        layout.addWidget(self.testimonial_box)
        layout.addWidget(self.checks)
        footer = QHBoxLayout()
        footer.addWidget(self.saved_label, 1)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        footer.addWidget(close)
        layout.addLayout(footer)

        for signal in (
            self.text.edited,
            self.content_type.currentIndexChanged,
            self.day.dateChanged,
            self.at.timeChanged,
            self.testimonial_by.textEdited,
            self.permission_day.dateChanged,
            self.justification.textEdited,
            self.targets.changed,
        ):
            signal.connect(self._changed)
        self.schedule_on.toggled.connect(self._schedule_toggled)
        self.status_box.activated.connect(self._status_chosen)
        self.targets.variant_toggled.connect(self._variant_toggled)
        self.media.files_added.connect(self._add_files)
        self.media.removed.connect(self._remove_media)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save_now)
        QShortcut(QKeySequence("Ctrl+Shift+H"), self, activated=self.text.insert_hashtags)
        QShortcut(QKeySequence("Ctrl+Shift+J"), self, activated=self.text.insert_snippet)
        self._media_ids: list[int] = []
        self._fixable = False

    # --- opening ----------------------------------------------------------------------

    def open_post(self, post_id: int) -> None:
        self.autosave.flush()
        with self.store.session() as session:
            draft = load_post(session, post_id)
        self._show(draft, post_id)

    def new_post(
        self,
        client_id: int,
        day: date | None = None,
        account_id: int | None = None,
        text: str = "",
        hint: str = "",
    ) -> None:
        """Start a draft (from a gap, a theme, an observance or an idea)."""
        self.autosave.flush()
        with self.store.session() as session:
            zone = client_context(session, client_id).timezone
        when = None
        if day is not None:
            when = local_to_utc(day, time(10, 0), zone)
        targets = {account_id: None} if account_id is not None else {}
        draft = PostDraft(client_id=client_id, body=text, scheduled_at=when, targets=targets)
        with self.store.transaction() as session:
            post_id = save_post(session, draft)
        self._show(draft, post_id)
        if not hint and day is not None and self.client is not None:
            from smmdesk.core.weekday_themes import parse_themes, theme_for

            theme = theme_for(day, parse_themes(self.client.weekday_themes))
            if theme:
                hint = f"{day:%A}'s theme for {self.client.name}: {theme}"
        self.theme_hint.setText(hint)
        self.saved.emit(post_id)

    def _show(self, draft: PostDraft, post_id: int) -> None:
        self._loading = True
        try:
            self.post_id = post_id
            with self.store.session() as session:
                self.client = client_context(session, draft.client_id)
            client = self.client
            self.setWindowTitle(f"Post P-{post_id} — {client.name}")
            self.client_label.setText(client.name)
            self.client_label.setStyleSheet(f"color: {client.colour};")
            self._fill_content_types(draft.content_type)
            self.status = draft.status
            self._show_status()
            accounts = self.reader.list_accounts(client.id)
            self.targets.set_accounts(accounts)
            variants = {a for a, v in draft.targets.items() if v is not None}
            self.targets.select(set(draft.targets), variants)
            self.targets.set_handoff(draft.handoff)
            with self.store.session() as session:
                outcomes = target_outcomes(session, post_id)
            self.targets.show_outcomes(outcomes)
            self.published_bar.show_post(post_id, outcomes)
            handles = {a.id: a.handle for a in accounts}
            self.text.show_post(
                draft.body,
                {a: (handles.get(a, "?"), v) for a, v in draft.targets.items() if v is not None},
            )
            self.text.set_client(self.store, client.id)
            self._media_ids = list(draft.media_ids)
            self._show_media()
            self._show_schedule(draft.scheduled_at)
            self.testimonial_by.setText(draft.testimonial_by)
            permission = draft.testimonial_permission_at or datetime.now(UTC)
            self.permission_day.setDate(QDate(to_local(permission, client.timezone).date()))
            self.justification.setText(draft.link_justification)
            self.theme_hint.clear()
            # A failed post that is on no network yet can be fixed, then retried.
            self._fixable = draft.status == PostStatus.FAILED and not any(
                o.status in (TargetStatus.PUBLISHED, TargetStatus.SENDING)
                for o in outcomes.values()
            )
            editable = draft.status in EDITABLE_STATUSES or self._fixable
            for widget in (self.text, self.targets, self.media, self.day, self.at):
                widget.setEnabled(editable)
            self.saved_label.setText(
                "Saved" if editable else f"{PostStatus(draft.status).label}: read only"
            )
        finally:
            self._loading = False
        self._refresh_checks()
        self.show()
        self.raise_()
        self.activateWindow()

    def _fill_content_types(self, current: str) -> None:
        import json

        assert self.client is not None
        try:
            allowed = [t for t in json.loads(self.client.content_types or "[]") if t]
        except ValueError:
            allowed = []
        types = [t for t in ContentType if not allowed or t.value in allowed]
        if current not in {t.value for t in types}:
            types.append(
                ContentType(current)
                if current in ContentType._value2member_map_
                else ContentType.OTHER
            )
        self.content_type.blockSignals(True)
        self.content_type.clear()
        for content_type in types:
            self.content_type.addItem(content_type.label, content_type.value)
        self.content_type.setCurrentIndex(max(0, self.content_type.findData(current)))
        self.content_type.blockSignals(False)

    def _show_status(self) -> None:
        index = self.status_box.findData(self.status)
        if index < 0:
            self.status_box.addItem(PostStatus(self.status).label, self.status)
            index = self.status_box.count() - 1
        self.status_box.setCurrentIndex(index)

    def _show_schedule(self, when: datetime | None) -> None:
        assert self.client is not None
        self.schedule_on.setChecked(when is not None)
        local = to_local(when or datetime.now(UTC) + timedelta(days=1), self.client.timezone)
        self.day.setDate(QDate(local.date()))
        self.at.setTime(QTime(local.hour, local.minute))
        self.day.setEnabled(when is not None)
        self.at.setEnabled(when is not None)

    # --- editing ------------------------------------------------------------------------

    def _changed(self, *_args: object) -> None:
        if self._loading or self.post_id is None:
            return
        self.saved_label.setText("Editing…")
        self.autosave.touch()
        self._refresh_checks()

    def _schedule_toggled(self, on: bool) -> None:
        self.day.setEnabled(on)
        self.at.setEnabled(on)
        self._changed()

    def _variant_toggled(self, account_id: int, on: bool) -> None:
        state = self.targets.state(account_id)
        if state is None:
            return
        if on:
            self.text.add_variant(account_id, state.account.handle)
        else:
            self.text.remove_variant(account_id)
        self._changed()

    def scheduled_at(self) -> datetime | None:
        if not self.schedule_on.isChecked() or self.client is None:
            return None
        at = self.at.time()
        return local_to_utc(
            self.day.date().toPython(), time(at.hour(), at.minute()), self.client.timezone
        )

    def draft(self) -> PostDraft:
        assert self.client is not None
        variants = self.text.variants()
        targets = {a: variants.get(a) for a in self.targets.selected()}
        permission = None
        if self.testimonial_by.text().strip():
            permission = local_to_utc(
                self.permission_day.date().toPython(), time(12, 0), self.client.timezone
            )
        return PostDraft(
            client_id=self.client.id,
            body=self.text.main_text(),
            content_type=str(self.content_type.currentData()),
            status=self.status,
            scheduled_at=self.scheduled_at(),
            targets=targets,
            media_ids=list(self._media_ids),
            testimonial_by=self.testimonial_by.text().strip(),
            testimonial_permission_at=permission,
            link_justification=self.justification.text().strip(),
            handoff=self.targets.handoff() & set(targets),
        )

    def save_now(self) -> None:
        if self.post_id is None or self.client is None or self._loading:
            return
        if self.status not in EDITABLE_STATUSES and not self._fixable:
            return
        with self.store.transaction() as session:
            save_post(session, self.draft(), self.post_id)
        self.autosave.dirty = False
        self.saved_label.setText(f"Saved {datetime.now():%H:%M:%S}")
        self.saved.emit(self.post_id)

    def _status_chosen(self, _index: int) -> None:
        wanted = str(self.status_box.currentData())
        problems = self.checks.blocking_problems(self, wanted)
        if problems:
            QMessageBox.information(self, "Not yet", "\n".join(problems))
            self._show_status()
            return
        self.status = wanted
        self._changed()

    def _refresh_checks(self) -> None:
        if self.client is None:
            return
        self.checks.refresh(self)

    # --- media --------------------------------------------------------------------------

    def _add_files(self, paths: list) -> None:  # type: ignore[type-arg]
        from smmdesk.store.posts import MediaError, store_media

        problems = []
        with self.store.transaction() as session:
            for path in paths:
                try:
                    media_id = store_media(session, self.media_dir, path)
                except MediaError as exc:
                    problems.append(str(exc))
                    continue
                if media_id not in self._media_ids:
                    self._media_ids.append(media_id)
        if problems:
            QMessageBox.warning(self, "Some files were not added", "\n".join(problems))
        self._show_media()
        self._changed()

    def _remove_media(self, media_id: int) -> None:
        if media_id in self._media_ids:
            self._media_ids.remove(media_id)
        self._show_media()
        self._changed()

    def _show_media(self) -> None:
        from smmdesk.store.posts import media_rows

        with self.store.session() as session:
            rows = media_rows(session, self.media_dir, self._media_ids)
        self.media.show_media([(row.id, row.path) for row in rows])

    # --- history and closing --------------------------------------------------------------

    def _deleted_on_networks(self) -> None:
        self.post_id = None
        self.saved.emit(-1)
        self.close()

    def show_history(self) -> None:
        if self.post_id is None:
            return
        from smmdesk.store.posts import list_versions, start_new_version
        from smmdesk.ui.composer.history_dialog import HistoryDialog

        self.autosave.flush()
        with self.store.session() as session:
            versions = list_versions(session, self.post_id)
        dialog = HistoryDialog(versions, self)
        if dialog.exec() and dialog.chosen is not None:
            with self.store.transaction() as session:
                start_new_version(session, self.post_id)
            self.text.set_main_text(dialog.chosen)
            self.save_now()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.autosave.flush()
        super().closeEvent(event)
