"""Guard against a PySide6/Python pair that aborts the interpreter.

PySide6 6.12.0 on Python 3.11 (and 3.10) dies with ``Fatal Python error:
none_dealloc`` after a few thousand calls of methods that return None. The
pin in pyproject.toml avoids it; this test fails if a crashing pair is ever
installed anyway. It runs in a child process because the failure is an abort.
"""

import subprocess
import sys

import PySide6

SNIPPET = (
    "from PySide6.QtCore import QObject\n"
    "o = QObject()\n"
    "[o.setObjectName('x') for _ in range(100000)]\n"
    "print('survived')\n"
)


def test_installed_pyside6_survives_many_none_returning_calls():
    result = subprocess.run(
        [sys.executable, "-c", SNIPPET], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and "survived" in result.stdout, (
        f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} aborts: "
        f"{result.stderr[-500:]}"
    )


def test_known_crashing_pair_is_not_installed():
    crashing = PySide6.__version__ == "6.12.0" and sys.version_info < (3, 12)
    assert not crashing, "PySide6 6.12.0 aborts on Python < 3.12: see pyproject.toml"
