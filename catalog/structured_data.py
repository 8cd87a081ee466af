"""schema.org JSON-LD of the site: the library on the home page, each resource on its page.

The rules: every value comes from the page's view, so a `members` resource carries its public
`/go/<id>` link as `url`, never its real URL; a resource's type is the schema.org type of
what it is (`SCHEMA_TYPES`); `isAccessibleForFree` is true only for `free` resources; a value
the catalog leaves empty is left out, not written empty; page addresses are absolute only
when mkdocs.yml has a `site_url`. The text is HTML-safe JSON (`<`, `>`, `&` as `\\u` escapes),
so it can sit in a `<script type="application/ld+json">` element as it is.
"""

from __future__ import annotations

import json
from typing import Any

from catalog.models import Access, ResourceType
from catalog.site_settings import SiteSettings
from catalog.views import CatalogView, ResourceView

CONTEXT = "https://schema.org"
SCHEMA_TYPES = {
    ResourceType.JOURNAL: "Periodical",
    ResourceType.EBOOK: "Book",
    ResourceType.DATABASE: "Dataset",
    ResourceType.REPOSITORY: "WebSite",
    ResourceType.REFERENCE: "WebSite",
    ResourceType.GUIDELINE: "WebSite",
    ResourceType.MULTIMEDIA: "WebSite",
}
HTML_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"))


def absolute(settings: SiteSettings, page: str) -> str:
    """A page URL relative to the site root made absolute ("" without a site_url)."""
    return settings.site_url + page if settings.site_url else ""


def library(view: CatalogView, settings: SiteSettings) -> dict[str, Any]:
    """The library that publishes the portal, with its contact and logo when set."""
    library = settings.library
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Library",
        "name": library.name,
        "alternateName": library.short_name if library.short_name != library.name else "",
        "url": settings.site_url,
        "description": settings.site_description,
        "logo": absolute(settings, library.logo) if library.logo else "",
        "email": library.email,
        "telephone": library.phone,
        "address": library.address,
        "sameAs": library.website,
    }
    return _without_empty(data)


def resource(view: ResourceView, settings: SiteSettings) -> dict[str, Any]:
    """One resource as the schema.org type of its kind."""
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": SCHEMA_TYPES[ResourceType(view.type)],
        "@id": absolute(settings, view.page),
        "name": view.name,
        "alternateName": list(view.alt_names),
        "description": view.description,
        "url": view.link,
        "mainEntityOfPage": absolute(settings, view.page),
        "provider": {"@type": "Organization", "name": view.provider} if view.provider else None,
        "inLanguage": list(view.language_codes),
        "keywords": ", ".join(view.keywords),
        "about": [subject.name for subject in view.subjects],
        "isAccessibleForFree": view.access == Access.FREE.value,
    }
    return _without_empty(data)


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in ("", [], None)}


def to_script_text(data: dict[str, Any]) -> str:
    """JSON-LD text safe inside a `<script>` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in HTML_SAFE:
        text = text.replace(character, escaped)
    return text
