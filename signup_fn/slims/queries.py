"""The imported SLiMS member list (table `library_members`): replace, find, snapshot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.engine import RowMapping

from ..member_numbers import member_key
from ..store.audit import add_audit
from ..store.engine import utcnow
from ..store.schema import library_members

LIBRARY_MEMBER_FIELDS = (
    "member_id",
    "name",
    "email",
    "phone",
    "member_type",
    "inst_name",
    "expire_date",
)


def replace_library_members(
    connection: Connection, members: Sequence[Mapping[str, Any]], *, actor: str
) -> tuple[int, int]:
    """Replace the whole snapshot with `members` in the caller's transaction; audit the count.

    Each member maps LIBRARY_MEMBER_FIELDS (`phone` and `is_pending` optional). Returns (stored,
    previously stored). Readers see the old snapshot until the transaction commits.
    """
    now = utcnow()
    previous = connection.scalar(select(func.count()).select_from(library_members)) or 0
    connection.execute(delete(library_members))
    rows = [
        {
            **{field: member[field] for field in LIBRARY_MEMBER_FIELDS if field != "phone"},
            "phone": member.get("phone"),
            "is_pending": member.get("is_pending"),
            "member_key": member_key(member["member_id"]),
            "imported_at": now,
        }
        for member in members
    ]
    if rows:
        connection.execute(insert(library_members), rows)  # one executemany
    add_audit(
        connection,
        action="members_imported",
        outcome="ok",
        actor=actor,
        reason=f"{len(rows)} anggota (sebelumnya {previous})",
    )
    return len(rows), previous


def find_library_member(connection: Connection, member_id: str) -> RowMapping | None:
    """The imported member with this number (any case), or None."""
    row = connection.execute(
        select(library_members).where(library_members.c.member_key == member_key(member_id))
    ).first()
    return row._mapping if row is not None else None


def library_members_snapshot(connection: Connection) -> tuple[int, datetime | None]:
    """(number of imported members, when they were imported); (0, None) before any import."""
    count, imported_at = connection.execute(
        select(func.count(), func.max(library_members.c.imported_at))
    ).one()
    if isinstance(imported_at, str):  # SQLite returns max() of a column untyped
        imported_at = datetime.fromisoformat(imported_at).replace(tzinfo=UTC)
    return count, imported_at
