"""The librarians' review: the queue, decisions, digest markers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    func,
    insert,
    select,
    update,
)

from ..store.engine import dialect_insert, row_or_none, utcnow
from ..store.schema import (
    OPEN_REQUEST,
    account_requests,
    librarians,
    request_decisions,
    review_markers,
)
from ..store.statuses import (
    RequestStatus,
)


def review_query() -> Any:
    """Requests with their decision (if any)."""
    return select(
        account_requests,
        request_decisions.c.decided_at,
        request_decisions.c.decided_by,
        request_decisions.c.reason,
        request_decisions.c.account_id,
    ).select_from(
        account_requests.outerjoin(
            request_decisions, request_decisions.c.request_id == account_requests.c.id
        )
    )


def list_requests(
    connection: Connection, status: RequestStatus | None, *, limit: int | None = None
) -> list[dict[str, Any]]:
    """Requests of `status` (all when None): pending ones oldest first, others newest first."""
    statement = review_query()
    if status is not None:
        statement = statement.where(account_requests.c.status == status)
    if status is RequestStatus.PENDING:
        statement = statement.order_by(account_requests.c.created_at, account_requests.c.id)
    else:
        statement = statement.order_by(
            account_requests.c.created_at.desc(), account_requests.c.id.desc()
        )
    if limit is not None:
        statement = statement.limit(limit)
    return [dict(row) for row in connection.execute(statement).mappings()]


def get_request(connection: Connection, request_id: int) -> dict[str, Any] | None:
    return row_or_none(connection, review_query().where(account_requests.c.id == request_id))


def open_requests_for_members(
    connection: Connection, member_ids: Iterable[str]
) -> dict[str, list[dict[str, Any]]]:
    """The pending requests of each member number (oldest first): more than one is a
    conflict of contacts the librarian resolves."""
    wanted = sorted(set(member_ids))
    found: dict[str, list[dict[str, Any]]] = {member_id: [] for member_id in wanted}
    if not wanted:
        return found
    statement = (
        select(
            account_requests.c.id,
            account_requests.c.member_id,
            account_requests.c.name,
            account_requests.c.email,
            account_requests.c.phone,
            account_requests.c.created_at,
        )
        .where(account_requests.c.member_id.in_(wanted), OPEN_REQUEST)
        .order_by(account_requests.c.created_at, account_requests.c.id)
    )
    for row in connection.execute(statement).mappings():
        found[row["member_id"]].append(dict(row))
    return found


def count_pending(connection: Connection) -> int:
    statement = select(func.count()).select_from(account_requests).where(OPEN_REQUEST)
    return connection.execute(statement).scalar_one()


def decide_request(connection: Connection, request_id: int, status: RequestStatus) -> bool:
    """Move a pending request to `status`; False when it is not pending (any more).

    One conditional UPDATE: of two concurrent decisions (a double click), exactly one wins.
    """
    result = connection.execute(
        update(account_requests)
        .where(
            account_requests.c.id == request_id,
            account_requests.c.status == RequestStatus.PENDING,
        )
        .values(status=status, updated_at=utcnow())
    )
    return result.rowcount == 1


def insert_decision(
    connection: Connection,
    *,
    request_id: int,
    decision: RequestStatus,
    decided_by: str,
    reason: str | None = None,
    account_id: int | None = None,
) -> datetime:
    """Record a decision; returns its time."""
    now = utcnow()
    connection.execute(
        insert(request_decisions).values(
            request_id=request_id,
            decision=decision,
            decided_at=now,
            decided_by=decided_by,
            reason=reason,
            account_id=account_id,
        )
    )
    return now


def active_librarian_emails(connection: Connection) -> list[str]:
    statement = (
        select(librarians.c.email)
        .where(librarians.c.active.is_(True), librarians.c.email.is_not(None))
        .order_by(librarians.c.id)
    )
    return [email for email in connection.scalars(statement) if email]


def get_marker(connection: Connection, name: str) -> datetime | None:
    return connection.scalar(select(review_markers.c.value).where(review_markers.c.name == name))


def set_marker(connection: Connection, name: str, value: datetime) -> None:
    statement = dialect_insert(connection, review_markers).values(name=name, value=value)
    connection.execute(
        statement.on_conflict_do_update(index_elements=["name"], set_={"value": value})
    )


def pending_since(connection: Connection, since: datetime | None) -> tuple[int, datetime | None]:
    """(how many pending requests arrived after `since` (all when None), the newest's time)."""
    statement = select(func.count(), func.max(account_requests.c.created_at)).where(OPEN_REQUEST)
    if since is not None:
        statement = statement.where(account_requests.c.created_at > since)
    count, newest = connection.execute(statement).one()
    if isinstance(newest, str):  # SQLite returns max() of a column untyped
        newest = datetime.fromisoformat(newest).replace(tzinfo=UTC)
    return count, newest
