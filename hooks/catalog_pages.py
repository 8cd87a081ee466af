"""MkDocs hook: the catalog's pages, generated from resources.yml at build and serve time.

The rules: the catalog is loaded once per build and its pages are added as generated files
(nothing is written into docs/); an invalid catalog fails the build with one line per
problem, `resources.yml:LINE: ID: message`; `mkdocs serve` rebuilds when the catalog changes.
The catalog file is `extra.catalog.file` relative to mkdocs.yml's folder, or the path in the
PORTAL_CATALOG environment variable (tests point builds at fixtures this way).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files

from catalog.errors import CatalogError
from catalog.loader import load_catalog
from catalog.pages import generate_site_files
from catalog.site_settings import SettingsError, SiteSettings

CATALOG_ENV = "PORTAL_CATALOG"

log = logging.getLogger("mkdocs.hooks.catalog_pages")


def site_settings(config: MkDocsConfig) -> SiteSettings:
    """The generator's settings from `extra.catalog`; a bad value fails the build."""
    try:
        return SiteSettings.from_extra(config.extra, directory_urls=config.use_directory_urls)
    except SettingsError as error:
        raise PluginError(str(error)) from None


def catalog_path(config: MkDocsConfig) -> Path:
    """PORTAL_CATALOG if set, else `extra.catalog.file` next to mkdocs.yml."""
    override = os.environ.get(CATALOG_ENV)
    if override:
        return Path(override).resolve()
    config_dir = Path(config.config_file_path or ".").resolve().parent
    return config_dir / site_settings(config).catalog_file


def shown_path(path: Path) -> str:
    """The catalog path as messages show it: relative to the working folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Check `extra.catalog` before anything is built."""
    site_settings(config)  # fail early on a bad extra.catalog
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Load the catalog once and add its generated pages and exports to the build."""
    settings = site_settings(config)
    path = catalog_path(config)
    try:
        loaded = load_catalog(shown_path(path))
    except CatalogError as error:
        lines = [str(problem) for problem in error.problems]
        raise PluginError(
            f"Katalog tidak valid ({len(lines)} masalah):\n" + "\n".join(lines)
        ) from None
    except OSError as error:
        raise PluginError(f"Katalog tidak dapat dibaca: {path}: {error.strerror}") from None
    # Expired entries simply leave the site, so warnings are shown without failing --strict.
    for warning in loaded.warnings:
        log.info(str(warning))
    for src_uri, content in generate_site_files(loaded, settings, date.today()).items():
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            raise PluginError(
                f"docs/{src_uri} bentrok dengan halaman yang dibuat dari katalog; hapus berkasnya."
            )
        files.append(File.generated(config, src_uri, content=content))
    return files


def on_serve(
    server: LiveReloadServer, config: MkDocsConfig, builder: Callable[[], None]
) -> LiveReloadServer:
    """`mkdocs serve` rebuilds the site when the catalog file changes."""
    server.watch(str(catalog_path(config)))
    return server
