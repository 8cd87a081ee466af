"""Shared fixtures: the real services of this machine.

The rule: a test that needs PostgreSQL, MariaDB or Redis talks to the real server. Where the
server is not reachable the test is skipped with a reason, except under CI (`CI=true`), where a
missing service is a failure, never a skip.
"""

from __future__ import annotations

import os
import socket

import pytest

# The fixtures of the function's tests (`app`, `client`, `runner`, `smtp_server`, ...) for every
# folder under tests/.
pytest_plugins = ["tests.support.fixtures"]

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MARIADB_URL = os.environ.get("TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def running_under_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require_service(name: str, host: str, port: int) -> None:
    """Skip (or, under CI, fail) unless a TCP server answers at host:port."""
    try:
        with socket.create_connection((host, port), timeout=2):
            return
    except OSError as exc:
        reason = f"{name} is not reachable at {host}:{port} ({exc})"
    if running_under_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """SQLAlchemy URL of the real PostgreSQL server's `test` database."""
    require_service("PostgreSQL", "127.0.0.1", 5432)
    return POSTGRES_URL


@pytest.fixture(scope="session")
def mariadb_url() -> str:
    """SQLAlchemy URL of the real MariaDB server's `test` database."""
    require_service("MariaDB", "127.0.0.1", 3306)
    return MARIADB_URL


@pytest.fixture(scope="session")
def redis_url() -> str:
    """URL of the real Redis server (database 15, flushed by the tests that use it)."""
    require_service("Redis", "127.0.0.1", 6379)
    return REDIS_URL
