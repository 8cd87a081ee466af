"""The whole portal on loopback for browser tests: the real site and the real function.

The rules: the site is the repository's own mkdocs.yml built with `mkdocs build --strict`
through a temporary config that INHERITs it and only points `extra.catalog.function_url` (and
`site_url`) at the function started here; it is served by a real HTTP server on 127.0.0.1; the
function runs under gunicorn on a fresh SQLite file with PORTAL_SITE_URL set to the site's
origin (CORS and the thank-you redirect). Everything is stopped afterwards.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml
from fresh_databases import sqlite_url
from serving import LOOPBACK, REPO_ROOT, Server, gunicorn_command, server_environment, start_server

RATE_LIMIT_OFF = "0"


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves the built site without writing a log line per request to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def static_server(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on a free loopback port; yield its origin."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer((LOOPBACK, 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def write_site_config(folder: Path, *, site_url: str, function_url: str) -> Path:
    """A config that INHERITs the repository's mkdocs.yml with absolute paths and our URLs."""
    config = {
        "INHERIT": str(REPO_ROOT / "mkdocs.yml"),
        "site_url": site_url.rstrip("/") + "/",
        "docs_dir": str(REPO_ROOT / "docs"),
        "theme": {"custom_dir": str(REPO_ROOT / "overrides")},
        "hooks": [str(REPO_ROOT / "hooks" / "catalog_pages.py")],
        "extra": {"catalog": {"function_url": function_url}},
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def build_site(config: Path, site_dir: Path, catalog: Path, *, strict: bool = True) -> None:
    """`mkdocs build --strict` of `catalog` into `site_dir`; raises with mkdocs' output.

    `strict=False` is for synthetic catalogs: the hand-written pages link to real resources.
    """
    env = {**os.environ, "PORTAL_CATALOG": str(catalog), "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site_dir)]
    result = subprocess.run(
        [*command, "--strict"] if strict else command,
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"mkdocs build failed:\n{result.stdout}\n{result.stderr}")


def function_settings(database_url: str, site_origin: str) -> dict[str, str]:
    """The function's environment for the browser tests.

    The minimum fill time is off: a scripted browser fills the form in well under the 3 s that
    marks a bot (that rule has its own tests in tests/signup). Rate limits stay on.
    """
    return {
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_SITE_URL": site_origin,
        "PORTAL_MIN_FILL_MS": "0",
    }


@dataclass(frozen=True)
class Portal:
    """Where the running portal answers and where its data lives."""

    site_url: str  # origin of the static site, no trailing slash
    function: Server
    database_url: str
    site_dir: Path

    @property
    def function_url(self) -> str:
        return self.function.base_url

    def page(self, path: str) -> str:
        return self.site_url + path


@contextmanager
def running_portal(
    folder: Path,
    *,
    catalog: Path = REPO_ROOT / "resources.yml",
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[Portal]:
    """Start the site server, the function and build the site between them; stop both after."""
    site_dir = folder / "site"
    site_dir.mkdir(parents=True, exist_ok=True)
    database_url = sqlite_url(folder / "portal.sqlite3")
    with static_server(site_dir) as site_origin:
        env = server_environment(
            {**function_settings(database_url, site_origin), **(extra_env or {})}
        )
        function = start_server(
            gunicorn_command("signup_fn:create_app()", workers=2),
            env=env,
            log_path=folder / "gunicorn.log",
        )
        try:
            config = write_site_config(folder, site_url=site_origin, function_url=function.base_url)
            build_site(config, site_dir, catalog)
            yield Portal(site_origin, function, database_url, site_dir)
        finally:
            function.stop()
