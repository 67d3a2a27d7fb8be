"""The client report dialog: periods, notes kept per client and period, the build."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from smmdesk.core.analytics import Period
from smmdesk.store.analytics_queries import report_note
from smmdesk.sync.jobs import JobEngine
from smmdesk.ui.reports import ClientReportDialog
from smmdesk.ui.reports.client_report_dialog import preset_period
from tests.reports.test_client_report import OURS, THEIRS, pdf_pages, seed_client


@pytest.fixture
def engine(qtbot):
    engine = JobEngine(max_threads=2)
    yield engine
    engine.shutdown()


@pytest.fixture
def dialog(qtbot, store, engine):
    ours = seed_client(store, OURS, "ZELTENE")
    seed_client(store, THEIRS, "QUOKKA")
    dialog = ClientReportDialog(store, engine, ours.client_id)
    dialog.open_folder.setChecked(False)  # no file manager in a test
    qtbot.addWidget(dialog)
    return dialog


def note_in_store(store, client_id: int, period: Period) -> str:
    with sqlite3.connect(f"file:{store.path}?mode=ro", uri=True) as db:
        return report_note(db, client_id, period)


def test_presets():
    today = date(2026, 3, 10)  # a Tuesday
    assert preset_period("last_month", today) == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert preset_period("this_month", today) == Period(date(2026, 3, 1), date(2026, 3, 31))
    assert preset_period("last_30", today) == Period(date(2026, 2, 9), date(2026, 3, 10))
    assert preset_period("last_90", today).days == 90
    assert preset_period("last_week", today) == Period(date(2026, 3, 2), date(2026, 3, 8))
    assert preset_period("custom", today) is None


def test_choosing_days_and_notes_per_period(dialog, store):
    assert dialog.client_box.currentText() == OURS
    dialog.preset.setCurrentIndex(dialog.preset.findData("custom"))
    dialog.range.set_days(date(2026, 9, 1), date(2026, 9, 30))
    september = Period(date(2026, 9, 1), date(2026, 9, 30))
    assert dialog.period() == september
    assert "Compared with 1–31 August 2026" in dialog.compared.text()
    dialog.notes.setPlainText("September: bread sold out twice.")
    dialog.range.set_days(date(2026, 8, 1), date(2026, 8, 31))  # another period
    assert dialog.notes.toPlainText() == ""
    assert note_in_store(store, dialog.client_id, september) == "September: bread sold out twice."
    dialog.range.set_days(date(2026, 9, 1), date(2026, 9, 30))
    assert dialog.notes.toPlainText() == "September: bread sold out twice."
    # Another client has its own notes for the same days.
    dialog.client_box.setCurrentIndex(dialog.client_box.findText(THEIRS))
    dialog.preset.setCurrentIndex(dialog.preset.findData("custom"))
    dialog.range.set_days(date(2026, 9, 1), date(2026, 9, 30))
    assert dialog.notes.toPlainText() == ""
    dialog.range.set_days(date(2026, 9, 30), date(2026, 9, 1))
    assert "after the last day" in dialog.compared.text()
    assert dialog.build_to(store.path.parent / "never.pdf") is None


def test_building_the_report(qtbot, dialog, tmp_path):
    dialog.preset.setCurrentIndex(dialog.preset.findData("custom"))
    dialog.range.set_days(date(2026, 9, 1), date(2026, 9, 30))
    dialog.notes.setPlainText("Next month: more video.")
    dialog.prepared_by.setText("Ilze Bērziņa")
    dialog.with_csv.setChecked(True)
    assert dialog.suggested_name() == f"{OURS} report 2026-09-01 to 2026-09-30.pdf"
    path = tmp_path / "report.pdf"
    with qtbot.waitSignal(dialog.built, timeout=20000) as signal:
        assert dialog.build_to(path) is not None
        assert not dialog.progress.isHidden() and not dialog.build_button.isEnabled()
    assert signal.args == [str(path)]
    assert dialog.outcome is not None and dialog.outcome.pages > 3
    assert len(dialog.outcome.csv_files) == 2
    assert "Saved the report" in dialog.message.text()
    assert dialog.progress.isHidden() and dialog.build_button.isEnabled()
    pages = pdf_pages(path)
    assert all(OURS in text and THEIRS not in text for text, _image in pages)
    assert "Next month: more video." in pages[-1][0]


def test_stopping_a_build_writes_nothing(qtbot, dialog, tmp_path):
    path = tmp_path / "report.pdf"
    dialog.build_to(path)
    dialog.cancel()
    qtbot.waitUntil(lambda: dialog.job_id is None, timeout=20000)
    if dialog.failure is not None:  # stopped before it finished
        assert dialog.failure.kind == "cancelled"
        assert "No file was written" in dialog.message.text()
        assert not path.exists()
    else:  # it finished first: the file is whole
        assert path.read_bytes().startswith(b"%PDF")


def test_without_a_chosen_client_it_starts_with_the_first(qtbot, store, engine):
    with pytest.raises(ValueError, match="no client"):
        ClientReportDialog(store, engine)
    seed_client(store, OURS, "ZELTENE")
    seed_client(store, THEIRS, "QUOKKA")
    dialog = ClientReportDialog(store, engine, None)
    qtbot.addWidget(dialog)
    assert dialog.client_box.currentText() == THEIRS  # "Quokka…" sorts first
    assert dialog.preset.currentData() == "last_month"
