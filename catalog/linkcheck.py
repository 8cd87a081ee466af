"""Checking the catalog's URLs: concurrently, politely, with one result per URL.

The rules:
- At most `per_host` requests at a time to one origin (scheme://host:port) and `total` in all;
  an honest User-Agent names the project.
- HEAD first; when a server refuses HEAD (`HEAD_REFUSED`), a ranged GET (`Range: bytes=0-0`).
- Connection errors, 5xx and 429 are retried with exponential backoff (a 429/503
  `Retry-After` is honoured up to `max_retry_after` seconds); each URL has one total
  deadline (`timeout`), so a hanging server never holds up the run.
- Redirects are followed by hand: a chain that starts with permanent redirects (301/308) and
  ends well means the resource moved (`MOVED`, update the URL); temporary ones are fine.
- 401/403 for a `members` or `paid` resource means it needs a login (`LOGIN`), not broken.
- Everything else that does not end in 2xx is `BROKEN`, `TIMEOUT` or `CONNECTION`.
The library returns results; only the command-line edge turns them into exit codes.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from urllib.parse import urljoin, urlsplit

import aiohttp

from catalog.loader import LoadedCatalog
from catalog.models import Access
from catalog.yaml_source import read_yaml

# The checker's name; `user_agent` adds the library's repository (mkdocs.yml's repo_url), so a
# server's operator can see who asks.
USER_AGENT = "eresource-portal-linkcheck/0.1"

# Statuses with which servers refuse (or mishandle) HEAD; a ranged GET tells the truth.
HEAD_REFUSED = frozenset({400, 401, 403, 405, 406, 501})
RETRYABLE = frozenset({429, 500, 502, 503, 504})
PERMANENT_REDIRECTS = frozenset({301, 308})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
LOGIN_STATUSES = frozenset({401, 403})
MAX_REDIRECTS = 10


class LinkStatus(StrEnum):
    """The class of one URL's result."""

    OK = "ok"
    MOVED = "moved"  # permanent redirect to a working address: update the URL
    LOGIN = "needs_login"  # 401/403 on a members/paid resource: expected
    BROKEN = "broken"  # an HTTP error status
    TIMEOUT = "timeout"
    CONNECTION = "connection_error"
    IGNORED = "ignored"  # on the ignore list

    @property
    def is_failure(self) -> bool:
        return self in {LinkStatus.BROKEN, LinkStatus.TIMEOUT, LinkStatus.CONNECTION}


@dataclass(frozen=True)
class LinkTarget:
    """One URL to check: its resource, access level and the line of its `url:` key."""

    id: str
    url: str
    access: str = Access.FREE.value
    line: int = 1


@dataclass(frozen=True)
class LinkResult:
    """What checking one URL found."""

    target: LinkTarget
    status: LinkStatus
    http_status: int | None = None
    new_url: str | None = None  # MOVED: the permanent address
    detail: str = ""
    attempts: int = 0
    seconds: float = 0.0

    @property
    def is_failure(self) -> bool:
        return self.status.is_failure


@dataclass(frozen=True)
class CheckSettings:
    """How hard and how politely to check."""

    per_host: int = 4
    total: int = 32
    timeout: float = 15.0  # seconds per URL, retries included
    retries: int = 2  # extra attempts after the first
    backoff: float = 0.5  # first retry waits this long, then doubles
    max_retry_after: float = 10.0
    user_agent: str = USER_AGENT


def user_agent(project_url: str) -> str:
    """The User-Agent naming the library's repository, when it has one."""
    return f"{USER_AGENT} (+{project_url})" if project_url else USER_AGENT


@dataclass
class _Attempt:
    """The outcome of one request chain (redirects followed)."""

    status: int | None
    permanent_url: str | None = None
    retry_after: float | None = None
    error: str = ""


@dataclass
class _Limits:
    total: asyncio.Semaphore
    per_host: int
    hosts: dict[str, asyncio.Semaphore] = field(default_factory=dict)

    def host(self, url: str) -> asyncio.Semaphore:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        if origin not in self.hosts:
            self.hosts[origin] = asyncio.Semaphore(self.per_host)
        return self.hosts[origin]


def targets_of(loaded: LoadedCatalog) -> list[LinkTarget]:
    """Every resource of a valid catalog as a target, with the line of its `url:` key."""
    document = read_yaml(loaded.path)
    entries = document.data.get("resources") or []
    url_lines = {
        entry["id"]: document.line_at(("resources", index, "url"))
        for index, entry in enumerate(entries)
        if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    }
    return [
        LinkTarget(
            id=resource.id,
            url=resource.url,
            access=resource.access.value,
            line=url_lines.get(resource.id, loaded.line_of(resource.id)),
        )
        for resource in loaded.catalog.resources
    ]


def changed_targets(
    targets: Iterable[LinkTarget], base_urls: Mapping[str, str]
) -> list[LinkTarget]:
    """The targets whose id is new or whose URL differs from `base_urls` (id → URL)."""
    return [target for target in targets if base_urls.get(target.id) != target.url]


def check_links(
    targets: Iterable[LinkTarget],
    settings: CheckSettings | None = None,
    *,
    on_result: Callable[[LinkResult], None] | None = None,
) -> list[LinkResult]:
    """Check `targets` (blocking); results in the order of `targets`."""
    return asyncio.run(check_links_async(list(targets), settings or CheckSettings(), on_result))


async def check_links_async(
    targets: list[LinkTarget],
    settings: CheckSettings,
    on_result: Callable[[LinkResult], None] | None = None,
) -> list[LinkResult]:
    """Check `targets` concurrently within the limits of `settings`."""
    limits = _Limits(asyncio.Semaphore(settings.total), settings.per_host)
    connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=300)
    headers = {"User-Agent": settings.user_agent, "Accept": "*/*"}
    async with aiohttp.ClientSession(
        connector=connector, headers=headers, auto_decompress=False
    ) as session:

        async def one(target: LinkTarget) -> LinkResult:
            result = await _check_one(session, limits, settings, target)
            if on_result is not None:
                on_result(result)
            return result

        return list(await asyncio.gather(*(one(target) for target in targets)))


async def _check_one(
    session: aiohttp.ClientSession, limits: _Limits, settings: CheckSettings, target: LinkTarget
) -> LinkResult:
    started = time.monotonic()
    attempts = 0
    last: _Attempt | None = None
    try:
        async with asyncio.timeout(settings.timeout):
            while True:
                attempts += 1
                last = await _attempt(session, limits, target.url)
                retryable = last.status is None or last.status in RETRYABLE
                if not retryable or attempts > settings.retries:
                    break
                delay = settings.backoff * 2 ** (attempts - 1)
                if last.retry_after is not None:
                    if last.retry_after > settings.max_retry_after:
                        break
                    delay = max(delay, last.retry_after)
                await asyncio.sleep(delay)
    except TimeoutError:
        return LinkResult(
            target,
            LinkStatus.TIMEOUT,
            detail=f"tidak ada jawaban dalam {settings.timeout:g} detik",
            attempts=attempts,
            seconds=time.monotonic() - started,
        )
    assert last is not None
    return _classify(target, last, attempts, time.monotonic() - started)


async def _attempt(session: aiohttp.ClientSession, limits: _Limits, url: str) -> _Attempt:
    """One request chain: HEAD (then a ranged GET if refused), following redirects by hand."""
    permanent_url: str | None = None
    still_permanent = True
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        try:
            status, location, retry_after = await _request(session, limits, current)
        except aiohttp.ClientSSLError as exc:
            return _Attempt(None, error=f"sertifikat TLS bermasalah ({exc.__class__.__name__})")
        except (aiohttp.ClientError, OSError) as exc:
            return _Attempt(None, error=_connection_error_text(exc))
        if status in REDIRECTS and location:
            following = urljoin(current, location)
            if still_permanent and status in PERMANENT_REDIRECTS:
                permanent_url = following
            else:
                still_permanent = False
            current = following
            continue
        return _Attempt(status, permanent_url=permanent_url, retry_after=retry_after)
    return _Attempt(310, error=f"lebih dari {MAX_REDIRECTS} pengalihan (redirect)")


async def _request(
    session: aiohttp.ClientSession, limits: _Limits, url: str
) -> tuple[int, str | None, float | None]:
    async with limits.total, limits.host(url):
        async with session.head(url, allow_redirects=False) as response:
            status = response.status
            location = response.headers.get("Location")
            retry_after = response.headers.get("Retry-After")
        if status in HEAD_REFUSED:
            ranged = {"Range": "bytes=0-0"}
            async with session.get(url, allow_redirects=False, headers=ranged) as response:
                status = response.status
                location = response.headers.get("Location")
                retry_after = response.headers.get("Retry-After")
    return status, location, parse_retry_after(retry_after)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def _classify(target: LinkTarget, attempt: _Attempt, attempts: int, seconds: float) -> LinkResult:
    status = attempt.status
    if status is None:
        return LinkResult(
            target, LinkStatus.CONNECTION, detail=attempt.error, attempts=attempts, seconds=seconds
        )
    if 200 <= status < 300:
        if attempt.permanent_url and attempt.permanent_url != target.url:
            return LinkResult(
                target,
                LinkStatus.MOVED,
                status,
                new_url=attempt.permanent_url,
                detail=f"pindah permanen; perbarui URL ke {attempt.permanent_url}",
                attempts=attempts,
                seconds=seconds,
            )
        return LinkResult(target, LinkStatus.OK, status, attempts=attempts, seconds=seconds)
    if status in LOGIN_STATUSES and target.access in {Access.MEMBERS.value, Access.PAID.value}:
        return LinkResult(
            target,
            LinkStatus.LOGIN,
            status,
            detail="perlu login (wajar untuk sumber berlangganan/khusus anggota)",
            attempts=attempts,
            seconds=seconds,
        )
    detail = attempt.error or f"server menjawab HTTP {status}"
    return LinkResult(
        target, LinkStatus.BROKEN, status, detail=detail, attempts=attempts, seconds=seconds
    )


def _connection_error_text(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "nama host tidak ditemukan (DNS)"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return "koneksi ditolak atau tidak dapat dibuka"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "server memutus koneksi"
    return f"galat koneksi ({exc.__class__.__name__})"
