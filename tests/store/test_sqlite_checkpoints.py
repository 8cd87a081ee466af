"""SQLite checkpoints never hold the writers' queue (store.engine.WriterQueue): the function's
connections keep SQLite's automatic checkpoint only as a backstop, and each process
checkpoints after its turn every `CHECKPOINT_EVERY` commits, so the WAL stays short."""

from __future__ import annotations

from pathlib import Path

from signup_fn.resources import queries as resources_queries
from signup_fn.store import hot_path, revision
from signup_fn.store.engine import WriterQueue, make_engine
from tests.support.fresh_databases import sqlite_url

EVERY = WriterQueue.CHECKPOINT_EVERY


def test_a_process_checkpoints_the_wal_every_so_many_commits(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "portal.db"))
    wal = tmp_path / "portal.db-wal"
    try:
        revision.init_db(engine)
        with engine.connect() as connection:
            backstop = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        assert backstop == WriterQueue.BACKSTOP_AUTOCHECKPOINT_PAGES

        def commits(count: int, first: int) -> None:
            for number in range(first, first + count):
                with hot_path.driver_transaction(engine) as connection:
                    resources_queries.add_usage(
                        connection, f"sumber-{number}", "2026-11", unique=True
                    )

        commits(EVERY - 2, 0)  # the last commit before the first checkpoint
        before_checkpoint = wal.stat().st_size
        # After a checkpoint the next writer starts the WAL again from its beginning: three
        # times as many commits leave the file as long as one period's, not three times.
        commits(3 * EVERY, EVERY)
        assert wal.stat().st_size <= before_checkpoint * 1.5
    finally:
        engine.dispose()
