"""Links from the built site to the catalog's issue forms, prefilled and URL-encoded."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from tests.site.html_parts import article, elements
from tests.site.site_build import BuiltSite

from catalog.issue_forms import FORMS_BY_KIND, form_link


def link_named(html: str, text: str):
    return next(a for a in elements(article(html), "a") if a.text.strip() == text)


def form_query(href: str, issues_url: str) -> dict[str, list[str]]:
    parts = urlsplit(href)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{issues_url}/new"
    return parse_qs(parts.query, strict_parsing=True)


@pytest.mark.parametrize("resource_id", ["garuda", "ebook-gizi", "panduan-klinis"])
def test_every_resource_page_links_to_its_edit_and_broken_link_forms(
    built_site: BuiltSite, resource_id: str
) -> None:
    issues_url = built_site.settings.issues_url
    assert issues_url
    resource = built_site.loaded.resources_by_id[resource_id]
    html = built_site.read(f"sumber/{resource_id}/index.html")
    report = link_named(html, "Laporkan masalah / usulkan perubahan")
    assert form_query(report.attrs["href"], issues_url) == {
        "template": ["ubah-sumber.yml"],
        "title": [f"[Ubah sumber] {resource.name}"],
        "id": [resource_id],
    }
    broken = link_named(html, "Laporkan tautan rusak")
    query = form_query(broken.attrs["href"], issues_url)
    assert query["template"] == ["laporkan-tautan-rusak.yml"] and query["id"] == [resource_id]
    # only the id travels: a members resource's URL stays off the site
    assert resource.url not in report.attrs["href"] + broken.attrs["href"]


def test_a_title_with_markup_and_ampersands_is_encoded(built_site: BuiltSite) -> None:
    # panduan-klinis's name carries <b>, brackets and a javascript: text
    resource = built_site.loaded.resources_by_id["panduan-klinis"]
    href = form_link(
        "https://github.com/o/r/issues", FORMS_BY_KIND["edit"], resource.name, id="a&b"
    )
    query = urlsplit(href).query
    assert " " not in query and "<" not in query and "&b" not in query
    assert parse_qs(query)["id"] == ["a&b"]


def test_the_a_z_page_links_to_the_proposal_form(built_site: BuiltSite) -> None:
    html = built_site.read("katalog/index.html")
    propose = link_named(html, "Usulkan sumber")
    assert form_query(propose.attrs["href"], built_site.settings.issues_url) == {
        "template": ["usulkan-sumber.yml"]
    }


def test_a_form_has_no_input_to_prefill_refuses_the_value() -> None:
    with pytest.raises(ValueError, match="tindakan"):
        form_link("https://github.com/o/r/issues", FORMS_BY_KIND["hide"], tindakan="x")
