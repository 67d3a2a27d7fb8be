"""Reading a CSV of planned posts: the file format, its rows, and the values in them.

The file (UTF-8, with or without a byte-order mark) has a header row naming
its columns, in any order and any case:

========  ========  ==========================================================
column    needed    what it holds
========  ========  ==========================================================
date      yes       ``YYYY-MM-DD`` or ``DD.MM.YYYY``
time      yes       ``HH:MM`` (24 hours), in the *client's* time zone
accounts  yes       handles separated by spaces or commas:
                    ``@kafija.riga @kafija_events``; the ``@`` is optional;
                    ``telegram:@kafija`` picks one network when a handle is
                    used on several
text      yes       the post text (quote it to keep line breaks)
type      no        a content type, by value or label (``photo``,
                    ``Promotion / discount``); default ``text``
image     no        a picture (PNG, JPEG, GIF or WebP), relative to the
                    CSV's folder or absolute
========  ========  ==========================================================

A few other spellings of the column names are accepted (``account``,
``content type``, ``image path``...); an unknown column refuses the whole
file, because a misspelt ``image`` column would otherwise import posts
silently without their pictures. Commas, semicolons and tabs are recognised
as delimiters from the header line.

Line numbers are those of the file as a text editor shows them (the header
is line 1; a quoted text spanning lines is numbered by its first line), so
that a refusal ("line 4: ...") points where the user looks. This module only
reads; whether a row can become a post is ``csv_import``'s business.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from smmdesk.core.clock import zone
from smmdesk.core.vocabulary import ContentType

__all__ = [
    "CsvImportError",
    "CsvRow",
    "content_type_value",
    "local_instant",
    "parse_date",
    "parse_time",
    "read_rows",
]


class CsvImportError(ValueError):
    """The file as a whole cannot be read (not text, no header, unknown column)."""


@dataclass(frozen=True)
class CsvRow:
    """One data row of the file: its cells by column, before any checking."""

    line: int  # where the row starts in the file (the header is line 1)
    cells: dict[str, str]  # column -> value; stripped, except the text
    extra: int  # non-empty values beyond the header's columns


# --- columns ------------------------------------------------------------------

_COLUMN_NAMES: dict[str, str] = {
    "date": "date",
    "day": "date",
    "time": "time",
    "accounts": "accounts",
    "account": "accounts",
    "handles": "accounts",
    "handle": "accounts",
    "text": "text",
    "body": "text",
    "type": "type",
    "content type": "type",
    "content_type": "type",
    "image": "image",
    "image path": "image",
    "image_path": "image",
    "picture": "image",
}
_REQUIRED = ("date", "time", "accounts", "text")
_KNOWN_HELP = "date, time, accounts, text, type, image"


def _read_text(csv_path: Path) -> str:
    try:
        raw = csv_path.read_bytes()
    except OSError as exc:
        raise CsvImportError(f"{csv_path.name} cannot be read: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvImportError(
            f"{csv_path.name} is not UTF-8 text. Save it as “CSV UTF-8” and try again."
        ) from None


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _columns(header: Sequence[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    unknown = []
    for index, name in enumerate(header):
        key = " ".join(name.strip().lower().split())
        if not key:
            continue
        column = _COLUMN_NAMES.get(key)
        if column is None:
            unknown.append(name.strip())
        elif column in columns:
            raise CsvImportError(f"The column “{column}” appears twice in the header.")
        else:
            columns[column] = index
    if unknown:
        names = ", ".join(f"“{n}”" for n in unknown)
        raise CsvImportError(f"Unknown column {names}. The columns are: {_KNOWN_HELP}.")
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        raise CsvImportError(
            f"The header has no {', '.join(missing)} column. "
            f"The first line must name the columns: {_KNOWN_HELP}."
        )
    return columns


def _records(text: str) -> tuple[dict[str, int], int, list[tuple[int, list[str]]]]:
    """The header's columns, its width, and the data rows with the line each starts on."""
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise CsvImportError("The file is empty: it needs a header row and one row per post.")
        columns = _columns(header)
        rows = []
        last_line = reader.line_num
        for record in reader:
            start, last_line = last_line + 1, reader.line_num
            if any(cell.strip() for cell in record):
                rows.append((start, record))
    except csv.Error as exc:
        raise CsvImportError(
            f"The file is not valid CSV near line {reader.line_num}: {exc}."
        ) from None
    return columns, len(header), rows


def read_rows(csv_path: Path) -> list[CsvRow]:
    """The data rows of ``csv_path``; ``CsvImportError`` if the file cannot be used."""
    columns, width, records = _records(_read_text(csv_path))
    rows = []
    for line, record in records:
        cells = {name: record[i] if i < len(record) else "" for name, i in columns.items()}
        cells = {k: v.strip() if k != "text" else v for k, v in cells.items()}
        extra = sum(1 for cell in record[width:] if cell.strip())
        rows.append(CsvRow(line, cells, extra))
    return rows


# --- values -------------------------------------------------------------------

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def parse_date(value: str) -> date | str:
    """The date written in a cell, or why it is not one (the words of a refusal)."""
    if m := _ISO_DATE.fullmatch(value):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DOTTED_DATE.fullmatch(value):
        day, month, year = (int(g) for g in m.groups())
    elif not value:
        return "the date is missing"
    else:
        return f"{value} is not a date (write YYYY-MM-DD or DD.MM.YYYY)"
    try:
        return date(year, month, day)
    except ValueError:
        return f"{value} is not a date"


def parse_time(value: str) -> time | str:
    """The wall-clock time written in a cell, or why it is not one."""
    m = _TIME.fullmatch(value)
    if not value:
        return "the time is missing"
    if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return f"{value} is not a time (write HH:MM, 24 hours)"
    return time(int(m.group(1)), int(m.group(2)))


def local_instant(day: date, at: time, zone_name: str) -> datetime | None:
    """The UTC instant of a wall-clock time, or None if the clocks skip it."""
    naive = datetime.combine(day, at)
    moment = naive.replace(tzinfo=zone(zone_name), fold=0)
    if moment.astimezone(UTC).astimezone(zone(zone_name)).replace(tzinfo=None) != naive:
        return None
    return moment.astimezone(UTC)


def content_type_value(value: str) -> str | None:
    """The stored value of a content type written by value or label; None if unknown.

    An empty cell means a plain text post, the one type every client uses.
    """
    key = " ".join(value.strip().lower().split())
    if not key:
        return ContentType.TEXT.value
    for kind in ContentType:
        if key in (kind.value, kind.label.lower()):
            return kind.value
    return None
