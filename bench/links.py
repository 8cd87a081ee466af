"""Time `scripts/check_links.py` beside lychee and linkchecker on 1,100 loopback URLs.

A local aiohttp server (its own process) listens on 20 ports of 127.0.0.1 and answers every
request after 50 ms: 200s, permanent (301/308) and temporary (302) redirects, 404s, 500s,
URLs that refuse HEAD (405; a GET works) and 10 URLs that never answer. A generated catalog
points at it. Each tool runs as a child process in the same run; wall and CPU time (children's
user+system) are measured, and what each found is compared with what was planted.
Target: our wall time ≤ 1.1 × lychee's with the same broken links found. Always exits 0.

    .venv/bin/python -m bench.links            # needs `pip install -e '.[bench]'`
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PORTS = 20
LATENCY = 0.05
TIMEOUT = 5  # seconds: the tuned timeout every tool gets
TARGET_RATIO = 1.1

# kind → how many of the 1,100 URLs; "ok" takes the rest
PLAN = {"hang": 10, "404": 60, "500": 20, "p301": 30, "p308": 20, "t302": 20, "nohead": 50}
TOTAL = 1100
BROKEN_KINDS = {"hang", "404", "500"}
MOVED_KINDS = {"p301", "p308"}


def plan() -> list[str]:
    kinds = [kind for kind, count in PLAN.items() for _ in range(count)]
    kinds += ["ok"] * (TOTAL - len(kinds))
    # spread the kinds over the list (hangs not all at the start or the end)
    return [kinds[(i * 7919) % TOTAL] for i in range(TOTAL)]


# ---------------------------------------------------------------- the server (child process)


async def _answer(request: web.Request) -> web.StreamResponse:
    kind = request.match_info["kind"]
    await asyncio.sleep(LATENCY)
    if kind == "hang":
        await asyncio.sleep(3600)
    if kind in {"ok", "target"}:
        return web.Response(text="ok")
    if kind in {"404", "500"}:
        return web.Response(status=int(kind))
    if kind in {"p301", "p308", "t302"}:
        status = int(kind[1:])
        location = f"/{request.match_info['n']}/target"
        return web.Response(status=status, headers={"Location": location})
    if kind == "nohead":
        if request.method == "HEAD":
            return web.Response(status=405)
        return web.Response(text="ok")
    return web.Response(status=404)


def _serve(sockets: list[socket.socket]) -> None:
    async def main() -> None:
        app = web.Application()
        app.router.add_route("*", "/{n}/{kind}", _answer)
        runner = web.AppRunner(app, handle_signals=True, handler_cancellation=True)
        await runner.setup()
        for sock in sockets:
            await web.SockSite(runner, sock, backlog=1024).start()
        await asyncio.Event().wait()

    asyncio.run(main())


# ---------------------------------------------------------------- the inputs


def write_inputs(folder: Path, ports: list[int], kinds: list[str]) -> dict[str, Path]:
    urls = [f"http://127.0.0.1:{ports[i % len(ports)]}/{i}/{kind}" for i, kind in enumerate(kinds)]
    entries = [
        f"  - id: r{i:04d}\n    name: Sumber {i}\n    url: {url}\n    access: free\n"
        f"    type: database\n    subjects: [umum]\n    description: Sumber uji {i}.\n"
        f"    added: 2024-01-01\n"
        for i, url in enumerate(urls)
    ]
    catalog = folder / "resources.yml"
    catalog.write_text(
        "subjects:\n  - id: umum\n    name: Umum\n\nresources:\n" + "\n".join(entries),
        encoding="utf-8",
    )
    text = folder / "links.txt"
    text.write_text("\n".join(urls) + "\n", encoding="utf-8")
    html = folder / "links.html"
    anchors = "\n".join(f'<a href="{url}">{i}</a>' for i, url in enumerate(urls))
    html.write_text(f"<!doctype html><html><body>\n{anchors}\n</body></html>\n", encoding="utf-8")
    for path in (catalog, text, html):
        path.chmod(0o644)
    return {"catalog": catalog, "text": text, "html": html}


# ---------------------------------------------------------------- running the tools


@dataclass
class Run:
    tool: str
    wall: float
    cpu: float
    counts: dict[str, int]
    broken_urls: set[str]
    note: str = ""


def timed(command: list[str], cwd: Path) -> tuple[float, float, str, int]:
    """Wall and CPU (user+system) seconds of one child process, its stdout and exit code."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    return wall, usage.ru_utime + usage.ru_stime, output, child.returncode


def run_ours(inputs: dict[str, Path]) -> Run:
    command = [
        sys.executable,
        str(ROOT / "scripts" / "check_links.py"),
        str(inputs["catalog"]),
        "--json",
        "--quiet",
        "--timeout",
        str(TIMEOUT),
        "--concurrency",
        "50",
        "--per-host",
        "8",
        "--ignore",
        str(inputs["catalog"].parent / "none.yml"),
    ]
    wall, cpu, output, _ = timed(command, inputs["catalog"].parent)
    report = json.loads(output)
    broken = {r["url"] for r in report["results"] if r["status"] in _FAILURES}
    counts = {k: v for k, v in report["counts"].items() if v}
    return Run("ours (aiohttp)", wall, cpu, counts, broken)


_FAILURES = {"broken", "timeout", "connection_error"}


def run_lychee(inputs: dict[str, Path]) -> Run | None:
    lychee = shutil.which("lychee", path=str(BIN)) or shutil.which("lychee")
    if lychee is None:
        return None
    folder = inputs["text"].parent
    out = folder / "lychee.json"
    command = [
        lychee,
        "--no-progress",
        "--format",
        "json",
        "--output",
        str(out),
        "--timeout",
        str(TIMEOUT),
        "--max-retries",
        "1",
        "--retry-wait-time",
        "1",
        "--max-concurrency",
        "50",
        # lychee limits per host *name* (every port of 127.0.0.1 is one host to it) and
        # spaces requests 50 ms apart by default; open it up to the same 50 in flight
        "--host-concurrency",
        "50",
        "--host-request-interval",
        "0ms",
        str(inputs["text"]),
    ]
    wall, cpu, _, _ = timed(command, folder)
    report = json.loads(out.read_text(encoding="utf-8"))
    broken = {
        item["url"]
        for key in ("error_map", "timeout_map")
        for items in (report.get(key) or {}).values()
        for item in items
    }
    counts = {
        key: report.get(key, 0)
        for key in ("successful", "redirects", "errors", "timeouts", "excludes")
        if report.get(key)
    }
    note = f"--timeout {TIMEOUT} --max-retries 1, 50 per host, no request interval"
    return Run("lychee", wall, cpu, counts, broken, note=note)


def run_linkchecker(inputs: dict[str, Path]) -> Run | None:
    linkchecker = shutil.which("linkchecker", path=str(BIN)) or shutil.which("linkchecker")
    if linkchecker is None:
        return None
    folder = inputs["html"].parent
    command = [
        linkchecker,
        "--check-extern",
        "--recursion-level",
        "1",
        "--no-status",
        "--no-warnings",
        "--threads",
        "10",
        "--timeout",
        str(TIMEOUT),
        "--output",
        "csv",
        str(inputs["html"]),
    ]
    wall, cpu, output, _ = timed(command, folder)
    broken: set[str] = set()
    counts: Counter[str] = Counter()
    lines = [line for line in output.splitlines() if line.strip() and not line.startswith("#")]
    for row in csv.DictReader(lines, delimiter=";"):
        url = row.get("url") or row.get("urlname") or ""
        if not url.startswith("http://127.0.0.1"):
            continue
        valid = row.get("valid", "").strip().lower() in {"true", "1"}
        counts["valid" if valid else "invalid"] += 1
        if not valid:
            broken.add(url)
    return Run("linkchecker", wall, cpu, dict(counts), broken, note="10 threads")


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip", nargs="*", default=[], help="tools to leave out")
    args = parser.parse_args()

    sockets = []
    for _ in range(PORTS):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(1024)
        sockets.append(sock)
    ports = [sock.getsockname()[1] for sock in sockets]
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(sockets,))
    server.start()
    for sock in sockets:
        sock.close()
    kinds = plan()
    expected_broken = sum(1 for kind in kinds if kind in BROKEN_KINDS)
    expected_moved = sum(1 for kind in kinds if kind in MOVED_KINDS)
    print(f"load average before the run: {os.getloadavg()[0]:.2f} (2-core machine, shared)")
    print(
        f"{TOTAL} URLs on {PORTS} ports of 127.0.0.1, {LATENCY * 1000:.0f} ms latency: "
        + ", ".join(f"{kind} {count}" for kind, count in Counter(kinds).most_common())
    )
    print(f"planted: {expected_broken} broken (404, 500, hanging), {expected_moved} moved")
    runs: list[Run] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # linkchecker, run as root, drops to `nobody`: it must be able to read the inputs
            Path(tmp).chmod(0o755)
            inputs = write_inputs(Path(tmp), ports, kinds)
            runners = {"ours": run_ours, "lychee": run_lychee, "linkchecker": run_linkchecker}
            for name, runner in runners.items():
                if name in args.skip:
                    continue
                result = runner(inputs)
                if result is None:
                    print(f"{name}: not installed (pip install -e '.[bench]')")
                    continue
                runs.append(result)
    finally:
        server.terminate()
        server.join(5)

    print()
    print(f"{'tool':<16} {'wall s':>7} {'CPU s':>6}  {'broken':>9}  classes")
    for run in runs:
        found = f"{len(run.broken_urls)}/{expected_broken}"
        classes = ", ".join(f"{k} {v}" for k, v in run.counts.items())
        note = f"  [{run.note}]" if run.note else ""
        print(f"{run.tool:<16} {run.wall:7.2f} {run.cpu:6.2f}  {found:>9}  {classes}{note}")
    ours = next((run for run in runs if run.tool.startswith("ours")), None)
    lychee = next((run for run in runs if run.tool == "lychee"), None)
    if ours and lychee:
        ratio = ours.wall / lychee.wall
        same = ours.broken_urls == lychee.broken_urls
        verdict = "PASS" if ratio <= TARGET_RATIO and same else "FAIL"
        print(
            f"\nours/lychee wall: {ratio:.2f}x (target <= {TARGET_RATIO}x), same broken links: "
            f"{'yes' if same else 'no'} -> {verdict}"
        )
        print("provisional: other work shares this machine; rerun on a quiet one.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
