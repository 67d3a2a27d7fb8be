"""The command line: --version, --self-test, --profile, --demo and refusals."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import smmdesk


def run(args, tmp_path, timeout=120):
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    return subprocess.run(
        [sys.executable, "-m", "smmdesk", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def test_version(tmp_path):
    result = run(["--version"], tmp_path)
    assert result.returncode == 0
    assert smmdesk.__version__ in result.stdout


def test_self_test_on_a_new_profile(tmp_path):
    result = run(["--profile", str(tmp_path / "p"), "--self-test"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test ok" in result.stdout
    assert (tmp_path / "p" / "smmdesk.sqlite3").exists()
    assert (tmp_path / "p" / "logs" / "smmdesk.log").exists()


def test_demo_self_test_uses_its_own_profile(tmp_path):
    result = run(["--demo", "--self-test"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 clients" in result.stdout
    demo_db = tmp_path / "data" / "smmdesk" / "demo" / "smmdesk.sqlite3"
    assert demo_db.exists()
    assert not (tmp_path / "data" / "smmdesk" / "smmdesk.sqlite3").exists()
    with sqlite3.connect(demo_db) as db:
        posts = db.execute("SELECT count(*) FROM posts").fetchone()[0]
        items = db.execute("SELECT count(*) FROM inbox_items").fetchone()[0]
        days = db.execute(
            "SELECT count(DISTINCT date(measured_at)) FROM account_metrics"
        ).fetchone()[0]
        statuses = {row[0] for row in db.execute("SELECT DISTINCT status FROM posts")}
    assert posts >= 30 and items >= 200 and days >= 90
    assert {"published", "scheduled"} <= statuses
    # Starting the demo again keeps its data and works (tokens are re-seeded).
    again = run(["--demo", "--self-test"], tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    with sqlite3.connect(demo_db) as db:
        assert db.execute("SELECT count(*) FROM posts").fetchone()[0] == posts


def test_a_database_from_a_newer_version_is_refused_clearly(tmp_path):
    folder = tmp_path / "p"
    assert run(["--profile", str(folder), "--self-test"], tmp_path).returncode == 0
    with sqlite3.connect(folder / "smmdesk.sqlite3") as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    result = run(["--profile", str(folder), "--self-test"], tmp_path)
    assert result.returncode == 2
    assert "newer version of SMM Desk" in result.stdout


def test_demo_and_profile_together_are_refused(tmp_path):
    result = run(["--demo", "--profile", str(tmp_path)], tmp_path)
    assert result.returncode == 2
    assert "cannot be used together" in result.stderr
