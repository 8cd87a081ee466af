"""The catalog's pages: the plain generator behind the MkDocs hook and scripts/build_pages.py.

The rules: the generator only reads the loaded catalog and the settings and returns
`{path relative to docs_dir: content}`; it imports nothing of MkDocs, so the same files can
be written to disk for a Zensical build. Markup lives in `catalog/templates/`, rendered with
autoescape on, and a page's body is final HTML (the MkDocs hook publishes it without
Markdown); front matter values are HTML-escaped, because MkDocs and Material treat page titles
as HTML, then written as double-quoted YAML strings.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from catalog import exports, labels, links, structured_data, views
from catalog.models import Access
from catalog.site_settings import SiteSettings

if TYPE_CHECKING:
    from catalog.loader import LoadedCatalog

TEMPLATES = Path(__file__).resolve().parent / "templates"
HOME_PAGE = "index.md"
AZ_PAGE = "katalog/index.md"
SUBJECTS_PAGE = "subjek/index.md"
SEARCH_PAGE = "cari/index.md"
ACCOUNT_PAGE = "akun.md"  # hand-written (docs/akun.md)
JSON_EXPORT = "resources.json"
CSV_EXPORT = "resources.csv"
ROBOTS = "robots.txt"
SITEMAP = "sitemap.xml"  # written by MkDocs (and Zensical) when site_url is set
# What JSON leaves raw but YAML reads otherwise: characters outside YAML's printable set and
# the line breaks NEL, U+2028, U+2029 (JSON itself escapes the C0 controls, `"` and `\`).
YAML_UNSAFE = re.compile(
    r"[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _yaml_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def front_matter(value: object) -> Markup:
    """A front matter scalar: HTML-escaped text in a double-quoted YAML string.

    A JSON string is a YAML double-quoted scalar once the characters YAML would reject or
    read as line breaks (DEL, C1 controls, NEL, U+2028, U+2029) are `\\u`-escaped too.
    """
    quoted = json.dumps(str(escape(value)), ensure_ascii=False)
    return Markup(YAML_UNSAFE.sub(_yaml_escape, quoted))  # noqa: S704 - a quoted, escaped string


def json_ld(data: dict[str, object]) -> Markup:
    """schema.org data as the text of a `<script type="application/ld+json">` element."""
    return Markup(structured_data.to_script_text(data))  # noqa: S704 - HTML-safe JSON


@cache
def template_environment() -> Environment:
    """The Jinja environment of the generated pages (autoescape on for every template)."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["front_matter"] = front_matter
    environment.filters["json_ld"] = json_ld
    return environment


def generate_site_files(
    loaded: LoadedCatalog, settings: SiteSettings, today: date
) -> dict[str, str]:
    """Every generated file of the site, `{path relative to docs_dir: content}`.

    Markdown pages (home, A-Z, subjects, search, types, access levels, one per resource), the
    `resources.json` / `resources.csv` exports, all built from the resources available today,
    and `robots.txt` naming the sitemap.
    """
    view = views.build_view(loaded, settings, today)
    urls = {
        "katalog": links.page_url(AZ_PAGE, settings),
        "subjects": links.page_url(SUBJECTS_PAGE, settings),
        "search": links.page_url(SEARCH_PAGE, settings),
        "account": links.page_url(ACCOUNT_PAGE, settings),
    }
    environment = template_environment()
    files: dict[str, str] = {}

    def add(path: str, template: str, **context: object) -> None:
        root = links.root_of(path, settings)
        page = environment.get_template(template)
        files[path] = page.render(view=view, urls=urls, root=root, **context)

    add(
        HOME_PAGE,
        "home.md.j2",
        structured=structured_data.library(view, settings),
        library=settings.library,
    )
    add(AZ_PAGE, "az.md.j2")
    add(SUBJECTS_PAGE, "subjects.md.j2")
    add(SEARCH_PAGE, "search.md.j2")
    for subject in view.subjects:
        resources = view.by_subject[subject.id]
        add(views.subject_page(subject.id), "subject.md.j2", subject=subject, resources=resources)
    for choice in view.types:
        add(views.type_page(choice.value), "listing.md.j2", choice=choice, kind="type")
    for choice in view.access_levels:
        howto = labels.ACCESS_HOWTO[Access(choice.value)]
        path = views.access_page(choice.value)
        add(path, "listing.md.j2", choice=choice, kind="access", howto=howto)
    for resource in view.resources:
        structured = structured_data.resource(resource, settings)
        add(views.resource_page(resource.id), "resource.md.j2", r=resource, structured=structured)
    files[JSON_EXPORT] = exports.to_json(view.resources)
    files[CSV_EXPORT] = exports.to_csv(view.resources)
    files[ROBOTS] = environment.get_template("robots.txt.j2").render(
        sitemap=structured_data.absolute(settings, SITEMAP)
    )
    return files
