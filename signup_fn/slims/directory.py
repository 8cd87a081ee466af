"""The member database of SOP step 2: where the librarian's member check looks a number up.

Two sources, one interface (`MemberDirectory.lookup`):
- `ImportedDirectory`: the member list imported from SLiMS' CSV export
  (`flask --app signup_fn members import FILE.csv`, table `library_members`);
- `SlimsDirectory`: when `PORTAL_SLIMS_DATABASE_URL` is set, a read-only look-up in SLiMS' own
  `member` table.

The rule: `lookup` returns the member or None ("not a member"), or raises
`DirectoryUnavailable` when the answer cannot be known (SLiMS down, nothing imported yet);
callers show its message and never turn it into a 5xx.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from flask import Flask, current_app
from sqlalchemy import Engine, RowMapping
from sqlalchemy.exc import SQLAlchemyError

from ..deferred import deferred
from ..services import services
from . import queries

if TYPE_CHECKING:
    from . import connection as slims
else:
    slims = deferred("signup_fn.slims.connection")

Source = Literal["csv", "slims"]
SLIMS_ENGINE_KEY = "signup_fn.slims_engine"

NOTHING_IMPORTED = (
    "Daftar anggota belum diimpor; jalankan `flask --app signup_fn members import FILE.csv`."
)
DATABASE_UNAVAILABLE = "Daftar anggota sedang tidak dapat dibaca; coba lagi nanti."


@dataclass(frozen=True)
class MemberRecord:
    """One member as the member database knows them (e-mail and phone are the contacts SLiMS
    holds: `member_email`, `member_phone`). `is_pending` None = not known."""

    member_id: str
    name: str
    email: str | None
    member_type: str | None
    inst_name: str | None
    expire_date: date | None
    is_pending: bool | None
    source: Source
    phone: str | None = None


class DirectoryUnavailable(RuntimeError):
    """The member database cannot answer now; the message is for the librarian (Indonesian)."""


class MemberDirectory(Protocol):
    source: Source

    def lookup(self, member_id: str) -> MemberRecord | None:
        """The member with this number (any case), None if unknown; or DirectoryUnavailable."""
        ...


def as_date(value: Any) -> date | None:
    """A real date, or None (SLiMS' `0000-00-00` arrives as a string or None)."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


class ImportedDirectory:
    """The member list last imported from SLiMS' CSV export (table `library_members`)."""

    source: Source = "csv"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def lookup(self, member_id: str) -> MemberRecord | None:
        try:
            with self.engine.connect() as connection:
                connection = connection.execution_options(read_only=True)
                row = queries.find_library_member(connection, member_id)
                if row is None and queries.library_members_snapshot(connection)[0] == 0:
                    raise DirectoryUnavailable(NOTHING_IMPORTED)
        except SQLAlchemyError as exc:
            raise DirectoryUnavailable(DATABASE_UNAVAILABLE) from exc
        if row is None:
            return None
        return MemberRecord(
            member_id=row["member_id"],
            name=row["name"],
            email=row["email"],
            member_type=row["member_type"],
            inst_name=row["inst_name"],
            expire_date=row["expire_date"],
            is_pending=row["is_pending"],
            source="csv",
            phone=row["phone"],
        )

    def snapshot(self) -> tuple[int, datetime | None]:
        """(members imported, when); for the admin pages to say how fresh the list is."""
        with self.engine.connect() as connection:
            return queries.library_members_snapshot(connection.execution_options(read_only=True))


class SlimsDirectory:
    """A read-only look-up in SLiMS' `member` table (joined with `mst_member_type`)."""

    source: Source = "slims"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def lookup(self, member_id: str) -> MemberRecord | None:
        try:
            with slims.slims_connection(self.engine) as connection:
                row = slims.find_member(connection, member_id)
        except slims.SlimsUnavailable as exc:
            raise DirectoryUnavailable(str(exc)) from exc
        return None if row is None else record_from_slims(row)


def record_from_slims(row: RowMapping) -> MemberRecord:
    return MemberRecord(
        member_id=row["member_id"],
        name=(row["member_name"] or "").strip(),
        email=blank_to_none(row["member_email"]),
        member_type=blank_to_none(row["member_type_name"]),
        inst_name=blank_to_none(row["inst_name"]),
        expire_date=as_date(row["expire_date"]),
        is_pending=bool(row["is_pending"]),
        source="slims",
        phone=blank_to_none(row["member_phone"]),
    )


def slims_engine(app: Flask = current_app) -> Engine | None:
    """The app's read-only SLiMS Engine (made on first use), or None when SLiMS is not
    configured. Writes (PORTAL_SLIMS_WRITE) use their own Engine: `slims_write.write_engine`."""
    url = app.config.get("SLIMS_DATABASE_URL")
    if not url:
        return None
    engine = app.extensions.get(SLIMS_ENGINE_KEY)
    if engine is None:
        engine = slims.make_slims_engine(url, write=False, timeout=int(app.config["SLIMS_TIMEOUT"]))
        app.extensions[SLIMS_ENGINE_KEY] = engine
    return engine


def member_directory() -> MemberDirectory:
    """The current app's member database: SLiMS when configured, else the imported list."""
    engine = slims_engine()
    if engine is not None:
        return SlimsDirectory(engine)
    return ImportedDirectory(services().engine)
