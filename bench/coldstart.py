"""Benchmark: a cold start, process start to first answer, beside a floor measured in the same run.

A serverless platform starts a fresh process for a patron's first request after idle: the
interpreter starts, imports the function, builds the app and answers. Here each measurement is
one such fresh process (`bench/coldstart_serve.py`, the same werkzeug server for every app)
on a socket this script bound and already sent the request to, so the clock runs from
`Popen` to the last byte of the first answer with no polling. Measured for the first answer of
`POST /api/signup` (202) and, in another fresh process, of `GET /api/health` (200), for:

- the floor (`bench/coldstart_floor_app.py`): Flask and SQLAlchemy storing one row in SQLite;
- the function (`signup_fn:create_app()`) on a SQLite file;
- for reference, not judged: the floor plus the libraries any function validating this
  sign-up imports (a strict pydantic model, email-validator), which splits the sign-up's
  ratio into the libraries' share and the function's own.

Both databases exist before the timed runs (one untimed start each, which also warms the
operating system's file cache), as an instance's database does. Floor and function alternate
within every round so that a change in the machine's load hits both. Prints per round, then
the medians: wall milliseconds, the child's CPU milliseconds (user + system, steadier on a
busy machine) and its peak memory (ru_maxrss), with the ratios function/floor and the target
(≤ 1.5× the floor's wall time). Exits 0: it measures, it does not judge.

Every app runs on a SQLite file (the embedded default), or with `--postgres URL` as deployed:
each on a new database of its own on that PostgreSQL server, made before the runs and dropped
after them (`bench_coldstart_<app>_<random>`).

    .venv/bin/python -m bench.coldstart [--rounds 5]
    .venv/bin/python -m bench.coldstart --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.fresh_databases import fresh_postgres_database

BENCH_DIR = Path(__file__).resolve().parent
SERVE = BENCH_DIR / "coldstart_serve.py"
TARGET_RATIO = 1.5
APPS = {
    "floor": "coldstart_floor_app:create_app",
    "libraries": "coldstart_floor_app:create_validating_app",
    "function": "signup_fn:create_app",
}
ENDPOINTS = {"signup": ("POST", "/api/signup", 202), "health": ("GET", "/api/health", 200)}


@dataclass(frozen=True)
class ColdStart:
    """One fresh process: wall time to its first answer, its CPU time and peak memory."""

    wall_ms: float
    cpu_ms: float
    peak_kib: int


def signup_body(number: int) -> bytes:
    return json.dumps(
        {
            "member_id": f"P2782{number:07d}",
            "name": "Uji Mulai Dingin",
            "email": f"dingin{number}@example.ac.id",
            "programme": "D3 Keperawatan",
            "role": "student",
            "consent": True,
            "elapsed_ms": 9000,
        }
    ).encode()


def cold_start(spec: str, endpoint: str, env: dict[str, str], number: int, log: Path) -> ColdStart:
    """Start a fresh server process for `spec` and time its first answer on `endpoint`."""
    method, path, expected = ENDPOINTS[endpoint]
    body = signup_body(number) if method == "POST" else None
    headers = {"Content-Type": "application/json"} if body else {}
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        with log.open("ab") as log_file:
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, str(SERVE), spec, str(listener.fileno())],
                pass_fds=(listener.fileno(),),
                env=env,
                cwd=BENCH_DIR,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                wall = time.perf_counter() - started
                connection.close()
            finally:
                process.terminate()
                _, _, usage = os.wait4(process.pid, 0)
                process.returncode = 0  # reaped by wait4
    if response.status != expected:
        raise SystemExit(
            f"{spec} answered {method} {path} with {response.status}, not {expected}:\n"
            f"{log.read_text(errors='replace')[-3000:]}"
        )
    return ColdStart(wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000, usage.ru_maxrss)


@contextmanager
def databases(tmp_path: Path, postgres_url: str | None) -> Iterator[dict[str, str]]:
    """Each app's database URL: a SQLite file in `tmp_path`, or a new PostgreSQL database of
    this run's own (`bench_coldstart_<app>_<random>`), dropped after the run."""
    if postgres_url is None:
        yield {name: f"sqlite:///{tmp_path / name}.sqlite3" for name in APPS}
        return
    with ExitStack() as stack:
        yield {
            name: stack.enter_context(
                fresh_postgres_database(postgres_url, f"bench_coldstart_{name}")
            )
            for name in APPS
        }


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run every app on a new database of its own on this PostgreSQL server",
    )
    args = parser.parse_args()

    load_average = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"python {sys.version.split()[0]}; {os.cpu_count()} CPU(s), load average {load_average}")
    print(f"database: {'PostgreSQL' if args.postgres else 'SQLite'}")
    print(f"{args.rounds} rounds; each figure is one fresh process; medians over the rounds\n")

    with (
        tempfile.TemporaryDirectory(prefix="bench-coldstart-") as tmp,
        databases(Path(tmp), args.postgres) as urls,
    ):
        tmp_path = Path(tmp)
        kept = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
        envs = {name: {**kept, "PORTAL_DATABASE_URL": urls[name]} for name in APPS}
        number = 0
        for name, spec in APPS.items():  # create the databases, warm the file cache
            number += 1
            cold_start(spec, "signup", envs[name], number, tmp_path / f"{name}.log")

        results: dict[tuple[str, str], list[ColdStart]] = {
            (name, endpoint): [] for name in APPS for endpoint in ENDPOINTS
        }
        for round_number in range(1, args.rounds + 1):
            line = []
            for endpoint in ENDPOINTS:
                for name, spec in APPS.items():
                    number += 1
                    result = cold_start(spec, endpoint, envs[name], number, tmp_path / "x.log")
                    results[name, endpoint].append(result)
                    line.append(f"{name} {endpoint} {result.wall_ms:.0f} ms")
            print(f"round {round_number}: " + ", ".join(line))

    print(f"\n{'':19} {'wall ms':>8} {'CPU ms':>8} {'peak MiB':>9}")
    medians: dict[tuple[str, str], tuple[float, float, float]] = {}
    for endpoint in ENDPOINTS:
        for name in APPS:
            runs = results[name, endpoint]
            medians[name, endpoint] = (
                median([r.wall_ms for r in runs]),
                median([r.cpu_ms for r in runs]),
                median([r.peak_kib for r in runs]) / 1024,
            )
            wall, cpu, peak = medians[name, endpoint]
            print(f"{name + ' ' + endpoint:19} {wall:8.0f} {cpu:8.0f} {peak:9.1f}")
    print()
    for endpoint in ENDPOINTS:
        (wall, cpu, peak), (floor_wall, floor_cpu, floor_peak) = (
            medians["function", endpoint],
            medians["floor", endpoint],
        )
        ratio = wall / floor_wall
        verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
        print(
            f"function/floor, first answer of {endpoint}: wall {ratio:.2f}x "
            f"(target <= {TARGET_RATIO}x: {verdict}), CPU {cpu / floor_cpu:.2f}x, "
            f"peak memory {peak / floor_peak:.2f}x"
        )
    floor_wall, floor_cpu, _ = medians["floor", "signup"]
    libraries_wall, libraries_cpu, _ = medians["libraries", "signup"]
    function_wall, function_cpu, _ = medians["function", "signup"]
    print(
        f"reference, first answer of signup: libraries/floor wall "
        f"{libraries_wall / floor_wall:.2f}x (CPU {libraries_cpu / floor_cpu:.2f}x), "
        f"function/libraries wall "
        f"{function_wall / libraries_wall:.2f}x (CPU {function_cpu / libraries_cpu:.2f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
