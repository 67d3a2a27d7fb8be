"""Recreate ``fixtures/schema_0001.sqlite3``: a database of the first schema.

Kept for the record only; the committed file is what the migration test
upgrades, and it must never be regenerated with a newer schema.
Run: ``python tests/store/make_schema_0001_fixture.py``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config

from smmdesk.store.database import make_engine

TARGET = Path(__file__).with_name("fixtures") / "schema_0001.sqlite3"
MIGRATIONS = Path(__file__).parents[2] / "smmdesk" / "store" / "migrations"


def main() -> None:
    TARGET.unlink(missing_ok=True)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = make_engine(TARGET)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()
    with sqlite3.connect(TARGET) as db:
        db.executescript(
            """
            INSERT INTO clients (id, name, colour, timezone, country, work_start_minute,
              work_end_minute, work_days, reply_target_hours, max_posts_per_day,
              min_gap_minutes, link_policy, notes, created_at)
            VALUES (1, 'Kafija Rīga', '#c0392b', 'Europe/Riga', 'LV', 540, 1080,
              '0,1,2,3,4', 6.0, 3, 120, 'justify', '', '2026-01-05 09:00:00');
            INSERT INTO accounts (id, client_id, platform, handle, display_name, remote_id,
              instance_url, vault_key, status, status_message, created_at)
            VALUES (1, 1, 'sandbox', '@kafija', 'Kafija', 'sbx:kafija', '',
              'account-0001', 'ok', '', '2026-01-05 09:05:00');
            INSERT INTO posts (id, client_id, body, content_type, status, scheduled_at,
              notes, created_at, updated_at)
            VALUES (1, 1, 'Labrīt! Kafija ar kardamonu šodien −20%', 'promotion', 'published',
              '2026-01-06 08:00:00', '', '2026-01-05 10:00:00', '2026-01-06 08:00:01');
            INSERT INTO post_targets (id, post_id, account_id, status, remote_id,
              remote_url, error, published_at, idempotency_key)
            VALUES (1, 1, 1, 'published', 'p1', 'sandbox://kafija/posts/p1', '',
              '2026-01-06 08:00:01', 'k1');
            INSERT INTO inbox_items (id, account_id, kind, remote_id, post_remote_id,
              parent_remote_id, author_id, author_name, body, url, created_at, fetched_at,
              category, status)
            VALUES (1, 1, 'comment', 'c1', 'p1', '', 'u1', 'Ilze Bērziņa',
              'Vai piegādājat uz Jūrmalu?', '', '2026-01-06 09:00:00',
              '2026-01-06 09:05:00', 'question', 'new'),
              (2, 1, 'mention', 'm1', '', '', 'u2', 'Алексей', 'Лучший кофе в Риге!',
              '', '2026-01-06 10:00:00', '2026-01-06 10:05:00', 'praise', 'done');
            INSERT INTO account_metrics (id, account_id, measured_at, followers, following,
              posts)
            VALUES (1, 1, '2026-01-06 00:00:00', 1200, 80, 300);
            """
        )
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
