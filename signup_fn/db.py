"""Every table and every SQL statement of the function (SQLAlchemy 2 Core).

One Engine per app, pooled. SQLite runs in WAL mode with a busy timeout, and every transaction
opened through `transaction()` starts with `BEGIN IMMEDIATE`, so concurrent writers queue for
the lock instead of failing with "database is locked". The same statements run on PostgreSQL.
"""

from __future__ import annotations

import itertools
import logging
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    bindparam,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping, make_url
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import ColumnElement

from catalog.clock import utc_now

from .member_numbers import member_key
from .store.statuses import (
    ACCOUNT_LINKS,
    DECISIONS,
    AccountStatus,
    ExtensionStatus,
    RequestStatus,
    SessionKind,
    equals,
    one_of,
)

try:
    import fcntl
except ImportError:  # Windows: no writer queue; SQLite's busy timeout alone
    HAS_FLOCK = False
else:
    HAS_FLOCK = True

SQLITE_BUSY_TIMEOUT_MS = 10_000

logger = logging.getLogger(__name__)


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
    """The current instant in UTC (the library clock's)."""
    return utc_now()


metadata = MetaData()

# A patron's request for an account (SOP step 1); `status` leaves `pending` on review.
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
    Column("status", String(16), nullable=False, server_default=RequestStatus.PENDING.value),
    Column("consent_at", UTCDateTime, nullable=False),
    Column("consent_version", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("role IN ('student', 'lecturer', 'staff')", name="ck_request_role"),
)
# One open (pending) request per member number and e-mail: the race-free way to collapse a
# person's duplicates. Requests for one member number from different e-mails are all kept (a
# stranger's request never hides the member's own); the review shows them as a conflict.
OPEN_REQUEST = text(equals("status", RequestStatus.PENDING))
OPEN_REQUEST_CONTACT = Index(
    "uq_open_request_contact",
    account_requests.c.member_id,
    account_requests.c.email,
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

# The audit log is append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).
# Made with the table, by `metadata.create_all` and by the migration that creates the table, and
# made again by any migration that rebuilds the table (SQLite's batch mode drops its triggers).
APPEND_ONLY: dict[str, tuple[str, ...]] = {
    "sqlite": tuple(
        f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        for verb in ("UPDATE", "DELETE")
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
        "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    ),
}


def create_append_only_triggers(connection: Connection) -> None:
    """Make (or make again) the audit log's append-only triggers for the connection's dialect."""
    for statement in APPEND_ONLY.get(connection.dialect.name, ()):
        connection.exec_driver_sql(statement)


@event.listens_for(audit_log, "after_create")
def audit_log_created(_table: Table, connection: Connection, **_options: Any) -> None:
    create_append_only_triggers(connection)


# --- the engine ------------------------------------------------------------------------------


class WriterQueue:
    """Our writers to one SQLite file take turns here, each woken as soon as the last is done.

    SQLite's busy handler polls with growing sleeps (1, 2, 5, 10 ... 100 ms): under load a
    writer sleeps on long after the lock was freed, which made the sign-up's p99 hundreds of
    milliseconds. A lock on a file beside the database (`flock`: the kernel wakes a waiter
    at once on release, and drops the lock of a process that dies, kill -9 included), plus
    a lock between this process's threads, lines writers up before `BEGIN IMMEDIATE`, which
    then rarely waits. It only orders our own writers; SQLite's lock and busy timeout still
    guard the data against any other (the CLI, a backup, another program).

    Checkpoints happen after the turn, never in it. SQLite's automatic checkpoint runs inside
    the committing call, so it would hold the turn while it copies pages into the database
    and waits for two fsyncs, and every other writer would wait for the disk (the counted
    uses' p99, bench/README.md). So queued connections leave it to `committed`: every
    `CHECKPOINT_EVERY` commits of this process, a PASSIVE checkpoint after the turn (it
    neither waits for nor blocks other writers). SQLite's own stays on as a backstop at
    `BACKSTOP_AUTOCHECKPOINT_PAGES`, for when many short-lived processes each write little.
    """

    CHECKPOINT_EVERY = 250  # commits; one process then checkpoints about SQLite's 1,000 pages
    BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000

    def __init__(self, path: Path) -> None:
        self.path = path
        self._threads = threading.RLock()
        self._depth = 0
        self._owner_pid: int | None = None
        self._file: IO[bytes] | None = None
        self._commits = itertools.count(1)
        self._own = threading.local()  # `connection`

    def _lock_file(self) -> IO[bytes]:
        # One open file per process: a file opened before fork() would share its lock.
        if self._file is None or self._owner_pid != os.getpid():
            self._file = self.path.open("a+b")
            self._owner_pid = os.getpid()
        return self._file

    def acquire(self) -> None:
        """Wait for this thread's turn (re-entrant in the same thread)."""
        self._threads.acquire()
        self._depth += 1
        if self._depth == 1:
            try:
                fcntl.flock(self._lock_file(), fcntl.LOCK_EX)
            except BaseException:
                self.release()
                raise

    def release(self) -> None:
        """End the turn `acquire` began."""
        self._depth -= 1
        if self._depth == 0 and self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self._threads.release()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the queue for one transaction (re-entrant in the same thread)."""
        self.acquire()
        try:
            yield
        finally:
            self.release()

    def connection(self, engine: Engine) -> Any:
        """This thread's own driver connection for `driver_transaction`: opened once through
        the engine's pool (so with every setting of `make_engine`), detached from it, and kept
        between transactions, as the write floor keeps its one. A pool checkout and check-in
        cost more instructions than the counted use's SQL itself (bench/README.md)."""
        own = self._own
        if getattr(own, "pid", None) != os.getpid():  # none yet, or one from before fork()
            pooled = engine.raw_connection()
            own.connection, own.pid = pooled.driver_connection, os.getpid()
            pooled.detach()  # closed when dropped (`forget_connection`), never pooled
        return own.connection

    def forget_connection(self) -> None:
        """Drop this thread's connection (its rollback failed): the next one is new."""
        self._own.__dict__.clear()

    def committed(self, driver_connection: Any) -> None:
        """Call after a commit, once the turn is over: checkpoints when this one is due. A
        checkpoint that fails is left to the next (the commit itself is done)."""
        if next(self._commits) % self.CHECKPOINT_EVERY:
            return
        try:
            driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").close()
        except sqlite3.Error:
            logger.warning("WAL checkpoint failed; the next one retries", exc_info=True)


WRITER_QUEUES: weakref.WeakKeyDictionary[Engine, WriterQueue] = weakref.WeakKeyDictionary()


def configure_sqlite(dbapi_connection: Any) -> None:
    """The settings of every connection to the function's SQLite file."""
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a committed transaction
    # survives the process being killed (kill -9, a crashed worker), and the database stays
    # consistent; only a power loss or OS crash may lose the last commits. FULL made each
    # commit wait for an fsync while holding the write lock (signup_fn/README.md, "SQLite
    # durability").
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """One pooled Engine; SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE`."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url)
    database = make_url(url).database
    if HAS_FLOCK and database and database != ":memory:" and "mode=memory" not in url:
        WRITER_QUEUES[engine] = WriterQueue(Path(f"{database}-writers.lock"))

    queue = WRITER_QUEUES.get(engine)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        configure_sqlite(dbapi_connection)
        if queue is not None:  # checkpoints after the turn (WriterQueue)
            pages = WriterQueue.BACKSTOP_AUTOCHECKPOINT_PAGES
            dbapi_connection.execute(f"PRAGMA wal_autocheckpoint = {pages}").close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # Writers take the lock up front; `read_only=True` connections begin deferred.
        # Sent on the driver's connection: no statement result to build for a BEGIN.
        read_only = connection.get_execution_options().get("read_only", False)
        driver_connection = connection.connection.driver_connection
        # union-attr: typed Optional for a pool's detached state; a connection that begins has it
        driver_connection.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")  # type: ignore[union-attr]

    return engine


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed when the block ends, rolled back on an exception.

    On a SQLite file, our writers queue for their turn (`WriterQueue`), held from just before
    `BEGIN IMMEDIATE` to just after the commit (the pool checkout and checkin stay outside).
    """
    queue = WRITER_QUEUES.get(engine)
    turn = queue.turn() if queue is not None else nullcontext()
    with engine.connect() as connection:
        with turn, connection.begin():
            yield connection
        if queue is not None:
            queue.committed(connection.connection.driver_connection)


# --- compiled once, executed on the driver cursor: the sign-up's hot path --------------------
#
# A statement run through a SQLAlchemy Connection costs 40-50 µs of CPU (execution context,
# result object, events), the raw driver ~2 µs; the sign-up's few statements cost more in
# SQLAlchemy than in the database. So the public sign-up, and only it, runs its statements
# (still written once, in Core, below) compiled once per dialect and executed on the pooled
# driver connection's cursor, inside one driver-level transaction. Everything else uses
# `transaction()` and a Connection.


@dataclass(frozen=True)
class CompiledStatement:
    """A Core statement compiled for one dialect: its SQL text and how to bind its values.

    `slots`: one (name, bind processor, fixed value) per parameter, in the driver's order
    (qmark) or by name (pyformat). The bind processors are SQLAlchemy's own for each column
    type (UTCDateTime to naive UTC text on SQLite...), so values are converted exactly as a
    Connection would. A fixed value (a literal of the statement, e.g. `hits + 1`) is bound
    already converted.
    """

    sql: str
    positional: bool
    slots: tuple[tuple[str, Any, Any], ...]

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        """The driver's parameters (a list, or a dict by name) for `values` by column key.

        One value object bound to several columns of one type (a request's `now` is its
        consent, created and updated time) is converted once: a timestamp's conversion costs
        ~5 µs. Columns of equal types share one processor (`compile_statement`).
        """
        converted: dict[tuple[int, int], Any] = {}  # the values outlive the call: ids are safe
        bound = []
        for name, process, fixed in self.slots:
            if fixed is not NO_VALUE:
                bound.append(fixed)
                continue
            value = values[name]
            if process is not None and value is not None:
                key = (id(value), id(process))
                if key not in converted:
                    converted[key] = process(value)
                value = converted[key]
            bound.append(value)
        if self.positional:
            return bound
        return {slot[0]: value for slot, value in zip(self.slots, bound, strict=True)}


NO_VALUE = object()


def compile_statement(statement: Any, dialect: Any, keys: Sequence[str]) -> CompiledStatement:
    """Compile `statement` for `dialect`, an INSERT for exactly the columns `keys`.

    Refused (ValueError) when it needs what only a Connection does: Python-side column
    defaults, expanding IN parameters, escaped parameter names, or result conversion.
    """
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    if (
        compiled.insert_prefetch
        or compiled.update_prefetch
        or compiled.post_compile_params
        or compiled.escaped_bind_names
    ):
        raise ValueError(f"not a driver-level statement: {compiled.string}")
    columns = compiled.returning or getattr(statement, "selected_columns", ())
    if any(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns):
        raise ValueError(f"result needs conversion: {compiled.string}")
    binds = {name: bind for bind, name in compiled.bind_names.items()}
    names = compiled.positiontup if compiled.positional else list(binds)
    slots = []
    processors: dict[tuple[type, str], Any] = {}  # equal column types share one processor
    for name in names:
        bind = binds[name]
        kind = (type(bind.type), repr(bind.type))
        if kind not in processors:
            processors[kind] = bind.type.dialect_impl(dialect).bind_processor(dialect)
        process = processors[kind]
        if name in keys:
            slots.append((name, process, NO_VALUE))
        else:  # a literal of the statement itself
            value = bind.effective_value
            slots.append((name, None, process(value) if process else value))
    return CompiledStatement(compiled.string, compiled.positional, tuple(slots))


class DriverTransaction:
    """Runs Core statements on one driver cursor, in the transaction of `driver_transaction`.

    It offers what the sign-up's functions use of a Connection (`dialect`, `scalar`,
    `execute` with a mapping of values), so `insert_request`, `add_audit` and `count_hit`
    run unchanged on either. Driver errors are raised as SQLAlchemy's (`OperationalError`...),
    as through a Connection.
    """

    def __init__(self, cursor: Any, dialect: Any) -> None:
        self.cursor = cursor
        self.dialect = dialect

    def scalar(self, statement: Any, values: Mapping[str, Any]) -> Any:
        """The first column of the first row, or None."""
        self.execute(statement, values)
        row = self.cursor.fetchone()
        return row[0] if row is not None else None

    def row(self, statement: Any, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row (of a RETURNING statement), or None."""
        self.execute(statement, values)
        return self.cursor.fetchone()

    def execute(self, statement: Any, values: Mapping[str, Any]) -> None:
        compiled = compiled_for(statement, self.dialect, tuple(values))
        parameters = compiled.parameters(values)
        try:
            self.cursor.execute(compiled.sql, parameters)
        except self.dialect.loaded_dbapi.Error as error:
            raise driver_error(self.dialect, compiled.sql, parameters, error) from error


COMPILED: dict[tuple[Any, str, tuple[str, ...]], CompiledStatement] = {}


def compiled_for(statement: Any, dialect: Any, keys: tuple[str, ...]) -> CompiledStatement:
    """`compile_statement`, once per statement, dialect and set of columns."""
    cache_key = (statement, dialect.name, keys)
    compiled = COMPILED.get(cache_key)
    if compiled is None:
        compiled = COMPILED[cache_key] = compile_statement(statement, dialect, keys)
    return compiled


def driver_error(dialect: Any, sql: str, parameters: Any, error: Exception) -> Exception:
    """The SQLAlchemy exception a Connection would raise for this driver error."""
    return sa_exc.DBAPIError.instance(
        sql, parameters, error, dialect.loaded_dbapi.Error, dialect=dialect
    )


@contextmanager
def driver_transaction(engine: Engine) -> Iterator[DriverTransaction]:
    """`transaction()` on a driver connection: committed when the block ends, rolled back on
    any exception. On a SQLite file: `BEGIN IMMEDIATE` inside the writer queue's turn, on the
    thread's own connection (`WriterQueue.connection`), a checkpoint after the turn when due.
    Elsewhere: a pooled connection (pre-pinged on PostgreSQL, where psycopg begins its own
    transaction at the first statement).

    A connection whose rollback fails (the server went away) is dropped, never used again.
    """
    dialect = engine.dialect
    queue = WRITER_QUEUES.get(engine)
    pooled: PoolProxiedConnection | None = None
    connection: Any
    try:
        if queue is not None:
            connection = queue.connection(engine)
        else:
            pooled = engine.raw_connection()
            connection = pooled.driver_connection
    except dialect.loaded_dbapi.Error as error:
        raise driver_error(dialect, "connect", (), error) from error
    if queue is not None:
        queue.acquire()
    try:
        cursor = connection.cursor()
        try:
            if dialect.name == "sqlite":
                cursor.execute("BEGIN IMMEDIATE")
            yield DriverTransaction(cursor, dialect)
            connection.commit()
        except BaseException as failure:
            try:
                connection.rollback()
            except Exception:
                if pooled is not None:
                    pooled.invalidate()
                elif queue is not None:
                    queue.forget_connection()
            if isinstance(failure, dialect.loaded_dbapi.Error):
                raise driver_error(dialect, "BEGIN/COMMIT", (), failure) from failure
            raise
        finally:
            cursor.close()
    finally:
        if queue is not None:
            queue.release()
        if pooled is not None:
            pooled.close()  # back to the pool
    if queue is not None:
        queue.committed(connection)


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
    return insert_for(connection.dialect.name, table)


def insert_for(dialect_name: str, table: Table) -> Any:
    """The INSERT of the dialect named `dialect_name` (PostgreSQL, else SQLite's)."""
    return (postgresql if dialect_name == "postgresql" else sqlite).insert(table)


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


# --- audit -----------------------------------------------------------------------------------


def add_audit(
    connection: Connection | DriverTransaction,
    *,
    action: str,
    outcome: str,
    actor: str = "public",
    reason: str | None = None,
    request_id: int | None = None,
) -> None:
    """Append one audit row (never updated or deleted) in the caller's transaction."""
    connection.execute(
        INSERT_AUDIT,
        {
            "created_at": utcnow(),
            "actor": actor,
            "action": action,
            "outcome": outcome,
            "reason": reason,
            "request_id": request_id,
        },
    )


INSERT_AUDIT = insert(audit_log)  # built once; the values come as parameters


# --- rate limits -----------------------------------------------------------------------------


def count_hit(connection: Connection | DriverTransaction, key: str, window_start: int) -> int:
    """Count one hit for `key` in the window starting at `window_start`; return the count.

    One atomic upsert: the first hit of a new window restarts the count at 1.
    """
    values = {"key": key, "window_start": window_start, "hits": 1}
    return connection.scalar(count_hit_statement(connection.dialect.name), values)


@cache
def count_hit_statement(dialect_name: str) -> Any:
    """The upsert of `count_hit`, built once per dialect."""
    statement = insert_for(dialect_name, rate_limits)
    same_window = rate_limits.c.window_start == statement.excluded.window_start
    return statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "hits": case((same_window, rate_limits.c.hits + 1), else_=1),
            "window_start": statement.excluded.window_start,
        },
    ).returning(rate_limits.c.hits)


# --- library members: the imported SLiMS member list (member check) ---------------------

# A snapshot of SLiMS' member list (SOP step 2), replaced whole by each import of SLiMS' CSV
# export. `member_id` keeps SLiMS' spelling; `member_key` (its lower case) is the key, so look-ups
# and uniqueness ignore case as SLiMS' utf8_unicode_ci collation does. Only what the member
# check needs is kept (no address, phone, birth date or PIN).
library_members = Table(
    "library_members",
    metadata,
    Column("member_key", String(20), primary_key=True),
    Column("member_id", String(20), nullable=False),
    Column("name", String(100), nullable=False),
    Column("email", String(100)),
    Column("phone", String(50)),
    Column("member_type", String(50)),
    Column("inst_name", String(100)),
    Column("expire_date", Date),
    Column("is_pending", Boolean),  # NULL = unknown: SLiMS' CSV export does not carry it
    Column("imported_at", UTCDateTime, nullable=False),
)
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


# --- authentication: accounts, librarians, tokens, sessions, login failures -------------

# A patron's account; username = the member number. No password until the patron activates it.
# `request_id` is a plain number (not a foreign key), like the audit log's.
accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", String(20), nullable=False, unique=True),
    Column("request_id", Integer),
    Column("email", String(254), nullable=False),
    Column("status", String(20), nullable=False),
    Column("password_hash", String(255)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("activated_at", UTCDateTime),
    Column("password_changed_at", UTCDateTime),
    CheckConstraint(one_of("status", AccountStatus), name="ck_account_status"),
)

# Librarians are not patrons: their own table, their own sessions (`kind = 'librarian'`).
librarians = Table(
    "librarians",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("email", String(254)),
    Column("password_hash", String(255)),
    Column("totp_secret", String(64)),
    Column("totp_last_step", Integer),  # the last accepted TOTP time step: no code twice
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
)

# Single-use links. Only the SHA-256 of the token is stored; `subject_id` is an account or a
# librarian id, depending on `purpose`.
tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("purpose", String(32), nullable=False),
    Column("subject_id", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
)
Index("ix_tokens_subject", tokens.c.purpose, tokens.c.subject_id)

# Server-side sessions; `id` is the SHA-256 of the random value kept in the cookie.
sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("user_id", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    CheckConstraint(one_of("kind", SessionKind), name="ck_session_kind"),
)
Index("ix_sessions_user", sessions.c.kind, sessions.c.user_id)

# One row per failed login; `key` is a keyed hash of the username or the client address.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_login_failures_key", login_failures.c.key, login_failures.c.created_at)

# E-mail waiting to be sent, written in the same transaction as the change that caused it.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("to_address", String(254), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("last_error", String(200)),
)
Index("ix_outbox_due", outbox.c.sent_at, outbox.c.next_attempt_at)


def row_or_none(connection: Connection, statement: Any) -> dict[str, Any] | None:
    row = connection.execute(statement).mappings().first()
    return dict(row) if row is not None else None


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
    now = utcnow()
    connection.execute(
        update(tokens)
        .where(
            tokens.c.purpose == purpose,
            tokens.c.subject_id == subject_id,
            tokens.c.used_at.is_(None),
            tokens.c.expires_at > now,
        )
        .values(expires_at=now)
    )
    connection.execute(
        insert(tokens).values(
            token_hash=token_hash,
            purpose=purpose,
            subject_id=subject_id,
            created_at=now,
            expires_at=expires_at,
        )
    )


def revoke_tokens(connection: Connection, purposes: Sequence[str], subject_id: int) -> int:
    """Every unused link of `purposes` for `subject_id` stops working now; returns how many."""
    now = utcnow()
    result = connection.execute(
        update(tokens)
        .where(
            tokens.c.purpose.in_(purposes),
            tokens.c.subject_id == subject_id,
            tokens.c.used_at.is_(None),
            tokens.c.expires_at > now,
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
            tokens.c.used_at.is_(None),
            tokens.c.expires_at > utcnow(),
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
            tokens.c.used_at.is_(None),
            tokens.c.expires_at > now,
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


# outbox


def insert_mail(connection: Connection, *, to_address: str, subject: str, body: str) -> int:
    now = utcnow()
    return connection.scalar(
        insert(outbox)
        .values(
            to_address=to_address,
            subject=subject,
            body=body,
            created_at=now,
            attempts=0,
            next_attempt_at=now,
        )
        .returning(outbox.c.id)
    )


def due_mail_ids(connection: Connection, limit: int) -> list[int]:
    statement = (
        select(outbox.c.id)
        .where(outbox.c.sent_at.is_(None), outbox.c.next_attempt_at <= utcnow())
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(limit)
    )
    return list(connection.scalars(statement))


def claim_mail(
    connection: Connection, mail_id: int, lease_until: datetime
) -> dict[str, Any] | None:
    """Take a due message for sending until `lease_until`; None if another sender has it."""
    claimed = connection.execute(
        update(outbox)
        .where(
            outbox.c.id == mail_id,
            outbox.c.sent_at.is_(None),
            outbox.c.next_attempt_at <= utcnow(),
        )
        .values(next_attempt_at=lease_until)
    ).rowcount
    if claimed != 1:
        return None
    return row_or_none(connection, select(outbox).where(outbox.c.id == mail_id))


SENT_BODY = "(isi dihapus setelah terkirim)"


def mark_mail_sent(connection: Connection, mail_id: int) -> None:
    """Mark a message sent and drop its body: it may hold a single-use link (tokens are kept
    only as hashes), and the copy that counts is the one the recipient received."""
    connection.execute(
        update(outbox)
        .where(outbox.c.id == mail_id)
        .values(sent_at=utcnow(), attempts=outbox.c.attempts + 1, last_error=None, body=SENT_BODY)
    )


def mark_mail_failed(
    connection: Connection, mail_id: int, *, error: str, next_attempt_at: datetime
) -> None:
    connection.execute(
        update(outbox)
        .where(outbox.c.id == mail_id)
        .values(
            attempts=outbox.c.attempts + 1,
            last_error=error[:200],
            next_attempt_at=next_attempt_at,
        )
    )


# --- resource clicks, and a person's data for privacy requests --------------------------

# Uses of each resource per library month, counted by the COUNTER rules of resources/usage.py:
# Total_Item_Requests and Unique_Item_Requests (NULL for months counted before visitors were
# known: the clicks of the former `resource_clicks` table). Nothing about who used it.
resource_usage = Table(
    "resource_usage",
    metadata,
    Column("resource_id", String(64), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("total_requests", Integer, nullable=False),
    Column("unique_requests", Integer, nullable=True),
)

# De-duplication state of the current day: `key` is a keyed hash of (day, visitor, resource);
# `last_at` the visitor's last request for it; `is_new`/`counted` (0 or 1: integers, so the
# hot path reads them straight from the driver) what the last request was. Rows of earlier
# days are deleted.
usage_visits = Table(
    "usage_visits",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("day", String(10), nullable=False, index=True),
    Column("last_at", UTCDateTime, nullable=False),
    Column("is_new", Integer, nullable=False),
    Column("counted", Integer, nullable=False),
)


@cache
def record_visit_statement(dialect_name: str) -> Any:
    """Upsert one visit; RETURNING `is_new` (first today) and `counted` (no request of this
    visitor for this resource since `cutoff`). Every SET reads the row as it was."""
    statement = insert_for(dialect_name, usage_visits).values(
        key=bindparam("key"),
        day=bindparam("day"),
        last_at=bindparam("now", type_=UTCDateTime()),
        is_new=1,
        counted=1,
    )
    cutoff = bindparam("cutoff", type_=UTCDateTime())
    return statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "last_at": statement.excluded.last_at,
            "is_new": 0,
            "counted": case((usage_visits.c.last_at < cutoff, 1), else_=0),
        },
    ).returning(usage_visits.c.is_new, usage_visits.c.counted)


def record_visit(
    connection: Connection | DriverTransaction,
    *,
    key: str,
    day: str,
    now: datetime,
    cutoff: datetime,
) -> tuple[bool, bool]:
    """(first request of this visitor for this resource today, counted)."""
    values = {"key": key, "day": day, "now": now, "cutoff": cutoff}
    statement = record_visit_statement(connection.dialect.name)
    if isinstance(connection, DriverTransaction):
        row = connection.row(statement, values)
    else:
        row = connection.execute(statement, values).one()
    assert row is not None  # an upsert always returns its row
    return bool(row[0]), bool(row[1])


@cache
def add_usage_statement(dialect_name: str) -> Any:
    statement = insert_for(dialect_name, resource_usage).values(
        resource_id=bindparam("resource_id"),
        month=bindparam("month"),
        total_requests=1,
        unique_requests=bindparam("unique", type_=Integer()),
    )
    return statement.on_conflict_do_update(
        index_elements=["resource_id", "month"],
        set_={
            "total_requests": resource_usage.c.total_requests + 1,
            "unique_requests": func.coalesce(resource_usage.c.unique_requests, 0)
            + statement.excluded.unique_requests,
        },
    )


def add_usage(
    connection: Connection | DriverTransaction, resource_id: str, month: str, *, unique: bool
) -> None:
    """One more Total_Item_Request of `resource_id` in `month`, and a Unique one if `unique`."""
    values = {"resource_id": resource_id, "month": month, "unique": int(unique)}
    connection.execute(add_usage_statement(connection.dialect.name), values)


PURGE_VISITS = delete(usage_visits).where(usage_visits.c.day < bindparam("before_day"))


def purge_visits(connection: Connection | DriverTransaction, *, before_day: str) -> None:
    """Delete de-duplication rows of days before `before_day` ('YYYY-MM-DD')."""
    connection.execute(PURGE_VISITS, {"before_day": before_day})


def resource_usage_rows(connection: Connection) -> list[dict[str, Any]]:
    """Every (resource, month, total_requests, unique_requests), by month."""
    statement = select(resource_usage).order_by(
        resource_usage.c.month, resource_usage.c.resource_id
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


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


def count_user_sessions(connection: Connection, kind: SessionKind, user_id: int) -> int:
    return connection.execute(
        select(func.count())
        .select_from(sessions)
        .where(sessions.c.kind == kind, sessions.c.user_id == user_id)
    ).scalar_one()


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


# --- librarian review: decisions, new-request digest, reports ---------------------------

# One row per decided request (SOP steps 2-3): what was decided, when, by whom (an audit actor
# such as `librarian:3` or `cli`), the rejection reason, the account made. `request_id` is a
# plain number like the audit log's; account_requests keeps its own columns (`status` moves on).
request_decisions = Table(
    "request_decisions",
    metadata,
    Column("request_id", Integer, primary_key=True, autoincrement=False),
    Column("decision", String(16), nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    Column("decided_by", String(64), nullable=False),
    Column("reason", String(200)),
    Column("account_id", Integer),
    CheckConstraint(one_of("decision", DECISIONS), name="ck_decision"),
)

# Named moments the review remembers, e.g. the newest request the last digest covered.
review_markers = Table(
    "review_markers",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", UTCDateTime, nullable=False),
)


def review_query() -> Any:
    """Requests with their decision (if any)."""
    return select(
        account_requests,
        request_decisions.c.decided_at,
        request_decisions.c.decided_by,
        request_decisions.c.reason,
        request_decisions.c.account_id,
    ).select_from(
        account_requests.outerjoin(
            request_decisions, request_decisions.c.request_id == account_requests.c.id
        )
    )


def list_requests(
    connection: Connection, status: RequestStatus | None, *, limit: int | None = None
) -> list[dict[str, Any]]:
    """Requests of `status` (all when None): pending ones oldest first, others newest first."""
    statement = review_query()
    if status is not None:
        statement = statement.where(account_requests.c.status == status)
    if status is RequestStatus.PENDING:
        statement = statement.order_by(account_requests.c.created_at, account_requests.c.id)
    else:
        statement = statement.order_by(
            account_requests.c.created_at.desc(), account_requests.c.id.desc()
        )
    if limit is not None:
        statement = statement.limit(limit)
    return [dict(row) for row in connection.execute(statement).mappings()]


def get_request(connection: Connection, request_id: int) -> dict[str, Any] | None:
    return row_or_none(connection, review_query().where(account_requests.c.id == request_id))


def open_requests_for_members(
    connection: Connection, member_ids: Iterable[str]
) -> dict[str, list[dict[str, Any]]]:
    """The pending requests of each member number (oldest first): more than one is a
    conflict of contacts the librarian resolves."""
    wanted = sorted(set(member_ids))
    found: dict[str, list[dict[str, Any]]] = {member_id: [] for member_id in wanted}
    if not wanted:
        return found
    statement = (
        select(
            account_requests.c.id,
            account_requests.c.member_id,
            account_requests.c.name,
            account_requests.c.email,
            account_requests.c.phone,
            account_requests.c.created_at,
        )
        .where(account_requests.c.member_id.in_(wanted), OPEN_REQUEST)
        .order_by(account_requests.c.created_at, account_requests.c.id)
    )
    for row in connection.execute(statement).mappings():
        found[row["member_id"]].append(dict(row))
    return found


def count_pending(connection: Connection) -> int:
    statement = select(func.count()).select_from(account_requests).where(OPEN_REQUEST)
    return connection.execute(statement).scalar_one()


def decide_request(connection: Connection, request_id: int, status: RequestStatus) -> bool:
    """Move a pending request to `status`; False when it is not pending (any more).

    One conditional UPDATE: of two concurrent decisions (a double click), exactly one wins.
    """
    result = connection.execute(
        update(account_requests)
        .where(
            account_requests.c.id == request_id,
            account_requests.c.status == RequestStatus.PENDING,
        )
        .values(status=status, updated_at=utcnow())
    )
    return result.rowcount == 1


def insert_decision(
    connection: Connection,
    *,
    request_id: int,
    decision: RequestStatus,
    decided_by: str,
    reason: str | None = None,
    account_id: int | None = None,
) -> datetime:
    """Record a decision; returns its time."""
    now = utcnow()
    connection.execute(
        insert(request_decisions).values(
            request_id=request_id,
            decision=decision,
            decided_at=now,
            decided_by=decided_by,
            reason=reason,
            account_id=account_id,
        )
    )
    return now


def has_audit(connection: Connection, *, action: str, actor: str, request_id: int) -> bool:
    """Whether `actor` already has an audit row `action` for this request."""
    found = connection.scalar(
        select(audit_log.c.id)
        .where(
            audit_log.c.action == action,
            audit_log.c.actor == actor,
            audit_log.c.request_id == request_id,
        )
        .limit(1)
    )
    return found is not None


def active_librarian_emails(connection: Connection) -> list[str]:
    statement = (
        select(librarians.c.email)
        .where(librarians.c.active.is_(True), librarians.c.email.is_not(None))
        .order_by(librarians.c.id)
    )
    return [email for email in connection.scalars(statement) if email]


def get_marker(connection: Connection, name: str) -> datetime | None:
    return connection.scalar(select(review_markers.c.value).where(review_markers.c.name == name))


def set_marker(connection: Connection, name: str, value: datetime) -> None:
    statement = dialect_insert(connection, review_markers).values(name=name, value=value)
    connection.execute(
        statement.on_conflict_do_update(index_elements=["name"], set_={"value": value})
    )


def pending_since(connection: Connection, since: datetime | None) -> tuple[int, datetime | None]:
    """(how many pending requests arrived after `since` (all when None), the newest's time)."""
    statement = select(func.count(), func.max(account_requests.c.created_at)).where(OPEN_REQUEST)
    if since is not None:
        statement = statement.where(account_requests.c.created_at > since)
    count, newest = connection.execute(statement).one()
    if isinstance(newest, str):  # SQLite returns max() of a column untyped
        newest = datetime.fromisoformat(newest).replace(tzinfo=UTC)
    return count, newest


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


def first_audit_times(connection: Connection, action: str, by: str) -> dict[Any, datetime]:
    """The earliest audit row of `action` per `request_id` or per `actor` (`by`)."""
    column = audit_log.c[by]
    statement = (
        select(column, func.min(audit_log.c.created_at).label("first_at"))
        .where(audit_log.c.action == action, column.is_not(None))
        .group_by(column)
    )
    firsts = {}
    for key, first_at in connection.execute(statement):
        if isinstance(first_at, str):  # SQLite returns min() of a column untyped
            first_at = datetime.fromisoformat(first_at)
        firsts[key] = first_at if first_at.tzinfo else first_at.replace(tzinfo=UTC)
    return firsts


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
        rows.append(
            {
                **row,
                "checked_at": checked.get(row["id"]),
                "opened_at": opened.get(f"patron:{account_id}") if account_id else None,
            }
        )
    return rows


def extension_request_times(connection: Connection) -> list[dict[str, Any]]:
    """Every extension request's status and time received (reports)."""
    statement = select(extension_requests.c.status, extension_requests.c.created_at)
    return [dict(row) for row in connection.execute(statement).mappings()]


# --- loan extension requests ------------------------------------------------------------


# A patron's request to extend one current SLiMS loan, and the librarian's decision. The item
# code, title and due date are snapshots of the loan when asked; SLiMS stays the truth.
# `slims_updated`: the portal extended the loan in SLiMS itself (PORTAL_SLIMS_WRITE), or the
# librarian marked the extension done in SLiMS circulation; false = still to do there.
extension_requests = Table(
    "extension_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, nullable=False),
    Column("loan_id", Integer, nullable=False),
    Column("item_code", String(20), nullable=False),
    Column("title", Text, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("note", String(500)),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime),
    Column("decided_by", Integer),  # librarians.id
    Column("decision_note", String(500)),
    Column("new_due_date", Date),
    Column("slims_updated", Boolean, nullable=False, default=False),
    CheckConstraint(one_of("status", ExtensionStatus), name="ck_extension_status"),
)
# One open (pending) request per loan: two clicks, or two tabs, make one request.
OPEN_EXTENSION = text(equals("status", ExtensionStatus.PENDING))
Index(
    "uq_open_extension_loan",
    extension_requests.c.loan_id,
    unique=True,
    sqlite_where=OPEN_EXTENSION,
    postgresql_where=OPEN_EXTENSION,
)
Index("ix_extension_account", extension_requests.c.account_id, extension_requests.c.loan_id)


def insert_extension_request(
    connection: Connection,
    *,
    account_id: int,
    loan_id: int,
    item_code: str,
    title: str,
    due_date: Any,
    note: str | None,
) -> int | None:
    """Store a pending request; None when one is already open for that loan (race-free)."""
    statement = (
        dialect_insert(connection, extension_requests)
        .values(
            account_id=account_id,
            loan_id=loan_id,
            item_code=item_code,
            title=title,
            due_date=due_date,
            note=note,
            status=ExtensionStatus.PENDING,
            created_at=utcnow(),
            slims_updated=False,
        )
        .on_conflict_do_nothing(index_elements=["loan_id"], index_where=OPEN_EXTENSION)
        .returning(extension_requests.c.id)
    )
    return connection.scalar(statement)


def extension_requests_of_account(connection: Connection, account_id: int) -> list[dict[str, Any]]:
    """Every extension request of one account, newest first."""
    statement = (
        select(extension_requests)
        .where(extension_requests.c.account_id == account_id)
        .order_by(extension_requests.c.id.desc())
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


def get_extension_request(connection: Connection, extension_id: int) -> dict[str, Any] | None:
    """One request with its account's member number and e-mail."""
    return row_or_none(
        connection,
        select(extension_requests, accounts.c.member_id, accounts.c.email)
        .join(accounts, accounts.c.id == extension_requests.c.account_id)
        .where(extension_requests.c.id == extension_id),
    )


def pending_extension_requests(connection: Connection) -> list[dict[str, Any]]:
    """The open requests, oldest first, with their account's member number."""
    statement = (
        select(extension_requests, accounts.c.member_id)
        .join(accounts, accounts.c.id == extension_requests.c.account_id)
        .where(extension_requests.c.status == ExtensionStatus.PENDING)
        .order_by(extension_requests.c.created_at, extension_requests.c.id)
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


def extensions_to_do_in_slims(connection: Connection) -> list[dict[str, Any]]:
    """Granted requests the librarian still has to carry out in SLiMS circulation."""
    statement = (
        select(extension_requests, accounts.c.member_id)
        .join(accounts, accounts.c.id == extension_requests.c.account_id)
        .where(
            extension_requests.c.status == ExtensionStatus.GRANTED,
            extension_requests.c.slims_updated.is_(False),
        )
        .order_by(extension_requests.c.decided_at, extension_requests.c.id)
    )
    return [dict(row) for row in connection.execute(statement).mappings()]


def decide_extension_request(
    connection: Connection,
    extension_id: int,
    *,
    status: ExtensionStatus,
    librarian_id: int,
    decision_note: str | None,
    new_due_date: Any = None,
    slims_updated: bool = False,
) -> bool:
    """Move a pending request to `granted` or `declined`; False when it was not pending
    (already decided, e.g. by another librarian at the same time)."""
    result = connection.execute(
        update(extension_requests)
        .where(
            extension_requests.c.id == extension_id,
            extension_requests.c.status == ExtensionStatus.PENDING,
        )
        .values(
            status=status,
            decided_at=utcnow(),
            decided_by=librarian_id,
            decision_note=decision_note,
            new_due_date=new_due_date,
            slims_updated=slims_updated,
        )
    )
    return result.rowcount == 1


def mark_extension_done_in_slims(connection: Connection, extension_id: int) -> bool:
    """The librarian carried out a granted extension in SLiMS circulation."""
    result = connection.execute(
        update(extension_requests)
        .where(
            extension_requests.c.id == extension_id,
            extension_requests.c.status == ExtensionStatus.GRANTED,
            extension_requests.c.slims_updated.is_(False),
        )
        .values(slims_updated=True)
    )
    return result.rowcount == 1


# --- corrections, account status, activation resend -------------------

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


def accounts_with_status(
    connection: Connection, statuses: Sequence[AccountStatus]
) -> list[dict[str, Any]]:
    statement = (
        select(accounts.c.id, accounts.c.member_id, accounts.c.status)
        .where(accounts.c.status.in_(list(statuses)))
        .order_by(accounts.c.id)
    )
    return [dict(row) for row in connection.execute(statement).mappings()]
