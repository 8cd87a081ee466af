"""Where the site's links point.

The rules: a `free` or `paid` resource links to its URL, through the configured proxy when it
uses one (`catalog.proxy`: `paid` by default, or its own `proxy` field); a `members` one to
the account function's `/go/<id>`, so its real URL never reaches the public site. Every
link to a free or paid resource keeps that URL and reports the use beside it (`use_link`).
Pages link to each other with relative URLs, so the site works from any base path and offline.
"""

from __future__ import annotations

from posixpath import splitext

from catalog.issue_forms import FORMS_BY_KIND, form_link
from catalog.models import Access, Resource
from catalog.proxy import target_url
from catalog.site_settings import SiteSettings


def go_link(resource_id: str, settings: SiteSettings) -> str:
    """The guarded link of a members-only resource."""
    return f"{settings.function_url}/go/{resource_id}"


def resource_link(resource: Resource, settings: SiteSettings) -> str:
    """The link a patron follows to open the resource ("Buka sumber")."""
    if resource.access is Access.MEMBERS:
        return go_link(resource.id, settings)
    return target_url(resource, settings.proxy_template)


def use_link(resource: Resource, settings: SiteSettings) -> str:
    """Where a link reports a use of a free or paid resource (the function's counter, by the
    `ping` attribute or sendBeacon); "" when counting is off or the link goes through `/go/`
    (members-only resources), which counts the use itself."""
    if not settings.count_uses or resource_link(resource, settings) == go_link(
        resource.id, settings
    ):
        return ""
    return f"{settings.function_url}/api/use/{resource.id}"


def edit_link(settings: SiteSettings, line: int) -> str:
    """The entry's line in the catalog file on the repository host ("" if not configured)."""
    return f"{settings.edit_url}#L{line}" if settings.edit_url else ""


def report_link(settings: SiteSettings, resource: Resource) -> str:
    """The edit form ("Laporkan masalah / usulkan perubahan") with the resource's id filled in
    ("" if no issues_url is configured). Never carries the URL: a members URL stays private."""
    if not settings.issues_url:
        return ""
    return form_link(settings.issues_url, FORMS_BY_KIND["edit"], resource.name, id=resource.id)


def broken_link_report(settings: SiteSettings, resource: Resource) -> str:
    """The broken-link form with the resource's id filled in ("" if not configured)."""
    if not settings.issues_url:
        return ""
    return form_link(settings.issues_url, FORMS_BY_KIND["link"], resource.name, id=resource.id)


def propose_link(settings: SiteSettings) -> str:
    """The form that proposes a new resource ("" if not configured)."""
    return form_link(settings.issues_url, FORMS_BY_KIND["add"]) if settings.issues_url else ""


def page_url(src_path: str, settings: SiteSettings) -> str:
    """The URL of a Markdown page relative to the site root, as MkDocs publishes it.

    With directory URLs `sumber/garuda.md` becomes `sumber/garuda/` and `katalog/index.md`
    becomes `katalog/`; without them `sumber/garuda.html` and `katalog/index.html`.
    """
    stem, _ = splitext(src_path)
    if not settings.directory_urls:
        return f"{stem}.html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return f"{stem}/"


def root_of(src_path: str, settings: SiteSettings) -> str:
    """The relative prefix that leads from a page back to the site root ("", "../", ...):
    from its published URL, or from its Markdown file for a builder that rewrites links."""
    if settings.source_relative_links:
        return "../" * src_path.count("/")
    return "../" * page_url(src_path, settings).count("/")
