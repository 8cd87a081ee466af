"""A bounded burst of sign-ups from several client threads, while something crashes the server.

The rules: every client sends distinct member numbers as JSON, and a request that gets no
answer (connection refused or reset while the server is down) is retried for the same member
number until it is answered or the burst ends, as a patron pressing "send" again would. A
member number is *acknowledged* once a 2xx came back for it. The burst stops after its time or
request budget, whichever comes first; a crash schedule runs beside it (see the tests).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
import sqlalchemy as sa

from tests.support.samples import VALID

REQUEST_TIMEOUT = 10.0
RETRY_PAUSE = 0.05
LIMIT_OFF = "0"  # a count of 0 turns a rate limit off (signup_fn/web/ratelimit.py)


def burst_settings(database_url: str) -> dict[str, str]:
    """The function's environment: the test database, rate limits off (one client address)."""
    return {
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_RATE_LIMIT_ADDRESS_COUNT": LIMIT_OFF,
        "PORTAL_RATE_LIMIT_MEMBER_COUNT": LIMIT_OFF,
    }


class Target:
    """Where the server currently answers; the crash schedule changes it on each restart."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        with self._lock:
            return self._url

    @url.setter
    def url(self, value: str) -> None:
        with self._lock:
            self._url = value


@dataclass
class BurstResult:
    """What the clients saw."""

    acknowledged: set[str] = field(default_factory=set)
    unanswered: set[str] = field(default_factory=set)  # gave up on: may or may not be stored
    tried: set[str] = field(default_factory=set)
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0
    sent: int = 0

    def merge(self, other: BurstResult) -> None:
        self.acknowledged |= other.acknowledged
        self.unanswered |= other.unanswered
        self.tried |= other.tried
        self.statuses.update(other.statuses)
        self.transport_errors += other.transport_errors
        self.sent += other.sent


def run_client(number: int, target: Target, stop: threading.Event, max_members: int) -> BurstResult:
    """One client: members `K<number><serial>` one after the other until `stop` or its budget."""
    result = BurstResult()
    with requests.Session() as session:
        for serial in range(max_members):
            if stop.is_set():
                break
            member_id = f"K{number:02d}{serial:06d}"
            result.tried.add(member_id)
            answered = False
            while not stop.is_set():
                result.sent += 1
                try:
                    response = session.post(
                        target.url + "/api/signup",
                        json={**VALID, "member_id": member_id},
                        timeout=REQUEST_TIMEOUT,
                    )
                except requests.RequestException:
                    result.transport_errors += 1
                    session.close()  # drop the dead keep-alive connection
                    time.sleep(RETRY_PAUSE)
                    continue
                answered = True
                result.statuses[response.status_code] += 1
                if 200 <= response.status_code < 300:
                    result.acknowledged.add(member_id)
                break
            if not answered:
                result.unanswered.add(member_id)
    return result


def run_burst(
    target: Target,
    *,
    clients: int,
    max_members_per_client: int,
    crash_schedule: Callable[[threading.Event], None],
    tail_seconds: float = 0.5,
) -> BurstResult:
    """Run the clients while `crash_schedule` runs; stop them `tail_seconds` after it returns."""
    stop = threading.Event()
    total = BurstResult()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [
            pool.submit(run_client, number, target, stop, max_members_per_client)
            for number in range(clients)
        ]
        try:
            crash_schedule(stop)
            time.sleep(tail_seconds)
        finally:
            stop.set()
        for future in futures:
            total.merge(future.result())
    return total


@dataclass(frozen=True)
class StoredRequests:
    """What the database holds after the burst."""

    rows_per_member: Counter[str]
    requests_without_audit: list[int]
    audit_rows_without_request: int


def read_stored(database_url: str) -> StoredRequests:
    """Requests per member number, requests lacking an audit row, audit rows lacking a request."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            members = conn.execute(sa.text("SELECT member_id FROM account_requests"))
            rows_per_member = Counter(members.scalars())
            without_audit = list(
                conn.execute(
                    sa.text(
                        "SELECT r.id FROM account_requests r "
                        "WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.request_id = r.id)"
                    )
                ).scalars()
            )
            orphans = conn.execute(
                sa.text(
                    "SELECT count(*) FROM audit_log a WHERE a.action = 'signup' "
                    "AND a.outcome IN ('received', 'duplicate') AND a.request_id IS NULL"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return StoredRequests(rows_per_member, without_audit, orphans)


def assert_every_acknowledged_stored_once(result: BurstResult, stored: StoredRequests) -> None:
    """Acknowledged ⇒ stored exactly once; nothing stored twice; nothing that was never sent."""
    missing = sorted(result.acknowledged - set(stored.rows_per_member))
    assert not missing, f"{len(missing)} acknowledged requests lost, e.g. {missing[:5]}"
    twice = {member: n for member, n in stored.rows_per_member.items() if n != 1}
    assert not twice, f"stored more than once: {dict(list(twice.items())[:5])}"
    strangers = sorted(set(stored.rows_per_member) - result.tried)
    assert not strangers, f"stored but never sent: {strangers[:5]}"
    assert not stored.requests_without_audit, (
        f"requests without an audit row: {stored.requests_without_audit[:10]}"
    )
    assert stored.audit_rows_without_request == 0


def child_pids(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (gunicorn's workers of a master), read from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the command name in parentheses (which may hold spaces): state, ppid.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return sorted(children)


def kill_hard(pid: int) -> None:
    """SIGKILL one process (no clean-up code of its own runs)."""
    os.kill(pid, signal.SIGKILL)
