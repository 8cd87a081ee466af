"""Read what the app stored, straight from its database (tests only)."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from sqlalchemy import Connection, func, inspect, select

from signup_fn.services import services
from signup_fn.store import schema


def rows(app: Flask, table: Any) -> list[dict[str, Any]]:
    with app.app_context(), services().engine.connect() as connection:
        result = connection.execute(select(table).order_by(table.c[next(iter(table.c.keys()))]))
        return [dict(row._mapping) for row in result]


def requests_stored(app: Flask) -> list[dict[str, Any]]:
    return rows(app, schema.account_requests)


def audit_rows(app: Flask) -> list[dict[str, Any]]:
    return rows(app, schema.audit_log)


def count(app: Flask, table: Any) -> int:
    with app.app_context(), services().engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table))


def bare_condition(condition: str) -> str:
    """A condition without what the database adds when it writes one back: PostgreSQL's casts
    (`::text`), parentheses, spaces and case."""
    return re.sub(r"::[a-z ]+(\[\])?|[()\s]", "", condition.lower())


def partial_indexes_unlike_the_schema(connection: Connection) -> list[tuple[str, str, Any]]:
    """The schema's partial indexes that the database lacks, holds as not unique, or holds with
    another condition than the schema's (read back: Alembic's compare ignores conditions)."""
    option = f"{connection.dialect.name}_where"
    inspector = inspect(connection)
    unlike: list[tuple[str, str, Any]] = []
    for index, where in schema.PARTIAL_CONDITIONS.items():
        assert index.table is not None
        found = {ix["name"]: ix for ix in inspector.get_indexes(index.table.name)}.get(index.name)
        condition = None if found is None else found.get("dialect_options", {}).get(option)
        if found is None or not found["unique"]:
            unlike.append(("partial index not unique or missing", str(index.name), found))
        elif condition is None or bare_condition(str(condition)) != bare_condition(str(where)):
            unlike.append(("partial index condition", str(index.name), condition))
    return unlike
