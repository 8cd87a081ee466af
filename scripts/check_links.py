"""Check the catalog's links: `python scripts/check_links.py [PATH] [options]`.

PATH defaults to resources.yml. Prints a report (text by default, `--json`, or `--github`
annotations on the line of each broken entry's `url:` key, plus the text summary), shows a
progress line on a terminal, and exits 1 when a link is broken (timeouts and connection
errors included), 2 when the catalog or the ignore list is invalid, 0 otherwise.
`--changed-from REF` checks only the entries whose URL is new or changed since the git REF.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from typing import Any, TextIO

from catalog.errors import CatalogError
from catalog.linkcheck import (
    CheckSettings,
    LinkResult,
    LinkStatus,
    changed_targets,
    check_links,
    targets_of,
    user_agent,
)
from catalog.linkignore import load_ignore_list
from catalog.loader import load_catalog
from catalog.site_settings import SettingsError, library_today, repository_url
from catalog.yaml_source import parse_yaml

LABELS = {
    LinkStatus.OK: "baik",
    LinkStatus.MOVED: "pindah permanen",
    LinkStatus.LOGIN: "perlu login",
    LinkStatus.BROKEN: "rusak",
    LinkStatus.TIMEOUT: "waktu habis",
    LinkStatus.CONNECTION: "galat koneksi",
    LinkStatus.IGNORED: "dikecualikan",
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        loaded = load_catalog(args.path, today=library_today(args.path))
        ignore = load_ignore_list(args.ignore)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    except CatalogError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("Periksa dulu berkasnya (python scripts/validate.py).", file=sys.stderr)
        return 2
    targets = targets_of(loaded)
    if args.changed_from:
        base = _base_urls(args.changed_from, args.path)
        if base is not None:
            targets = changed_targets(targets, base)
    settings = CheckSettings(
        per_host=args.per_host,
        total=args.concurrency,
        timeout=args.timeout,
        retries=args.retries,
        user_agent=user_agent(repository_url(args.path)),
    )
    ignored = [t for t in targets if ignore.reason_for(t) is not None]
    to_check = [t for t in targets if ignore.reason_for(t) is None]
    progress = _Progress(len(to_check)) if sys.stderr.isatty() and not args.quiet else None
    results = check_links(to_check, settings, on_result=progress.step if progress else None)
    if progress:
        progress.done()
    results += [
        LinkResult(t, LinkStatus.IGNORED, detail=ignore.reason_for(t) or "") for t in ignored
    ]
    results.sort(key=lambda result: result.target.line)

    if args.json:
        json.dump(json_report(args.path, results), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        if args.github:
            for line in github_annotations(args.path, results):
                print(line)
        write_text_report(args.path, results, sys.stdout, verbose=args.verbose)
    return 1 if any(result.is_failure for result in results) else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Periksa tautan setiap sumber di katalog.")
    parser.add_argument("path", nargs="?", default="resources.yml", help="berkas katalog")
    parser.add_argument("--ignore", default="links-ignore.yml", help="daftar pengecualian")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="laporan JSON")
    output.add_argument("--github", action="store_true", help="anotasi GitHub Actions")
    parser.add_argument("--changed-from", metavar="REF", help="hanya URL baru/berubah sejak REF")
    parser.add_argument("--per-host", type=int, default=CheckSettings.per_host)
    parser.add_argument("--concurrency", type=int, default=CheckSettings.total)
    parser.add_argument("--timeout", type=float, default=CheckSettings.timeout)
    parser.add_argument("--retries", type=int, default=CheckSettings.retries)
    parser.add_argument("--verbose", action="store_true", help="tampilkan juga tautan yang baik")
    parser.add_argument("--quiet", action="store_true", help="tanpa baris kemajuan")
    return parser


def _base_urls(ref: str, path: str) -> dict[str, str] | None:
    """id → URL of the catalog at git `ref` (None: check everything)."""
    try:
        text = subprocess.run(
            ["git", "show", f"{ref}:{path}"], capture_output=True, text=True, check=True
        ).stdout
        data = parse_yaml(text, name=f"{ref}:{path}").data
    except (subprocess.CalledProcessError, CatalogError, OSError):
        print(f"{ref}:{path} tidak terbaca; semua tautan diperiksa.", file=sys.stderr)
        return None
    entries = data.get("resources") if isinstance(data, dict) else None
    urls: dict[str, str] = {}
    for entry in entries or []:
        if isinstance(entry, dict):
            entry_id, url = entry.get("id"), entry.get("url")
            if isinstance(entry_id, str) and isinstance(url, str):
                urls[entry_id] = url
    return urls


def message_of(result: LinkResult) -> str:
    """The librarian's one-line message for a result (Indonesian)."""
    target = result.target
    if result.status is LinkStatus.MOVED:
        return f"{target.id}: alamat pindah permanen; perbarui URL ke {result.new_url}"
    if result.status is LinkStatus.IGNORED:
        return f"{target.id}: dikecualikan ({result.detail})"
    label = LABELS[result.status]
    suffix = f" — {result.detail}" if result.detail else ""
    return f"{target.id}: {label}{suffix} ({target.url})"


def write_text_report(
    path: str, results: list[LinkResult], out: TextIO, *, verbose: bool = False
) -> None:
    for result in results:
        if verbose or result.status not in {LinkStatus.OK, LinkStatus.LOGIN}:
            print(f"{path}:{result.target.line}: {message_of(result)}", file=out)
    counts = Counter(result.status for result in results)
    parts = [f"{counts[status]} {LABELS[status]}" for status in LinkStatus if counts[status]]
    failures = sum(1 for result in results if result.is_failure)
    verdict = "ada tautan bermasalah" if failures else "semua tautan dapat dibuka"
    print(f"{len(results)} tautan diperiksa: {', '.join(parts) or '0'} — {verdict}.", file=out)


def json_report(path: str, results: list[LinkResult]) -> dict[str, Any]:
    counts = Counter(result.status.value for result in results)
    return {
        "catalog": path,
        "counts": {status.value: counts.get(status.value, 0) for status in LinkStatus},
        "failures": sum(1 for result in results if result.is_failure),
        "results": [
            {
                "id": r.target.id,
                "url": r.target.url,
                "line": r.target.line,
                "access": r.target.access,
                "status": r.status.value,
                "http_status": r.http_status,
                "new_url": r.new_url,
                "message": message_of(r),
                "attempts": r.attempts,
            }
            for r in results
        ],
    }


def github_annotations(path: str, results: list[LinkResult]) -> list[str]:
    """`::error`/`::warning` on the line of the `url:` key (failures / moved links)."""
    lines = []
    for result in results:
        if result.is_failure:
            level = "error"
        elif result.status is LinkStatus.MOVED:
            level = "warning"
        else:
            continue
        file = _escape_property(path)
        lines.append(
            f"::{level} file={file},line={result.target.line}::{_escape_data(message_of(result))}"
        )
    return lines


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class _Progress:
    """`[  12/67] tautan diperiksa` rewritten in place on stderr (terminals only)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.count = 0
        self.width = len(str(total))

    def step(self, _result: LinkResult) -> None:
        self.count += 1
        sys.stderr.write(f"\r[{self.count:>{self.width}}/{self.total}] tautan diperiksa")
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\r\x1b[2K")
        sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main())
