"""The sign-up's statements: store a request, collapsing a person's duplicates."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    bindparam,
    select,
)

from ..store.engine import insert_for, utcnow
from ..store.hot_path import DriverTransaction
from ..store.schema import OPEN_REQUEST, account_requests
from ..store.statuses import (
    RequestStatus,
)


@dataclass(frozen=True)
class NewRequest:
    member_id: str
    name: str
    email: str
    phone: str | None
    programme: str
    role: str
    consent_version: str


# The hot statements of a sign-up are built once per dialect and take their values as bound
# parameters at execution: building a Core construct (and its cache key) on every request
# cost more CPU than running it. An INSERT without `.values()` sets the columns it is given.


@cache
def insert_request_statement(dialect_name: str) -> Any:
    """INSERT a request unless an open one exists for the member number; RETURNING its id."""
    return (
        insert_for(dialect_name, account_requests)
        .on_conflict_do_nothing(index_elements=["member_id", "email"], index_where=OPEN_REQUEST)
        .returning(account_requests.c.id)
    )


OPEN_REQUEST_ID = select(account_requests.c.id).where(
    account_requests.c.member_id == bindparam("member_id"),
    account_requests.c.email == bindparam("email"),
    OPEN_REQUEST,
)


def insert_request(
    connection: Connection | DriverTransaction, request: NewRequest
) -> tuple[int | None, bool]:
    """Store a pending request unless one is open for that member number and e-mail.

    Returns (request id, created); the id is None when the open request was decided between
    the two statements. Race-free: the partial unique index decides.
    """
    now = utcnow()
    values = {
        **request.__dict__,
        "status": RequestStatus.PENDING,
        "consent_at": now,
        "created_at": now,
        "updated_at": now,
    }
    new_id = connection.scalar(insert_request_statement(connection.dialect.name), values)
    if new_id is not None:
        return new_id, True
    found = connection.scalar(
        OPEN_REQUEST_ID, {"member_id": request.member_id, "email": request.email}
    )
    return found, False
