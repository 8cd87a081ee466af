"""The audit log: append one row in the caller's transaction, and read what was recorded."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    func,
    insert,
    select,
)

from .engine import utcnow
from .hot_path import DriverTransaction
from .schema import audit_log
from .statuses import SessionKind


def audit_actor(kind: SessionKind, user_id: int) -> str:
    """How the audit log names a person: `patron:<account id>` or `librarian:<id>`, as the
    actor of what they did and as the reason of what was done to them."""
    return f"{kind}:{user_id}"


def add_audit(
    connection: Connection | DriverTransaction,
    *,
    action: str,
    outcome: str,
    actor: str = "public",
    reason: str | None = None,
    request_id: int | None = None,
) -> None:
    """Append one audit row (never updated or deleted) in the caller's transaction."""
    connection.execute(
        INSERT_AUDIT,
        {
            "created_at": utcnow(),
            "actor": actor,
            "action": action,
            "outcome": outcome,
            "reason": reason,
            "request_id": request_id,
        },
    )


INSERT_AUDIT = insert(audit_log)  # built once; the values come as parameters


def has_audit(connection: Connection, *, action: str, actor: str, request_id: int) -> bool:
    """Whether `actor` already has an audit row `action` for this request."""
    found = connection.scalar(
        select(audit_log.c.id)
        .where(
            audit_log.c.action == action,
            audit_log.c.actor == actor,
            audit_log.c.request_id == request_id,
        )
        .limit(1)
    )
    return found is not None


def first_audit_times(connection: Connection, action: str, by: str) -> dict[Any, datetime]:
    """The earliest audit row of `action` per `request_id` or per `actor` (`by`)."""
    column = audit_log.c[by]
    statement = (
        select(column, func.min(audit_log.c.created_at).label("first_at"))
        .where(audit_log.c.action == action, column.is_not(None))
        .group_by(column)
    )
    firsts = {}
    for key, first_at in connection.execute(statement):
        if isinstance(first_at, str):  # SQLite returns min() of a column untyped
            first_at = datetime.fromisoformat(first_at)
        firsts[key] = first_at if first_at.tzinfo else first_at.replace(tzinfo=UTC)
    return firsts
