"""Alembic's environment: migrations run on the connection signup_fn.store.revision hands over.

There is no alembic.ini: `revision.alembic_config` sets the script location in code and passes
the connection (already in the caller's transaction) in `config.attributes`. SQLite alters
tables in batch mode (copy, drop, rename), which drops a table's triggers: a migration that
rebuilds `audit_log` calls `store.schema.create_append_only_triggers` after it.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context

from signup_fn.store import schema
from signup_fn.store.engine import UTCDateTime

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run the migrations through `flask --app signup_fn init-db` (signup_fn.store.revision)"
    )


def render_item(kind: str, value: Any, _context: Any) -> str | Literal[False]:
    """Autogenerate writes our column types as SQLAlchemy's (a migration never imports them)."""
    if kind == "type" and isinstance(value, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# autogenerate writes each partial index's condition for both databases
schema.give_partial_conditions(schema.PARTIAL_DIALECTS)
context.configure(
    connection=connection,
    target_metadata=schema.metadata,
    render_as_batch=True,  # SQLite: ALTERs it lacks become a copy of the table
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
