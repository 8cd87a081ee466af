"""What the reports read: requests' timeline, the procedure's times, uses per month."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Connection,
    select,
)

from ..store.audit import audit_actor, first_audit_times
from ..store.schema import (
    account_requests,
    accounts,
    extension_requests,
    request_decisions,
    resource_usage,
)
from ..store.statuses import SessionKind


def resource_usage_rows(connection: Connection) -> list[dict[str, Any]]:
    """Every (resource, month, total_requests, unique_requests), by month."""
    statement = select(resource_usage).order_by(
        resource_usage.c.month, resource_usage.c.resource_id
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


def request_timeline(connection: Connection) -> list[dict[str, Any]]:
    """Every request's status and times: received, decided, account activated (reports)."""
    statement = (
        select(
            account_requests.c.id,
            account_requests.c.status,
            account_requests.c.created_at,
            request_decisions.c.decided_at,
            accounts.c.activated_at,
        )
        .select_from(
            account_requests.outerjoin(
                request_decisions, request_decisions.c.request_id == account_requests.c.id
            ).outerjoin(accounts, accounts.c.id == request_decisions.c.account_id)
        )
        .order_by(account_requests.c.created_at)
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


def procedure_times(connection: Connection) -> list[dict[str, Any]]:
    """Each request's times through the procedure's steps (reports: service times):
    received, first checked by a librarian, decided (and how), account activated, and the
    patron's first opening of a members-only resource."""
    checked = first_audit_times(connection, "checked", "request_id")
    opened = first_audit_times(connection, "access", "actor")
    statement = select(
        account_requests.c.id,
        account_requests.c.created_at,
        request_decisions.c.decision,
        request_decisions.c.decided_at,
        request_decisions.c.account_id,
        accounts.c.activated_at,
    ).select_from(
        account_requests.outerjoin(
            request_decisions, request_decisions.c.request_id == account_requests.c.id
        ).outerjoin(accounts, accounts.c.id == request_decisions.c.account_id)
    )
    rows = []
    for row in connection.execute(statement).mappings():
        account_id = row["account_id"]
        patron = audit_actor(SessionKind.PATRON, account_id) if account_id else None
        rows.append(
            {
                **row,
                "checked_at": checked.get(row["id"]),
                "opened_at": opened.get(patron) if patron else None,
            }
        )
    return rows


def extension_request_times(connection: Connection) -> list[dict[str, Any]]:
    """Every extension request's status and time received (reports)."""
    statement = select(extension_requests.c.status, extension_requests.c.created_at)
    return [dict(row) for row in connection.execute(statement).mappings()]
