"""Opening, migrating and refusing databases."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select

from smmdesk.store import inbox_search
from smmdesk.store.database import (
    HEAD_REVISION,
    KNOWN_REVISIONS,
    NewerDatabaseError,
    StoreError,
    open_store,
    stored_revision,
)
from smmdesk.store.models import Account, Base, Client, InboxItem, Post

FIXTURE_0001 = Path(__file__).with_name("fixtures") / "schema_0001.sqlite3"


def test_known_revisions_match_the_migration_scripts():
    config = Config()
    config.set_main_option(
        "script_location", str(Path(__file__).parents[2] / "smmdesk/store/migrations")
    )
    scripts = ScriptDirectory.from_config(config)
    chain = [rev.revision for rev in scripts.walk_revisions()][::-1]
    assert tuple(chain) == KNOWN_REVISIONS
    assert scripts.get_current_head() == HEAD_REVISION


def test_new_database_matches_the_models(tmp_path):
    store = open_store(tmp_path / "db.sqlite3", tmp_path / "backups")
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # The FTS5 table and its shadow tables live outside the ORM on purpose.
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("inbox_fts"))]
    assert diff == []
    assert not (tmp_path / "backups").exists(), "a new database needs no backup"


def test_pragmas_wal_foreign_keys_busy_timeout(tmp_path):
    store = open_store(tmp_path / "db.sqlite3", tmp_path / "backups")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_first_schema_upgrades_with_its_data_intact(tmp_path):
    db = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURE_0001, db)
    assert stored_revision(db) == "0001"

    store = open_store(db, tmp_path / "backups")

    assert stored_revision(db) == HEAD_REVISION
    backups = list((tmp_path / "backups").iterdir())
    assert len(backups) == 1 and "schema-0001" in backups[0].name
    assert stored_revision(backups[0]) == "0001"
    with store.session() as session:
        client = session.scalars(select(Client)).one()
        assert client.name == "Kafija Rīga" and client.timezone == "Europe/Riga"
        account = session.scalars(select(Account)).one()
        assert account.vault_key == "account-0001"
        post = session.scalars(select(Post)).one()
        assert post.scheduled_at == datetime(2026, 1, 6, 8, 0, tzinfo=UTC)
        assert len(session.scalars(select(InboxItem)).all()) == 2
        # The migration indexed the old items for search.
        assert len(inbox_search.search_ids(session, "jūrmalu")) == 1
        assert len(inbox_search.search_ids(session, "Алексей")) == 1


def test_database_from_a_newer_version_is_refused_untouched(tmp_path):
    db = tmp_path / "future.sqlite3"
    open_store(db, tmp_path / "b").close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = db.read_bytes()
    with pytest.raises(NewerDatabaseError, match="newer version of SMM Desk"):
        open_store(db, tmp_path / "b")
    assert db.read_bytes() == before


def test_corrupt_file_gives_a_clear_error(tmp_path):
    db = tmp_path / "broken.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot be read"):
        open_store(db, tmp_path / "b")
    assert db.read_bytes() == b"this is not a database" * 100


def test_foreign_database_is_refused(tmp_path):
    db = tmp_path / "other.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="not an SMM Desk database"):
        open_store(db, tmp_path / "b")


def test_naive_datetimes_are_refused(tmp_path):
    store = open_store(tmp_path / "db.sqlite3", tmp_path / "b")
    with pytest.raises(Exception, match="naive datetime"), store.transaction() as s:
        s.add(Client(name="x", created_at=datetime(2026, 1, 1)))
