"""The function as DEPLOY.md deploys it, for tests: production settings over HTTPS.

The rules: the settings are read from the files DEPLOY.md points to (`deploy/portal.env.example`
and `deploy/gunicorn.conf.py`), never copied here; only what must differ on a test machine is
put in place of the placeholders (a fresh random secret key, a fresh PostgreSQL database, the
loopback URLs) and gunicorn's bind address and worker count. gunicorn itself serves HTTPS on
127.0.0.1 with a certificate made here by `openssl` (where nginx terminates TLS in production);
clients trust exactly that certificate (requests: `verify=`; chromium: its SPKI hash).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.serving import (
    LOOPBACK,
    REPO_ROOT,
    CommandFactory,
    Server,
    private_gunicorn_flags,
    server_environment,
    start_server,
)

DEPLOY_DIR = REPO_ROOT / "deploy"
GUNICORN_CONF = DEPLOY_DIR / "gunicorn.conf.py"
ENV_EXAMPLE = DEPLOY_DIR / "portal.env.example"
FUNCTION_APP = "signup_fn:create_app()"
# What a test machine must set itself; every other line of ENV_EXAMPLE is used as written.
LOCAL_SETTINGS = ("PORTAL_SECRET_KEY", "PORTAL_DATABASE_URL", "PORTAL_SITE_URL", "PORTAL_BASE_URL")


def example_settings(path: Path = ENV_EXAMPLE) -> dict[str, str]:
    """The `KEY=VALUE` lines of an environment file (comments and blanks skipped)."""
    settings: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            settings[key.strip()] = value.strip()
    return settings


def deployed_settings(
    *, database_url: str, site_origin: str, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """ENV_EXAMPLE with this machine's secret, database and site origin (BASE_URL is set per
    port by `deployed_gunicorn_command`), plus `extra`."""
    settings = example_settings()
    missing = [key for key in LOCAL_SETTINGS if key not in settings]
    assert not missing, f"{ENV_EXAMPLE.name} lacks {missing}"
    settings.pop("PORTAL_BASE_URL")
    return {
        **settings,
        "PORTAL_SECRET_KEY": secrets.token_urlsafe(48),
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_SITE_URL": site_origin,
        **(extra or {}),
    }


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost."""

    cert: Path
    key: Path
    spki_sha256: str  # base64 SHA-256 of the public key, for chromium's SPKI allow-list


def openssl(*args: str, data: bytes | None = None) -> bytes:
    result = subprocess.run(
        ["openssl", *args], input=data, capture_output=True, check=False, timeout=60
    )
    if result.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {result.stderr.decode(errors='replace')}")
    return result.stdout


def make_certificate(folder: Path) -> Certificate:
    """`openssl req -x509` for 127.0.0.1 (EC P-256, two days), and its SPKI hash."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    openssl(
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={LOOPBACK}",
        "-addext", f"subjectAltName=IP:{LOOPBACK},DNS:localhost",
        "-addext", "extendedKeyUsage=serverAuth",
    )  # fmt: skip
    public_pem = openssl("x509", "-in", str(cert), "-pubkey", "-noout")
    public_der = openssl("pkey", "-pubin", "-outform", "der", data=public_pem)
    spki = base64.b64encode(hashlib.sha256(public_der).digest()).decode("ascii")
    return Certificate(cert, key, spki)


def https_origin(port: int) -> str:
    return f"https://{LOOPBACK}:{port}"


def deployed_gunicorn_command(certificate: Certificate, *, workers: int = 2) -> CommandFactory:
    """gunicorn with deploy/gunicorn.conf.py, serving HTTPS on the port it is given, with
    PORTAL_BASE_URL set to that origin (through gunicorn's `--env`: the port is only known
    when the command is built)."""

    def command(port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(GUNICORN_CONF),
            "--bind",
            f"{LOOPBACK}:{port}",
            "--workers",
            str(workers),
            "--graceful-timeout",
            "5",
            "--certfile",
            str(certificate.cert),
            "--keyfile",
            str(certificate.key),
            "--env",
            f"PORTAL_BASE_URL={https_origin(port)}",
            *private_gunicorn_flags(),
            FUNCTION_APP,
        ]

    return command


@dataclass(frozen=True)
class DeployedFunction:
    """The running function, its settings (BASE_URL included) and its certificate."""

    server: Server
    settings: dict[str, str]
    certificate: Certificate

    @property
    def url(self) -> str:
        return self.server.base_url

    def flask(self, *args: str) -> str:
        """`flask --app signup_fn ARGS` with the function's settings; its stdout."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "signup_fn", *args],
            cwd=REPO_ROOT,
            env=server_environment(self.settings),
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args)} exited with {result.returncode}:\n{result.stdout}\n"
                f"{result.stderr}"
            )
        return result.stdout


@contextmanager
def deployed_function(
    folder: Path,
    *,
    database_url: str,
    site_origin: str,
    certificate: Certificate,
    extra: Mapping[str, str] | None = None,
) -> Iterator[DeployedFunction]:
    """Start the function as deployed; its log (access and error) is folder/gunicorn.log."""
    settings = deployed_settings(database_url=database_url, site_origin=site_origin, extra=extra)
    server = start_server(
        deployed_gunicorn_command(certificate),
        env=server_environment(settings),
        log_path=folder / "gunicorn.log",
        ca_file=certificate.cert,
    )
    try:
        yield DeployedFunction(
            server, {**settings, "PORTAL_BASE_URL": server.base_url}, certificate
        )
    finally:
        server.stop()
