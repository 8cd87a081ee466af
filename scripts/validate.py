"""Check the catalog: `python scripts/validate.py [PATH] [--github]` (PATH: resources.yml).

Prints every warning (stdout) and error (stderr) as `PATH:LINE: ID: message`, then a summary
in Indonesian; exits 1 when there is any error, 0 otherwise (warnings alone pass). "Today"
(expired entries, `added` not in the future) is the library's date in the zone of the
mkdocs.yml beside the catalog (`extra.catalog.timezone`). With
`--github` it also prints GitHub Actions annotations, so the problems show on the PR's lines.
"""

from __future__ import annotations

import argparse
import sys

from catalog.errors import CatalogError, Problem
from catalog.loader import load_catalog
from catalog.site_settings import SettingsError, library_today


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Periksa berkas katalog e-resource (resources.yml)."
    )
    parser.add_argument(
        "path", nargs="?", default="resources.yml", help="berkas katalog (bawaan: resources.yml)"
    )
    parser.add_argument(
        "--github", action="store_true", help="cetak juga anotasi untuk GitHub Actions"
    )
    args = parser.parse_args(argv)

    try:
        loaded = load_catalog(args.path, today=library_today(args.path))
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 1
    except CatalogError as exc:
        report(exc.warnings, exc.problems, github=args.github)
        print(
            f"{args.path}: katalog TIDAK valid — {len(exc.problems)} galat,"
            f" {len(exc.warnings)} peringatan.",
            file=sys.stderr,
        )
        return 1
    report(loaded.warnings, [], github=args.github)
    catalog = loaded.catalog
    print(
        f"{args.path}: katalog valid — {len(catalog.resources)} sumber,"
        f" {len(catalog.subjects)} subjek, {len(loaded.warnings)} peringatan."
    )
    return 0


def report(warnings: list[Problem], errors: list[Problem], *, github: bool) -> None:
    """Warnings to stdout, errors to stderr, one per line; annotations to stdout."""
    for problem in warnings:
        print(f"{problem.path}:{problem.line}: {problem.item_id}: peringatan: {problem.message}")
    for problem in errors:
        print(problem, file=sys.stderr)
    if github:
        for problem in [*errors, *warnings]:
            print(github_annotation(problem))


def github_annotation(problem: Problem) -> str:
    """`::error file=PATH,line=N::ID: message`, escaped as GitHub's workflow commands need."""
    level = "error" if problem.is_error else "warning"
    file = _escape_property(problem.path)
    message = _escape_data(f"{problem.item_id}: {problem.message}")
    return f"::{level} file={file},line={problem.line}::{message}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


if __name__ == "__main__":
    sys.exit(main())
