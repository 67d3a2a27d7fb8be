"""The Calendar tab: plan a client's posts by month, week or list.

Layout plus the glue that turns the views' gestures into requests. The views
(view_stack.py) report clicks, menus and drops; ``MoveController``
(move_controller.py) performs moves with undo; ``RangePosts`` (range_posts.py)
reads and judges the shown range; the days, the title and the summary come
from ``shown_range``, the drafts a day offers from ``day_drafts``, and the
rules from ``smmdesk.core`` through ``calendar_data`` and ``planning``. Reads
go through the sqlite3 ``StoreReader`` (one range query per switch), so the
tab paints before the ORM is loaded; ``attach(store)`` enables dragging once
it is.

Signals for the main window: ``open_post(post_id)`` on a double-click on a
post, ``new_draft(DraftRequest)`` from a gap, an observance, a day's theme or
a double-click on a free day.

Times are stored in UTC and shown in the client's zone; "today" is the
client's today (the laptop's on "All clients").

Start-up: the app paints the calendar before anything else loads, so the
first paint shows the month's posts and little more. Right after it, the rest
of the first load follows (filters, posting guard, themes, gaps and the
content mix in the side panel; deferred_parts.py keeps their places so that
nothing moves), and observances shortly after (their holiday library is slow to import). The
week and list views are built the first time they are shown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QMenu, QVBoxLayout, QWidget

from smmdesk.core.clock import shift_month, zone
from smmdesk.store.calendar_queries import (
    ClientPlan,
    PlanEntry,
    client_plans,
    first_images,
    post_texts,
)
from smmdesk.store.queries import AccountRow, StoreReader
from smmdesk.ui.calendar import shown_range
from smmdesk.ui.calendar.account_book import AccountBook
from smmdesk.ui.calendar.calendar_data import (
    CalendarFilter,
    DayNote,
    DraftRequest,
    day_notes,
    gaps_by_day,
    themes_by_client,
)
from smmdesk.ui.calendar.day_drafts import DraftOffers
from smmdesk.ui.calendar.deferred_parts import FilterRow, PanelSlot
from smmdesk.ui.calendar.header import CalendarHeader
from smmdesk.ui.calendar.move_controller import MoveController
from smmdesk.ui.calendar.range_posts import RangePosts
from smmdesk.ui.calendar.shown_range import LIST, MONTH, WEEK
from smmdesk.ui.calendar.view_stack import CalendarViews, ViewLookups
from smmdesk.ui.first_paint import FirstPaintWatcher

if TYPE_CHECKING:
    from smmdesk.core.content_mix import MixReport
    from smmdesk.core.gaps import Gap
    from smmdesk.core.observances import Observance
    from smmdesk.store.database import Store
    from smmdesk.ui.calendar.agenda_view import AgendaView
    from smmdesk.ui.calendar.filters import FilterBar
    from smmdesk.ui.calendar.planning import ObservanceBook
    from smmdesk.ui.calendar.side_panel import SidePanel
    from smmdesk.ui.calendar.week_view import WeekView

OBSERVANCES_DELAY_MS = 300  # after the first paint: the holiday data takes a while to load


class CalendarTab(QWidget):
    open_post = Signal(int)
    new_draft = Signal(object)  # DraftRequest

    def __init__(self, reader: StoreReader) -> None:
        super().__init__()
        self.reader = reader
        self.client_id: int | None = None
        # The clock: aware UTC "now". Everything dated (today, gaps, this week) asks it.
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.plans: dict[int, ClientPlan] = {}
        self.mode = MONTH
        self.anchor = self.today()
        self.filter = CalendarFilter()
        self.account_book = AccountBook(reader)
        self.shown = RangePosts(reader)
        self._themes: dict[int, dict[int, str]] = {}
        self._gaps: list[Gap] = []
        self.mix_report: MixReport | None = None
        self._observances_on = False
        self._observance_book: ObservanceBook | None = None

        self.moves = MoveController(reader, self.shown.entry, self)
        self.moves.moved.connect(self._on_moved)
        self.moves.refused.connect(self.show_notice)  # in the filter row
        self.undo_stack = self.moves.undo_stack
        # Gestures on days ask for drafts (or, from a post's menu, to open it).
        self.drafts = DraftOffers(self, lambda: self.client_id, self.note_on, self.account_book)
        self.drafts.new_draft.connect(self.new_draft)
        self.drafts.open_post.connect(self.open_post)

        self.header = CalendarHeader(self.undo_stack)
        self.header.mode_chosen.connect(self.set_mode)
        self.header.step.connect(self.go)
        self.header.today_clicked.connect(self.go_today)
        self.header.panel_toggled.connect(self._toggle_panel)
        # Shorthands for the header's parts (tests and the main window use some).
        self.title, self.summary = self.header.title, self.header.summary
        self.undo_button, self.redo_button = self.header.undo_button, self.header.redo_button
        self.panel_button, self.mode_button = self.header.panel_button, self.header.mode_button
        # The filter bar and the side panel are built with the rest of the first
        # load, after the first paint; their places are kept so that nothing moves.
        self.filter_row = FilterRow()
        self.filter_row.changed.connect(self._on_filter)
        self.notice = self.filter_row.notice
        self.panel_slot = PanelSlot()
        self.panel_slot.gap_activated.connect(self.drafts.on_gap)
        self.panel_slot.mix_range_changed.connect(lambda _key: self._refresh_mix())

        # The week and list views are built (and their modules loaded) when first shown.
        self.views = CalendarViews()
        self.grid = self.views.grid
        self.views.post_activated.connect(self.open_post)
        self.views.day_activated.connect(self.drafts.on_day_activated)
        self.views.day_menu_requested.connect(self.drafts.on_day_menu)
        self.views.note_activated.connect(self.drafts.on_note_activated)
        # Queued: a drop finishes its drag before any question is asked.
        self.views.post_dropped.connect(self.move_post, Qt.ConnectionType.QueuedConnection)

        body = QHBoxLayout()
        body.setSpacing(10)
        body.addWidget(self.views, 1)
        body.addWidget(self.panel_slot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(self.header)
        layout.addWidget(self.filter_row)
        layout.addLayout(body, 1)

        self.header.add_shortcuts(self, self.undo_stack)  # PgUp, PgDown, Home, undo, redo
        # The first paint shows the month's posts; the rest of the first load
        # (posting guard, gaps, content mix, then observances) follows right after.
        self._complete = False
        self._first_paint = FirstPaintWatcher(self.grid.viewport())
        self._first_paint.painted.connect(self._after_first_paint)
        self._load(complete=False)

    @property
    def week(self) -> WeekView:
        return self.views.week

    @property
    def agenda(self) -> AgendaView:
        return self.views.agenda

    @property
    def side_panel(self) -> SidePanel:
        return self.panel_slot.panel

    @property
    def filter_bar(self) -> FilterBar:
        return self.filter_row.bar

    # --- public interface --------------------------------------------------------------

    def attach(self, store: Store) -> None:
        """The ORM store exists: dragging (rescheduling) becomes possible."""
        self.moves.attach(store)
        self.views.drag_enabled = True

    def set_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.reload()

    def reload(self) -> None:
        """Re-read everything: settings, accounts, the shown range and the side panel."""
        self._load(complete=True)

    def refresh_posts(self) -> None:
        """The engine changed posts' states (published, failed, handed off): re-read
        only the shown posts' statuses. Their times, texts and targets did not
        change, so neither did the gaps, the mix or the posting guard's warnings;
        skipping those keeps the window smooth while 200 posts go out
        (bench/publish.py)."""
        if not self._complete:
            self.reload()
            return
        changed = self.shown.update_statuses()
        if changed is None:
            self._refresh_range()
        elif changed:
            self._push_to_view()

    def _load(self, complete: bool) -> None:
        self._complete = complete
        self.plans = client_plans(self.reader)
        self._themes = themes_by_client(self.plans) if complete else {}
        self.account_book.reload()
        if complete:
            self.filter_bar.set_accounts(self._active_accounts())
            self.filter = self.filter_bar.current()
        self._wire_lookups()
        if complete:
            self._gaps = self._find_gaps()
        self._refresh_range()
        if complete:
            self._refresh_side_panel()

    def _after_first_paint(self) -> None:
        if not self._complete:
            self.reload()
        QTimer.singleShot(OBSERVANCES_DELAY_MS, self.load_observances)

    # --- navigation ----------------------------------------------------------------------

    @property
    def year(self) -> int:
        return self.anchor.year

    @property
    def month(self) -> int:
        return self.anchor.month

    def go(self, delta: int) -> None:
        if self.mode == WEEK:
            self.anchor += timedelta(days=7 * delta)
        else:
            year, month = shift_month(self.anchor.year, self.anchor.month, delta)
            self.anchor = date(year, month, 1)
        self._refresh_range()

    def go_today(self) -> None:
        self.anchor = self.today()
        self._refresh_range()

    def show_day(self, day: date) -> None:
        """Show the month, week or list that holds ``day``."""
        self.anchor = day
        self._refresh_range()

    def show_month(self, day: date) -> None:
        self.mode = MONTH
        self.header.set_mode(MONTH)
        self.views.show_mode(MONTH)
        self.show_day(day)

    def set_mode(self, mode: str) -> None:
        if mode not in (MONTH, WEEK, LIST):
            raise ValueError(mode)
        self.mode = mode
        self.header.set_mode(mode)
        self.views.show_mode(mode)
        self._refresh_range()

    # --- time ----------------------------------------------------------------------------

    def zone_name(self) -> str:
        plan = self.plans.get(self.client_id) if self.client_id is not None else None
        return plan.timezone if plan is not None else ""

    def today(self) -> date:
        """Today in the client's zone, or the laptop's on "All clients"."""
        name = self.zone_name()
        now = self.now()
        return now.astimezone(zone(name)).date() if name else now.astimezone().date()

    def visible_days(self) -> list[date]:
        return shown_range.visible_days(self.mode, self.anchor)

    def _period_days(self) -> list[date]:
        """The days the title names: the month (without the grid's margins) or the week."""
        return shown_range.period_days(self.mode, self.shown.days, self.anchor)

    # --- data ----------------------------------------------------------------------------

    def _active_accounts(self) -> list[AccountRow]:
        return self.account_book.active(self.client_id)

    def account(self, account_id: int) -> AccountRow | None:
        """An account by id; one connected since the last reload is read on first use."""
        return self.account_book.get(account_id)

    def account_label(self, account_id: int) -> str:
        return self.account_book.label(account_id)

    def _client_name(self, client_id: int) -> str:
        return self.plans[client_id].name if client_id in self.plans else ""

    def _post_images(self, post_ids: list[int]) -> dict[int, Path]:
        # The media folder sits beside the database in every profile (paths.py).
        media = self.reader.path.with_name("media")
        return {
            post_id: media / name for post_id, name in first_images(self.reader, post_ids).items()
        }

    def _wire_lookups(self) -> None:
        """Give the views and the side panel (those built so far) the account names,
        networks and texts."""
        book = self.account_book
        self.views.set_lookups(
            ViewLookups(
                book.label,
                book.platform,
                lambda ids: post_texts(self.reader, ids),
                self._client_name,
                self._post_images,
            )
        )
        self.panel_slot.set_lookups(book.label, book.platform)

    def _refresh_range(self) -> None:
        """One query for the shown range, then every view-side computation (the
        previous range is let go once the new one is painted: ``RangePosts``)."""
        shown = self.shown
        with shown.replacing():
            days = self.visible_days()
            zones = shown_range.shown_zones(self.plans, self.client_id)
            shown.read(
                days,
                shown_range.utc_bounds(days[0], days[-1], zones),
                self.client_id,
                self.filter,
                self.plans if self._complete else {},  # no posting guard before the first paint
                self.account_label,
                # The month shows the text of a few posts a day: read those alone (ensure_texts).
                with_text=self.mode != MONTH,
            )
            self.grid.chip_painter.flagged = shown.flagged
            self._push_to_view()
            self._update_titles()
            panel = self.panel_slot.built
            if panel is not None and panel.mix_range_key() == "shown":
                self._refresh_mix()

    def _notes(self) -> dict[date, DayNote]:
        themes = self._themes.get(self.client_id, {}) if self.client_id is not None else {}
        shown = self.shown
        return day_notes(
            shown.days, themes, self._observances(), shown.warnings, gaps_by_day(self._gaps)
        )

    def _push_to_view(self) -> None:
        shown = self.shown
        notes = shown.notes = self._notes()
        today = self.today()
        days, posts = shown.days, shown.posts
        if self.mode == MONTH:
            self.views.show_month(days, self.anchor.month, posts, notes, today)
        elif self.mode == WEEK:
            now = self.now().astimezone(zone(self.zone_name()) if self.zone_name() else None)
            minutes = now.hour * 60 + now.minute
            self.views.show_week(days, posts, notes, today, minutes, shown.flagged)
        else:
            one_client = self.client_id is not None
            self.views.show_list(days, posts, notes, today, shown.flagged, one_client)

    def _update_titles(self) -> None:
        self.title.setText(shown_range.range_title(self.mode, self.shown.days, self.anchor))
        summary = shown_range.range_summary(
            self._period_days(), self.shown.posts, self.shown.notes, self.filter.active
        )
        self.summary.setText(summary)
        self.summary.setToolTip(summary)

    def posts_shown(self) -> list[tuple[datetime, PlanEntry]]:
        """The (local time, post) pairs of the shown days, after the filter, in order."""
        return self.shown.shown()

    def note_on(self, day: date) -> DayNote:
        return self.shown.note_on(day)

    # --- observances ---------------------------------------------------------------------

    def load_observances(self) -> None:
        """Show observances from now on (the first call imports the holiday data)."""
        if self._observances_on:
            return
        self._observances_on = True
        if self.shown.days:
            self._push_notes()

    @property
    def observances_loaded(self) -> bool:
        return self._observances_on

    def _observances(self) -> dict[date, list[Observance]]:
        days = self.shown.days
        if not self._observances_on or not days:
            return {}
        from smmdesk.ui.calendar.planning import ObservanceBook, observance_countries

        if self._observance_book is None:
            self._observance_book = ObservanceBook()
        countries = observance_countries(self.plans, self.client_id)
        return self._observance_book.between(days[0], days[-1] + timedelta(days=1), countries)

    def _push_notes(self) -> None:
        shown = self.shown
        notes = shown.notes = self._notes()
        self.views.show_notes(self.mode, shown.days, shown.posts, notes, self.today())

    # --- side panel: gaps and content mix ------------------------------------------------

    def _toggle_panel(self, shown: bool) -> None:
        self.panel_slot.setVisible(shown)

    def _find_gaps(self) -> list[Gap]:
        """Days of the next 7 (client's days) with nothing planned, per account."""
        from smmdesk.ui.calendar.planning import account_gaps

        accounts = self._active_accounts()
        if self.filter.account_id is not None:
            accounts = [a for a in accounts if a.id == self.filter.account_id]
        gaps = account_gaps(self.reader, accounts, self.plans, self.now(), self.client_id)
        return sorted(gaps, key=lambda g: (g.day, self.account_label(g.account_id)))

    def _refresh_side_panel(self) -> None:
        self.side_panel.set_gaps(self._gaps, self.today(), len(self._active_accounts()))
        self._refresh_mix()

    def _refresh_mix(self) -> None:
        from smmdesk.ui.calendar.planning import content_mix, mix_days

        key = self.side_panel.mix_range_key()
        first, last, _label = mix_days(key, self._period_days(), self.today())
        plan = self.plans.get(self.client_id) if self.client_id is not None else None
        report, caption = content_mix(
            self.reader, first, last, self.zone_name() or "UTC", self.client_id, plan
        )
        self.side_panel.set_mix(report, caption)
        self.mix_report = report

    # --- gestures ------------------------------------------------------------------------

    def _on_filter(self, choice: CalendarFilter) -> None:
        if choice == self.filter:
            return
        account_changed = choice.account_id != self.filter.account_id
        self.filter = choice
        if account_changed and self._complete:
            self._gaps = self._find_gaps()
            self.side_panel.set_gaps(self._gaps, self.today(), len(self._active_accounts()))
        self._refresh_range()

    def day_actions(self, day: date) -> list[tuple[str, DraftRequest]]:
        """The drafts a day offers: plain, its theme, each observance, each gap."""
        return self.drafts.actions(day)

    def day_menu(self, day: date, post_id: int | None = None) -> QMenu:
        return self.drafts.menu(day, post_id)

    # --- moving posts --------------------------------------------------------------------

    def move_post(self, post_id: int, day: date, local_time: time | None = None) -> bool:
        """Move a post to ``day`` (its client's day) at ``local_time``, or at its own time.

        Goes through the undo stack; asks before breaking the posting guard.
        """
        return self.moves.move_post(post_id, day, local_time)

    def _on_moved(self, _post_id: int) -> None:
        self.reload()

    def show_notice(self, text: str) -> None:
        self.filter_row.show_notice(text)
