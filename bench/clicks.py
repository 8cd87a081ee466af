"""Benchmark: POST /api/use/<id> (a counted use) beside the hello floor and the write floor.

The machinery of bench/signup.py (gunicorn with 4 sync workers on 127.0.0.1, wrk with 16
connections through wrk_load.lua, alternating rounds, medians, workers' CPU per request), on
three apps: the hello floor (`hello_app.py`), the function counting uses of one resource of a
one-resource catalog in a SQLite file (its per-address limit off: every request comes from
127.0.0.1), and the write floor (`write_floor_app.py`: the one INSERT-and-audit transaction
every stored request needs). Every visitor (a user agent of its own) clicks twice in a row, a
double click, so the counts show both rules at once:

- exact: Total_Item_Requests stored equals Unique_Item_Requests (no double click counted
  twice, no visitor counted twice) and lies between the visitors whose clicks were all
  answered and the visitors sent (the last clicks of a round may be in flight at its stop);
- targets: p99 <= 30 ms; requests/s over hello at least the write floor's ratio minus 10 %.

Prints figures and PASS/FAIL words; exits 0 (tests never assert timings).

    .venv/bin/python -m bench.clicks [--rounds 3] [--duration 5] [--connections 16]
"""

from __future__ import annotations

import secrets
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import sqlalchemy as sa

from bench.signup import (
    LIMIT_OFF,
    TARGET_P99_MS,
    LoadResult,
    describe,
    load_arguments,
    measured_load,
    median_of,
    print_load_setup,
    start_compared_servers,
    verdict,
)
from tests.support.serving import server_environment

RESOURCE_ID = "sumber-beban"
RATIO_MARGIN = 0.10  # the counting ratio may be this far below the write floor's
CATALOG = f"""subjects:
  - id: umum
    name: Umum

resources:
  - id: {RESOURCE_ID}
    name: Sumber Beban
    url: https://beban.example/
    access: free
    type: database
    subjects: [umum]
    description: Sumber untuk uji beban penghitungan.
    added: 2024-01-02
"""


def stored_usage(database_url: str) -> tuple[int, int]:
    """(Total_Item_Requests, Unique_Item_Requests) stored, all months."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            total, unique = connection.execute(
                sa.text(
                    "SELECT coalesce(sum(total_requests), 0), coalesce(sum(unique_requests), 0) "
                    "FROM resource_usage"
                )
            ).one()
            return int(total), int(unique)
    finally:
        engine.dispose()


def main() -> int:
    args = load_arguments(__doc__.splitlines()[0])
    print_load_setup(args)

    with tempfile.TemporaryDirectory(prefix="bench-clicks-") as tmp, ExitStack() as servers:
        tmp_path = Path(tmp)
        catalog = tmp_path / "resources.yml"
        catalog.write_text(CATALOG, encoding="utf-8")
        database_url = f"sqlite:///{tmp_path / 'portal.db'}"
        env = server_environment(
            {
                "PORTAL_DATABASE_URL": database_url,
                "PORTAL_CATALOG_PATH": str(catalog),
                "PORTAL_RATE_LIMIT_USE_COUNT": LIMIT_OFF,
                "PORTAL_RATE_LIMIT_ADDRESS_COUNT": LIMIT_OFF,
                "PORTAL_RATE_LIMIT_MEMBER_COUNT": LIMIT_OFF,
            }
        )
        hello_server, function_server, floor_server = start_compared_servers(
            servers, tmp_path, env, "signup_fn:create_app()", "function.log"
        )

        hellos: list[LoadResult] = []
        uses: list[LoadResult] = []
        floors: list[LoadResult] = []
        cpu: dict[str, list[float]] = {"hello": [], "use": [], "floor": []}
        run_prefix = "C" + secrets.token_hex(2).upper()
        for round_number in range(1, args.rounds + 1):
            run_id = f"{run_prefix}{round_number % 10}"
            for name, server, path, mode, results in (
                ("hello", hello_server, "/", "get", hellos),
                ("use", function_server, f"/api/use/{RESOURCE_ID}", "use", uses),
                ("floor", floor_server, "/api/signup", "signup", floors),
            ):
                result, cpu_ms = measured_load(server, path, mode, run_id, args)
                results.append(result)
                if cpu_ms is not None:
                    cpu[name].append(cpu_ms)
            print(describe(f"round {round_number} GET /", hellos[-1]))
            print(describe(f"round {round_number} POST use", uses[-1]))
            print(describe(f"round {round_number} write floor", floors[-1]))
        total, unique = stored_usage(database_url)

    hello, use, floor = median_of(hellos), median_of(uses), median_of(floors)
    ratio = use.rate / hello.rate if hello.rate else 0.0
    floor_ratio = floor.rate / hello.rate if hello.rate else 0.0
    target_ratio = floor_ratio - RATIO_MARGIN
    print()
    print(describe("GET / (hello floor)", hello))
    print(describe("POST /api/use/<id>", use))
    print(describe("POST write floor", floor))
    if all(cpu.values()) and statistics.median(cpu["hello"]) > 0:
        hello_ms = statistics.median(cpu["hello"])
        use_ms, floor_ms = statistics.median(cpu["use"]), statistics.median(cpu["floor"])
        print(
            f"CPU ms per request (workers, user + system): hello {hello_ms:.2f}, "
            f"use {use_ms:.2f}, write floor {floor_ms:.2f}"
        )
    print()
    print(
        f"ratio use/hello       {ratio:.2f}   target >= write floor/hello {floor_ratio:.2f} - "
        f"{RATIO_MARGIN:.2f} = {target_ratio:.2f}   {verdict(ratio >= target_ratio)}"
    )
    print(
        f"use p99               {use.p99_ms:.2f} ms   target <= {TARGET_P99_MS:g} ms   "
        f"{verdict(use.p99_ms <= TARGET_P99_MS)}"
    )
    # Every visitor clicks twice: stored uses are one per visitor whose first click was
    # processed. Clicks in flight at a round's stop may be processed but never answered.
    in_flight = use.sent - use.requests
    answered_visitors = use.ok // 2
    exact = total == unique and answered_visitors - in_flight <= total <= use.visitors
    all_accepted = use.client_errors == 0 and use.server_errors == 0
    print(
        f"counts                Total {total}   Unique {unique}   visitors sent {use.visitors}   "
        f"clicks answered 204: {use.ok} of {use.requests}   in flight at stops {in_flight}   "
        f"{verdict(exact and all_accepted)} (each visitor once, each double click collapsed)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
