"""The sign-up's hot path: statements compiled once, executed on the driver cursor.

A statement run through a SQLAlchemy Connection costs 40-50 µs of CPU (execution context,
result object, events), the raw driver ~2 µs; the sign-up's few statements cost more in
SQLAlchemy than in the database. So the public sign-up, and only it, runs its statements
(still written once, in Core, in each area's queries) compiled once per dialect and executed on
the pooled driver connection's cursor, inside one driver-level transaction. Everything else uses
`engine.transaction()` and a Connection.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Engine,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import PoolProxiedConnection

from .engine import WRITER_QUEUES

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
