"""Debian's chromium driven by Playwright, kept on loopback.

The rules: the browser is the system's chromium (`/usr/bin/chromium`, or `$PORTAL_CHROMIUM`),
never a browser Playwright downloads; it starts with the switches that stop its background
connections (the closed network refuses them); and every page request that would leave
127.0.0.0/8 is aborted and recorded, so a stray CDN or font fetch can neither leave the machine
nor go unnoticed. Used by tests/browser and bench/browser.py.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Playwright, Route

CHROMIUM_ENV = "PORTAL_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Playwright does not route the targets of redirects (the guard never sees them): every
    # name but localhost resolves to "not found" inside the browser, so none is looked up.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)
# Schemes that never leave the page (handled by the browser itself).
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "chrome", "chrome-extension"})


def chromium_path() -> Path | None:
    """The chromium executable to drive, or None when it is not installed."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        path = Path(configured)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    if Path(DEFAULT_CHROMIUM).is_file():
        return Path(DEFAULT_CHROMIUM)
    found = shutil.which("chromium")
    return Path(found) if found else None


def launch_chromium(
    playwright: Playwright, executable: Path, *, trusted_spki: str | None = None
) -> Browser:
    """Start the system chromium headless with the no-background-traffic switches; with
    `trusted_spki` (a base64 SHA-256 of a public key) it trusts that one test certificate."""
    args = list(LAUNCH_ARGS)
    if trusted_spki is not None:
        args.append(f"--ignore-certificate-errors-spki-list={trusted_spki}")
    return playwright.chromium.launch(executable_path=str(executable), args=args, headless=True)


def is_loopback(url: str) -> bool:
    """True for URLs whose host is localhost or in 127.0.0.0/8 or ::1, or that never leave."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    host = (parts.hostname or "").strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class LoopbackGuard:
    """Aborts every request of a context that would leave loopback, and remembers it."""

    blocked: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.route("**/*", self._handle)

    def _handle(self, route: Route) -> None:
        url = route.request.url
        if is_loopback(url):
            route.continue_()
            return
        self.blocked.append(url)
        route.abort("blockedbyclient")
