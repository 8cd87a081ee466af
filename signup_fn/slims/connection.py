"""The connection to the library's SLiMS database, and every statement the portal runs there.

SLiMS (MySQL/MariaDB) is someone else's database: the portal reaches it with its own
least-privilege user (signup_fn/README.md lists the GRANTs), through an Engine of its
own whose sessions are `READ ONLY` unless `PORTAL_SLIMS_WRITE` is on, with short connect and
read timeouts. Any failure to reach or read SLiMS raises `SlimsUnavailable`, whose message a
librarian or patron can read; callers show it and carry on (never a 5xx).

The tables below declare only the columns the portal reads or writes (signup_fn/SLIMS.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
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
from sqlalchemy.engine import RowMapping, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.sql.expression import case, or_

from ..member_numbers import normalise_member_number
from .circulation import (
    DATED_HOLIDAY_LIMIT,
    Fine,
    Holidays,
    extended_due_date,
    membership_expired,
    overdue_fine,
)

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
    Column("member_phone", String(50)),
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
    Column("fine_each_day", Integer),
    Column("grace_periode", Integer),
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
    Column("last_update", DateTime),
)

item = Table(
    "item",
    slims_metadata,
    Column("item_id", Integer, primary_key=True),
    Column("biblio_id", Integer),
    Column("item_code", String(20)),
    Column("coll_type_id", Integer),
)

biblio = Table(
    "biblio",
    slims_metadata,
    Column("biblio_id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
)

# Loan rules per member type and collection type. SLiMS takes an extension's period, fine and
# grace from the loan's own rule (`loan.loan_rules_id`) and the extension limit from the rule
# of the member's type and the copy's collection type (each else from the member type).
mst_loan_rules = Table(
    "mst_loan_rules",
    slims_metadata,
    Column("loan_rules_id", Integer, primary_key=True),
    Column("member_type_id", Integer),
    Column("coll_type_id", Integer),
    Column("loan_periode", Integer),
    Column("reborrow_limit", Integer),
    Column("fine_each_day", Integer),
    Column("grace_periode", Integer),
)

# The library's closed days: weekly (`holiday_date` NULL, `holiday_dayname` `sat`...) and dated.
holiday = Table(
    "holiday",
    slims_metadata,
    Column("holiday_id", Integer, primary_key=True),
    Column("holiday_dayname", String(20), nullable=False),
    Column("holiday_date", Date),
)

# Fines: an extension of an overdue loan records the overdue fine here, as SLiMS does.
fines = Table(
    "fines",
    slims_metadata,
    Column("fines_id", Integer, primary_key=True),
    Column("fines_date", Date, nullable=False),
    Column("member_id", String(20), nullable=False),
    Column("debet", Integer),
    Column("credit", Integer),
    Column("description", String(255)),
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


def find_member(connection: Connection, member_id: str) -> RowMapping | None:
    """SLiMS' member with this number (SLiMS' collation ignores case) and its type name."""
    statement = (
        select(
            member.c.member_id,
            member.c.member_name,
            member.c.member_email,
            member.c.member_phone,
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
        .where(member.c.member_id == normalise_member_number(member_id))
    )
    row = connection.execute(statement).first()
    return row._mapping if row is not None else None


# --- loans, extensions and the member-area password -------------------------------------

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


def loan_of(row: RowMapping) -> Loan:
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
    """What the librarian needs to decide an extension: SLiMS' loan and member today, its
    limits and the library's closed days (`slims_circulation` has SLiMS' rules).

    `loan_periode`, `fine_each_day` and `grace_periods` follow the loan's own rule, else the
    member type; `reborrow_limit` the rule of the member type and the copy's collection type,
    else the member type (None when SLiMS has neither). `reserved` means reserved by another
    member: the borrower's own reservation does not stop an extension."""

    loan_id: int
    member_id: str
    item_code: str
    due_date: date | None
    renewed: int
    return_date: date | None
    is_current: bool
    loan_periode: int | None
    reborrow_limit: int | None
    reserved: bool
    expire_date: date | None
    fine_each_day: int
    grace_periods: tuple[int, ...]
    today: date
    holidays: Holidays

    @property
    def member_expired(self) -> bool:
        return membership_expired(self.expire_date, self.today)

    @property
    def limit_reached(self) -> bool:
        return self.reborrow_limit is not None and self.renewed >= self.reborrow_limit

    @property
    def extended_today(self) -> bool:
        """SLiMS' same-day guard: a loan "returned" (so extended) today is not extended again."""
        return self.return_date == self.today

    def new_due_date(self) -> date | None:
        """The due date SLiMS' circulation would give this loan extended today."""
        if self.loan_periode is None or self.expire_date is None:
            return None
        return extended_due_date(self.today, self.loan_periode, self.holidays, self.expire_date)

    def fine(self) -> Fine | None:
        """The overdue fine an extension today records (None: none)."""
        if self.due_date is None:
            return None
        return overdue_fine(self.due_date, self.today, self.fine_each_day, self.grace_periods)


def load_holidays(connection: Connection) -> Holidays:
    """The closed days as SLiMS loads them: weekly names and the latest dated holidays."""
    weekly = connection.execute(
        select(holiday.c.holiday_dayname).where(holiday.c.holiday_date.is_(None))
    ).scalars()
    dated = connection.execute(
        select(holiday.c.holiday_date)
        .where(holiday.c.holiday_date.is_not(None))
        .order_by(holiday.c.holiday_date.desc())
        .limit(DATED_HOLIDAY_LIMIT)
    ).scalars()
    return Holidays.of(
        (name for name in weekly if name),
        (day for day in (as_date(value) for value in dated) if day is not None),
    )


def loan_states(
    connection: Connection, loan_ids: Iterable[int], today: date
) -> dict[int, LoanState]:
    """The state of each of these loans that SLiMS still has, by loan id, as of `today`."""
    wanted = sorted(set(loan_ids))
    if not wanted:
        return {}
    own_rule = mst_loan_rules.alias("own_rule")
    type_rule = mst_loan_rules.alias("type_rule")
    reserved = exists().where(
        reserve.c.item_code == loan.c.item_code, reserve.c.member_id != loan.c.member_id
    )
    statement = (
        select(
            loan.c.loan_id,
            loan.c.member_id,
            loan.c.item_code,
            loan.c.due_date,
            loan.c.renewed,
            loan.c.return_date,
            loan.c.is_lent,
            loan.c.is_return,
            member.c.expire_date,
            func.coalesce(own_rule.c.loan_periode, mst_member_type.c.loan_periode).label(
                "loan_periode"
            ),
            func.coalesce(type_rule.c.reborrow_limit, mst_member_type.c.reborrow_limit).label(
                "reborrow_limit"
            ),
            # SLiMS reads the rule's fine when the loan names a rule, 0 when that rule is gone.
            case(
                (loan.c.loan_rules_id != 0, func.coalesce(own_rule.c.fine_each_day, 0)),
                else_=func.coalesce(mst_member_type.c.fine_each_day, 0),
            ).label("fine_each_day"),
            mst_member_type.c.grace_periode.label("type_grace"),
            own_rule.c.grace_periode.label("rule_grace"),
            reserved.label("reserved"),
        )
        .select_from(
            loan.outerjoin(member, member.c.member_id == loan.c.member_id)
            .outerjoin(mst_member_type, mst_member_type.c.member_type_id == member.c.member_type_id)
            .outerjoin(item, item.c.item_code == loan.c.item_code)
            .outerjoin(own_rule, own_rule.c.loan_rules_id == loan.c.loan_rules_id)
            .outerjoin(
                type_rule,
                and_(
                    type_rule.c.member_type_id == mst_member_type.c.member_type_id,
                    type_rule.c.coll_type_id == item.c.coll_type_id,
                ),
            )
        )
        .where(loan.c.loan_id.in_(wanted))
    )
    rows = connection.execute(statement).mappings().all()
    holidays = load_holidays(connection) if rows else Holidays()
    states: dict[int, LoanState] = {}
    for row in rows:
        loan_id = int(row["loan_id"])
        if loan_id in states:  # several rules match: SLiMS lists the loan once per rule
            continue
        states[loan_id] = LoanState(
            loan_id=loan_id,
            member_id=row["member_id"] or "",
            item_code=row["item_code"] or "",
            due_date=as_date(row["due_date"]),
            renewed=int(row["renewed"] or 0),
            return_date=as_date(row["return_date"]),
            is_current=row["is_lent"] == 1 and row["is_return"] == 0,
            loan_periode=row["loan_periode"],
            reborrow_limit=row["reborrow_limit"],
            reserved=bool(row["reserved"]),
            expire_date=as_date(row["expire_date"]),
            fine_each_day=int(row["fine_each_day"] or 0),
            grace_periods=tuple(int(g or 0) for g in (row["type_grace"], row["rule_grace"])),
            today=today,
            holidays=holidays,
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


def extend_loan(
    connection: Connection,
    state: LoanState,
    new_due_date: date,
    *,
    now: datetime,
    fine_description: str,
) -> bool:
    """Extend a loan as SLiMS' circulation does, guarded: only while it is current, not
    extended today and still as the librarian saw it (due date, times renewed). SLiMS first
    returns the loan (`return_date` today, `last_update` now) and then extends it (`renewed`
    + 1, the new due date, `is_return` back to 0); one UPDATE leaves the row (and its
    `loan_history` through SLiMS' trigger) as those two do. The overdue fine, if any, is then
    recorded in `fines`. True when SLiMS changed the loan. `now` is the library's wall-clock
    time (SLiMS writes local times)."""
    if state.due_date is None:
        return False
    result = connection.execute(
        update(loan)
        .where(
            loan.c.loan_id == state.loan_id,
            loan.c.member_id == state.member_id,
            CURRENT_LOAN,
            loan.c.renewed == state.renewed,
            loan.c.due_date == state.due_date,
            or_(loan.c.return_date.is_(None), loan.c.return_date != state.today),
        )
        .values(
            due_date=new_due_date,
            renewed=loan.c.renewed + 1,
            return_date=state.today,
            last_update=now.replace(tzinfo=None, microsecond=0),
        )
    )
    if result.rowcount != 1:
        return False
    fine = state.fine()
    if fine is not None:
        connection.execute(
            fines.insert().values(
                fines_date=state.today,
                member_id=state.member_id,
                debet=fine.amount,
                credit=0,
                description=fine_description.replace("{item_code}", state.item_code),
            )
        )
    return True


def set_member_password(connection: Connection, member_id: str, mpasswd: str) -> bool:
    """Store a member-area password hash (`$2y$...`); False when SLiMS has no such member."""
    result = connection.execute(
        update(member).where(member.c.member_id == member_id).values(mpasswd=mpasswd)
    )
    return result.rowcount == 1
