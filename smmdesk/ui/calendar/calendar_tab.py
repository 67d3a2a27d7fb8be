"""The Calendar tab: plan a client's posts by month, week or list.

Layout plus the glue that turns the views' gestures into requests: the views
report clicks, menus and drops; ``PostMover`` (reschedule.py) checks and
performs moves with undo; the rules come from ``smmdesk.core`` through
``calendar_data`` and ``planning``. Reads go through the sqlite3
``StoreReader`` (one range query per switch), so the tab paints before the
ORM is loaded; ``attach(store)`` enables dragging once it is.

Signals for the main window: ``open_post(post_id)`` on a double-click on a
post, ``new_draft(DraftRequest)`` from a gap, an observance, a day's theme or
a double-click on a free day.

Times are stored in UTC and shown in the client's zone; "today" is the
client's today (the laptop's on "All clients").

Start-up: the app paints the calendar before anything else loads, so the
first paint shows the month's posts and little more. Right after it, the rest
of the first load follows (filters, posting guard, themes, gaps and the
content mix in the side panel, whose place is kept so that nothing moves),
and observances shortly after (their holiday library is slow to import). The
week and list views are built the first time they are shown.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from smmdesk.core.clock import local_to_utc, month_grid, month_name, shift_month, zone
from smmdesk.core.vocabulary import PostStatus
from smmdesk.store.calendar_queries import (
    ClientPlan,
    PlanEntry,
    client_plans,
    plan_entries,
    post_texts,
)
from smmdesk.store.queries import AccountRow, StoreReader
from smmdesk.ui.calendar.calendar_data import (
    CalendarFilter,
    DayNote,
    DayPosts,
    DraftRequest,
    GcPause,
    GuardMemo,
    analyse_entries,
    day_notes,
    gaps_by_day,
    themes_by_client,
    week_of,
)
from smmdesk.ui.calendar.header import LIST, MONTH, STYLE, WEEK, CalendarHeader
from smmdesk.ui.calendar.month_view import MonthGrid

if TYPE_CHECKING:
    from smmdesk.core.content_mix import MixReport
    from smmdesk.core.gaps import Gap
    from smmdesk.core.observances import Observance
    from smmdesk.store.database import Store
    from smmdesk.ui.calendar.agenda_view import AgendaView
    from smmdesk.ui.calendar.filters import FilterBar
    from smmdesk.ui.calendar.planning import ObservanceBook
    from smmdesk.ui.calendar.reschedule import PostMover
    from smmdesk.ui.calendar.side_panel import SidePanel
    from smmdesk.ui.calendar.week_view import WeekView

FILTER_ROW_HEIGHT = 32  # kept while the filter bar is built, after the first paint
OBSERVANCES_DELAY_MS = 300  # after the first paint: the holiday data takes a while to load


class _AfterFirstPaint(QObject):
    """Calls ``callback`` once, right after the first of ``widgets`` is painted."""

    def __init__(self, widgets: list[QWidget], callback: Callable[[], None]) -> None:
        super().__init__(widgets[0])
        self._widgets, self._callback, self._done = widgets, callback, False
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._done and event.type() == QEvent.Type.Paint:
            self._done = True
            for widget in self._widgets:
                widget.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False


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
        self.accounts: dict[int, AccountRow] = {}
        self._missing_accounts: set[int] = set()
        self._themes: dict[int, dict[int, str]] = {}
        self._entries: list[PlanEntry] = []
        self._posts: dict[date, DayPosts] = {}
        self._days: list[date] = []
        self._gaps: list[Gap] = []
        self._day_notes: dict[date, DayNote] = {}
        self._warnings: dict[date, list[str]] = {}
        self._guard_memo = GuardMemo()
        self._gc = GcPause()
        self._leftovers: object = None
        self._settle_pending = False
        self.mix_report: MixReport | None = None
        self._observances_on = False
        self._observance_book: ObservanceBook | None = None

        self.undo_stack = QUndoStack(self)
        self._store: Store | None = None
        self._mover: PostMover | None = None  # built on the first move (reschedule.py)

        self.setStyleSheet(STYLE)
        self.header = CalendarHeader(self.undo_stack)
        self.header.mode_chosen.connect(self.set_mode)
        self.header.step.connect(self.go)
        self.header.today_clicked.connect(self.go_today)
        self.header.panel_toggled.connect(self._toggle_panel)
        # Shorthands for the header's parts (tests and the main window use some).
        self.title, self.summary = self.header.title, self.header.summary
        self.undo_button, self.redo_button = self.header.undo_button, self.header.redo_button
        self.panel_button, self.mode_button = self.header.panel_button, self.header.mode_button
        self._filter_bar: FilterBar | None = None  # built after the first paint
        self.notice = QLabel()
        self.notice.setObjectName("ErrorText")
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)

        self.grid = MonthGrid()
        # The week and list views are built (and their modules loaded) when first shown.
        self._week: WeekView | None = None
        self._agenda: AgendaView | None = None
        self._flagged: set[int] = set()
        self.views = QStackedWidget()
        self._add_view(self.grid)

        # The side panel is built with the rest of the first load, after the first
        # paint; its place is kept so that nothing moves when it arrives.
        self._side_panel: SidePanel | None = None
        self.panel_slot = QWidget()
        self.panel_slot.setFixedWidth(280)
        slot_layout = QVBoxLayout(self.panel_slot)
        slot_layout.setContentsMargins(0, 0, 0, 0)

        self.filter_row = QWidget()
        self.filter_row.setFixedHeight(FILTER_ROW_HEIGHT)
        self._filter_layout = QHBoxLayout(self.filter_row)
        self._filter_layout.setContentsMargins(0, 0, 0, 0)
        self._filter_layout.addStretch(1)  # keeps the notice right until the bar comes
        self._filter_layout.addWidget(self.notice)
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

        for key, slot in (
            ("PgUp", lambda: self.go(-1)),
            ("PgDown", lambda: self.go(+1)),
            ("Home", self.go_today),
            ("Ctrl+Z", self.undo_stack.undo),
            ("Ctrl+Shift+Z", self.undo_stack.redo),
            ("Ctrl+Y", self.undo_stack.redo),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        # The first paint shows the month's posts; the rest of the first load
        # (posting guard, gaps, content mix, then observances) follows right after.
        self._complete = False
        self._first_paint = _AfterFirstPaint([self.grid.viewport()], self._after_first_paint)
        self._load(complete=False)

    def _add_view(self, view: QWidget) -> None:
        self.views.addWidget(view)
        view.post_activated.connect(self.open_post)  # type: ignore[attr-defined]
        view.day_activated.connect(self._on_day_activated)  # type: ignore[attr-defined]
        view.day_menu_requested.connect(self._on_day_menu)  # type: ignore[attr-defined]
        if hasattr(view, "note_activated"):
            view.note_activated.connect(self._on_note_activated)
        if hasattr(view, "post_dropped"):
            # Queued: a drop finishes its drag before any question is asked.
            view.post_dropped.connect(self.move_post, Qt.ConnectionType.QueuedConnection)

    @property
    def week(self) -> WeekView:
        if self._week is None:
            from smmdesk.ui.calendar.week_view import WeekView

            self._week = WeekView()
            self._week.drag_enabled = self._store is not None
            self._add_view(self._week)
            self._wire_lookups()
        return self._week

    @property
    def agenda(self) -> AgendaView:
        if self._agenda is None:
            from smmdesk.ui.calendar.agenda_view import AgendaView

            self._agenda = AgendaView()
            self._add_view(self._agenda)
            self._wire_lookups()
        return self._agenda

    @property
    def side_panel(self) -> SidePanel:
        if self._side_panel is None:
            from smmdesk.ui.calendar.side_panel import SidePanel

            panel = self._side_panel = SidePanel()
            panel.gap_activated.connect(self._on_gap)
            panel.mix_range_changed.connect(lambda _key: self._refresh_mix())
            layout = self.panel_slot.layout()
            assert layout is not None
            layout.addWidget(panel)
            self._wire_lookups()
        return self._side_panel

    @property
    def filter_bar(self) -> FilterBar:
        if self._filter_bar is None:
            from smmdesk.ui.calendar.filters import FilterBar

            bar = self._filter_bar = FilterBar()
            bar.changed.connect(self._on_filter)
            self._filter_layout.takeAt(0)  # the stretch
            self._filter_layout.insertWidget(0, bar, 1)
        return self._filter_bar

    @property
    def mover(self) -> PostMover:
        if self._mover is None:
            from smmdesk.ui.calendar.reschedule import PostMover

            mover = self._mover = PostMover(self.reader, self.undo_stack, self)
            mover.dialog_parent = self
            mover.moved.connect(self._on_moved)
            mover.refused.connect(self.show_notice)
            if self._store is not None:
                mover.attach(self._store)
        return self._mover

    # --- public interface --------------------------------------------------------------

    def attach(self, store: Store) -> None:
        """The ORM store exists: dragging (rescheduling) becomes possible."""
        self._store = store
        if self._mover is not None:
            self._mover.attach(store)
        self.grid.drag_enabled = True
        if self._week is not None:
            self._week.drag_enabled = True

    def set_client(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.reload()

    def reload(self) -> None:
        """Re-read everything: settings, accounts, the shown range and the side panel."""
        self._load(complete=True)

    def _load(self, complete: bool) -> None:
        self._complete = complete
        self.plans = client_plans(self.reader)
        self._themes = themes_by_client(self.plans) if complete else {}
        self.accounts = {a.id: a for a in self.reader.list_accounts(include_archived=True)}
        self._missing_accounts.clear()
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
        self.views.setCurrentWidget(self.grid)
        self.show_day(day)

    def set_mode(self, mode: str) -> None:
        if mode not in (MONTH, WEEK, LIST):
            raise ValueError(mode)
        self.mode = mode
        self.header.set_mode(mode)
        self.views.setCurrentWidget({MONTH: self.grid, WEEK: self.week, LIST: self.agenda}[mode])
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
        if self.mode == WEEK:
            return week_of(self.anchor)
        if self.mode == LIST:
            first = self.anchor.replace(day=1)
            following = date(*shift_month(first.year, first.month, 1), 1)
            return [first + timedelta(days=n) for n in range((following - first).days)]
        return month_grid(self.anchor.year, self.anchor.month)

    def _period_days(self) -> list[date]:
        """The days the title names: the month (without the grid's margins) or the week."""
        if self.mode == WEEK:
            return self._days
        return [day for day in self._days if day.month == self.anchor.month]

    # --- data ----------------------------------------------------------------------------

    def _active_accounts(self) -> list[AccountRow]:
        return [
            a
            for a in self.accounts.values()
            if not a.archived and (self.client_id is None or a.client_id == self.client_id)
        ]

    def account(self, account_id: int) -> AccountRow | None:
        """An account by id; one connected since the last reload is read on first use."""
        account = self.accounts.get(account_id)
        if account is None and account_id not in self._missing_accounts:
            self.accounts = {a.id: a for a in self.reader.list_accounts(include_archived=True)}
            account = self.accounts.get(account_id)
            if account is None:
                self._missing_accounts.add(account_id)
        return account

    def account_label(self, account_id: int) -> str:
        account = self.account(account_id)
        return account.handle if account is not None else f"account {account_id}"

    def _account_platform(self, account_id: int) -> str:
        account = self.account(account_id)
        return account.platform if account is not None else "sandbox"

    def _wire_lookups(self) -> None:
        """Give the views (those built so far) the account names, networks and texts."""
        painters = [self.grid.chip_painter]
        self.grid.month_model.account_label = self.account_label
        if self._week is not None:
            painters.append(self._week.chip_painter)
            self._week.data.account_label = self.account_label
        for painter in painters:
            painter.set_platform_lookup(self._account_platform)
            painter.text_source = lambda ids: post_texts(self.reader, ids)
        if self._agenda is not None:
            model = self._agenda.agenda_model
            model.account_label = self.account_label
            model.account_platform = self._account_platform
            model.client_name = lambda cid: self.plans[cid].name if cid in self.plans else ""
        if self._side_panel is not None:
            self._side_panel.gap_model.account_label = self.account_label
            self._side_panel.gap_model.account_platform = self._account_platform

    def _refresh_range(self) -> None:
        """One query for the shown range, then every view-side computation.

        A month is some ten thousand small objects. While they are made the
        cyclic garbage collector is paused (it would walk them again and again
        to find nothing), and the previous range's objects are kept until the
        new one is painted: both are settled by ``_settle`` as soon as the
        event loop is idle, so the new month appears first.
        """
        self._settle()
        days = self.visible_days()
        self._days = days
        start, end = self._utc_bounds(days[0], days[-1])
        self._gc.pause()
        try:
            self._leftovers = (self._entries, self._posts, self._warnings, self._day_notes)
            # The month shows the text of a few posts a day: read those alone (ensure_texts).
            entries = plan_entries(
                self.reader, start, end, self.client_id, with_text=self.mode != MONTH
            )
            self._entries = entries
            self._posts, self._warnings, flagged = analyse_entries(
                entries,
                self.filter,
                self.plans if self._complete else {},  # no posting guard before the first paint
                self._guard_memo,
                self.account_label,
                mixed_zones=self.client_id is None,
            )
            self._flagged = self.grid.chip_painter.flagged = flagged
            self._push_to_view()
            self._update_titles()
            if self._side_panel is not None and self._side_panel.mix_range_key() == "shown":
                self._refresh_mix()
        finally:
            self._settle_later()

    def _settle_later(self) -> None:
        if self._settle_pending:
            return
        self._settle_pending = True
        tab, pause = weakref.ref(self), self._gc

        def settle() -> None:  # not bound to the widget: runs even if it is gone
            alive = tab()
            if alive is not None:
                alive._settle()
            pause.resume()

        QTimer.singleShot(0, settle)

    def _settle(self) -> None:
        """Free the previous range and let the garbage collector run again."""
        self._settle_pending = False
        self._leftovers = None
        self._gc.resume()

    def _utc_bounds(self, first: date, last: date) -> tuple[datetime, datetime]:
        """The UTC instants from the start of ``first`` to the end of ``last``, in
        every zone shown (one client's, or all clients')."""
        if self.client_id is not None:
            names = {self.zone_name() or "UTC"}
        else:
            names = {plan.timezone for plan in self.plans.values()} or {"UTC"}
        following = last + timedelta(days=1)
        start = min(local_to_utc(first, time(), name) for name in names)
        end = max(local_to_utc(following, time(), name) for name in names)
        return start, end

    def _notes(self) -> dict[date, DayNote]:
        themes = self._themes.get(self.client_id, {}) if self.client_id is not None else {}
        return day_notes(
            self._days, themes, self._observances(), self._warnings, gaps_by_day(self._gaps)
        )

    def _push_to_view(self) -> None:
        notes = self._notes()
        self._day_notes = notes
        today = self.today()
        if self.mode == MONTH:
            self.grid.chip_painter.forget_texts()
            self.grid.month_model.set_month(
                self._days, self.anchor.month, self._posts, today, notes
            )
            self.grid.ensure_texts()
        elif self.mode == WEEK:
            now = self.now().astimezone(zone(self.zone_name()) if self.zone_name() else None)
            self.week.chip_painter.flagged = self._flagged
            self.week.set_week(self._days, self._posts, notes, today, now.hour * 60 + now.minute)
        else:
            self.agenda.setColumnHidden(1, self.client_id is not None)  # the client's own column
            self.agenda.agenda_model.flagged = self._flagged
            self.agenda.agenda_model.set_range(self._days, self._posts, notes, today)
            if self._days[0] <= today <= self._days[-1]:
                self.agenda.scroll_to_day(today)
            else:
                self.agenda.scrollToTop()

    def _update_titles(self) -> None:
        days = self._days
        if self.mode == WEEK:
            first, last = days[0], days[-1]
            if first.month == last.month:
                title = f"{first.day} – {last.day} {last:%B %Y}"
            elif first.year == last.year:
                title = f"{first:%d %b} – {last:%d %b %Y}"
            else:
                title = f"{first:%d %b %Y} – {last:%d %b %Y}"
            self.title.setText(title.lstrip("0"))
        else:
            self.title.setText(month_name(self.anchor.year, self.anchor.month))
        period = self._period_days()
        posts = self._posts
        counts = Counter([entry[5] for day in period for _local, entry in posts.get(day, ())])
        total = sum(counts.values())
        parts = [f"{total} post{'s' if total != 1 else ''}"]
        for status in (PostStatus.PUBLISHED, PostStatus.SCHEDULED, PostStatus.DRAFT):
            if counts[status]:
                parts.append(f"{counts[status]} {status.label.lower()}")
        if counts[PostStatus.FAILED]:
            parts.append(f"{counts[PostStatus.FAILED]} failed")
        warned = sum(1 for day in period if self._day_notes.get(day, DayNote()).warnings)
        if warned:
            parts.append(f"⚠ posting guard broken on {warned} day{'s' if warned != 1 else ''}")
        if self.filter.active:
            parts.append("filtered")
        self.summary.setText(" · ".join(parts))
        self.summary.setToolTip(self.summary.text())

    def posts_shown(self) -> list[tuple[datetime, PlanEntry]]:
        """The (local time, post) pairs of the shown days, after the filter, in order."""
        return [pair for day in self._days for pair in self._posts.get(day, ())]

    def note_on(self, day: date) -> DayNote:
        return self._day_notes.get(day, DayNote())

    # --- observances ---------------------------------------------------------------------

    def load_observances(self) -> None:
        """Show observances from now on (the first call imports the holiday data)."""
        if self._observances_on:
            return
        self._observances_on = True
        if self._days:
            self._push_notes()

    @property
    def observances_loaded(self) -> bool:
        return self._observances_on

    def _countries(self) -> list[str]:
        if self.client_id is not None:
            plan = self.plans.get(self.client_id)
            return [plan.country if plan is not None else ""]
        countries = sorted({plan.country for plan in self.plans.values() if plan.country})
        return countries or [""]

    def _observances(self) -> dict[date, list[Observance]]:
        if not self._observances_on or not self._days:
            return {}
        if self._observance_book is None:
            from smmdesk.ui.calendar.planning import ObservanceBook

            self._observance_book = ObservanceBook()
        end = self._days[-1] + timedelta(days=1)
        return self._observance_book.between(self._days[0], end, self._countries())

    def _push_notes(self) -> None:
        notes = self._notes()
        self._day_notes = notes
        if self.mode == MONTH:
            self.grid.month_model.set_notes(notes)
        elif self.mode == WEEK:
            self.week.set_notes(notes)
        else:
            self.agenda.agenda_model.set_range(self._days, self._posts, notes, self.today())

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

    def _mix_days(self) -> tuple[date, date, str]:
        key = self.side_panel.mix_range_key()
        if key == "shown":
            period = self._period_days()
            return period[0], period[-1], "Shown period"
        monday = self.today() - timedelta(days=self.today().weekday())
        if key == "next_week":
            monday += timedelta(days=7)
        return (
            monday,
            monday + timedelta(days=6),
            "This week" if key == "this_week" else "Next week",
        )

    def _refresh_mix(self) -> None:
        from smmdesk.ui.calendar.planning import content_mix

        first, last, _label = self._mix_days()
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

    def _on_day_activated(self, day: date) -> None:
        self.new_draft.emit(DraftRequest(self.client_id, day))

    def _on_note_activated(self, day: date, kind: str, name: str) -> None:
        """A double-click on a day's theme or observance: a draft about it."""
        if kind == "theme":
            self.new_draft.emit(DraftRequest(self.client_id, day, theme=name))
        else:
            self.new_draft.emit(DraftRequest(self.client_id, day, observance=name))

    def _on_gap(self, gap: Gap) -> None:
        account = self.accounts.get(gap.account_id)
        client_id = account.client_id if account is not None else self.client_id
        self.new_draft.emit(DraftRequest(client_id, gap.day, gap.account_id))

    def day_actions(self, day: date) -> list[tuple[str, DraftRequest]]:
        """The drafts a day offers: plain, its theme, each observance, each gap."""
        note = self.note_on(day)
        actions = [("New draft on this day", DraftRequest(self.client_id, day))]
        if note.theme:
            actions.append(
                (f"New draft: {note.theme}", DraftRequest(self.client_id, day, theme=note.theme))
            )
        for item in note.observances:
            actions.append(
                (f"New draft: {item.name}", DraftRequest(self.client_id, day, observance=item.name))
            )
        for account_id in note.gap_accounts:
            account = self.accounts.get(account_id)
            client_id = account.client_id if account is not None else self.client_id
            actions.append(
                (
                    f"New draft for {self.account_label(account_id)}",
                    DraftRequest(client_id, day, account_id),
                )
            )
        return actions

    def day_menu(self, day: date, post_id: int | None = None) -> QMenu:
        menu = QMenu(self)
        if post_id is not None:
            open_action = QAction("Open post", menu)
            open_action.triggered.connect(lambda _c=False, p=post_id: self.open_post.emit(p))
            menu.addAction(open_action)
            menu.addSeparator()
        for text, request in self.day_actions(day):
            action = QAction(text, menu)
            action.triggered.connect(lambda _c=False, r=request: self.new_draft.emit(r))
            menu.addAction(action)
        return menu

    def _on_day_menu(self, day: date, post_id: int | None, where: QPoint) -> None:
        menu = self.day_menu(day, post_id)
        menu.exec(where)
        menu.deleteLater()

    # --- moving posts --------------------------------------------------------------------

    def move_post(self, post_id: int, day: date, local_time: time | None = None) -> bool:
        """Move a post to ``day`` (its client's day) at ``local_time``, or at its own time.

        Goes through the undo stack; asks before breaking the posting guard.
        """
        entry = next((e for e in self._entries if e.id == post_id), None)
        if entry is None:
            self.show_notice("This post is no longer in the calendar.")
            return False
        name = entry.timezone
        if local_time is None:
            local_time = entry.scheduled_at.astimezone(zone(name)).time()
        return self.mover.move(post_id, local_to_utc(day, local_time, name))

    def _on_moved(self, _post_id: int) -> None:
        self.reload()

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()
        self._notice_timer.start(6000)
