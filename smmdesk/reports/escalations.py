"""The escalated items of a period as a CSV file for the client.

SMM-PRACTICE rule 4: the manager marks items for the client (with a note)
and, at the end of a week, hands over the list. The client opens it in Excel,
so the file is UTF-8 *with* a byte-order mark: without one Excel reads the
bytes in the machine's legacy code page and Cyrillic, Latvian or Amharic text
turns to mojibake. Columns:

``Escalated at (client's time)``, ``Client``, ``Network``, ``Account``, ``Kind``, ``Author``,
``Text``, ``Link``, ``Note``

The time is the client's wall clock (each row in its own client's zone) as
``YYYY-MM-DD HH:MM``, which Excel reads as a date. The delimiter is a comma
unless the caller asks for another: Excel on a machine whose decimal mark is a
comma (Latvian, Russian settings) splits columns on semicolons instead, so
the dialog passes ``;`` there. The text comes from the network and is
untrusted: a cell that would start with ``=``, ``+``, ``-``, ``@`` or a
control character gets a leading apostrophe so that a spreadsheet never runs
it as a formula (CSV injection). The file is built in memory and written
atomically (``files.write_atomically``), like every other export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from smmdesk.core.clock import to_local
from smmdesk.core.vocabulary import InboxKind
from smmdesk.reports.csv_import import network_name
from smmdesk.reports.files import write_atomically
from smmdesk.store.inbox_queries import EscalatedRow

__all__ = ["COLUMNS", "escalations_csv", "export_escalations", "kind_label", "local_time"]

COLUMNS: tuple[str, ...] = (
    "Escalated at (client's time)",
    "Client",
    "Network",
    "Account",
    "Kind",
    "Author",
    "Text",
    "Link",
    "Note",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def kind_label(kind: str) -> str:
    try:
        return InboxKind(kind).label
    except ValueError:
        return kind


def local_time(row: EscalatedRow) -> str:
    """When the item was escalated, on its client's wall clock."""
    return f"{to_local(row.escalated_at, row.timezone):%Y-%m-%d %H:%M}"


def _cell(text: str) -> str:
    """``text`` made safe to open in a spreadsheet: never read as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def escalations_csv(rows: Sequence[EscalatedRow], delimiter: str = ",") -> bytes:
    """The file's bytes: BOM, header, one line per escalated item."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                local_time(row),
                _cell(row.client_name),
                network_name(row.platform),
                _cell(row.handle),
                kind_label(row.kind),
                _cell(row.author_name),
                _cell(row.body),
                _cell(row.url),
                _cell(row.note),
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def export_escalations(path: Path, rows: Sequence[EscalatedRow], delimiter: str = ",") -> int:
    """Write ``rows`` to ``path`` in one step; the number of items written."""
    write_atomically(path, escalations_csv(rows, delimiter))
    return len(rows)
