"""The whole portal on loopback for browser tests: the real site and the real function.

The rules: the site is the repository's own mkdocs.yml built with `mkdocs build --strict`
through a temporary config that INHERITs it and only points `extra.catalog.function_url` (and
`site_url`) at the function started here; it is served by a real HTTP server on 127.0.0.1; the
function runs under gunicorn on a fresh SQLite file with PORTAL_SITE_URL set to the site's
origin (CORS and the thank-you redirect), PORTAL_BASE_URL set to its own origin (links in
e-mails), PORTAL_CATALOG_PATH set to the catalog the site was built from (/members, /go) and
PORTAL_SMTP_URL pointing at a real SMTP server (aiosmtpd) on loopback that keeps every message.
`Portal.flask(...)` runs the function's CLI against the same database and settings. Everything
is stopped afterwards.

Deployed (`deployed_portal`): the same, as DEPLOY.md deploys it (tests/support/deployment.py):
production settings from deploy/portal.env.example, gunicorn with deploy/gunicorn.conf.py
serving HTTPS, a fresh PostgreSQL database, and the static site served over HTTPS too, both
with one certificate made for the test (`Portal.certificate`, which the browser trusts by its
SPKI hash).
"""

from __future__ import annotations

import functools
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from tests.support.deployment import Certificate, deployed_function, make_certificate
from tests.support.fresh_databases import fresh_postgres_database, sqlite_url
from tests.support.serving import (
    LOOPBACK,
    REPO_ROOT,
    CommandFactory,
    Server,
    gunicorn_command,
    server_environment,
    start_server,
)
from tests.support.site_build import mkdocs_build
from tests.support.smtp_server import SmtpServer, running_smtp_server

PORTAL_MODES = ("development", "deployed")
# `pytestmark = AS_DEVELOPED_AND_DEPLOYED`: each test of a module runs against both portals
AS_DEVELOPED_AND_DEPLOYED = pytest.mark.parametrize("portal", PORTAL_MODES, indirect=True)
RATE_LIMIT_OFF = "0"
MAIL_FROM = "Perpustakaan <perpustakaan@example.ac.id>"
FUNCTION_APP = "signup_fn:create_app()"
CLI_TIMEOUT = 60


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves the built site without writing a log line per request to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def static_server(folder: Path, certificate: Certificate | None = None) -> Iterator[str]:
    """Serve `folder` on a free loopback port (HTTPS with `certificate`); yield its origin."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer((LOOPBACK, 0), handler)
    scheme = "http"
    if certificate is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate.cert, certificate.key)
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"{scheme}://{LOOPBACK}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def repository_hooks() -> list[str]:
    """The hooks of the repository's mkdocs.yml (relative to it), in order."""
    config = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return list(config["hooks"])


def write_site_config(folder: Path, *, site_url: str, function_url: str) -> Path:
    """A config that INHERITs the repository's mkdocs.yml with absolute paths and our URLs."""
    config = {
        "INHERIT": str(REPO_ROOT / "mkdocs.yml"),
        "site_url": site_url.rstrip("/") + "/",
        "docs_dir": str(REPO_ROOT / "docs"),
        "theme": {"custom_dir": str(REPO_ROOT / "overrides")},
        "hooks": [str(REPO_ROOT / hook) for hook in repository_hooks()],
        "extra": {"catalog": {"function_url": function_url}},
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def build_site(config: Path, site_dir: Path, catalog: Path, *, strict: bool = True) -> None:
    """`mkdocs build --strict` of `catalog` into `site_dir`; raises with mkdocs' output.

    `strict=False` is for synthetic catalogs: the hand-written pages link to real resources.
    """
    result = mkdocs_build(config, catalog, site_dir=site_dir, strict=strict)
    if result.returncode != 0:
        raise RuntimeError(f"mkdocs build failed:\n{result.stdout}\n{result.stderr}")


def function_settings(
    database_url: str, site_origin: str, *, catalog: Path, smtp_url: str
) -> dict[str, str]:
    """The function's environment for the browser tests (PORTAL_BASE_URL is added per port).

    The minimum fill time is off: a scripted browser fills the form in well under the 3 s that
    marks a bot (that rule has its own tests in tests/api/test_fill_time.py). Rate limits stay on.
    """
    return {
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_SITE_URL": site_origin,
        "PORTAL_MIN_FILL_MS": "0",
        "PORTAL_CATALOG_PATH": str(catalog),
        "PORTAL_SMTP_URL": smtp_url,
        "PORTAL_MAIL_FROM": MAIL_FROM,
    }


def origin(port: int) -> str:
    return f"http://{LOOPBACK}:{port}"


def function_command(workers: int = 2) -> CommandFactory:
    """gunicorn serving the function with PORTAL_BASE_URL set to the origin it listens on.

    The port is only known when the command is built (start_server picks it), so the setting
    goes through gunicorn's own `--env` rather than the process environment.
    """

    def command(port: int) -> list[str]:
        base_url = f"PORTAL_BASE_URL={origin(port)}"
        return list(
            gunicorn_command(FUNCTION_APP, workers=workers, extra=["--env", base_url])(port)
        )

    return command


@dataclass(frozen=True)
class Portal:
    """Where the running portal answers and where its data lives."""

    site_url: str  # origin of the static site, no trailing slash
    function: Server
    database_url: str
    site_dir: Path
    catalog: Path  # the catalog the site was built from and the function reads
    smtp: SmtpServer  # every message the function sent, in `smtp.messages`
    function_env: Mapping[str, str]  # the function's PORTAL_* settings, BASE_URL included
    certificate: Certificate | None = None  # deployed: what the site and function serve

    @property
    def deployed(self) -> bool:
        return self.certificate is not None

    @property
    def function_url(self) -> str:
        return self.function.base_url

    def page(self, path: str) -> str:
        return self.site_url + path

    def flask(self, *args: str) -> str:
        """Run `flask --app signup_fn ARGS` with the function's settings; its stdout.

        Raises RuntimeError with the command's output when it exits with an error."""
        command = [sys.executable, "-m", "flask", "--app", "signup_fn", *args]
        result = subprocess.run(
            command,
            cwd=REPO_ROOT,
            env=server_environment(self.function_env),
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
        )
        if result.returncode != 0:
            output = f"{result.stdout}\n{result.stderr}"
            raise RuntimeError(f"{' '.join(args)} exited with {result.returncode}:\n{output}")
        return result.stdout


@contextmanager
def running_portal(
    folder: Path,
    *,
    catalog: Path = REPO_ROOT / "resources.yml",
    extra_env: Mapping[str, str] | None = None,
    strict: bool = True,
) -> Iterator[Portal]:
    """Start the SMTP server, the site server and the function, and build the site between
    them; stop all three after. `strict=False` builds a synthetic catalog (see build_site)."""
    site_dir = folder / "site"
    site_dir.mkdir(parents=True, exist_ok=True)
    database_url = sqlite_url(folder / "portal.sqlite3")
    with running_smtp_server() as smtp, static_server(site_dir) as site_origin:
        settings = {
            **function_settings(database_url, site_origin, catalog=catalog, smtp_url=smtp.url),
            **(extra_env or {}),
        }
        function = start_server(
            function_command(),
            env=server_environment(settings),
            log_path=folder / "gunicorn.log",
        )
        try:
            config = write_site_config(folder, site_url=site_origin, function_url=function.base_url)
            build_site(config, site_dir, catalog, strict=strict)
            function_env = {**settings, "PORTAL_BASE_URL": function.base_url}
            yield Portal(site_origin, function, database_url, site_dir, catalog, smtp, function_env)
        finally:
            function.stop()


@contextmanager
def deployed_portal(
    folder: Path, postgres_url: str, *, catalog: Path = REPO_ROOT / "resources.yml"
) -> Iterator[Portal]:
    """`running_portal` as deployed: production settings, HTTPS, PostgreSQL."""
    site_dir = folder / "site"
    site_dir.mkdir(parents=True, exist_ok=True)
    certificate = make_certificate(folder / "tls")
    with (
        running_smtp_server() as smtp,
        fresh_postgres_database(postgres_url, "browser_deployed") as database_url,
        static_server(site_dir, certificate) as site_origin,
        deployed_function(
            folder,
            database_url=database_url,
            site_origin=site_origin,
            certificate=certificate,
            extra={
                "PORTAL_MIN_FILL_MS": "0",  # as function_settings says
                "PORTAL_CATALOG_PATH": str(catalog),
                "PORTAL_SMTP_URL": smtp.url,
                "PORTAL_MAIL_FROM": MAIL_FROM,
            },
        ) as function,
    ):
        config = write_site_config(folder, site_url=site_origin, function_url=function.url)
        build_site(config, site_dir, catalog)
        yield Portal(
            site_origin,
            function.server,
            database_url,
            site_dir,
            catalog,
            smtp,
            function.settings,
            certificate,
        )
