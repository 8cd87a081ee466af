"""Loan extension requests (renewals): ask, list, decide, mark done in SLiMS."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Connection,
    select,
    update,
)

from ..store.engine import dialect_insert, row_or_none, utcnow
from ..store.schema import OPEN_EXTENSION, accounts, extension_requests
from ..store.statuses import (
    ExtensionStatus,
)


def insert_extension_request(
    connection: Connection,
    *,
    account_id: int,
    loan_id: int,
    item_code: str,
    title: str,
    due_date: Any,
    note: str | None,
) -> int | None:
    """Store a pending request; None when one is already open for that loan (race-free)."""
    statement = (
        dialect_insert(connection, extension_requests)
        .values(
            account_id=account_id,
            loan_id=loan_id,
            item_code=item_code,
            title=title,
            due_date=due_date,
            note=note,
            status=ExtensionStatus.PENDING,
            created_at=utcnow(),
            slims_updated=False,
        )
        .on_conflict_do_nothing(index_elements=["loan_id"], index_where=OPEN_EXTENSION)
        .returning(extension_requests.c.id)
    )
    return connection.scalar(statement)


def extension_requests_of_account(connection: Connection, account_id: int) -> list[dict[str, Any]]:
    """Every extension request of one account, newest first."""
    statement = (
        select(extension_requests)
        .where(extension_requests.c.account_id == account_id)
        .order_by(extension_requests.c.id.desc())
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


def get_extension_request(connection: Connection, extension_id: int) -> dict[str, Any] | None:
    """One request with its account's member number and e-mail."""
    return row_or_none(
        connection,
        select(extension_requests, accounts.c.member_id, accounts.c.email)
        .join(accounts, accounts.c.id == extension_requests.c.account_id)
        .where(extension_requests.c.id == extension_id),
    )


def pending_extension_requests(connection: Connection) -> list[dict[str, Any]]:
    """The open requests, oldest first, with their account's member number."""
    statement = (
        select(extension_requests, accounts.c.member_id)
        .join(accounts, accounts.c.id == extension_requests.c.account_id)
        .where(extension_requests.c.status == ExtensionStatus.PENDING)
        .order_by(extension_requests.c.created_at, extension_requests.c.id)
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


def extensions_to_do_in_slims(connection: Connection) -> list[dict[str, Any]]:
    """Granted requests the librarian still has to carry out in SLiMS circulation."""
    statement = (
        select(extension_requests, accounts.c.member_id)
        .join(accounts, accounts.c.id == extension_requests.c.account_id)
        .where(
            extension_requests.c.status == ExtensionStatus.GRANTED,
            extension_requests.c.slims_updated.is_(False),
        )
        .order_by(extension_requests.c.decided_at, extension_requests.c.id)
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


def decide_extension_request(
    connection: Connection,
    extension_id: int,
    *,
    status: ExtensionStatus,
    librarian_id: int,
    decision_note: str | None,
    new_due_date: Any = None,
    slims_updated: bool = False,
) -> bool:
    """Move a pending request to `granted` or `declined`; False when it was not pending
    (already decided, e.g. by another librarian at the same time)."""
    result = connection.execute(
        update(extension_requests)
        .where(
            extension_requests.c.id == extension_id,
            extension_requests.c.status == ExtensionStatus.PENDING,
        )
        .values(
            status=status,
            decided_at=utcnow(),
            decided_by=librarian_id,
            decision_note=decision_note,
            new_due_date=new_due_date,
            slims_updated=slims_updated,
        )
    )
    return result.rowcount == 1


def mark_extension_done_in_slims(connection: Connection, extension_id: int) -> bool:
    """The librarian carried out a granted extension in SLiMS circulation."""
    result = connection.execute(
        update(extension_requests)
        .where(
            extension_requests.c.id == extension_id,
            extension_requests.c.status == ExtensionStatus.GRANTED,
            extension_requests.c.slims_updated.is_(False),
        )
        .values(slims_updated=True)
    )
    return result.rowcount == 1
