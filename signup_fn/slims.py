"""The connection to the library's SLiMS database, and every statement the portal runs there.

SLiMS (MySQL/MariaDB) is someone else's database: the portal reaches it with its own
least-privilege user (signup_fn/README.md lists the GRANTs), through an Engine of its
own whose sessions are `READ ONLY` unless `PORTAL_SLIMS_WRITE` is on, with short connect and
read timeouts. Any failure to reach or read SLiMS raises `SlimsUnavailable`, whose message a
librarian or patron can read; callers show it and carry on (never a 5xx).

The tables below declare only the columns the portal reads (see ../shared/slims.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Engine,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    and_,
    create_engine,
    event,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

log = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = "Basis data SLiMS sedang tidak dapat dihubungi; coba lagi nanti."

slims_metadata = MetaData()

member = Table(
    "member",
    slims_metadata,
    Column("member_id", String(20), primary_key=True),
    Column("member_name", String(100), nullable=False),
    Column("member_type_id", Integer),
    Column("member_email", String(100)),
    Column("inst_name", String(100)),
    Column("expire_date", Date, nullable=False),
    Column("is_pending", SmallInteger, nullable=False),
    Column("mpasswd", String(64)),
)

mst_member_type = Table(
    "mst_member_type",
    slims_metadata,
    Column("member_type_id", Integer, primary_key=True),
    Column("member_type_name", String(50), nullable=False),
    Column("loan_periode", Integer),
    Column("reborrow_limit", Integer),
)

loan = Table(
    "loan",
    slims_metadata,
    Column("loan_id", Integer, primary_key=True),
    Column("item_code", String(20)),
    Column("member_id", String(20)),
    Column("loan_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("renewed", Integer, nullable=False),
    Column("loan_rules_id", Integer, nullable=False),
    Column("is_lent", Integer, nullable=False),
    Column("is_return", Integer, nullable=False),
    Column("return_date", Date),
)

item = Table(
    "item",
    slims_metadata,
    Column("item_id", Integer, primary_key=True),
    Column("biblio_id", Integer),
    Column("item_code", String(20)),
)

biblio = Table(
    "biblio",
    slims_metadata,
    Column("biblio_id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
)

# Loan rules per member type and collection type; a loan with loan_rules_id > 0 follows its
# rule's loan_periode and reborrow_limit instead of its member type's.
mst_loan_rules = Table(
    "mst_loan_rules",
    slims_metadata,
    Column("loan_rules_id", Integer, primary_key=True),
    Column("member_type_id", Integer),
    Column("loan_periode", Integer),
    Column("reborrow_limit", Integer),
)

# Reservations: a copy on loan that another member is waiting for cannot be extended.
reserve = Table(
    "reserve",
    slims_metadata,
    Column("reserve_id", Integer, primary_key=True),
    Column("member_id", String(20)),
    Column("biblio_id", Integer),
    Column("item_code", String(20)),
)


class SlimsUnavailable(RuntimeError):
    """SLiMS could not be reached or read; the message is meant for people (Indonesian)."""

    def __init__(self, message: str = UNAVAILABLE_MESSAGE) -> None:
        super().__init__(message)


def make_slims_engine(url: str, *, write: bool = False, timeout: int = 3) -> Engine:
    """A small pooled Engine for SLiMS: quick timeouts, pre-ping, read-only unless `write`."""
    parsed = make_url(url)
    if parsed.get_backend_name() not in {"mysql", "mariadb"}:
        raise ValueError(f"SLiMS runs on MySQL/MariaDB, not {parsed.get_backend_name()}")
    engine = create_engine(
        parsed,
        pool_size=2,
        max_overflow=2,
        pool_timeout=timeout,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={
            "connect_timeout": timeout,
            "read_timeout": timeout,
            "write_timeout": timeout,
            "charset": "utf8mb4",
        },
    )
    if not write:

        @event.listens_for(engine, "connect")
        def read_only_session(dbapi_connection: Any, _record: Any) -> None:
            # Every transaction of this session, autocommit ones included, refuses writes.
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET SESSION TRANSACTION READ ONLY")

    return engine


@contextmanager
def slims_connection(engine: Engine) -> Iterator[Connection]:
    """A connection to SLiMS; any database failure becomes `SlimsUnavailable`."""
    try:
        with engine.connect() as connection:
            yield connection
    except (DBAPIError, SQLAlchemyError) as exc:
        # The URL (with its password) is not part of the message SQLAlchemy builds.
        log.warning("SLiMS unavailable: %s", exc.__class__.__name__, exc_info=True)
        raise SlimsUnavailable() from exc


def find_member(connection: Connection, member_id: str) -> Mapping[str, Any] | None:
    """SLiMS' member with this number (SLiMS' collation ignores case) and its type name."""
    statement = (
        select(
            member.c.member_id,
            member.c.member_name,
            member.c.member_email,
            member.c.inst_name,
            member.c.expire_date,
            member.c.is_pending,
            mst_member_type.c.member_type_name,
        )
        .select_from(
            member.outerjoin(
                mst_member_type, member.c.member_type_id == mst_member_type.c.member_type_id
            )
        )
        .where(member.c.member_id == member_id.strip())
    )
    row = connection.execute(statement).first()
    return row._mapping if row is not None else None


# --- loans, extensions and the member-area password (issue 5) ---------------------------

CURRENT_LOAN = and_(loan.c.is_lent == 1, loan.c.is_return == 0)


def as_date(value: Any) -> date | None:
    """A real date, or None (SLiMS' `0000-00-00` arrives as a string or None)."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


@dataclass(frozen=True)
class Loan:
    """One current loan of a member, as the patron sees it."""

    loan_id: int
    item_code: str
    title: str
    loan_date: date | None
    due_date: date | None
    renewed: int

    def overdue_days(self, today: date) -> int:
        """Days since the due date (0 when not overdue or the date is unknown)."""
        if self.due_date is None or self.due_date >= today:
            return 0
        return (today - self.due_date).days


LOAN_COLUMNS = select(
    loan.c.loan_id,
    loan.c.item_code,
    func.coalesce(biblio.c.title, "").label("title"),
    loan.c.loan_date,
    loan.c.due_date,
    loan.c.renewed,
).select_from(
    loan.outerjoin(item, item.c.item_code == loan.c.item_code).outerjoin(
        biblio, biblio.c.biblio_id == item.c.biblio_id
    )
)


def loan_of(row: Mapping[str, Any]) -> Loan:
    return Loan(
        loan_id=int(row["loan_id"]),
        item_code=row["item_code"] or "",
        title=(row["title"] or "").strip(),
        loan_date=as_date(row["loan_date"]),
        due_date=as_date(row["due_date"]),
        renewed=int(row["renewed"] or 0),
    )


def current_loans(connection: Connection, member_id: str) -> list[Loan]:
    """The member's current loans (`is_lent = 1 AND is_return = 0`), oldest due first."""
    statement = LOAN_COLUMNS.where(loan.c.member_id == member_id, CURRENT_LOAN).order_by(
        loan.c.due_date, loan.c.loan_id
    )
    return [loan_of(row) for row in connection.execute(statement).mappings()]


def current_loan_of(connection: Connection, member_id: str, loan_id: int) -> Loan | None:
    """The loan `loan_id` when it is a current loan of this member, else None."""
    statement = LOAN_COLUMNS.where(
        loan.c.loan_id == loan_id, loan.c.member_id == member_id, CURRENT_LOAN
    )
    row = connection.execute(statement).mappings().first()
    return loan_of(row) if row is not None else None


@dataclass(frozen=True)
class LoanState:
    """What the librarian needs to decide an extension: SLiMS' loan now, and its limits.

    The loan period and the extension limit come from the loan's rule (`loan_rules_id > 0`),
    else from the member's type; None when SLiMS has neither."""

    loan_id: int
    item_code: str
    due_date: date | None
    renewed: int
    is_current: bool
    loan_periode: int | None
    reborrow_limit: int | None
    reserved: bool

    @property
    def limit_reached(self) -> bool:
        return self.reborrow_limit is not None and self.renewed >= self.reborrow_limit

    def new_due_date(self) -> date | None:
        """The due date after one extension: the current one plus the loan period."""
        if self.due_date is None or not self.loan_periode:
            return None
        return self.due_date + timedelta(days=self.loan_periode)


def loan_states(connection: Connection, loan_ids: Iterable[int]) -> dict[int, LoanState]:
    """The state of each of these loans that SLiMS still has, by loan id."""
    wanted = sorted(set(loan_ids))
    if not wanted:
        return {}
    reserved = exists().where(reserve.c.item_code == loan.c.item_code)
    statement = (
        select(
            loan.c.loan_id,
            loan.c.item_code,
            loan.c.due_date,
            loan.c.renewed,
            loan.c.is_lent,
            loan.c.is_return,
            func.coalesce(mst_loan_rules.c.loan_periode, mst_member_type.c.loan_periode).label(
                "loan_periode"
            ),
            func.coalesce(mst_loan_rules.c.reborrow_limit, mst_member_type.c.reborrow_limit).label(
                "reborrow_limit"
            ),
            reserved.label("reserved"),
        )
        .select_from(
            loan.outerjoin(member, member.c.member_id == loan.c.member_id)
            .outerjoin(mst_member_type, mst_member_type.c.member_type_id == member.c.member_type_id)
            .outerjoin(mst_loan_rules, mst_loan_rules.c.loan_rules_id == loan.c.loan_rules_id)
        )
        .where(loan.c.loan_id.in_(wanted))
    )
    states = {}
    for row in connection.execute(statement).mappings():
        states[int(row["loan_id"])] = LoanState(
            loan_id=int(row["loan_id"]),
            item_code=row["item_code"] or "",
            due_date=as_date(row["due_date"]),
            renewed=int(row["renewed"] or 0),
            is_current=row["is_lent"] == 1 and row["is_return"] == 0,
            loan_periode=row["loan_periode"],
            reborrow_limit=row["reborrow_limit"],
            reserved=bool(row["reserved"]),
        )
    return states


@contextmanager
def slims_transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction on the write Engine; any database failure is `SlimsUnavailable`.

    (SLiMS' tables are MyISAM: each statement is atomic, a transaction spans no more.)"""
    try:
        with engine.begin() as connection:
            yield connection
    except (DBAPIError, SQLAlchemyError) as exc:
        log.warning("SLiMS write failed: %s", exc.__class__.__name__, exc_info=True)
        raise SlimsUnavailable() from exc


def extend_loan(connection: Connection, state: LoanState, new_due_date: date) -> bool:
    """Extend a loan once, guarded: only while it is current, below its extension limit and
    still due on the date the librarian saw. True when SLiMS changed it."""
    if state.reborrow_limit is None or state.due_date is None:
        return False
    result = connection.execute(
        update(loan)
        .where(
            loan.c.loan_id == state.loan_id,
            CURRENT_LOAN,
            loan.c.renewed < state.reborrow_limit,
            loan.c.due_date == state.due_date,
        )
        .values(due_date=new_due_date, renewed=loan.c.renewed + 1)
    )
    return result.rowcount == 1


def set_member_password(connection: Connection, member_id: str, mpasswd: str) -> bool:
    """Store a member-area password hash (`$2y$...`); False when SLiMS has no such member."""
    result = connection.execute(
        update(member).where(member.c.member_id == member_id).values(mpasswd=mpasswd)
    )
    return result.rowcount == 1
