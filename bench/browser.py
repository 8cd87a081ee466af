"""The A–Z page of a 1,000-resource catalog in headless chromium: filter latency and page weight.

Targets: the filter answers a keystroke or a choice in < 50 ms; the A–Z page weighs
<= 150 KB gzipped. Measured:

- Latency, in the page: `performance.now()` before dispatching the `input`/`change` event the
  browser would fire, until the filter's status line has been rewritten (a MutationObserver)
  and a forced layout of the list is done, so the figure holds the wait for the animation
  frame the filter batches into, its JavaScript, style and layout. Keystrokes type queries
  letter by letter; choices cycle through every subject, type and access option. Median, p95
  and max over all samples.
- Weight: the A–Z HTML document gzipped (level 6, as web servers use), and the same plus the
  portal's own assets the page needs beyond Material's (az-filter.js, portal.css).

Prints figures and PASS/FAIL; always exits 0 (benchmarks never fail a build).

    .venv/bin/python -m bench.browser [--count 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from bench.catalog_gen import write_catalog
from tests.browser.browser_launch import LoopbackGuard, chromium_path, launch_chromium
from tests.browser.portal_stack import build_site, static_server, write_site_config

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent

LATENCY_TARGET_MS = 50.0
WEIGHT_TARGET_BYTES = 150 * 1024
GZIP_LEVEL = 6
OWN_ASSETS = ("javascripts/az-filter.js", "stylesheets/portal.css")
QUERIES = ("keperawatan", "jurnal gizi", "bidan", "who")
UNUSED_FUNCTION_URL = "http://127.0.0.1:9"  # the A–Z page never calls the function

# Runs in the page: one sample per event, awaited one after the other.
MEASURE_JS = """
async ({queries, rounds}) => {
  const form = document.getElementById("az-filter");
  const list = document.getElementById("az-list");
  const status = document.getElementById("az-status");
  const text = form.elements.namedItem("q");
  const selects = ["subjek", "jenis", "akses"].map((name) => form.elements.namedItem(name));

  function answered() {
    return new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        observer.disconnect();
        void list.offsetHeight;  // force style and layout of the changed list
        resolve(performance.now());
      });
      observer.observe(status, { childList: true, characterData: true, subtree: true });
    });
  }
  async function sample(change, type) {
    const done = answered();
    const start = performance.now();
    change();
    form.dispatchEvent(new Event(type, { bubbles: true }));
    return (await done) - start;
  }
  const keystrokes = [];
  const choices = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const query of queries) {
      for (let i = 1; i <= query.length; i += 1) {
        keystrokes.push(await sample(() => { text.value = query.slice(0, i); }, "input"));
      }
      keystrokes.push(await sample(() => { text.value = ""; }, "input"));
    }
    for (const select of selects) {
      for (const option of Array.from(select.options)) {
        choices.push(await sample(() => { select.value = option.value; }, "change"));
      }
      select.value = "";
    }
  }
  return { keystrokes, choices, items: list.querySelectorAll(".az-item").length };
}
"""


@dataclass(frozen=True)
class Latency:
    keystrokes: list[float]
    choices: list[float]
    items: int

    @property
    def all(self) -> list[float]:
        return self.keystrokes + self.choices


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def gzipped_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=GZIP_LEVEL))


def measure_latency(page: Page, rounds: int) -> Latency:
    page.locator("#az-filter").wait_for(state="visible")
    result = page.evaluate(MEASURE_JS, {"queries": list(QUERIES), "rounds": rounds})
    return Latency(result["keystrokes"], result["choices"], result["items"])


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report_latency(latency: Latency) -> None:
    print(f"A–Z list items in the page: {latency.items}")
    for name, values in (("keystroke", latency.keystrokes), ("choice", latency.choices)):
        print(
            f"  {name:9} n={len(values):4}  median {statistics.median(values):6.1f} ms  "
            f"p95 {percentile(values, 0.95):6.1f} ms  max {max(values):6.1f} ms"
        )
    median = statistics.median(latency.all)
    print(
        f"filter answer, all events: median {median:.1f} ms, p95 "
        f"{percentile(latency.all, 0.95):.1f} ms (target < {LATENCY_TARGET_MS:.0f} ms "
        f"median): {verdict(median < LATENCY_TARGET_MS)}"
    )


def report_weight(site: Path) -> None:
    html = site / "katalog" / "index.html"
    raw = html.stat().st_size
    page = gzipped_size(html)
    assets = {asset: gzipped_size(site / asset) for asset in OWN_ASSETS}
    total = page + sum(assets.values())
    print(f"A–Z HTML: {raw / 1024:.1f} KB raw, {page / 1024:.1f} KB gzipped (level {GZIP_LEVEL})")
    for asset, size in assets.items():
        print(f"  + {asset}: {size / 1024:.1f} KB gzipped")
    print(
        f"A–Z page weight (HTML + own JS/CSS, gzipped): {total / 1024:.1f} KB "
        f"(target <= {WEIGHT_TARGET_BYTES // 1024} KB): {verdict(total <= WEIGHT_TARGET_BYTES)}"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="resources in the catalog")
    parser.add_argument("--rounds", type=int, default=5, help="passes over queries and choices")
    parser.add_argument("--seed", type=int, default=7, help="catalog generator seed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    executable = chromium_path()
    if executable is None:
        print("chromium is not installed (apt-get install chromium): nothing measured")
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as temp:
        folder = Path(temp)
        catalog = write_catalog(folder / "resources.yml", args.count, seed=args.seed)
        site = folder / "site"
        site.mkdir()
        with static_server(site) as origin:
            config = write_site_config(folder, site_url=origin, function_url=UNUSED_FUNCTION_URL)
            build_site(config, site, catalog, strict=False)
            print(f"catalog: {args.count} resources (seed {args.seed}); chromium {executable}")
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright, executable)
                try:
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    guard = LoopbackGuard()
                    guard.attach(context)
                    page = context.new_page()
                    page.goto(f"{origin}/katalog/")
                    latency = measure_latency(page, args.rounds)
                finally:
                    browser.close()
            report_latency(latency)
            report_weight(site)
            if guard.blocked:
                print(f"note: the page asked for non-loopback URLs (blocked): {guard.blocked}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
