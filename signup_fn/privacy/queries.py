"""A person's data, found by member number and e-mail; corrections, deletion and the purge."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.sql import ColumnElement

from ..store.engine import utcnow
from ..store.schema import (
    account_requests,
    accounts,
    audit_log,
    extension_requests,
    login_failures,
    outbox,
    rate_limits,
    request_decisions,
    sessions,
    tokens,
    usage_visits,
)
from ..store.statuses import (
    ACCOUNT_LINKS,
    RequestStatus,
    SessionKind,
)

# A person's data, found by member number (requests, account) and by their e-mail addresses
# (outbox). Audit rows name an account as `patron:<id>` (actor, or reason when someone else
# acted on it) and a request by `request_id`.


def requests_of_member(connection: Connection, member_id: str) -> list[dict[str, Any]]:
    statement = (
        select(account_requests)
        .where(func.upper(account_requests.c.member_id) == member_id.upper())
        .order_by(account_requests.c.id)
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


def outbox_to(connection: Connection, addresses: Sequence[str]) -> list[dict[str, Any]]:
    lowered = sorted({address.lower() for address in addresses})
    if not lowered:
        return []
    statement = (
        select(outbox).where(func.lower(outbox.c.to_address).in_(lowered)).order_by(outbox.c.id)
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


def audit_rows_about(
    connection: Connection, request_ids: Sequence[int], account_ref: str | None
) -> list[dict[str, Any]]:
    """The processing record of a person: rows of their requests and of their account."""
    conditions: list[ColumnElement[bool]] = []
    if request_ids:
        conditions.append(audit_log.c.request_id.in_(list(request_ids)))
    if account_ref:
        conditions += [
            audit_log.c.actor == account_ref,
            audit_log.c.reason == account_ref,
            audit_log.c.reason.startswith(f"{account_ref} "),  # e.g. a correction's fields
        ]
    if not conditions:
        return []
    statement = select(audit_log).where(or_(*conditions)).order_by(audit_log.c.id)
    return [dict(row) for row in connection.execute(statement).mappings()]


def decisions_of(connection: Connection, request_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The librarians' decisions on these requests (their reasons may be typed text)."""
    if not request_ids:
        return []
    statement = (
        select(request_decisions)
        .where(request_decisions.c.request_id.in_(list(request_ids)))
        .order_by(request_decisions.c.request_id)
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


def extension_requests_of(connection: Connection, account_id: int) -> list[dict[str, Any]]:
    statement = (
        select(extension_requests)
        .where(extension_requests.c.account_id == account_id)
        .order_by(extension_requests.c.id)
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


def delete_person(
    connection: Connection,
    *,
    request_ids: Sequence[int],
    account_id: int | None,
    addresses: Sequence[str],
    login_keys: Sequence[str],
) -> dict[str, int]:
    """Delete a person's requests with their decisions, account, its tokens, sessions and loan
    extension requests, the mail to them and the failed-login counters of their username;
    returns the rows deleted per table."""
    counts = dict.fromkeys(
        ("requests", "decisions", "accounts", "tokens", "sessions", "extensions", "outbox"), 0
    )
    if request_ids:
        counts["decisions"] = connection.execute(
            delete(request_decisions).where(request_decisions.c.request_id.in_(list(request_ids)))
        ).rowcount
        counts["requests"] = connection.execute(
            delete(account_requests).where(account_requests.c.id.in_(list(request_ids)))
        ).rowcount
    if account_id is not None:
        counts["tokens"] = connection.execute(
            delete(tokens).where(
                tokens.c.purpose.in_(ACCOUNT_LINKS),
                tokens.c.subject_id == account_id,
            )
        ).rowcount
        counts["sessions"] = connection.execute(
            delete(sessions).where(
                sessions.c.kind == SessionKind.PATRON, sessions.c.user_id == account_id
            )
        ).rowcount
        counts["extensions"] = connection.execute(
            delete(extension_requests).where(extension_requests.c.account_id == account_id)
        ).rowcount
        counts["accounts"] = connection.execute(
            delete(accounts).where(accounts.c.id == account_id)
        ).rowcount
    lowered = sorted({address.lower() for address in addresses})
    if lowered:
        counts["outbox"] = connection.execute(
            delete(outbox).where(func.lower(outbox.c.to_address).in_(lowered))
        ).rowcount
    if login_keys:
        connection.execute(delete(login_failures).where(login_failures.c.key.in_(login_keys)))
    return counts


PURGEABLE_REQUEST_STATUSES = (RequestStatus.PENDING, RequestStatus.REJECTED)


def purge_stale(
    connection: Connection,
    *,
    requests_before: datetime,
    sent_mail_before: datetime,
    login_failures_before: datetime,
    rate_window_before: int,
) -> dict[str, int]:
    """Delete what the retention rules allow; returns the rows deleted per kind.

    Requests: only `pending` ones received before `requests_before` and `rejected` ones
    decided before it, and never one an account refers to or whose member number has an
    account (a Koha bug once deleted real patrons in such a purge). Tokens: unused and
    expired, or used before `requests_before`. Sessions: ended or expired. Outbox: only
    sent messages. Rate-limit windows and failed logins older than every limit's window.
    """
    now = utcnow()
    has_account = (
        select(accounts.c.id)
        .where(
            or_(
                accounts.c.request_id == account_requests.c.id,
                accounts.c.member_id == account_requests.c.member_id,
            )
        )
        .exists()
    )
    stale_request = or_(
        (account_requests.c.status == RequestStatus.PENDING)
        & (account_requests.c.created_at < requests_before),
        (account_requests.c.status == RequestStatus.REJECTED)
        & (account_requests.c.updated_at < requests_before),
    )
    stale_ids = select(account_requests.c.id).where(
        account_requests.c.status.in_(PURGEABLE_REQUEST_STATUSES),
        stale_request,
        ~has_account,
    )
    connection.execute(
        delete(request_decisions).where(request_decisions.c.request_id.in_(stale_ids))
    )
    counts = {
        "requests": connection.execute(
            delete(account_requests).where(account_requests.c.id.in_(stale_ids))
        ).rowcount,
        "tokens": connection.execute(
            delete(tokens).where(
                or_(
                    tokens.c.used_at.is_(None) & (tokens.c.expires_at < now),
                    tokens.c.used_at < requests_before,
                )
            )
        ).rowcount,
        "sessions": connection.execute(
            delete(sessions).where(
                or_(sessions.c.revoked_at.is_not(None), sessions.c.expires_at < now)
            )
        ).rowcount,
        "outbox": connection.execute(
            delete(outbox).where(outbox.c.sent_at.is_not(None), outbox.c.sent_at < sent_mail_before)
        ).rowcount,
        "login_failures": connection.execute(
            delete(login_failures).where(login_failures.c.created_at < login_failures_before)
        ).rowcount,
        "rate_limits": connection.execute(
            delete(rate_limits).where(rate_limits.c.window_start < rate_window_before)
        ).rowcount,
        # a day's de-duplication rows are of no use after that day
        "usage_visits": connection.execute(
            delete(usage_visits).where(usage_visits.c.last_at < now - timedelta(days=1))
        ).rowcount,
    }
    return counts


OPEN_OR_APPROVED = (RequestStatus.PENDING, RequestStatus.APPROVED)


def correctable_requests(connection: Connection, member_id: str) -> list[dict[str, Any]]:
    """A member's pending and approved requests (rejected ones wait for the purge)."""
    statement = (
        select(account_requests)
        .where(
            func.upper(account_requests.c.member_id) == member_id.upper(),
            account_requests.c.status.in_(OPEN_OR_APPROVED),
        )
        .order_by(account_requests.c.id)
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


def update_request(connection: Connection, request_id: int, **values: Any) -> None:
    connection.execute(
        update(account_requests)
        .where(account_requests.c.id == request_id)
        .values(**values, updated_at=utcnow())
    )
