"""Every table and every SQL statement of the function (SQLAlchemy 2 Core).

One Engine per app, pooled. SQLite runs in WAL mode with a busy timeout, and every transaction
opened through `transaction()` starts with `BEGIN IMMEDIATE`, so concurrent writers queue for
the lock instead of failing with "database is locked". The same statements run on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    DDL,
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
    case,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

SCHEMA_VERSION = 1
SQLITE_BUSY_TIMEOUT_MS = 10_000


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store UTC-aware timestamps only")
        return value.astimezone(UTC).replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", UTCDateTime, nullable=False),
)

# A patron's request for an account (SOP step 1). Issue 4 moves `status` on from `pending`.
account_requests = Table(
    "account_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", String(20), nullable=False),
    Column("name", String(100), nullable=False),
    Column("email", String(254), nullable=False),
    Column("phone", String(30)),
    Column("programme", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("consent_at", UTCDateTime, nullable=False),
    Column("consent_version", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("role IN ('student', 'lecturer', 'staff')", name="ck_request_role"),
)
# One open (pending) request per member number: the race-free way to collapse duplicates.
OPEN_REQUEST = text("status = 'pending'")
Index(
    "uq_open_request_member",
    account_requests.c.member_id,
    unique=True,
    sqlite_where=OPEN_REQUEST,
    postgresql_where=OPEN_REQUEST,
)
Index("ix_request_status_created", account_requests.c.status, account_requests.c.created_at)

# Append-only record of what happened. No personal data: `request_id` is a plain number, not a
# foreign key, so deleting a person's request never touches (or is blocked by) the record.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("reason", String(200)),
    Column("request_id", Integer),
)

# Fixed-window counters for rate limits; `key` is a keyed hash, never an address or number.
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("window_start", Integer, nullable=False),
    Column("hits", Integer, nullable=False),
)

APPEND_ONLY_SQLITE = [
    DDL(
        f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    ).execute_if(dialect="sqlite")
    for verb in ("UPDATE", "DELETE")
]
APPEND_ONLY_POSTGRESQL = [
    DDL(
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
    ).execute_if(dialect="postgresql"),
    DDL(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    ).execute_if(dialect="postgresql"),
]
for ddl in APPEND_ONLY_SQLITE + APPEND_ONLY_POSTGRESQL:
    event.listen(audit_log, "after_create", ddl)


# --- the engine ------------------------------------------------------------------------------


def make_engine(url: str) -> Engine:
    """One pooled Engine; SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE`."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # Writers take the lock up front; `read_only=True` connections begin deferred.
        read_only = connection.get_execution_options().get("read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed when the block ends, rolled back on an exception."""
    with engine.begin() as connection:
        yield connection


def init_db(engine: Engine) -> None:
    """Create missing tables and record the schema version; safe to run again and at once.

    Runs in one transaction: SQLite's `BEGIN IMMEDIATE` and PostgreSQL's advisory lock make
    workers that start together wait for each other instead of racing to create tables.
    """
    with transaction(engine) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(select(func.pg_advisory_xact_lock(0x504F5254414C)))
        metadata.create_all(connection, checkfirst=True)
        recorded = connection.scalar(select(func.max(schema_version.c.version)))
        if recorded is None or recorded < SCHEMA_VERSION:
            connection.execute(
                insert(schema_version).values(version=SCHEMA_VERSION, applied_at=utcnow())
            )


def current_schema_version(connection: Connection) -> int | None:
    return connection.scalar(select(func.max(schema_version.c.version)))


def ping(engine: Engine) -> None:
    """Run a trivial query; raises when the database does not answer."""
    with engine.connect() as connection:
        connection.execution_options(read_only=True).execute(select(1)).one()


# --- account requests ------------------------------------------------------------------------


@dataclass(frozen=True)
class NewRequest:
    member_id: str
    name: str
    email: str
    phone: str | None
    programme: str
    role: str
    consent_version: str


def dialect_insert(connection: Connection, table: Table) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT."""
    return (postgresql if connection.dialect.name == "postgresql" else sqlite).insert(table)


def insert_request(connection: Connection, request: NewRequest) -> tuple[int, bool]:
    """Store a pending request unless one is open for that member number.

    Returns (request id, created). Race-free: the partial unique index decides.
    """
    now = utcnow()
    statement = (
        dialect_insert(connection, account_requests)
        .values(
            **request.__dict__,
            status="pending",
            consent_at=now,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["member_id"], index_where=OPEN_REQUEST)
        .returning(account_requests.c.id)
    )
    new_id = connection.scalar(statement)
    if new_id is not None:
        return new_id, True
    existing = connection.scalar(
        select(account_requests.c.id).where(
            account_requests.c.member_id == request.member_id, OPEN_REQUEST
        )
    )
    return existing, False


# --- audit -----------------------------------------------------------------------------------


def add_audit(
    connection: Connection,
    *,
    action: str,
    outcome: str,
    actor: str = "public",
    reason: str | None = None,
    request_id: int | None = None,
) -> None:
    """Append one audit row (never updated or deleted) in the caller's transaction."""
    connection.execute(
        insert(audit_log).values(
            created_at=utcnow(),
            actor=actor,
            action=action,
            outcome=outcome,
            reason=reason,
            request_id=request_id,
        )
    )


# --- rate limits -----------------------------------------------------------------------------


def count_hit(connection: Connection, key: str, window_start: int) -> int:
    """Count one hit for `key` in the window starting at `window_start`; return the count.

    One atomic upsert: the first hit of a new window restarts the count at 1.
    """
    statement = dialect_insert(connection, rate_limits).values(
        key=key, window_start=window_start, hits=1
    )
    same_window = rate_limits.c.window_start == statement.excluded.window_start
    statement = statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "hits": case((same_window, rate_limits.c.hits + 1), else_=1),
            "window_start": statement.excluded.window_start,
        },
    ).returning(rate_limits.c.hits)
    return connection.scalar(statement)
