"""MkDocs hook: the catalog's pages, generated from resources.yml at build and serve time.

The rules: the catalog is loaded once per build and its pages are added as generated files
(nothing is written into docs/); an invalid catalog fails the build with one line per
problem, `resources.yml:LINE: ID: message`; `mkdocs serve` rebuilds when the catalog changes.
The catalog file is `extra.catalog.file` relative to mkdocs.yml's folder, or the path in the
PORTAL_CATALOG environment variable (tests point builds at fixtures this way). "Today" (what
`available_until` and `added` are held against) is the library's date in
`extra.catalog.timezone`, never the build machine's.

The generated pages' bodies are final HTML (escaped by the templates, links already final
URLs), so they skip Markdown: their front matter is read as for any page, their body becomes
the page's content as it is, and their table of contents comes from their `<hN id="...">`
headings. This keeps the build near a bare mkdocs-material build of as many pages.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents, get_toc

from catalog.errors import CatalogError
from catalog.loader import load_catalog
from catalog.pages import generate_site_files
from catalog.site_settings import SettingsError, SiteSettings

CATALOG_ENV = "PORTAL_CATALOG"

# A heading of a generated page whose only attribute is its id goes into the page's table of
# contents, as a Markdown heading would (the A-Z letters carry a class too and stay out).
TOC_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)</h\1>', re.DOTALL)
# Every id of a generated page: the anchors other pages' links may point at.
ANCHOR_ID = re.compile(r'\sid="([^"]+)"')

log = logging.getLogger("mkdocs.hooks.catalog_pages")

# The generated pages of the current build (src_uri), and the HTML bodies of those whose
# Markdown step was skipped, waiting for on_page_content. Reset on each (re)build.
_generated_pages: set[str] = set()
_bodies: dict[str, str] = {}


def site_settings(config: MkDocsConfig) -> SiteSettings:
    """The generator's settings from `extra.catalog`; a bad value fails the build."""
    try:
        return SiteSettings.from_extra(
            config.extra, directory_urls=config.use_directory_urls, site=config
        )
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
        loaded = load_catalog(shown_path(path), today=settings.today())
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
    _generated_pages.clear()
    _bodies.clear()
    for src_uri, content in generate_site_files(loaded, settings, settings.today()).items():
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            raise PluginError(
                f"docs/{src_uri} bentrok dengan halaman yang dibuat dari katalog; hapus berkasnya."
            )
        generated = File.generated(config, src_uri, content=content)
        files.append(generated)
        if generated.is_documentation_page():
            _generated_pages.add(src_uri)
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    """A generated page's body is final HTML: keep it aside and give Markdown nothing to do."""
    if page.file.src_uri not in _generated_pages:
        return None
    _bodies[page.file.src_uri] = markdown
    return ""


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    """A generated page's content is its body as the templates wrote it, with the table of
    contents and the anchor ids (checked by MkDocs' link validation) Markdown would have found."""
    body = _bodies.pop(page.file.src_uri, None)
    if body is None:
        return None
    page.toc = table_of_contents(body)
    page.present_anchor_ids = set(ANCHOR_ID.findall(body))
    return body


class TocToken(TypedDict):
    """A heading as Markdown's toc extension gives it to `get_toc`."""

    level: int
    id: str
    name: str
    children: list[TocToken]


def table_of_contents(html: str) -> TableOfContents:
    """The page's `<hN id="...">` headings, nested by level as Markdown's toc nests them."""
    root: list[TocToken] = []
    open_headings: list[TocToken] = []  # the last heading seen at each depth
    for level, anchor, title in TOC_HEADING.findall(html):
        token: TocToken = {"level": int(level), "id": anchor, "name": title, "children": []}
        while open_headings and open_headings[-1]["level"] >= token["level"]:
            open_headings.pop()
        (open_headings[-1]["children"] if open_headings else root).append(token)
        open_headings.append(token)
    return get_toc(root)


def on_serve(
    server: LiveReloadServer, config: MkDocsConfig, builder: Callable[[], None]
) -> LiveReloadServer:
    """`mkdocs serve` rebuilds the site when the catalog file changes."""
    server.watch(str(catalog_path(config)))
    return server
