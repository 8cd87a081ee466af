"""The outbox's statements: queue, claim, mark sent or failed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    insert,
    select,
    update,
)

from ..store.engine import row_or_none, utcnow
from ..store.schema import outbox

# outbox


def insert_mail(connection: Connection, *, to_address: str, subject: str, body: str) -> int:
    now = utcnow()
    return connection.scalar(
        insert(outbox)
        .values(
            to_address=to_address,
            subject=subject,
            body=body,
            created_at=now,
            attempts=0,
            next_attempt_at=now,
        )
        .returning(outbox.c.id)
    )


def due_mail_ids(connection: Connection, limit: int) -> list[int]:
    statement = (
        select(outbox.c.id)
        .where(outbox.c.sent_at.is_(None), outbox.c.next_attempt_at <= utcnow())
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(limit)
    )
    return list(connection.scalars(statement))


def claim_mail(
    connection: Connection, mail_id: int, lease_until: datetime
) -> dict[str, Any] | None:
    """Take a due message for sending until `lease_until`; None if another sender has it."""
    claimed = connection.execute(
        update(outbox)
        .where(
            outbox.c.id == mail_id,
            outbox.c.sent_at.is_(None),
            outbox.c.next_attempt_at <= utcnow(),
        )
        .values(next_attempt_at=lease_until)
    ).rowcount
    if claimed != 1:
        return None
    return row_or_none(connection, select(outbox).where(outbox.c.id == mail_id))


SENT_BODY = "(isi dihapus setelah terkirim)"


def mark_mail_sent(connection: Connection, mail_id: int) -> None:
    """Mark a message sent and drop its body: it may hold a single-use link (tokens are kept
    only as hashes), and the copy that counts is the one the recipient received."""
    connection.execute(
        update(outbox)
        .where(outbox.c.id == mail_id)
        .values(sent_at=utcnow(), attempts=outbox.c.attempts + 1, last_error=None, body=SENT_BODY)
    )


def mark_mail_failed(
    connection: Connection, mail_id: int, *, error: str, next_attempt_at: datetime
) -> None:
    connection.execute(
        update(outbox)
        .where(outbox.c.id == mail_id)
        .values(
            attempts=outbox.c.attempts + 1,
            last_error=error[:200],
            next_attempt_at=next_attempt_at,
        )
    )
