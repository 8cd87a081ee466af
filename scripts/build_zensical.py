"""Build the site with Zensical (Material for MkDocs' successor) instead of MkDocs.

Usage: python scripts/build_zensical.py OUT_DIR [--config mkdocs.yml] [--zensical zensical.yml]
       [--catalog PATH]

The rules: Zensical runs no MkDocs hooks, so the catalog's pages are first written into a copy
of the docs folder by scripts/build_pages.py (the generator behind hooks/catalog_pages.py),
with links relative to each Markdown file, which Zensical rewrites for directory URLs;
Zensical's configuration is zensical.yml (what is Zensical's own: the theme) completed with
the site's settings read from mkdocs.yml (`SHARED_KEYS`: names, URLs, navigation, `extra`,
Markdown extensions; `SHARED_THEME_KEYS`: the library's logo and favicon), so the two builds
cannot drift apart; the result is indexed by Pagefind as hooks/search_index.py does. Zensical
keeps docs_dir and site_dir inside the folder of its configuration, so the build runs in a
temporary folder and the site is then moved to OUT_DIR (replaced if it exists).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from hooks.search_index import index_command  # noqa: E402

SHARED_KEYS = (
    "site_name",
    "site_description",
    "site_url",
    "copyright",
    "repo_url",
    "repo_name",
    "edit_uri",
    "use_directory_urls",
    "nav",
    "extra",
    "extra_css",
    "extra_javascript",
    "markdown_extensions",
)
# The library's images, from mkdocs.yml's theme (the rest of the theme is Zensical's own).
SHARED_THEME_KEYS = ("logo", "favicon")
TIMEOUT_SECONDS = 900


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring MkDocs' own tags (!ENV, !relative, python names)."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_ConfigLoader) or {}  # noqa: S506 - a SafeLoader


def zensical_config(
    mkdocs: dict[str, Any], own: dict[str, Any], *, has_overrides: bool
) -> dict[str, Any]:
    """zensical.yml with the site's settings of mkdocs.yml, building work/docs to work/site."""
    config = {**own, **{key: mkdocs[key] for key in SHARED_KEYS if key in mkdocs}}
    config.update(docs_dir="docs", site_dir="site")
    theme = dict(config.get("theme") or {})
    site_theme = mkdocs.get("theme") or {}
    theme.update({key: site_theme[key] for key in SHARED_THEME_KEYS if key in site_theme})
    if has_overrides:
        theme["custom_dir"] = "overrides"
    else:
        theme.pop("custom_dir", None)
    config["theme"] = theme
    return config


def run(command: list[str], what: str) -> None:
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{what} gagal:\n{result.stdout}\n{result.stderr}".rstrip())


def build(out_dir: Path, config_path: Path, zensical_path: Path, catalog: Path | None) -> None:
    mkdocs = read_yaml(config_path)
    config_dir = config_path.resolve().parent
    docs = config_dir / mkdocs.get("docs_dir", "docs")
    custom_dir = (mkdocs.get("theme") or {}).get("custom_dir")
    with tempfile.TemporaryDirectory(prefix="zensical-") as folder:
        work = Path(folder)
        shutil.copytree(docs, work / "docs")
        if custom_dir:
            shutil.copytree(config_dir / custom_dir, work / "overrides")
        pages = [sys.executable, str(REPO / "scripts" / "build_pages.py"), str(work / "docs")]
        pages += ["--config", str(config_path), "--source-relative-links"]
        if catalog is not None:
            pages += ["--catalog", str(catalog)]
        run(pages, "scripts/build_pages.py")
        config = zensical_config(mkdocs, read_yaml(zensical_path), has_overrides=bool(custom_dir))
        target = work / "zensical.yml"
        target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
        run([sys.executable, "-m", "zensical", "build", "-f", str(target)], "zensical build")
        run(index_command(str(work / "site")), "Pagefind")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.move(work / "site", out_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder the built site is written to")
    parser.add_argument("--config", type=Path, default=REPO / "mkdocs.yml")
    parser.add_argument("--zensical", type=Path, default=REPO / "zensical.yml")
    parser.add_argument("--catalog", type=Path, help="catalog file (default: extra.catalog.file)")
    args = parser.parse_args(argv)
    try:
        build(args.out_dir.resolve(), args.config, args.zensical, args.catalog)
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Situs Zensical ditulis ke {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
