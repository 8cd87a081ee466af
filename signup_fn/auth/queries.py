"""Accounts, librarians, single-use links, sessions and failed logins: their statements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from ..store.engine import row_or_none, utcnow
from ..store.schema import accounts, librarians, login_failures, sessions, tokens
from ..store.statuses import (
    AccountStatus,
    SessionKind,
)

# accounts


def insert_account(
    connection: Connection, *, member_id: str, email: str, request_id: int | None
) -> int:
    """A new patron account waiting for activation (no password yet)."""
    return connection.scalar(
        insert(accounts)
        .values(
            member_id=member_id,
            email=email,
            request_id=request_id,
            status=AccountStatus.PENDING_ACTIVATION,
            created_at=utcnow(),
        )
        .returning(accounts.c.id)
    )


def get_account(connection: Connection, account_id: int) -> dict[str, Any] | None:
    return row_or_none(connection, select(accounts).where(accounts.c.id == account_id))


def find_account(connection: Connection, member_id: str) -> dict[str, Any] | None:
    return row_or_none(connection, select(accounts).where(accounts.c.member_id == member_id))


def find_accounts_by_email(connection: Connection, email: str) -> list[dict[str, Any]]:
    statement = select(accounts).where(func.lower(accounts.c.email) == email.lower())
    return [dict(row) for row in connection.execute(statement).mappings()]


def update_account(connection: Connection, account_id: int, **values: Any) -> None:
    connection.execute(update(accounts).where(accounts.c.id == account_id).values(**values))


# librarians


def insert_librarian(connection: Connection, *, username: str, email: str | None) -> int:
    return connection.scalar(
        insert(librarians)
        .values(username=username, email=email, active=True, created_at=utcnow())
        .returning(librarians.c.id)
    )


def get_librarian(connection: Connection, librarian_id: int) -> dict[str, Any] | None:
    return row_or_none(connection, select(librarians).where(librarians.c.id == librarian_id))


def find_librarian(connection: Connection, username: str) -> dict[str, Any] | None:
    return row_or_none(connection, select(librarians).where(librarians.c.username == username))


def update_librarian(connection: Connection, librarian_id: int, **values: Any) -> None:
    connection.execute(update(librarians).where(librarians.c.id == librarian_id).values(**values))


def advance_totp_step(connection: Connection, librarian_id: int, step: int) -> bool:
    """Record `step` as used unless it (or a later one) already was: a code works once."""
    result = connection.execute(
        update(librarians)
        .where(
            librarians.c.id == librarian_id,
            or_(librarians.c.totp_last_step.is_(None), librarians.c.totp_last_step < step),
        )
        .values(totp_last_step=step)
    )
    return result.rowcount == 1


# tokens


def insert_token(
    connection: Connection,
    *,
    token_hash: str,
    purpose: str,
    subject_id: int,
    expires_at: datetime,
) -> None:
    """Store a token hash; older unused tokens of the same purpose and subject expire now."""
    revoke_tokens(connection, [purpose], subject_id)
    connection.execute(
        insert(tokens).values(
            token_hash=token_hash,
            purpose=purpose,
            subject_id=subject_id,
            created_at=utcnow(),
            expires_at=expires_at,
        )
    )


def live_token(now: datetime) -> ColumnElement[bool]:
    """A token still usable at `now`: not used, not expired."""
    return and_(tokens.c.used_at.is_(None), tokens.c.expires_at > now)


def revoke_tokens(connection: Connection, purposes: Sequence[str], subject_id: int) -> int:
    """Every unused link of `purposes` for `subject_id` stops working now; returns how many."""
    now = utcnow()
    result = connection.execute(
        update(tokens)
        .where(
            tokens.c.purpose.in_(purposes),
            tokens.c.subject_id == subject_id,
            live_token(now),
        )
        .values(expires_at=now)
    )
    return result.rowcount


def find_valid_token(connection: Connection, token_hash: str, purpose: str) -> int | None:
    """The subject of an unused, unexpired token, or None (the token stays usable)."""
    return connection.scalar(
        select(tokens.c.subject_id).where(
            tokens.c.token_hash == token_hash,
            tokens.c.purpose == purpose,
            live_token(utcnow()),
        )
    )


def use_token(connection: Connection, token_hash: str, purpose: str) -> int | None:
    """Mark a valid token used and return its subject; None if it was used, expired or unknown.

    One conditional UPDATE: of two concurrent uses, exactly one succeeds.
    """
    now = utcnow()
    return connection.scalar(
        update(tokens)
        .where(
            tokens.c.token_hash == token_hash,
            tokens.c.purpose == purpose,
            live_token(now),
        )
        .values(used_at=now)
        .returning(tokens.c.subject_id)
    )


# sessions


def insert_session(
    connection: Connection,
    *,
    session_id: str,
    kind: SessionKind,
    user_id: int,
    expires_at: datetime,
) -> None:
    now = utcnow()
    connection.execute(
        insert(sessions).values(
            id=session_id,
            kind=kind,
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
    )


def find_live_session(
    connection: Connection, session_id: str, idle_since: datetime
) -> dict[str, Any] | None:
    """A session not revoked, not past its absolute expiry, and seen after `idle_since`."""
    return row_or_none(
        connection,
        select(sessions).where(
            sessions.c.id == session_id,
            sessions.c.revoked_at.is_(None),
            sessions.c.expires_at > utcnow(),
            sessions.c.last_seen_at > idle_since,
        ),
    )


def touch_session(connection: Connection, session_id: str) -> None:
    connection.execute(
        update(sessions).where(sessions.c.id == session_id).values(last_seen_at=utcnow())
    )


def revoke_session(connection: Connection, session_id: str) -> None:
    connection.execute(
        update(sessions)
        .where(sessions.c.id == session_id, sessions.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_user_sessions(
    connection: Connection, kind: SessionKind, user_id: int, *, keep: str | None = None
) -> int:
    """Revoke every live session of one user (but `keep`); returns how many."""
    statement = update(sessions).where(
        sessions.c.kind == kind, sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None)
    )
    if keep is not None:
        statement = statement.where(sessions.c.id != keep)
    return connection.execute(statement.values(revoked_at=utcnow())).rowcount


# login failures


def add_login_failure(connection: Connection, key: str) -> None:
    connection.execute(insert(login_failures).values(key=key, created_at=utcnow()))


def count_login_failures(connection: Connection, key: str, since: datetime) -> int:
    return connection.execute(
        select(func.count())
        .select_from(login_failures)
        .where(login_failures.c.key == key, login_failures.c.created_at > since)
    ).scalar_one()


def clear_login_failures(connection: Connection, key: str) -> None:
    connection.execute(delete(login_failures).where(login_failures.c.key == key))


def prune_login_failures(connection: Connection, before: datetime) -> None:
    connection.execute(delete(login_failures).where(login_failures.c.created_at < before))


def count_user_sessions(connection: Connection, kind: SessionKind, user_id: int) -> int:
    return connection.execute(
        select(func.count())
        .select_from(sessions)
        .where(sessions.c.kind == kind, sessions.c.user_id == user_id)
    ).scalar_one()


def accounts_with_status(
    connection: Connection, statuses: Sequence[AccountStatus]
) -> list[dict[str, Any]]:
    statement = (
        select(accounts.c.id, accounts.c.member_id, accounts.c.status)
        .where(accounts.c.status.in_(list(statuses)))
        .order_by(accounts.c.id)
    )
    return [dict(row) for row in connection.execute(statement).mappings()]
