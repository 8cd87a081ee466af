"""Acceptance: concurrent sign-ups through 4 gunicorn workers lose nothing and store nothing twice.

500 sign-ups from 32 concurrent clients, and at the same time 50 duplicates of one member
number released together, against gunicorn on loopback, on a SQLite file and on the real
PostgreSQL. Rate limits are turned off through the environment so that every request is answered
on its merits. The database is then read directly.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.support.fresh_databases import fresh_postgres_database, sqlite_url
from tests.support.samples import VALID
from tests.support.serving import gunicorn_command, running_server, server_environment

pytestmark = pytest.mark.slow

CLIENTS = 32
SIGNUPS = 500
DUPLICATES = 50
DUPLICATE_MEMBER_ID = "D2024000001"
WORKERS = 4
REQUEST_TIMEOUT = 30.0
LIMIT_OFF = "0"  # a count of 0 turns a rate limit off (signup_fn/web/ratelimit.py)


@dataclass(frozen=True)
class Outcome:
    """What one client saw: the HTTP status, or the transport error instead."""

    member_id: str
    status: int | None
    error: str | None = None


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file, or a fresh database on the real PostgreSQL server."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "portal.db")
        return
    server_url = request.getfixturevalue("postgres_url")
    with fresh_postgres_database(server_url, prefix="signup_concurrency") as url:
        yield url


def settings(database_url: str) -> dict[str, str]:
    return {
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_RATE_LIMIT_ADDRESS_COUNT": LIMIT_OFF,
        "PORTAL_RATE_LIMIT_MEMBER_COUNT": LIMIT_OFF,
    }


def payload(member_id: str) -> dict[str, object]:
    return {**VALID, "member_id": member_id}


class Client:
    """The HTTP client of each pool thread: a `requests.Session` of its own."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()

    def post(self, member_id: str) -> Outcome:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        try:
            response = session.post(self.url, json=payload(member_id), timeout=REQUEST_TIMEOUT)
        except requests.RequestException as exc:
            return Outcome(member_id, None, f"{type(exc).__name__}: {exc}")
        return Outcome(member_id, response.status_code)


def send_duplicates(url: str) -> list[Outcome]:
    """DUPLICATES requests for one member number, released at the same moment."""
    barrier = threading.Barrier(DUPLICATES)

    def one() -> Outcome:
        with requests.Session() as session:
            barrier.wait(timeout=REQUEST_TIMEOUT)
            try:
                response = session.post(
                    url, json=payload(DUPLICATE_MEMBER_ID), timeout=REQUEST_TIMEOUT
                )
            except requests.RequestException as exc:
                return Outcome(DUPLICATE_MEMBER_ID, None, f"{type(exc).__name__}: {exc}")
            return Outcome(DUPLICATE_MEMBER_ID, response.status_code)

    with ThreadPoolExecutor(max_workers=DUPLICATES) as pool:
        return list(pool.map(lambda _: one(), range(DUPLICATES)))


def send_load(url: str) -> list[Outcome]:
    """SIGNUPS distinct sign-ups from CLIENTS clients while the duplicates burst runs."""
    client = Client(url)
    member_ids = [f"C{number:09d}" for number in range(1, SIGNUPS + 1)]
    with ThreadPoolExecutor(max_workers=1) as burst:
        duplicates = burst.submit(send_duplicates, url)
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            outcomes = list(pool.map(client.post, member_ids))
        return outcomes + duplicates.result()


@dataclass(frozen=True)
class Stored:
    """What the database holds after the load."""

    rows_per_member: Counter[str]
    audit_rows_per_request: dict[int, int]
    audit_outcomes: Counter[str]
    audit_rows_without_request: int


def read_stored(database_url: str) -> Stored:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            member_ids = conn.execute(sa.text("SELECT member_id FROM account_requests"))
            rows_per_member = Counter(member_ids.scalars())
            per_request = conn.execute(
                sa.text(
                    "SELECT r.id, count(a.id) FROM account_requests r "
                    "LEFT JOIN audit_log a ON a.request_id = r.id GROUP BY r.id"
                )
            )
            audit_rows_per_request = {request_id: count for request_id, count in per_request}
            outcomes = conn.execute(
                sa.text("SELECT outcome, count(*) FROM audit_log GROUP BY outcome")
            )
            audit_outcomes = Counter({outcome: count for outcome, count in outcomes})
            without_request = conn.execute(
                sa.text("SELECT count(*) FROM audit_log WHERE request_id IS NULL")
            ).scalar_one()
    finally:
        engine.dispose()
    return Stored(rows_per_member, audit_rows_per_request, audit_outcomes, without_request)


def test_concurrent_signups_are_stored_exactly_once(database_url: str, tmp_path: Path) -> None:
    command = gunicorn_command("signup_fn:create_app()", workers=WORKERS)
    env = server_environment(settings(database_url))
    with running_server(command, env=env, log_path=tmp_path / "gunicorn.log") as server:
        outcomes = send_load(server.url("/api/signup"))
        log = server.log_text()

    failures = [o for o in outcomes if o.status is None or o.status >= 500]
    assert not failures, f"{len(failures)} failed, e.g. {failures[:3]}\n{log[-3000:]}"
    statuses = Counter(o.status for o in outcomes)
    assert statuses == {202: SIGNUPS + DUPLICATES}, statuses

    stored = read_stored(database_url)
    acknowledged = {o.member_id for o in outcomes if o.status is not None and o.status < 300}
    assert set(stored.rows_per_member) == acknowledged
    twice = {member: n for member, n in stored.rows_per_member.items() if n != 1}
    assert not twice, f"stored more than once: {twice}"

    # One audit row per acknowledged request, in the request's transaction: the first of the
    # duplicates is "received", the other 49 are "duplicate" rows pointing at the same request.
    without_audit = [rid for rid, n in stored.audit_rows_per_request.items() if n == 0]
    assert not without_audit, f"requests without an audit row: {without_audit[:10]}"
    assert stored.audit_outcomes == {"received": SIGNUPS + 1, "duplicate": DUPLICATES - 1}
    assert sorted(stored.audit_rows_per_request.values())[-1] == DUPLICATES
    assert stored.audit_rows_without_request == 0
