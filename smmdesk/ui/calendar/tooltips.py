"""What the calendar's tooltips and lists say: labels and tooltip text.

Plain text, no painting: the views (month grid, week header and timeline,
list) ask for it when a tooltip is due. Tooltip text is built as escaped
rich text: a post's text, a handle or an observance's name is shown
literally whatever it contains.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from smmdesk.core.vocabulary import ContentType, PostStatus
from smmdesk.store.calendar_queries import PlanEntry
from smmdesk.ui.calendar.calendar_data import DayNote
from smmdesk.ui.calendar.chips import PUBLISHED_LOCKED


def escape(text: str) -> str:
    """``html.escape``, imported with the first tooltip rather than at start-up
    (``html`` loads its table of entities, a few milliseconds)."""
    from html import escape as html_escape

    return html_escape(text)


def status_label(value: str) -> str:
    try:
        return PostStatus(value).label
    except ValueError:
        return value


def type_label(value: str) -> str:
    try:
        return ContentType(value).label
    except ValueError:
        return value.capitalize()


def _html(lines: Iterable[str]) -> str:
    return "<p style='white-space:pre'>" + "<br>".join(lines) + "</p>"


def post_tooltip(
    local: datetime,
    entry: PlanEntry,
    accounts: Callable[[int], str],
    flagged: bool = False,
    text: str | None = None,
) -> str:
    status = status_label(entry.status)
    kind = type_label(entry.content_type)
    targets = ", ".join(accounts(a) for a in entry.account_ids) or "no accounts yet"
    lines = [
        f"<b>{local:%a %d %b, %H:%M}</b> ({escape(local.tzname() or '')}) · {escape(status)}",
        f"{escape(kind)} → {escape(targets)}",
        "",
        escape((entry.body if text is None else text)[:300]),
        "",
    ]
    if flagged:
        lines.append("<span style='color:#b3261e'>⚠ Breaks the posting guard (see the day)</span>")
    if entry.status == "published":
        lines.append(f"<i>{escape(PUBLISHED_LOCKED)}</i>")
    else:
        lines.append("<i>Double-click to open · drag to another day or time</i>")
    return _html(lines)


def warnings_tooltip(day: date, note: DayNote) -> str:
    lines = [f"<b>Posting guard, {day:%a %d %b}</b>"]
    lines += [f"• {escape(text)}" for text in note.warnings]
    return _html(lines)


def gaps_tooltip(day: date, note: DayNote, accounts: Callable[[int], str]) -> str:
    names = ", ".join(accounts(a) for a in note.gap_accounts)
    return _html([f"<b>Nothing planned on {day:%a %d %b}</b>", f"for {escape(names)}"])


def observances_tooltip(note: DayNote) -> str:
    lines = []
    for item in note.observances:
        kind = "Public holiday" if item.kind == "holiday" else "Observance"
        lines.append(f"<b>{escape(item.name)}</b> · {kind}")
        lines.append(f"<span style='color:#6b7385'>Source: {escape(item.source)}</span>")
    lines.append("<i>Right-click the day to start a draft about it</i>")
    return _html(lines)


def day_tooltip(
    day: date,
    note: DayNote,
    posts: list[tuple[datetime, PlanEntry]],
    accounts: Callable[[int], str],
    text_of: Callable[[PlanEntry], str] | None = None,
) -> str:
    lines = [f"<b>{day:%A %d %B}</b>"]
    if note.theme:
        lines.append(f"Theme: {escape(note.theme)}")
    for item in note.observances:
        lines.append(
            f"{escape(item.name)} <span style='color:#6b7385'>({escape(item.source)})</span>"
        )
    if note.warnings:
        lines += [f"<span style='color:#b3261e'>⚠ {escape(text)}</span>" for text in note.warnings]
    if note.gap_accounts:
        names = ", ".join(accounts(a) for a in note.gap_accounts)
        lines.append(f"<span style='color:#8a6100'>Nothing planned for {escape(names)}</span>")
    if not posts:
        lines.append("Nothing planned · double-click to start a draft")
    else:
        lines.append(f"{len(posts)} post{'s' if len(posts) != 1 else ''}:")
        for local, entry in posts[:12]:
            status = status_label(entry.status)
            text = (entry.body if text_of is None else text_of(entry))[:70]
            lines.append(f"{local:%H:%M}  [{escape(status)}]  {escape(text)}")
        if len(posts) > 12:
            lines.append(f"… and {len(posts) - 12} more")
    return _html(lines)
