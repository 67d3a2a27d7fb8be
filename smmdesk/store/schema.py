"""The schema's identity, read with plain ``sqlite3``: no SQLAlchemy here.

Start-up asks "is this database current?" before anything else; answering
with the standard library keeps SQLAlchemy and Alembic off the path to the
first painted window when no migration is due (the usual case).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

#: Every revision this build knows, oldest first. A test checks it against
#: the migration scripts, so it cannot drift from them.
KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
HEAD_REVISION = KNOWN_REVISIONS[-1]


class StoreError(Exception):
    """The database cannot be opened; the message is meant for the user."""


class NewerDatabaseError(StoreError):
    pass


def stored_revision(path: Path) -> str | None:
    """The schema revision of a database file; None for a new or empty one."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in tables:
                if tables - {"sqlite_sequence"}:
                    raise StoreError(f"{path.name} is not an SMM Desk database.")
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"The database {path} cannot be read ({exc}). It may be damaged; "
            "copies made before each upgrade are in the profile's backups folder."
        ) from exc
    return row[0] if row else None


def backup_database(path: Path, backup_dir: Path, label: str) -> Path:
    """Copy a live database consistently (SQLite's backup API, WAL included)."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = backup_dir / f"{path.stem}-{label}-{stamp}.sqlite3"
    with sqlite3.connect(path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target
