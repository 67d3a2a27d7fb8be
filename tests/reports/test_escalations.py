"""The escalations CSV: BOM, the client's wall clock, Cyrillic intact, no formulas."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from smmdesk.reports.escalations import COLUMNS, escalations_csv, export_escalations
from smmdesk.store.inbox_queries import escalated_items
from smmdesk.store.models import Account, InboxItem
from smmdesk.store.queries import StoreReader

# 09:30 UTC in July is 12:30 in Riga (UTC+3, summer time).
ESCALATED = datetime(2026, 7, 14, 9, 30, tzinfo=UTC)


def seed(store, client_id) -> None:
    with store.transaction() as s:
        account = Account(
            client_id=client_id, platform="telegram", handle="@kafija", vault_key="k1"
        )
        s.add(account)
        s.flush()
        s.add_all(
            [
                InboxItem(
                    account_id=account.id,
                    kind="comment",
                    remote_id="1",
                    author_name="Анна Петрова",
                    body="Кофе был холодный,\nи никто не ответил",
                    url="https://t.me/kafija/7?comment=1",
                    created_at=ESCALATED - timedelta(hours=2),
                    status="escalated",
                    escalated_at=ESCALATED,
                    escalation_note="Ask the café manager about the refund",
                ),
                InboxItem(
                    account_id=account.id,
                    kind="direct_message",
                    remote_id="2",
                    author_name="ሰላም",
                    body='=HYPERLINK("http://evil.example")',
                    created_at=ESCALATED,
                    escalated_at=ESCALATED + timedelta(days=1),
                ),
                InboxItem(  # escalated outside the period: left out
                    account_id=account.id,
                    kind="comment",
                    remote_id="3",
                    body="old",
                    created_at=ESCALATED - timedelta(days=30),
                    escalated_at=ESCALATED - timedelta(days=20),
                ),
                InboxItem(  # never escalated: left out
                    account_id=account.id,
                    kind="comment",
                    remote_id="4",
                    body="fine",
                    created_at=ESCALATED,
                ),
            ]
        )


def rows(store, client_id):
    reader = StoreReader(store.path)
    try:
        return escalated_items(
            reader.db, client_id, ESCALATED - timedelta(days=7), ESCALATED + timedelta(days=7)
        )
    finally:
        reader.close()


def test_the_file_opens_in_excel_with_local_times_and_cyrillic(store, client_id, tmp_path):
    seed(store, client_id)
    target = tmp_path / "out" / "escalated.csv"
    assert export_escalations(target, rows(store, client_id)) == 2

    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert table[0] == list(COLUMNS)
    first, second = table[1], table[2]
    assert first == [
        "2026-07-14 12:30",
        "Kafija Rīga",
        "Telegram",
        "'@kafija",  # a leading @ would be a formula to Excel
        "Comment",
        "Анна Петрова",
        "Кофе был холодный,\nи никто не ответил",
        "https://t.me/kafija/7?comment=1",
        "Ask the café manager about the refund",
    ]
    assert second[0] == "2026-07-15 12:30"
    assert second[4] == "Message"
    assert second[5] == "ሰላም"
    # A formula from the network is written as text, never run by the spreadsheet.
    assert second[6] == '\'=HYPERLINK("http://evil.example")'
    assert not list(tmp_path.glob("out/.*.tmp"))


def test_semicolon_delimiter_for_decimal_comma_machines(store, client_id):
    seed(store, client_id)
    text = escalations_csv(rows(store, client_id), delimiter=";").decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.split(";")[:2] == ["Escalated at (client's time)", "Client"]


def test_an_empty_period_still_writes_the_header(tmp_path):
    target = tmp_path / "none.csv"
    assert export_escalations(target, []) == 0
    text = target.read_bytes().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [list(COLUMNS)]
