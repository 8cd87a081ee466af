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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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
    create_engine,
    event,
    select,
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
