"""Acceptance: a crashed server loses no acknowledged sign-up and stores none twice.

SQLite: gunicorn with 4 workers on a SQLite file (WAL) takes a burst of sign-ups from several
client threads while its master and all its workers are killed with SIGKILL several times at
random moments, and restarted each time on the same file. Afterwards `PRAGMA integrity_check`
is `ok`, every acknowledged request is stored exactly once, and every stored request has its
audit row. PostgreSQL: the same burst while single workers are SIGKILLed (the master stays and
starts new ones). The random moments come from a seed printed in the failure message
(`DURABILITY_SEED=N` replays a run's schedule).
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.durability.signup_burst import (
    Target,
    assert_every_acknowledged_stored_once,
    burst_settings,
    child_pids,
    kill_hard,
    read_stored,
    run_burst,
)
from tests.support.fresh_databases import fresh_postgres_database, sqlite_url
from tests.support.serving import Server, gunicorn_command, server_environment, start_server

pytestmark = pytest.mark.slow

WORKERS = 4
CLIENTS = 6
MAX_MEMBERS_PER_CLIENT = 400  # bounds the burst: at most 2,400 distinct sign-ups
CRASHES = 4
CRASH_AFTER_SECONDS = (0.3, 1.2)  # a random moment in this range after each (re)start


@pytest.fixture
def seed() -> int:
    return int(os.environ.get("DURABILITY_SEED") or random.SystemRandom().randrange(10**6))


def start_function(database_url: str, log: Path) -> Server:
    return start_server(
        gunicorn_command("signup_fn:create_app()", workers=WORKERS),
        env=server_environment(burst_settings(database_url)),
        log_path=log,
    )


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "portal.sqlite3"


def test_sqlite_survives_repeated_kill_9_of_master_and_workers(
    sqlite_file: Path, tmp_path: Path, seed: int
) -> None:
    database_url = sqlite_url(sqlite_file)
    log = tmp_path / "gunicorn.log"
    chance = random.Random(seed)
    server = start_function(database_url, log)
    target = Target(server.base_url)
    kills: list[int] = []

    def crash_repeatedly(stop: threading.Event) -> None:
        nonlocal server
        for _ in range(CRASHES):
            if stop.wait(chance.uniform(*CRASH_AFTER_SECONDS)):
                return
            kills.append(len(child_pids(server.process.pid)) + 1)
            server.kill()  # SIGKILL to the process group: master and every worker at once
            server = start_function(database_url, log)
            target.url = server.base_url

    try:
        result = run_burst(
            target,
            clients=CLIENTS,
            max_members_per_client=MAX_MEMBERS_PER_CLIENT,
            crash_schedule=crash_repeatedly,
        )
    finally:
        server.stop()

    context = f"seed={seed} kills={kills} sent={result.sent} statuses={dict(result.statuses)}"
    assert len(kills) == CRASHES, context
    assert all(count == WORKERS + 1 for count in kills), f"not every worker was up: {context}"
    assert result.acknowledged, context
    assert set(result.statuses) == {202}, f"{context}\n{log.read_text()[-3000:]}"
    with sqlite3.connect(sqlite_file) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], context
    assert_every_acknowledged_stored_once(result, read_stored(database_url))


@pytest.mark.postgres
def test_postgres_survives_kill_9_of_workers(postgres_url: str, tmp_path: Path, seed: int) -> None:
    log = tmp_path / "gunicorn.log"
    chance = random.Random(seed)
    killed: list[int] = []
    with fresh_postgres_database(postgres_url, prefix="signup_durability") as database_url:
        server = start_function(database_url, log)
        target = Target(server.base_url)

        def kill_workers(stop: threading.Event) -> None:
            for _ in range(CRASHES):
                if stop.wait(chance.uniform(*CRASH_AFTER_SECONDS)):
                    return
                workers = child_pids(server.process.pid)
                if workers:
                    victim = chance.choice(workers)
                    kill_hard(victim)
                    killed.append(victim)

        try:
            result = run_burst(
                target,
                clients=CLIENTS,
                max_members_per_client=MAX_MEMBERS_PER_CLIENT,
                crash_schedule=kill_workers,
            )
            master_alive = server.process.poll() is None
        finally:
            server.stop()
        stored = read_stored(database_url)

    context = f"seed={seed} killed={killed} sent={result.sent} statuses={dict(result.statuses)}"
    assert master_alive, f"{context}\n{log.read_text()[-3000:]}"
    assert len(killed) == CRASHES, context
    assert result.acknowledged, context
    assert set(result.statuses) == {202}, f"{context}\n{log.read_text()[-3000:]}"
    assert_every_acknowledged_stored_once(result, stored)
