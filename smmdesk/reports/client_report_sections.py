"""The order of a client report's parts, and the charts and tables in each.

``place_sections`` puts the blocks of ``ClientReportLayout`` on its pages:
cover | summary | followers and engagement | content types and best times |
top posts | inbox, audience and competitors | notes. The cover and the
summary take whole pages; the other parts flow, each heading glued to its
first block.
"""

from __future__ import annotations

import statistics
from datetime import timedelta

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from smmdesk.core.clock import to_local
from smmdesk.reports import client_report_charts as charts
from smmdesk.reports.client_report_pages import ClientReportLayout, period_words
from smmdesk.reports.client_report_words import (
    NOT_AVAILABLE,
    change_words,
    count,
    minutes_words,
    percent,
)
from smmdesk.reports.csv_import import network_name
from smmdesk.reports.review_pack_pages import mm

__all__ = ["place_sections"]


def place_sections(r: ClientReportLayout) -> None:
    r.place(r.cover())
    r.new_page()
    _summary(r)
    r.new_page()
    _followers(r)
    _engagement(r)
    r.new_page()
    _content(r)
    _heat(r)
    r.new_page()
    _top_posts(r)
    r.new_page()
    _inbox(r)
    if r.data.notes.strip():
        r.space(mm(8))
        r.place(r.with_heading("Notes from your social media manager", r.notes_block()))


def _summary(r: ClientReportLayout) -> None:
    d = r.data
    note = f"{period_words(d.period)} compared with {period_words(d.previous)}"
    r.place(r.with_heading("Summary", r.key_numbers(), note))
    rows = []
    for a in d.accounts:
        words, _sign = change_words(a.followers_change, "count")
        rows.append(
            (network_name(a.platform), a.handle, count(a.followers), words or NOT_AVAILABLE)
        )
    if rows:
        r.space(mm(4))
        table = r.table(("Network", "Account", "Followers", "Change"), rows, (0.2, 0.4, 0.18, 0.22))
        r.place(r.with_heading("Accounts", table))


def _followers(r: ClientReportLayout) -> None:
    d = r.data
    zone_name = d.facts.timezone
    origin = d.period.start
    series = []
    for i, s in enumerate(d.followers):
        if not s.available:
            continue
        points = [
            ((to_local(when, zone_name).date() - origin).days + 0.5, float(n))
            for when, n in s.points
        ]
        name = f"{network_name(s.platform)} {s.handle}"
        series.append(charts.Series(name, charts.LINE_COLOURS[i % 7], points))
    span = float(d.period.days)
    step = max(1, d.period.days // 6)
    labels = []
    for offset in range(0, d.period.days, step):
        day = origin + timedelta(days=offset)
        labels.append((offset + 0.5, f"{day.day} {day:%b}"))
    missing = [f"{network_name(s.platform)} {s.handle}" for s in d.followers if not s.available]
    note = "Followers at the end of each day, per account."
    if missing:
        note += f" Not available from: {', '.join(missing)}."

    def paint(p: QPainter, rect: QRectF) -> None:
        charts.draw_lines(r, p, rect, series, span, labels)

    r.place(r.with_heading("Followers", r.chart(mm(85), paint), note))


def _engagement(r: ClientReportLayout) -> None:
    posts = r.data.posts
    values = [None if p.engagement is None else float(p.engagement) for p in posts]
    known = [v for v in values if v is not None]
    median = statistics.median(known) if known else None
    note = (
        f"Likes, reposts and replies of each of the {count(len(posts))} posts, in date order; "
        f"median {count(median)} per post."
    )
    unmeasured = len(values) - len(known)
    if unmeasured:
        note += f" {unmeasured} not available yet (grey marks)."

    def paint(p: QPainter, rect: QRectF) -> None:
        caption = f"{period_words(r.data.period)} →"
        charts.draw_columns(r, p, rect, values, r.colour.name(), caption)

    r.space(mm(6))
    r.place(r.with_heading("Engagement per post", r.chart(mm(62), paint), note))


def _content(r: ClientReportLayout) -> None:
    rows = r.data.content
    bars = [
        charts.Bar(
            c.label,
            c.mean_engagement,
            ", ".join(
                ([f"{c.posts} post{'s' if c.posts != 1 else ''}"] if c.posts else [])
                + ([f"plan {percent(c.target_share)}"] if c.target_share is not None else [])
            ),
            "" if c.posts else "no posts",
        )
        for c in rows
    ]
    height = max(mm(20), len(bars) * mm(8))

    def paint(p: QPainter, rect: QRectF) -> None:
        charts.draw_bars(r, p, rect, bars, r.colour.name())

    note = "Average interactions per post of each type; the number of posts and the planned share."
    r.place(r.with_heading("Content types", r.chart(height, paint), note))


def _heat(r: ClientReportLayout) -> None:
    heat = r.data.heat
    cells = [[charts.HeatValue(c.posts, c.mean_engagement) for c in row] for row in heat.cells]
    best = heat.best()
    note = f"Posts per weekday and hour ({heat.zone}); darker = more interactions on average."
    if not heat.total_posts:
        note = f"No posts were published in this period ({heat.zone})."
    if best is not None:
        note += f" Best: {('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[best.weekday]}"
        note += f" {best.hour:02d}:00."

    def paint(p: QPainter, rect: QRectF) -> None:
        charts.draw_heat_map(r, p, rect, cells)

    r.space(mm(6))
    r.place(r.with_heading("Best time to post", r.chart(mm(62), paint), note))


def _top_posts(r: ClientReportLayout) -> None:
    top = r.data.top
    if not top:
        r.place(r.heading("Top posts", "No post of this period has engagement figures yet."))
        return
    note = "The posts with the most interactions in the period (all networks together)."
    first, *rest = top
    r.place(r.with_heading("Top posts", r.post_block(1, first), note))
    for rank, post in enumerate(rest, start=2):
        r.place(r.post_block(rank, post))


def _inbox(r: ClientReportLayout) -> None:
    i = r.data.inbox
    answered = f"{count(i.answered)} of {count(i.received)}"
    in_time = (
        f"{percent(i.share_within_target)} ({count(i.within_target)} of {count(i.answered)})"
        if i.share_within_target is not None
        else NOT_AVAILABLE
    )
    rows = [
        ("Comments and messages received", "", count(i.received)),
        ("Answered", "", answered),
        ("Median first response (working hours)", "", minutes_words(i.median_minutes)),
        (f"Answered within {i.target_hours:g} working hours", "", in_time),
        ("Waiting past their deadline now", "", count(i.overdue_now)),
        ("Passed to you (escalated)", "", count(i.escalated)),
    ]
    table = r.table(("", "", ""), rows, (0.6, 0.05, 0.35))
    note = "Spam is left out. The clock runs only in your working hours."
    r.place(r.with_heading("Inbox", table, note))
    leaders = r.data.leaders
    if leaders:
        leader_rows = [
            (
                lead.author_name or lead.author_handle or "someone",
                f"{network_name(lead.platform)} {lead.handle}",
                count(lead.items),
                count(lead.comments),
            )
            for lead in leaders
        ]
        r.space(mm(6))
        table = r.table(
            ("Person", "Talked to", "Messages", "Comments"), leader_rows, (0.34, 0.36, 0.15, 0.15)
        )
        r.place(r.with_heading("Most active in your audience", table))
    comps = r.data.competitors
    if comps:
        comp_rows: list[tuple[str, ...]] = []
        for c in comps:
            words, _sign = change_words(c.followers_change, "count")
            last = c.points[-1][1] if c.points else None
            comp_rows.append(
                (c.label, network_name(c.platform), count(last) if c.available else NOT_AVAILABLE,
                 words or NOT_AVAILABLE)
            )  # fmt: skip
        r.space(mm(6))
        table = r.table(
            ("Competitor", "Network", "Followers", "Change"), comp_rows, (0.4, 0.2, 0.18, 0.22)
        )
        r.place(r.with_heading("Competitors", table))
