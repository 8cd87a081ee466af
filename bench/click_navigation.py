"""Counting never delays a click: the time from a click on a resource link to the start of the
navigation, in headless chromium, with counting on, off, and on with the function stopped.

Target: counting on is within 5 ms of counting off (median), and so is the function stopped.

One synthetic catalog (a free and a paid resource pointing at a loopback "vendor" server) is
built twice with the repository's mkdocs.yml: `extra.catalog.count_uses` true (links carry
`ping`, every page loads usage-count.js, which sends a beacon) and false. The function runs
under gunicorn (2 sync workers, SQLite). Each sample opens a resource page, clicks "Buka sumber"
and takes the vendor page's `performance.timeOrigin` (when its navigation started) minus the
moment of the click (`performance.timeOrigin + performance.now()` in the clicking page, the
same clock). Configurations alternate sample by sample, so a change in the machine's load
hits all three; medians and p90 are printed.

    .venv/bin/python -m bench.click_navigation [--samples 30]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from contextlib import ExitStack
from pathlib import Path

import yaml
from playwright.sync_api import Browser, sync_playwright

from tests.browser.browser_launch import LoopbackGuard, chromium_path, launch_chromium
from tests.browser.portal_stack import build_site, static_server, write_site_config
from tests.browser.vendor_server import running_vendor
from tests.support.serving import gunicorn_command, running_server, server_environment

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent

TARGET_MS = 5.0
AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"
RESOURCES = {"sumber-gratis": "free", "jurnal-berbayar": "paid"}
CLICK_JS = """
() => {
  const link = document.querySelector(".portal-resource__open a");
  const clicked = performance.timeOrigin + performance.now();
  link.click();
  return clicked;
}
"""


def write_catalog(path: Path, vendor: str) -> Path:
    entries = "".join(
        f"  - id: {rid}\n    name: {rid.replace('-', ' ').title()}\n    url: {vendor}/{rid}\n"
        f"    access: {access}\n    type: database\n    subjects: [umum]\n"
        f"    description: Sumber untuk uji klik.\n    added: 2024-01-02\n\n"
        for rid, access in RESOURCES.items()
    )
    text = "subjects:\n  - id: umum\n    name: Umum\n\nresources:\n" + entries
    path.write_text(text, encoding="utf-8")
    return path


def build(folder: Path, catalog: Path, origin: str, function_url: str, count: bool) -> None:
    config = write_site_config(folder, site_url=origin, function_url=function_url)
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["extra"]["catalog"]["count_uses"] = count
    config.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    build_site(config, folder / "site", catalog, strict=False)


def sample(browser: Browser, origin: str, vendor: str, resource_id: str) -> float:
    """Milliseconds from the click to the start of the vendor page's navigation."""
    context = browser.new_context(user_agent=AGENT)
    guard = LoopbackGuard()
    guard.attach(context)
    try:
        page = context.new_page()
        page.goto(f"{origin}/sumber/{resource_id}/")
        page.wait_for_load_state("load")
        clicked = page.evaluate(CLICK_JS)
        page.wait_for_url(f"{vendor}/{resource_id}")
        started = page.evaluate("performance.timeOrigin")
        return started - clicked
    finally:
        context.close()


def describe(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return (
        f"{name:<32} n={len(values):3}  median {statistics.median(values):6.2f} ms  "
        f"p90 {p90:6.2f} ms  max {max(values):6.2f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=30, help="clicks per configuration")
    args = parser.parse_args()
    executable = chromium_path()
    if executable is None:
        print("chromium is not installed (apt-get install chromium): nothing measured")
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-click-") as temp, ExitStack() as stack:
        folder = Path(temp)
        vendor = stack.enter_context(running_vendor()).url
        catalog = write_catalog(folder / "resources.yml", vendor)
        on_dir, off_dir = folder / "on", folder / "off"
        for path in (on_dir / "site", off_dir / "site"):
            path.mkdir(parents=True)
        on_origin = stack.enter_context(static_server(on_dir / "site"))
        off_origin = stack.enter_context(static_server(off_dir / "site"))
        env = server_environment(
            {
                "PORTAL_DATABASE_URL": f"sqlite:///{folder / 'portal.db'}",
                "PORTAL_CATALOG_PATH": str(catalog),
                "PORTAL_SITE_URL": on_origin,
                "PORTAL_RATE_LIMIT_USE_COUNT": "0",
            }
        )
        function = stack.enter_context(
            running_server(
                gunicorn_command("signup_fn:create_app()", workers=2),
                env=env,
                log_path=folder / "function.log",
            )
        )
        build(on_dir, catalog, on_origin, function.base_url, count=True)
        build(off_dir, catalog, off_origin, function.base_url, count=False)
        figures: dict[str, list[float]] = {"off": [], "on": [], "on, function stopped": []}
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright, executable)
            try:
                resource_ids = list(RESOURCES)
                for number in range(args.samples):
                    resource_id = resource_ids[number % len(resource_ids)]
                    figures["off"].append(sample(browser, off_origin, vendor, resource_id))
                    figures["on"].append(sample(browser, on_origin, vendor, resource_id))
                function.stop()
                for number in range(args.samples):
                    resource_id = resource_ids[number % len(resource_ids)]
                    stopped = sample(browser, on_origin, vendor, resource_id)
                    figures["on, function stopped"].append(stopped)
            finally:
                browser.close()
    print(f"chromium {executable}; {args.samples} clicks per configuration\n")
    for name, values in figures.items():
        print(describe(f"click → navigation, counting {name}", values))
    off = statistics.median(figures["off"])
    print()
    for name in ("on", "on, function stopped"):
        difference = statistics.median(figures[name]) - off
        verdict = "PASS" if difference <= TARGET_MS else "FAIL"
        print(
            f"counting {name} − off: {difference:+.2f} ms (target <= {TARGET_MS:g} ms): {verdict}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
