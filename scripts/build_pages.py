"""Write the catalog's generated pages into a folder, for a build that runs no MkDocs hooks.

Usage: python scripts/build_pages.py OUT_DIR [--config mkdocs.yml] [--catalog PATH]
       [--source-relative-links]

The same generator as hooks/catalog_pages.py: copy docs/ somewhere, run this into the copy,
then run e.g. Zensical on it (with --source-relative-links: Zensical resolves a page's links
from its Markdown file, as Markdown links are, where the MkDocs hook publishes them as is).
Prints each problem as `resources.yml:LINE: ID: message` and
exits 1 when the catalog is invalid.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalog.errors import CatalogError
from catalog.loader import load_catalog
from catalog.pages import generate_site_files
from catalog.site_settings import SettingsError, SiteSettings, read_mkdocs


def read_settings(config_path: Path) -> SiteSettings:
    """The generator's settings from mkdocs.yml's `extra.catalog`, `use_directory_urls` and
    `site_*` values."""
    config = read_mkdocs(config_path)
    extra = config.get("extra") or {}
    if not isinstance(extra, Mapping):
        raise SettingsError("mkdocs.yml: extra must be a mapping")
    return SiteSettings.from_extra(
        extra,
        directory_urls=bool(config.get("use_directory_urls", True)),
        site=config,
    )


def write_files(files: dict[str, str], out_dir: Path) -> None:
    """Write each generated file below `out_dir` (UTF-8, folders created as needed)."""
    for relative, content in files.items():
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8", newline="")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder to write the pages into")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"))
    parser.add_argument("--catalog", type=Path, help="catalog file (default: extra.catalog.file)")
    parser.add_argument(
        "--source-relative-links",
        action="store_true",
        help="links relative to each Markdown file (for Zensical) instead of its published URL",
    )
    args = parser.parse_args(argv)
    try:
        settings = read_settings(args.config)
    except (OSError, SettingsError) as error:
        print(error, file=sys.stderr)
        return 1
    if args.source_relative_links:
        settings = dataclasses.replace(settings, source_relative_links=True)
    catalog = args.catalog or args.config.parent / settings.catalog_file
    try:
        loaded = load_catalog(catalog, today=settings.today())
    except CatalogError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    for warning in loaded.warnings:
        print(warning, file=sys.stderr)
    files = generate_site_files(loaded, settings, settings.today())
    write_files(files, args.out_dir)
    print(f"{len(files)} berkas ditulis ke {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
