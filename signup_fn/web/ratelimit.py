"""Fixed-window rate limits shared by every worker and instance.

Counters live in the database (one atomic upsert in the request's own transaction) or, when
`REDIS_URL` is set, in Redis — never in process memory. Keys are keyed hashes (HMAC with the
secret key), so neither the client address nor the member number is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Connection

from ..store import hot_path
from . import queries


@dataclass(frozen=True)
class Limit:
    """At most `count` hits per `window` seconds; a count of 0 turns the limit off."""

    count: int
    window: int


class Limiter(Protocol):
    def hit(
        self, connection: Connection | hot_path.DriverTransaction, key: str, limit: Limit
    ) -> int | None:
        """Count one hit; return the seconds to wait when over the limit, else None."""


def window_of(limit: Limit, now: float) -> tuple[int, int]:
    """(start of the current window, seconds until it ends)."""
    start = int(now) - int(now) % limit.window
    return start, start + limit.window - int(now)


class DatabaseLimiter:
    """Counters in the `rate_limits` table, counted in the caller's transaction."""

    def hit(
        self, connection: Connection | hot_path.DriverTransaction, key: str, limit: Limit
    ) -> int | None:
        if limit.count <= 0:
            return None
        start, remaining = window_of(limit, time.time())
        return remaining if queries.count_hit(connection, key, start) > limit.count else None


class RedisLimiter:
    """Counters in Redis: INCR and EXPIRE of a per-window key in one MULTI/EXEC."""

    def __init__(self, url: str) -> None:
        import redis  # optional dependency: only needed when REDIS_URL is set

        self.client = redis.Redis.from_url(url)

    def hit(
        self, connection: Connection | hot_path.DriverTransaction, key: str, limit: Limit
    ) -> int | None:
        if limit.count <= 0:
            return None
        start, remaining = window_of(limit, time.time())
        window_key = f"portal:ratelimit:{key}:{start}"
        pipeline = self.client.pipeline(transaction=True)
        pipeline.incr(window_key)
        pipeline.expire(window_key, limit.window + 1)
        hits, _ = pipeline.execute()
        return remaining if hits > limit.count else None


def limit_key(secret: str, scope: str, value: str) -> str:
    """A keyed hash naming one counter (64 hex characters)."""
    return hmac.new(secret.encode(), f"{scope}:{value}".encode(), hashlib.sha256).hexdigest()


def make_limiter(redis_url: str | None) -> Limiter:
    return RedisLimiter(redis_url) if redis_url else DatabaseLimiter()
