"""Counted uses of resources (COUNTER): the day's visits and the monthly counts."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    bindparam,
    case,
    delete,
    func,
)

from ..store.engine import UTCDateTime, insert_for
from ..store.hot_path import DriverTransaction
from ..store.schema import resource_usage, usage_visits


@cache
def record_visit_statement(dialect_name: str) -> Any:
    """Upsert one visit; RETURNING `is_new` (first today) and `counted` (no request of this
    visitor for this resource since `cutoff`). Every SET reads the row as it was."""
    statement = insert_for(dialect_name, usage_visits).values(
        key=bindparam("key"),
        day=bindparam("day"),
        last_at=bindparam("now", type_=UTCDateTime()),
        is_new=1,
        counted=1,
    )
    cutoff = bindparam("cutoff", type_=UTCDateTime())
    return statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "last_at": statement.excluded.last_at,
            "is_new": 0,
            "counted": case((usage_visits.c.last_at < cutoff, 1), else_=0),
        },
    ).returning(usage_visits.c.is_new, usage_visits.c.counted)


def record_visit(
    connection: Connection | DriverTransaction,
    *,
    key: str,
    day: str,
    now: datetime,
    cutoff: datetime,
) -> tuple[bool, bool]:
    """(first request of this visitor for this resource today, counted)."""
    values = {"key": key, "day": day, "now": now, "cutoff": cutoff}
    statement = record_visit_statement(connection.dialect.name)
    if isinstance(connection, DriverTransaction):
        row = connection.row(statement, values)
    else:
        row = connection.execute(statement, values).one()
    assert row is not None  # an upsert always returns its row
    return bool(row[0]), bool(row[1])


@cache
def add_usage_statement(dialect_name: str) -> Any:
    statement = insert_for(dialect_name, resource_usage).values(
        resource_id=bindparam("resource_id"),
        month=bindparam("month"),
        total_requests=1,
        unique_requests=bindparam("unique", type_=Integer()),
    )
    return statement.on_conflict_do_update(
        index_elements=["resource_id", "month"],
        set_={
            "total_requests": resource_usage.c.total_requests + 1,
            "unique_requests": func.coalesce(resource_usage.c.unique_requests, 0)
            + statement.excluded.unique_requests,
        },
    )


def add_usage(
    connection: Connection | DriverTransaction, resource_id: str, month: str, *, unique: bool
) -> None:
    """One more Total_Item_Request of `resource_id` in `month`, and a Unique one if `unique`."""
    values = {"resource_id": resource_id, "month": month, "unique": int(unique)}
    connection.execute(add_usage_statement(connection.dialect.name), values)


PURGE_VISITS = delete(usage_visits).where(usage_visits.c.day < bindparam("before_day"))


def purge_visits(connection: Connection | DriverTransaction, *, before_day: str) -> None:
    """Delete de-duplication rows of days before `before_day` ('YYYY-MM-DD')."""
    connection.execute(PURGE_VISITS, {"before_day": before_day})
