"""Benchmark: POST /api/signup beside a hello-world Flask app, served the same way, same run.

All apps run under gunicorn with 4 sync workers on 127.0.0.1; the function stores into a
SQLite file in a temporary folder with its rate limits turned off. A third app, the write floor
(`write_floor_app.py`: Flask, the JSON body, the request and audit INSERTs in one transaction
and nothing else), shows in the same run the ceiling any Flask sign-up can reach here. Each
gets the same bounded load, in alternating rounds so that a change in the machine's background
load hits all:
`wrk` with 16 connections for a fixed duration (a Python load generator when wrk is not
installed; it is slower than the servers, so its figures are only a floor). Prints requests/s,
p50 and p99 per round and their medians, the ratio sign-up/write floor against the target
(>= 0.6; sign-up/hello for information), and checks that the rows stored match the
acknowledged sign-ups. Also prints the workers' CPU time per request (user + system, from
/proc on Linux): less disturbed by the machine's other load than requests/s, a fair
companion to the ratio. Exits 0: it measures, it does not judge; tests never assert timings.

    .venv/bin/python -m bench.signup [--rounds 3] [--duration 5] [--connections 16]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from tests.support.serving import (
    LOOPBACK,
    Server,
    gunicorn_command,
    running_server,
    server_environment,
)

BENCH_DIR = Path(__file__).resolve().parent

WORKERS = 4
TARGET_RATIO = 0.6  # of the write floor's requests/s (the decided target)
TARGET_P99_MS = 30.0
LIMIT_OFF = "0"  # a count of 0 turns a rate limit off (signup_fn/web/ratelimit.py)
WRK_SCRIPT = BENCH_DIR / "wrk_load.lua"
# mode "use": a desktop browser's user agent (not a robot), made unique per visitor
VISITOR_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0"


@dataclass(frozen=True)
class LoadResult:
    """One load run: throughput, latency and what was sent and answered."""

    tool: str
    duration_s: float
    requests: int
    sent: int
    ok: int
    client_errors: int
    server_errors: int
    socket_errors: int
    p50_ms: float
    p99_ms: float
    visitors: int = 0  # mode "use": distinct visitors sent (each clicks twice)

    @property
    def rate(self) -> float:
        return self.requests / self.duration_s


def run_wrk(url: str, mode: str, run_id: str, connections: int, duration: float) -> LoadResult:
    """Load `url` with wrk (2 threads, one per core) and read the JSON line of wrk_load.lua."""
    command = [
        "wrk",
        "--threads",
        str(min(2, connections)),
        "--connections",
        str(connections),
        "--duration",
        f"{duration:g}s",
        "--timeout",
        "5s",
        "--script",
        str(WRK_SCRIPT),
        url,
        "--",
        mode,
        run_id,
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    data = json.loads(line.removeprefix("RESULT "))
    return LoadResult(
        tool="wrk",
        duration_s=data["duration_us"] / 1e6,
        requests=data["requests"],
        sent=data["sent"],
        ok=data["ok"],
        client_errors=data["client_errors"],
        server_errors=data["server_errors"],
        socket_errors=data["socket_errors"] + data["timeouts"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        visitors=data.get("visitors", 0),
    )


def signup_body(member_id: str) -> bytes:
    return json.dumps(
        {
            "member_id": member_id,
            "name": "Uji Beban",
            "email": f"{member_id.lower()}@example.ac.id",
            "programme": "D3 Keperawatan",
            "role": "student",
            "consent": True,
            "elapsed_ms": 9000,
        }
    ).encode()


def run_python_load(
    url: str, mode: str, run_id: str, connections: int, duration: float
) -> LoadResult:
    """The fallback load generator: one keep-alive connection per thread, same bodies."""
    _, _, rest = url.partition("://")
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    path = "/" + path
    stop_at = time.monotonic() + duration
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"sent": 0, "ok": 0, "client_errors": 0, "server_errors": 0, "socket_errors": 0}
    visitors = 0

    def client(thread_id: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        mine: list[float] = []
        local = dict.fromkeys(counts, 0)
        while time.monotonic() < stop_at:
            local["sent"] += 1
            started = time.perf_counter()
            try:
                if mode == "get":
                    conn.request("GET", path)
                elif mode == "use":  # a new visitor every second request: a double click
                    visitor = (local["sent"] - 1) // 2
                    agent = f"{VISITOR_AGENT} Beban/{run_id}-{thread_id}-{visitor}"
                    conn.request("POST", path, body=b"", headers={"User-Agent": agent})
                else:
                    member_id = f"{run_id}T{thread_id}N{local['sent']}"
                    headers = {"Content-Type": "application/json"}
                    conn.request("POST", path, body=signup_body(member_id), headers=headers)
                response = conn.getresponse()
                response.read()
            except OSError:
                local["socket_errors"] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=5)
                continue
            mine.append(time.perf_counter() - started)
            status = response.status
            key = "ok" if status < 300 else "client_errors" if status < 500 else "server_errors"
            local[key] += 1
        conn.close()
        nonlocal visitors
        with lock:
            visitors += (local["sent"] + 1) // 2
            latencies.extend(mine)
            for key, value in local.items():
                counts[key] += value

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(1, connections + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return LoadResult(
        tool="python",
        duration_s=elapsed,
        requests=len(latencies),
        sent=counts["sent"],
        ok=counts["ok"],
        client_errors=counts["client_errors"],
        server_errors=counts["server_errors"],
        socket_errors=counts["socket_errors"],
        p50_ms=cuts[49] * 1000,
        p99_ms=cuts[98] * 1000,
        visitors=visitors,
    )


def load(server: Server, path: str, mode: str, run_id: str, args: argparse.Namespace) -> LoadResult:
    run = run_wrk if shutil.which("wrk") else run_python_load
    return run(server.url(path), mode, run_id, args.connections, args.duration)


def workers_cpu_seconds(master_pid: int) -> float | None:
    """CPU time (user + system) used so far by the children of `master_pid`: the gunicorn
    workers. None where /proc is missing (not Linux)."""
    if not Path("/proc/self/stat").exists():
        return None
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()  # after the command name
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == master_pid:  # ppid; then utime and stime are fields 14 and 15
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def measured_load(
    server: Server, path: str, mode: str, run_id: str, args: argparse.Namespace
) -> tuple[LoadResult, float | None]:
    """One load run and the workers' CPU milliseconds per answered request (None off Linux)."""
    before = workers_cpu_seconds(server.process.pid)
    result = load(server, path, mode, run_id, args)
    after = workers_cpu_seconds(server.process.pid)
    if before is None or after is None or not result.requests:
        return result, None
    return result, (after - before) * 1000 / result.requests


def median_of(results: list[LoadResult]) -> LoadResult:
    """Medians of rate and latencies over the rounds; counts added up."""
    rate = statistics.median(result.rate for result in results)
    total = sum(result.requests for result in results)
    return LoadResult(
        tool=results[0].tool,
        duration_s=total / rate if rate else 0.0,
        requests=total,
        sent=sum(result.sent for result in results),
        ok=sum(result.ok for result in results),
        client_errors=sum(result.client_errors for result in results),
        server_errors=sum(result.server_errors for result in results),
        socket_errors=sum(result.socket_errors for result in results),
        p50_ms=statistics.median(result.p50_ms for result in results),
        p99_ms=statistics.median(result.p99_ms for result in results),
        visitors=sum(result.visitors for result in results),
    )


def stored_requests(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM account_requests")).scalar_one()
    finally:
        engine.dispose()


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def describe(name: str, result: LoadResult) -> str:
    return (
        f"{name:<22} {result.rate:9.0f} req/s   p50 {result.p50_ms:6.2f} ms   "
        f"p99 {result.p99_ms:6.2f} ms   ({result.requests} answered: {result.ok} 2xx, "
        f"{result.client_errors} 4xx, {result.server_errors} 5xx; "
        f"{result.socket_errors} socket errors/timeouts)"
    )


def load_arguments(description: str) -> argparse.Namespace:
    """The command line of a load benchmark: duration, rounds and connections."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per app")
    parser.add_argument("--connections", type=int, default=16)
    return parser.parse_args()


def print_load_setup(args: argparse.Namespace) -> None:
    """The load, servers and machine a run measures, printed before its figures."""
    tool = "wrk" if shutil.which("wrk") else "python threads (wrk not found: apt-get install wrk)"
    load_average = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"load: {tool}; {args.connections} connections; {args.rounds} alternating rounds "
        f"of {args.duration:g} s per app; medians over the rounds"
    )
    print(f"servers: gunicorn, {WORKERS} sync workers each, {LOOPBACK}")
    print(f"machine: {os.cpu_count()} CPU(s), load average before the run {load_average}\n")


def start_compared_servers(
    servers: ExitStack, tmp_path: Path, env: dict[str, str], app_spec: str, log_name: str
) -> tuple[Server, Server, Server]:
    """The hello floor, `app_spec` (logging to `log_name`) and the write floor, in that order,
    each under gunicorn with WORKERS sync workers, started in `servers`; the write floor stores
    in its own SQLite file."""
    pythonpath = ["--pythonpath", str(BENCH_DIR)]
    hello_command = gunicorn_command("hello_app:create_app()", workers=WORKERS, extra=pythonpath)
    app_command = gunicorn_command(app_spec, workers=WORKERS)
    floor_command = gunicorn_command(
        "write_floor_app:create_app()", workers=WORKERS, extra=pythonpath
    )
    floor_env = {**env, "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'floor.db'}"}
    hello_server = servers.enter_context(
        running_server(hello_command, env=env, log_path=tmp_path / "hello.log")
    )
    app_server = servers.enter_context(
        running_server(app_command, env=env, log_path=tmp_path / log_name)
    )
    floor_server = servers.enter_context(
        running_server(floor_command, env=floor_env, log_path=tmp_path / "floor.log")
    )
    return hello_server, app_server, floor_server


def main() -> int:
    args = load_arguments(__doc__.splitlines()[0])
    print_load_setup(args)

    with tempfile.TemporaryDirectory(prefix="bench-signup-") as tmp, ExitStack() as servers:
        tmp_path = Path(tmp)
        database_url = f"sqlite:///{tmp_path / 'portal.db'}"
        env = server_environment(
            {
                "PORTAL_DATABASE_URL": database_url,
                "PORTAL_RATE_LIMIT_ADDRESS_COUNT": LIMIT_OFF,
                "PORTAL_RATE_LIMIT_MEMBER_COUNT": LIMIT_OFF,
            }
        )
        hello_server, signup_server, floor_server = start_compared_servers(
            servers, tmp_path, env, "signup_fn:create_app()", "signup.log"
        )

        # Each server idles while another is loaded; alternating rounds spread any change in
        # the machine's background load over all three.
        hellos: list[LoadResult] = []
        signups: list[LoadResult] = []
        floors: list[LoadResult] = []
        hello_cpu: list[float] = []
        signup_cpu: list[float] = []
        floor_cpu: list[float] = []
        run_prefix = "B" + secrets.token_hex(2).upper()
        for round_number in range(1, args.rounds + 1):
            run_id = f"{run_prefix}{round_number % 10}"
            for server, path, mode, results, cpu in (
                (hello_server, "/", "get", hellos, hello_cpu),
                (signup_server, "/api/signup", "signup", signups, signup_cpu),
                (floor_server, "/api/signup", "signup", floors, floor_cpu),
            ):
                result, cpu_ms = measured_load(server, path, mode, run_id, args)
                results.append(result)
                if cpu_ms is not None:
                    cpu.append(cpu_ms)
            print(describe(f"round {round_number} GET /", hellos[-1]))
            print(describe(f"round {round_number} POST signup", signups[-1]))
            print(describe(f"round {round_number} write floor", floors[-1]))
        stored = stored_requests(database_url)

    hello, signup, floor = median_of(hellos), median_of(signups), median_of(floors)
    ratio = signup.rate / hello.rate if hello.rate else 0.0
    ceiling = floor.rate / hello.rate if hello.rate else 0.0
    print()
    print(describe("GET / (hello floor)", hello))
    print(describe("POST /api/signup", signup))
    print(describe("POST write floor", floor))
    if hello_cpu and signup_cpu and floor_cpu and statistics.median(hello_cpu) > 0:
        hello_ms, signup_ms = statistics.median(hello_cpu), statistics.median(signup_cpu)
        floor_ms = statistics.median(floor_cpu)
        print(
            f"CPU ms per request (workers, user + system): hello {hello_ms:.2f}, "
            f"sign-up {signup_ms:.2f}, write floor {floor_ms:.2f}   "
            f"(sign-up/hello {signup_ms / hello_ms:.1f}x, write floor/hello "
            f"{floor_ms / hello_ms:.1f}x)"
        )
    print()
    print(f"ratio sign-up/hello   {ratio:.2f}   (for information)")
    print(
        f"ceiling write floor/hello {ceiling:.2f}   (the most any Flask sign-up that stores and "
        "audits can reach here)"
    )
    if floor.rate:
        against_floor = signup.rate / floor.rate
        print(
            f"ratio sign-up/write floor {against_floor:.2f}   target >= {TARGET_RATIO}   "
            f"{verdict(against_floor >= TARGET_RATIO)}"
        )
    else:
        print("ratio sign-up/write floor: the write floor answered nothing   FAIL")
    print(
        f"sign-up p99           {signup.p99_ms:.2f} ms   target <= {TARGET_P99_MS:g} ms   "
        f"{verdict(signup.p99_ms <= TARGET_P99_MS)}"
    )
    # Requests still in flight when a round stops are processed but never counted, so the
    # rows lie between the acknowledged sign-ups and the ones sent.
    in_flight = signup.sent - signup.requests
    rows_ok = signup.ok <= stored <= signup.sent
    print(
        f"rows stored           {stored}   2xx acknowledged {signup.ok}   "
        f"in flight at stops {in_flight}   {verdict(rows_ok)} (2xx <= rows <= sent)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
