"""A client report's numbers and post list as CSV files, for the client's spreadsheet.

Two files, from the same ``ReportData`` as the PDF (so the files and the
report agree to the digit):

* the numbers: one row per measure with ``This period``, ``Previous
  period``, ``Change`` and ``Change %``: the five key numbers, followers per
  account, the inbox, content types, competitors;
* the post list: one row per post per network it went to, with its counts.

The app's CSV conventions (``escalations``): UTF-8 with a byte-order mark
(Excel reads Cyrillic, Latvian or Amharic right only then), CRLF line ends,
a comma between columns unless the caller asks for ``;`` (Excel where the
decimal mark is a comma), times as ``YYYY-MM-DD HH:MM`` on the client's wall
clock, and text cells that could be read as formulas prefixed with an
apostrophe. With ``;`` the decimal mark is written as a comma too, so that
such a spreadsheet reads 3,4 as a number. A number the network does not give
is written "not available", never 0. Written atomically
(``files.write_atomically``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from smmdesk.core.analytics import Change
from smmdesk.core.clock import to_local
from smmdesk.core.content_mix import label_for
from smmdesk.reports.client_report import ReportData
from smmdesk.reports.client_report_words import NOT_AVAILABLE
from smmdesk.reports.csv_import import network_name
from smmdesk.reports.escalations import _cell as safe_cell
from smmdesk.reports.files import write_atomically

__all__ = [
    "NUMBER_COLUMNS",
    "POST_COLUMNS",
    "export_numbers_csv",
    "export_posts_csv",
    "numbers_csv",
    "posts_csv",
]

NUMBER_COLUMNS: tuple[str, ...] = (
    "Section",
    "Measure",
    "This period",
    "Previous period",
    "Change",
    "Change %",
)
POST_COLUMNS: tuple[str, ...] = (
    "Published (client's time)",
    "Post",
    "Content type",
    "Network",
    "Account",
    "Likes",
    "Reposts",
    "Replies",
    "Views",
    "Engagement",
    "Followers when published",
    "Engagement rate %",
    "Link",
    "Text",
)

Cell = str | int | float | None


def _number(value: Cell, comma: bool, decimals: int = 2) -> str:
    """A cell: text as it is (made safe), None as "not available", numbers plain."""
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if comma else text


def _write(header: Sequence[str], rows: Sequence[Sequence[Cell]], delimiter: str) -> bytes:
    comma = delimiter == ";"
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_number(cell, comma) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def _scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def _change_row(section: str, measure: str, ch: Change, factor: float = 1.0) -> list[Cell]:
    """A measure with its change; ``factor`` 100 writes fractions as percentages."""
    return [
        section,
        measure,
        _scaled(ch.current, factor),
        _scaled(ch.previous, factor),
        _scaled(ch.delta, factor),
        ch.percent,
    ]


def number_rows(data: ReportData) -> list[list[Cell]]:
    k = data.key
    rows = [
        _change_row("Summary", "Followers (all accounts)", k.followers),
        _change_row("Summary", "Engagement rate %", k.engagement_rate, 100),
        _change_row("Summary", "Posts published", k.posts_published),
        _change_row("Summary", "Median first response (working minutes)",
                    k.median_response_minutes),
        _change_row("Summary", "Answered in time %", k.share_answered_in_time, 100),
    ]  # fmt: skip
    for a in data.accounts:
        name = f"Followers {network_name(a.platform)} {a.handle}"
        rows.append(_change_row("Accounts", name, a.followers_change))
    i = data.inbox
    in_time = f"Answered within {i.target_hours:g} working hours"
    for measure, value in (
        ("Received", i.received),
        ("Answered", i.answered),
        ("Median first response (working minutes)", i.median_minutes),
        (in_time, i.within_target),
        (f"{in_time} %", _scaled(i.share_within_target, 100)),
        ("Waiting past their deadline now", i.overdue_now),
        ("Escalated", i.escalated),
    ):
        rows.append(["Inbox", measure, value, None, None, None])
    for c in data.content:
        rows.append(["Content types", f"{c.label}: posts", c.posts, None, None, None])
        rows.append(
            ["Content types", f"{c.label}: mean engagement", c.mean_engagement, None, None, None]
        )
    for comp in data.competitors:
        name = f"Followers {comp.label} ({network_name(comp.platform)})"
        rows.append(_change_row("Competitors", name, comp.followers_change))
    return rows


def numbers_csv(data: ReportData, delimiter: str = ",") -> bytes:
    """The numbers file's bytes: BOM, header, one row per measure."""
    return _write(NUMBER_COLUMNS, number_rows(data), delimiter)


def post_rows(data: ReportData) -> list[list[Cell]]:
    zone_name = data.facts.timezone
    rows: list[list[Cell]] = []
    for post in data.posts:
        text = post.preview  # the whole text (the report reads it in full)
        for t in post.targets:
            rows.append(
                [
                    f"{to_local(t.published_at, zone_name):%Y-%m-%d %H:%M}",
                    f"P-{post.post_id}",
                    label_for(post.content_type),
                    network_name(t.platform),
                    t.handle,
                    t.likes,
                    t.reposts,
                    t.replies,
                    t.views,
                    t.engagement,
                    t.followers_at_publish,
                    _scaled(t.engagement_rate, 100),
                    t.url,
                    text,
                ]
            )
    return rows


def posts_csv(data: ReportData, delimiter: str = ",") -> bytes:
    """The post list's bytes: one row per post per network, oldest first."""
    return _write(POST_COLUMNS, post_rows(data), delimiter)


def export_numbers_csv(path: Path, data: ReportData, delimiter: str = ",") -> None:
    write_atomically(Path(path), numbers_csv(data, delimiter))


def export_posts_csv(path: Path, data: ReportData, delimiter: str = ",") -> int:
    """Write the post list; the number of rows written."""
    rows = post_rows(data)
    write_atomically(Path(path), _write(POST_COLUMNS, rows, delimiter))
    return len(rows)
