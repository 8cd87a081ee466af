"""Throw-away databases for tests that run the function as a separate process.

The rule: every such test gets a database of its own (a fresh SQLite file, or a fresh
PostgreSQL database created on the real server and dropped afterwards, even if the server
processes still hold connections), and reads results straight from it with SQLAlchemy.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL of the SQLite file at `path`."""
    return f"sqlite:///{path.resolve()}"


@contextmanager
def fresh_postgres_database(server_url: str, prefix: str = "signup_test") -> Iterator[str]:
    """Create an empty database beside `server_url`'s, yield its URL, drop it afterwards."""
    base = sa.make_url(server_url)
    name = f"{prefix}_{secrets.token_hex(6)}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def count_rows(url: str, table: str, **equals: object) -> int:
    """Number of rows of `table` whose columns equal the given values."""
    query = sa.select(sa.func.count()).select_from(sa.table(table))
    for column, value in equals.items():
        query = query.where(sa.column(column) == value)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(query).scalar_one()
    finally:
        engine.dispose()
