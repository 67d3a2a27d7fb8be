"""Alembic environment: always run from code with a live connection.

``smmdesk.store.database.migrate`` passes the connection in
``config.attributes["connection"]``; there is no alembic.ini and no CLI use.
"""

from __future__ import annotations

from alembic import context

from smmdesk.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things in place
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
