"""Opening a profile's database: migrate, back up, refuse the future.

``open_store`` is called once by ``app.py`` before any window exists. It reads
the schema revision with plain ``sqlite3`` so that an up-to-date database
(the usual case) opens without importing Alembic at all; only when a
migration is due is the file copied to ``backups/`` and Alembic run.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from smmdesk.store.schema import (
    HEAD_REVISION,
    KNOWN_REVISIONS,
    NewerDatabaseError,
    StoreError,
    backup_database,
    stored_revision,
)

log = logging.getLogger(__name__)

__all__ = [
    "HEAD_REVISION",
    "KNOWN_REVISIONS",
    "NewerDatabaseError",
    "Store",
    "StoreError",
    "make_engine",
    "migrate",
    "open_store",
    "stored_revision",
]

_MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers never block the writer, and a killed process loses nothing
    # that was committed. The busy timeout lets background writers queue.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": 5.0, "check_same_thread": False},
    )
    event.listen(engine, "connect", _set_pragmas)
    return engine


def migrate(path: Path, backup_dir: Path) -> str | None:
    """Bring the database at ``path`` to the head revision.

    Returns the path of the backup made before migrating, or None if nothing
    was due or the database was new.
    """
    current = stored_revision(path)
    if current == HEAD_REVISION:
        return None
    if current is not None and current not in KNOWN_REVISIONS:
        raise NewerDatabaseError(
            f"This profile was saved by a newer version of SMM Desk (schema {current}). "
            "Install the newer version to open it, or choose another profile; "
            "nothing was changed."
        )
    backup = None
    if current is not None:
        backup = str(backup_database(path, backup_dir, f"schema-{current}"))
        log.info("backed up the database before migrating from %s: %s", current, backup)

    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS_DIR))
    engine = make_engine(path)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()
    log.info("database migrated from %s to %s", current or "empty", HEAD_REVISION)
    return backup


class Store:
    """The open database: one engine, short sessions per unit of work.

    Each thread opens its own session (``with store.session() as s``); only
    plain values or detached objects cross to the GUI thread.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine = make_engine(path)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits at the end of the block, or rolls back."""
        with self._sessions() as session, session.begin():
            yield session

    def check(self) -> None:
        """Raise StoreError unless the database answers and is consistent."""
        with self.engine.connect() as conn:
            result = conn.exec_driver_sql("PRAGMA quick_check").scalar()
        if result != "ok":
            raise StoreError(f"The database failed its integrity check: {result}")

    def optimize(self) -> None:
        """Refresh the planner's statistics where they went stale (SQLite's advice:
        at close, and after large changes); the inbox counts depend on them."""
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA optimize")

    def close(self) -> None:
        with contextlib.suppress(Exception):  # locked or read-only: statistics can wait
            self.optimize()
        self.engine.dispose()


def open_store(path: Path, backup_dir: Path) -> Store:
    path.parent.mkdir(parents=True, exist_ok=True)
    migrate(path, backup_dir)
    return Store(path)
