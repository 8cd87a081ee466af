"""The rate limits' statements (table `rate_limits`)."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    case,
)

from ..store.engine import insert_for
from ..store.hot_path import DriverTransaction
from ..store.schema import rate_limits


def count_hit(connection: Connection | DriverTransaction, key: str, window_start: int) -> int:
    """Count one hit for `key` in the window starting at `window_start`; return the count.

    One atomic upsert: the first hit of a new window restarts the count at 1.
    """
    values = {"key": key, "window_start": window_start, "hits": 1}
    return connection.scalar(count_hit_statement(connection.dialect.name), values)


@cache
def count_hit_statement(dialect_name: str) -> Any:
    """The upsert of `count_hit`, built once per dialect."""
    statement = insert_for(dialect_name, rate_limits)
    same_window = rate_limits.c.window_start == statement.excluded.window_start
    return statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "hits": case((same_window, rate_limits.c.hits + 1), else_=1),
            "window_start": statement.excluded.window_start,
        },
    ).returning(rate_limits.c.hits)
