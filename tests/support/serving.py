"""Start real servers as processes on free loopback ports, for tests and benchmarks.

The rule: a server started here always listens on 127.0.0.1 on a port chosen free, is polled
until it answers (or its deadline passes, with its log in the error), and is always stopped,
its whole process group included (gunicorn workers, reloaders). Use `running_server` as a
context manager or from a fixture with a finalizer.

    with running_server(gunicorn_command("signup_fn:create_app()"), env=env, log_path=p) as srv:
        requests.get(srv.url("/api/health"))
"""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from gunicorn.config import KNOWN_SETTINGS

LOOPBACK = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parents[2]

CommandFactory = Callable[[int], Sequence[str]]
"""Builds a server's command line for the port it must listen on."""

_PORT_TAKEN_SIGNS = ("Address already in use", "Errno 98", "EADDRINUSE")


class ServerStartError(RuntimeError):
    """The server exited or did not answer before its deadline; the message holds its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def server_environment(
    settings: Mapping[str, str], *, drop_prefix: str = "PORTAL_"
) -> dict[str, str]:
    """This process's environment without the `drop_prefix` variables, plus `settings`.

    So the machine's own PORTAL_* settings never leak into a server under test.
    """
    kept = {key: value for key, value in os.environ.items() if not key.startswith(drop_prefix)}
    return {**kept, **settings}


def private_gunicorn_flags() -> list[str]:
    """Flags that keep gunicorns running side by side apart.

    Recent gunicorn (27 here) opens a control socket at one fixed path in the home folder by
    default; servers started here turn it off so they never take over each other's.
    """
    known = {flag for setting in KNOWN_SETTINGS for flag in setting.cli or ()}
    return ["--no-control-socket"] if "--no-control-socket" in known else []


def gunicorn_command(
    app_spec: str, *, workers: int = 2, worker_class: str = "sync", extra: Sequence[str] = ()
) -> CommandFactory:
    """Command line for gunicorn serving `app_spec` (e.g. "signup_fn:create_app()")."""

    def command(port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"{LOOPBACK}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--graceful-timeout",
            "5",
            *private_gunicorn_flags(),
            *extra,
            app_spec,
        ]

    return command


def functions_framework_command(target: str, source: Path) -> CommandFactory:
    """Command line for Google's functions-framework serving `target` from `source`."""

    def command(port: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "functions_framework",
            "--target",
            target,
            "--source",
            str(source),
            "--host",
            LOOPBACK,
            "--port",
            str(port),
        ]

    return command


@dataclass
class Server:
    """A running server process and where it listens."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    scheme: str = "http"
    ca_file: Path | None = None  # https: the certificate the client trusts

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{LOOPBACK}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole process group at once (a crash, for durability tests)."""
        self._signal_group(signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the process group, then SIGKILL whatever is left after `timeout`."""
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=timeout)
        # Workers outlive a master that died first; the group takes them all.
        self._signal_group(signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait()

    def _signal_group(self, sig: signal.Signals) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)


def wait_until_ready(server: Server, path: str, deadline: float) -> None:
    """Poll GET `path` until it answers below 500; fail if the process exits or time runs out."""
    url = server.url(path)
    last_error = "no answer yet"
    context = None
    if server.ca_file is not None:
        context = ssl.create_default_context(cafile=str(server.ca_file))
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerStartError(
                f"server exited with {server.process.returncode} before answering {url}\n"
                f"{server.log_text()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as response:
                if response.status < 500:
                    return
                last_error = f"status {response.status}"
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
            last_error = f"status {exc.code}"
        except OSError as exc:
            last_error = str(exc)
        time.sleep(0.1)
    raise ServerStartError(f"{url} not ready in time ({last_error})\n{server.log_text()}")


def start_server(
    command: CommandFactory,
    *,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    ready_path: str = "/api/health",
    timeout: float = 30.0,
    cwd: Path = REPO_ROOT,
    attempts: int = 3,
    ca_file: Path | None = None,
) -> Server:
    """Start `command` on a free port and wait until `ready_path` answers.

    `env` is added to (and overrides) this process's environment. A port taken between
    choosing and binding it is retried on another port, up to `attempts` times. With
    `ca_file` the server speaks HTTPS with that (self-signed) certificate.
    """
    full_env = {**os.environ, **(env or {})}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, attempts + 1):
        port = free_port()
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                list(command(port)),
                cwd=cwd,
                env=full_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        scheme = "https" if ca_file is not None else "http"
        server = Server(process, port, log_path, scheme, ca_file)
        try:
            wait_until_ready(server, ready_path, time.monotonic() + timeout)
            return server
        except ServerStartError:
            server.stop()
            port_taken = any(sign in server.log_text() for sign in _PORT_TAKEN_SIGNS)
            if not port_taken or attempt == attempts:
                raise
    raise AssertionError("unreachable")


@contextmanager
def running_server(
    command: CommandFactory,
    *,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    ready_path: str = "/api/health",
    timeout: float = 30.0,
    cwd: Path = REPO_ROOT,
) -> Iterator[Server]:
    """`start_server` as a context manager that always stops the server."""
    server = start_server(
        command, log_path=log_path, env=env, ready_path=ready_path, timeout=timeout, cwd=cwd
    )
    try:
        yield server
    finally:
        server.stop()
