"""Benchmark: validating the catalog and building the site, beside floors measured in the same run.

For each size N (default 100, 1,000 and 5,000 resources) a realistic catalog is generated
(bench/catalog_gen.py) into a temporary folder, then measured, medians of `--repeat` runs:

- validate: `load_catalog` of the file, against the floor `yaml.load(..., CSafeLoader)` of
  the same file (libyaml's C parser building plain values, no checks);
- build: `mkdocs build -q` of the repository's real mkdocs.yml (hand-written pages included,
  Pagefind's index written by hooks/search_index.py) with PORTAL_CATALOG pointing at the
  file, against the floor: a bare mkdocs-material project (same theme settings, Markdown
  extensions, nav and not_in_nav, and Material's own search plugin; no hooks,
  overrides or extra CSS/JS) with the same pages as plain Markdown — one plain page of the
  same size for every generated page, and the hand-written pages — so the ratio is the cost of
  our machinery, not of the page count; the two builds alternate so load changes hit both;
- the size of both sites, the A–Z page (`katalog/index.html`) raw and gzipped, and the peak
  RSS and CPU time of each build process.

Prints a table per N, then the ratios against the targets (validate ≤ 2.5× the C parse, build
≤ 1.3× the bare build, site bytes per resource growing linearly, A–Z page at 1,000 resources
≤ 150 KB gzipped), with PASS/FAIL beside each. Exits 0: it
measures, it does not judge; tests never assert timings. `--profile N` runs one real build
in-process under cProfile instead, to see where the time goes.

    .venv/bin/python -m bench.build                       # 100, 1,000, 5,000; 3 runs each
    .venv/bin/python -m bench.build --quick               # 100 only
    .venv/bin/python -m bench.build --sizes 1000 --repeat 5 --repeat-large 1
    .venv/bin/python -m bench.build --profile 1000
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import gzip
import io
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from bench.catalog_gen import write_catalog
from catalog.loader import LoadedCatalog, load_catalog
from catalog.models import Resource
from catalog.pages import generate_site_files
from catalog.site_settings import SiteSettings
from catalog.views import resource_page

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "mkdocs.yml"
DOCS = REPO / "docs"
CATALOG_ENV = "PORTAL_CATALOG"  # read by hooks/catalog_pages.py
DEFAULT_SIZES = (100, 1_000, 5_000)
LARGE = 2_000  # sizes from here on use --repeat-large for the builds
SEED = 2026

TARGET_VALIDATE = 2.5  # load_catalog / C parse
TARGET_BUILD = 1.3  # real build / bare build
TARGET_LINEAR = 1.3  # max/min of site bytes per resource, fixed assets left out
AZ_SIZE = 1_000  # the A-Z page at 1,000 resources ...
TARGET_AZ_GZIP = 150_000  # ... weighs at most 150 KB gzipped (150,000 bytes here)
GZIP_LEVEL = 6  # what web servers and CDNs typically send

AZ_HTML = "katalog/index.html"
THEME_ASSETS = "assets"  # mkdocs-material's own files: the same at every N
PAGEFIND = "pagefind"  # Pagefind's runtime (JS, CSS, WebAssembly) beside its index: fixed too
BARE_SEARCH = "search"  # the bare project's search: Material's lunr plugin
SEARCH_INDEXES = ("search/search_index.json", "pagefind")  # lunr's file; Pagefind's folder


@dataclass(frozen=True)
class BuildRun:
    """One `mkdocs build` process: wall time, CPU time (user + sys) and peak RSS."""

    seconds: float
    cpu_seconds: float
    peak_rss_kb: int


@dataclass(frozen=True)
class SiteSize:
    """Bytes of a built site and of the parts that matter here."""

    total: int
    files: int
    theme_assets: int
    search_index: int
    az_raw: int
    az_gzip: int


@dataclass(frozen=True)
class SizeResult:
    """Everything measured for one catalog size."""

    count: int
    catalog_bytes: int
    runs: int
    build_runs: int
    validate_s: float
    c_parse_s: float
    generate_s: float
    page_md_bytes: float  # mean Markdown size of a generated resource page (= a bare page)
    real: list[BuildRun]
    bare: list[BuildRun]
    real_site: SiteSize
    bare_site: SiteSize

    @property
    def real_s(self) -> float:
        return statistics.median(run.seconds for run in self.real)

    @property
    def bare_s(self) -> float:
        return statistics.median(run.seconds for run in self.bare)

    @property
    def cpu_ratio(self) -> float:
        """Build CPU time real/bare: steadier than wall time when other work shares the CPUs."""
        real = statistics.median(run.cpu_seconds for run in self.real)
        return real / statistics.median(run.cpu_seconds for run in self.bare)

    @property
    def per_resource(self) -> float:
        return self.real_site.total / self.count

    @property
    def per_resource_content(self) -> float:
        """Site bytes per resource without the theme's assets (fixed at every N)."""
        return (self.real_site.total - self.real_site.theme_assets) / self.count


class BuildFailed(RuntimeError):
    """A `mkdocs build` exited with an error; the message holds the end of its output."""


def median_seconds(steps: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Time each step `repeat` times, alternating them; the median per step."""
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeat):
        for name, step in steps.items():
            gc.collect()
            start = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def c_parse(path: Path) -> object:
    """The floor of validation: libyaml's C parser building plain values, nothing else."""
    with path.open("rb") as stream:
        return yaml.load(stream, Loader=yaml.CSafeLoader)


def mkdocs_command() -> list[str]:
    """This virtualenv's mkdocs (the interpreter's sibling), else `python -m mkdocs`."""
    script = Path(sys.executable).with_name("mkdocs")
    return [str(script)] if script.exists() else [sys.executable, "-m", "mkdocs"]


def run_build(config: Path, site_dir: Path, env: dict[str, str]) -> BuildRun:
    """`mkdocs build -q -f config -d site_dir` in a child process; its own rusage via wait4."""
    command = [*mkdocs_command(), "build", "-q", "-f", str(config), "-d", str(site_dir)]
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            output.seek(0)
            tail = output.read().decode("utf-8", "replace")[-4000:]
            raise BuildFailed(f"{' '.join(command)} exited {process.returncode}:\n{tail}")
    return BuildRun(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def is_fixed_asset(parts: tuple[str, ...]) -> bool:
    """The theme's assets, and Pagefind's runtime files (not its index, fragments, filters)."""
    if parts[0] == THEME_ASSETS:
        return True
    name = parts[-1]
    runtime = name.endswith((".js", ".css")) or name.startswith("wasm.")
    return parts[0] == PAGEFIND and len(parts) == 2 and runtime


def measure_site(site_dir: Path) -> SiteSize:
    """Total bytes and file count of a site, its theme assets, search index and A–Z page."""
    total = files = assets = 0
    for path in _files(site_dir):
        size = path.stat().st_size
        total += size
        files += 1
        if is_fixed_asset(path.relative_to(site_dir).parts):
            assets += size
    az = site_dir / AZ_HTML
    az_bytes = az.read_bytes() if az.exists() else b""
    return SiteSize(
        total=total,
        files=files,
        theme_assets=assets,
        search_index=sum(_bytes(site_dir / part) for part in SEARCH_INDEXES),
        az_raw=len(az_bytes),
        az_gzip=len(gzip.compress(az_bytes, GZIP_LEVEL, mtime=0)) if az_bytes else 0,
    )


def _bytes(path: Path) -> int:
    """Bytes of a file, or of every file below a folder (0 when absent)."""
    if path.is_file():
        return path.stat().st_size
    return sum(file.stat().st_size for file in _files(path)) if path.is_dir() else 0


def _files(folder: Path) -> Iterator[Path]:
    for root, _, names in os.walk(folder):
        for name in names:
            yield Path(root, name)


def real_settings() -> SiteSettings:
    """The generator's settings as the real mkdocs.yml gives them to the hook."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    return SiteSettings.from_extra(
        config.get("extra", {}), directory_urls=config.get("use_directory_urls", True), site=config
    )


def plain_page(resource: Resource, size: int) -> str:
    """A plain Markdown page about `resource`, padded with its description to `size` bytes."""
    lines = [
        f"# {resource.name}",
        "",
        resource.description,
        "",
        "## Keterangan",
        "",
        f"- Akses: {resource.access}",
        f"- Jenis: {resource.type}",
        f"- Subjek: {', '.join(resource.subjects)}",
        f"- Penyedia: {resource.provider or '-'}",
        f"- Kata kunci: {', '.join(resource.keywords) or '-'}",
        "",
    ]
    text = "\n".join(lines)
    missing = size - len(text.encode()) - 1
    if missing <= 0:
        return text
    filler = " ".join([resource.description] * (missing // len(resource.description) + 1))
    return f"{text}\n{filler[:missing].rsplit(' ', 1)[0]}\n"


def plain_listing(path: str, size: int) -> str:
    """A plain Markdown page standing in for a generated listing page of `size` bytes."""
    title = f"# {Path(path).stem.replace('-', ' ').title()}\n\n"
    sentence = "Daftar e-resource perpustakaan untuk mahasiswa, dosen dan tenaga kependidikan. "
    body = sentence * (max(size - len(title), 0) // len(sentence) + 1)
    return title + body[: max(size - len(title), 0)].rsplit(" ", 1)[0] + "\n"


def hand_written_pages() -> dict[str, str]:
    """The real docs/ pages' Markdown without front matter (templates need the overrides)."""
    pages = {}
    for path in sorted(DOCS.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            text = text.split("\n---\n", 1)[1]
        pages[path.relative_to(DOCS).as_posix()] = text
    return pages


def write_bare_project(folder: Path, loaded: LoadedCatalog, sizes: dict[str, int]) -> Path:
    """A bare mkdocs-material project with the same pages as the real build, all plain: one
    plain page per generated page (same path and size), the hand-written pages without their
    templates, the real nav and not_in_nav; the real theme settings and Markdown extensions,
    and the search a bare project gets (Material's own search plugin, lunr), but no hooks,
    overrides or extra CSS/JS. The ratio to it is the cost of our machinery (hooks, generator,
    templates, overrides, the Pagefind index in place of lunr's), not of the number of pages."""
    real = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    theme = {key: value for key, value in real["theme"].items() if key != "custom_dir"}
    docs = folder / "docs"
    resources = {resource_page(r.id): r for r in loaded.catalog.resources}
    pages = hand_written_pages()
    for path, size in sizes.items():
        if not path.endswith(".md"):
            continue
        resource = resources.get(path)
        pages[path] = plain_page(resource, size) if resource else plain_listing(path, size)
    for path, text in pages.items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    config = {
        "site_name": "Bare mkdocs-material",
        "site_url": real.get("site_url"),
        "docs_dir": str(docs),
        "theme": theme,
        "plugins": [BARE_SEARCH],
        "markdown_extensions": real["markdown_extensions"],
        "nav": real["nav"],
        "not_in_nav": real["not_in_nav"],
    }
    config_path = folder / "mkdocs.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return config_path


def measure_size(count: int, repeat: int, build_repeat: int, today: date) -> SizeResult:
    """Generate a catalog of `count` resources and measure all of it."""
    with tempfile.TemporaryDirectory(prefix=f"bench-build-{count}-") as temp:
        folder = Path(temp)
        catalog = write_catalog(folder / "resources.yml", count, seed=SEED, today=today)
        loaded = load_catalog(catalog, today=today)
        settings = real_settings()
        timings = median_seconds(
            {
                "c_parse": lambda: c_parse(catalog),
                "validate": lambda: load_catalog(catalog, today=today),
                "generate": lambda: generate_site_files(loaded, settings, today),
            },
            repeat,
        )
        generated = generate_site_files(loaded, settings, today)
        sizes = {path: len(text.encode()) for path, text in generated.items()}
        resource_sizes = [sizes[resource_page(r.id)] for r in loaded.catalog.resources]
        bare_config = write_bare_project(folder / "bare", loaded, sizes)

        env = {**os.environ, CATALOG_ENV: str(catalog), "NO_MKDOCS_2_WARNING": "1"}
        configs = {"real": CONFIG, "bare": bare_config}
        runs: dict[str, list[BuildRun]] = {name: [] for name in configs}
        sites: dict[str, SiteSize] = {}
        for run in range(build_repeat):
            for name, config in configs.items():  # alternate: load changes hit both
                site_dir = folder / f"site-{name}-{run}"
                runs[name].append(run_build(config, site_dir, env))
                if name not in sites:
                    sites[name] = measure_site(site_dir)
                shutil.rmtree(site_dir)
        return SizeResult(
            count=count,
            catalog_bytes=catalog.stat().st_size,
            runs=repeat,
            build_runs=build_repeat,
            validate_s=timings["validate"],
            c_parse_s=timings["c_parse"],
            generate_s=timings["generate"],
            page_md_bytes=statistics.mean(resource_sizes),
            real=runs["real"],
            bare=runs["bare"],
            real_site=sites["real"],
            bare_site=sites["bare"],
        )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _mb(value: float) -> str:
    return f"{value / 1_000_000:,.1f} MB"


def print_size(result: SizeResult) -> None:
    """The table of one catalog size."""
    r, real, bare = result, result.real_site, result.bare_site
    validate_ratio = r.validate_s / r.c_parse_s
    build_ratio = r.real_s / r.bare_s
    print(
        f"\n== {r.count:,} resources · catalog {r.catalog_bytes:,} bytes · medians of "
        f"{r.runs} runs (builds: {r.build_runs}) =="
    )
    head = f"{'':34} {'measured':>12} {'floor':>12} {'ratio':>7}  {'target':<8} verdict"
    print(head)
    print("-" * len(head))
    validate_ok = validate_ratio <= TARGET_VALIDATE
    print(
        f"{'validate: load_catalog':34} {r.validate_s:>10.3f} s {r.c_parse_s:>10.3f} s "
        f"{validate_ratio:>6.2f}×  ≤ {TARGET_VALIDATE}×   {verdict(validate_ok)}"
    )
    print("  floor: yaml.load(CSafeLoader) of the same file")
    print(
        f"{'build: mkdocs build (real config)':34} {r.real_s:>10.2f} s {r.bare_s:>10.2f} s "
        f"{build_ratio:>6.2f}×  ≤ {TARGET_BUILD}×   {verdict(build_ratio <= TARGET_BUILD)}"
    )
    print(
        f"  floor: bare mkdocs-material with the same pages as plain Markdown ({bare.files:,}"
        f" files; resource pages {r.page_md_bytes:,.0f} bytes on average, as the generated ones)"
    )
    print(
        f"  runs (s): real {', '.join(f'{run.seconds:.2f}' for run in r.real)};"
        f" bare {', '.join(f'{run.seconds:.2f}' for run in r.bare)}"
    )
    share = (r.validate_s + r.generate_s) / r.real_s
    print(
        f"  in the real build: load_catalog {r.validate_s:.3f} s + generate_site_files "
        f"{r.generate_s:.3f} s = {share:.0%} of it (measured in-process)"
    )
    cpu_real = statistics.median(run.cpu_seconds for run in r.real)
    cpu_bare = statistics.median(run.cpu_seconds for run in r.bare)
    print(
        f"{'build CPU (user+sys)':34} {cpu_real:>10.2f} s {cpu_bare:>10.2f} s {r.cpu_ratio:>6.2f}×"
    )
    rss_real = max(run.peak_rss_kb for run in r.real) / 1024
    rss_bare = max(run.peak_rss_kb for run in r.bare) / 1024
    print(
        f"{'build peak RSS':34} {rss_real:>9.0f} MB {rss_bare:>9.0f} MB "
        f"{rss_real / rss_bare:>6.2f}×"
    )
    print(
        f"{'site bytes':34} {_mb(real.total):>12} {_mb(bare.total):>12} "
        f"{real.total / bare.total:>6.2f}×  ({real.files:,} vs {bare.files:,} files)"
    )
    print(
        f"{'  fixed assets (theme, Pagefind)':34} {_mb(real.theme_assets):>12} "
        f"{_mb(bare.theme_assets):>12}"
    )
    print(
        f"{'  search index':34} {_mb(real.search_index):>12} {_mb(bare.search_index):>12} "
        f"{real.search_index / bare.search_index:>6.2f}×"
    )
    print(f"{'  per resource':34} {result.per_resource:>10,.0f} B {bare.total / r.count:>10,.0f} B")
    az_note = ""
    if r.count == AZ_SIZE:
        ok = real.az_gzip <= TARGET_AZ_GZIP
        az_note = f"  ≤ {TARGET_AZ_GZIP / 1000:.0f} KB {verdict(ok)}"
    print(
        f"{'A–Z page katalog/index.html':34} {real.az_raw:>10,} B raw, "
        f"{real.az_gzip:,} B gzip -{GZIP_LEVEL} ({real.az_gzip / r.count:,.0f} B/resource)"
        f"{az_note}"
    )


def print_summary(results: list[SizeResult]) -> None:
    """Ratios against the targets across sizes, and site growth per resource."""
    print("\n== Summary against the targets ==")
    for r in results:
        validate_ratio = r.validate_s / r.c_parse_s
        build_ratio = r.real_s / r.bare_s
        print(
            f"{r.count:>6,}: validate/C-parse {validate_ratio:5.2f}× (≤ {TARGET_VALIDATE}×) "
            f"{verdict(validate_ratio <= TARGET_VALIDATE)}   build/bare {build_ratio:5.2f}× "
            f"(≤ {TARGET_BUILD}×) {verdict(build_ratio <= TARGET_BUILD)}"
            f"   (CPU time ratio {r.cpu_ratio:.2f}×)"
        )
    print("\nSite bytes per resource (linear growth = the same figure at every N):")
    print(
        f"{'N':>8} {'site bytes':>14} {'B/resource':>11} {'w/o fixed assets':>17} {'marginal':>9}"
    )
    previous: SizeResult | None = None
    marginals: list[float] = []
    for r in results:
        marginal = ""
        if previous is not None:
            added = (r.real_site.total - previous.real_site.total) / (r.count - previous.count)
            marginals.append(added)
            marginal = f"{added:,.0f}"
        print(
            f"{r.count:>8,} {r.real_site.total:>14,} {r.per_resource:>11,.0f} "
            f"{r.per_resource_content:>17,.0f} {marginal:>9}"
        )
        previous = r
    if len(results) >= 2:
        raw = [r.per_resource for r in results]
        content = [r.per_resource_content for r in results]
        spread = max(content) / min(content)
        print(
            f"max/min bytes per resource: {max(raw) / min(raw):.2f}× with the fixed assets "
            f"(fixed {_mb(results[0].real_site.theme_assets)}, they weigh most at small N); "
            f"{spread:.2f}× without them (≤ {TARGET_LINEAR}×) {verdict(spread <= TARGET_LINEAR)}"
        )
        if len(marginals) >= 2:
            print(
                f"marginal bytes per added resource: max/min {max(marginals) / min(marginals):.2f}×"
                " (N² growth, e.g. every page in the nav, would multiply it by the size ratio)"
            )
    else:
        print("linearity: needs two sizes or more (n/a)")
    az = [r for r in results if r.count == AZ_SIZE]
    if az:
        gz = az[0].real_site.az_gzip
        print(
            f"A–Z page at {AZ_SIZE:,} resources: {gz:,} bytes gzipped "
            f"(≤ {TARGET_AZ_GZIP:,}) {verdict(gz <= TARGET_AZ_GZIP)}"
        )
    else:
        print(f"A–Z page target is set at {AZ_SIZE:,} resources: not among the sizes (n/a)")


def profile_build(count: int, top: int, today: date) -> None:
    """One real build of a generated catalog in-process under cProfile; the top functions."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    with tempfile.TemporaryDirectory(prefix=f"bench-profile-{count}-") as temp:
        catalog = write_catalog(Path(temp) / "resources.yml", count, seed=SEED, today=today)
        os.environ[CATALOG_ENV] = str(catalog)
        os.environ["NO_MKDOCS_2_WARNING"] = "1"
        config = load_config(str(CONFIG), site_dir=str(Path(temp) / "site"))
        profile = cProfile.Profile()
        start = time.perf_counter()
        profile.runcall(build, config)
        print(f"\nbuild of {count:,} resources in-process: {time.perf_counter() - start:.2f} s")
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).strip_dirs().sort_stats(key).print_stats(top)
        print(f"\n-- top {top} by {key} --")
        print(out.getvalue().split("\n\n", 1)[-1].rstrip())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(part.replace("_", "")) for part in text.split(",")],
        default=list(DEFAULT_SIZES),
        help="comma-separated catalog sizes (default 100,1000,5000)",
    )
    parser.add_argument("--quick", action="store_true", help="size 100 only")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure (default 3)")
    parser.add_argument(
        "--repeat-large",
        type=int,
        default=None,
        help=f"builds per size from {LARGE:,} resources on (default: --repeat)",
    )
    parser.add_argument("--profile", type=int, metavar="N", help="profile one build of N instead")
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    today = date.today()
    if args.profile:
        profile_build(args.profile, args.top, today)
        return 0
    sizes = [100] if args.quick else args.sizes
    repeat_large = args.repeat_large or args.repeat
    print(
        f"bench/build.py: sizes {', '.join(f'{n:,}' for n in sizes)}; {os.cpu_count()} CPUs; "
        f"Python {sys.version.split()[0]}; libyaml {'yes' if yaml.__with_libyaml__ else 'no'}"
    )
    results: list[SizeResult] = []
    for count in sizes:
        build_repeat = repeat_large if count >= LARGE else args.repeat
        try:
            result = measure_size(count, args.repeat, build_repeat, today)
        except BuildFailed as error:
            print(f"\n== {count:,} resources: the build failed ==\n{error}")
            continue
        print_size(result)
        results.append(result)
    if results:
        print_summary(results)
    load = os.getloadavg()
    print(
        f"\nload average at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on "
        f"{os.cpu_count()} CPUs"
        + (
            " (busy: wall times are noisy; see CPU ratios)"
            if load[1] > (os.cpu_count() or 1)
            else ""
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
