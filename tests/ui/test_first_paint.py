"""Start-up: what the first paint does without, and the logging that comes before it.

The path to the first paint is measured by bench/startup.py; these tests keep
the larger savings from coming undone by accident. They start the real app
in a child process, because PySide6 makes each Python class once per process
and this one has made them all long ago.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from smmdesk.logs import close_logging, setup_logging
from smmdesk.store.models import Post

PROBE = """
import builtins, os, sys
import PySide6.QtGui as gui, PySide6.QtWidgets as widgets
from PySide6.QtWidgets import QApplication
say = builtins.print
def report(*args, **kwargs):
    line = str(args[0]) if args else ""
    if line.startswith("painted"):
        say("sheet at paint:", bool(QApplication.instance().styleSheet()))
        say("widget classes made:", "QWizard" in vars(widgets))
        say("gradient enums made:", "QGradient" in vars(gui))
    elif line.startswith("ready"):
        say("sheet when ready:", bool(QApplication.instance().styleSheet()))
    say(*args, **kwargs)
builtins.print = report
from smmdesk.app import main
sys.exit(main(["--profile", sys.argv[1], "--exit-after-paint"]))
"""


def test_the_first_paint_skips_the_slow_parts_of_qt(profile, store, client_id):
    """Three things cost the first paint 2-30 ms each and have nothing to show
    for it: an application style sheet (set once the window has painted),
    PySide6 working out the type of a widget Qt made (the month grid's
    viewport: it made the classes of ~65 widget classes, QWizard among them),
    and ``QPainter.fillRect`` with a colour (it makes QGradient's enums)."""
    with store.transaction() as session:
        for days in range(3):
            when = datetime.now(UTC) + timedelta(days=days)
            session.add(Post(client_id=client_id, body="Hello", scheduled_at=when))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(profile.root)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "sheet at paint: False" in out
    assert "widget classes made: False" in out
    assert "gradient enums made: False" in out
    assert "sheet when ready: True" in out


def test_start_up_logs_to_one_file_before_and_after_rotating(tmp_path):
    """The app opens its log plainly at first (logging.handlers costs ~10 ms of
    imports) and rotating once the window has painted; both write one file."""
    log_file = tmp_path / "smmdesk.log"
    logger = logging.getLogger("smmdesk.startup_test")
    try:
        setup_logging(log_file, rotate=False)
        logger.warning("before the first paint")
        setup_logging(log_file)
        logger.warning("after the first paint")
        handlers = logging.getLogger("smmdesk").handlers
        assert any(type(h).__name__ == "RotatingFileHandler" for h in handlers)
    finally:
        close_logging()
    text = log_file.read_text("utf-8")
    assert "before the first paint" in text and "after the first paint" in text
