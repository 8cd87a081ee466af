"""The one module that owns the connection (SQLAlchemy 2 Core): the engine and its transactions.

One Engine per app, pooled. SQLite runs in WAL mode with a busy timeout, and every transaction
opened through `transaction()` starts with `BEGIN IMMEDIATE`, so concurrent writers queue for
the lock instead of failing with "database is locked". The same statements run on PostgreSQL.
Instants are stored in UTC (`utcnow`, the one "now" for storing).
"""

from __future__ import annotations

import itertools
import logging
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    Table,
    TypeDecorator,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import make_url

from catalog.clock import utc_now

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


def ping(engine: Engine) -> None:
    """Run a trivial query; raises when the database does not answer."""
    with engine.connect() as connection:
        connection.execution_options(read_only=True).execute(select(1)).one()


def dialect_insert(connection: Connection, table: Table) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT."""
    return insert_for(connection.dialect.name, table)


def insert_for(dialect_name: str, table: Table) -> Any:
    """The INSERT of the dialect named `dialect_name` (PostgreSQL, else SQLite's), which knows
    ON CONFLICT; each dialect's module is imported by its first INSERT, as the engine does."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table)


def row_or_none(connection: Connection, statement: Any) -> dict[str, Any] | None:
    row = connection.execute(statement).mappings().first()
    return dict(row) if row is not None else None
