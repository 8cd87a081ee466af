"""Read what the app stored, straight from its database (tests only)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

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
