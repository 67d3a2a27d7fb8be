"""What the composer warns about while the manager writes.

Length and image limits per network, the posting guard for the chosen time,
the client's link policy and this week's share of link posts, testimonial
permission, and the manager's own time beside the client's. Warnings never
stop a draft from being saved; ``blocking_problems`` stops only the step to
"scheduled", which must be publishable as it stands.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from smmdesk.core.clock import to_local
from smmdesk.core.links import external_links, link_share, needs_justification
from smmdesk.core.posting_guard import GuardRule, check_slot
from smmdesk.core.vocabulary import ContentType, PostStatus

if TYPE_CHECKING:
    from smmdesk.ui.composer.composer_window import ComposerWindow


class ComposerChecks(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.problems = QLabel()
        self.problems.setObjectName("ErrorText")
        self.warnings = QLabel()
        self.warnings.setStyleSheet("color: #8a5a00;")
        self.info = QLabel()
        self.info.setObjectName("ViewHint")
        for label in (self.problems, self.warnings, self.info):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.problems)
        self._layout.addWidget(self.warnings)
        self._justification: QLineEdit | None = None
        self._layout.addWidget(self.info)
        self.current_problems: list[str] = []

    def add_justification_field(self, field: QLineEdit) -> None:
        self._justification = field
        self._layout.insertWidget(2, field)
        field.hide()

    def refresh(self, composer: ComposerWindow) -> None:
        client = composer.client
        assert client is not None
        texts = {a: composer.text.text_for(a) for a in composer.targets.selected()}
        problems = composer.targets.update_counters(
            {**{a: composer.text.text_for(a) for a in self._all_accounts(composer)}, **texts},
            composer.media.media_count(),
        )
        warnings: list[str] = []
        info: list[str] = []
        when = composer.scheduled_at()
        if when is not None:
            local = to_local(when, client.timezone)
            mine = when.astimezone()
            if local.utcoffset() != mine.utcoffset():
                composer.zone_hint.setText(f"{client.timezone} time · {mine:%a %H:%M} your time")
            else:
                composer.zone_hint.setText(f"{client.timezone} time")
            warnings += self._guard_warnings(composer, when)
        else:
            composer.zone_hint.setText("")

        body = composer.text.main_text()
        all_texts = [body, *texts.values()]
        links = [link for text in all_texts for link in external_links(text)]
        justification = self._justification
        if justification is not None:
            asks = client.link_policy == "justify" and bool(links)
            justification.setVisible(asks)
            if asks and any(
                needs_justification(t, client.link_policy, justification.text()) for t in all_texts
            ):
                warnings.append(
                    f"{client.name} asks that links be justified: say why this link "
                    "helps the audience (rule: keep people in the community)."
                )
        info.append(self._link_share(composer, when))

        is_testimonial = composer.content_type.currentData() == ContentType.TESTIMONIAL
        composer.testimonial_box.setVisible(is_testimonial)
        if is_testimonial and not composer.testimonial_by.text().strip():
            warnings.append("A testimonial needs the customer's permission: record who and when.")
        if composer.schedule_on.isChecked() and not texts:
            warnings.append("Choose at least one account to publish to.")

        self.current_problems = problems
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        self.warnings.setText("\n".join(warnings))
        self.warnings.setVisible(bool(warnings))
        self.info.setText("  ·  ".join(i for i in info if i))

    def blocking_problems(self, composer: ComposerWindow, wanted: str) -> list[str]:
        if wanted != PostStatus.SCHEDULED:
            return []
        self.refresh(composer)
        problems = list(self.current_problems)
        when = composer.scheduled_at()
        if when is None:
            problems.append("Set the date and time to publish at.")
        if not composer.targets.selected():
            problems.append("Choose at least one account to publish to.")
        if not composer.text.main_text().strip() and not composer.media.media_count():
            problems.append("The post is empty.")
        is_testimonial = composer.content_type.currentData() == ContentType.TESTIMONIAL
        if is_testimonial and not composer.testimonial_by.text().strip():
            problems.append("Record the customer's permission for this testimonial first.")
        return problems

    def _all_accounts(self, composer: ComposerWindow) -> list[int]:
        return [a.id for a in composer.reader.list_accounts(composer.client.id)]  # type: ignore[union-attr]

    def _guard_warnings(self, composer: ComposerWindow, when: datetime) -> list[str]:
        from smmdesk.store.posts import account_post_times

        client = composer.client
        assert client is not None
        selected = composer.targets.selected()
        if not selected:
            return []
        rule = GuardRule(client.max_posts_per_day, client.min_gap_minutes, client.timezone)
        with composer.store.session() as session:
            others = account_post_times(
                session,
                selected,
                when - timedelta(days=2),
                when + timedelta(days=2),
                exclude_post_id=composer.post_id,
            )
        warnings = []
        for account_id, posts in others.items():
            state = composer.targets.state(account_id)
            handle = state.account.handle if state else "?"
            for violation in check_slot(rule, posts, when, composer.post_id):
                warnings.append(f"{handle}: {violation.message}")
        return warnings

    def _link_share(self, composer: ComposerWindow, when: datetime | None) -> str:
        from smmdesk.store.posts import client_post_bodies

        client = composer.client
        assert client is not None
        anchor = to_local(when or datetime.now().astimezone(), client.timezone)
        monday = (anchor - timedelta(days=anchor.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        with composer.store.session() as session:
            bodies = client_post_bodies(session, client.id, monday, monday + timedelta(days=7))
        if not bodies:
            return ""
        with_links = sum(1 for b in bodies if external_links(b))
        return f"Link posts that week: {with_links} of {len(bodies)} ({link_share(bodies):.0%})"
