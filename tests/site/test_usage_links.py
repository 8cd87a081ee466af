"""Every link that opens a resource keeps its real (or proxied, or /go/) URL and reports the use
beside it: `ping` and `data-use` to the function's /api/use/<id> for free and paid resources,
nothing extra for members-only ones (/go/ counts them); `count_uses: false` turns it off."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tests.site.html_parts import article, elements
from tests.site.site_build import FUNCTION_URL, GOOD_CATALOG, BuiltSite, write_config
from tests.support.site_build import mkdocs_build

from catalog.links import resource_link

PAGES = (
    "index.html",
    "katalog/index.html",
    "subjek/gizi/index.html",
    "jenis/database/index.html",
    "akses/free/index.html",
    "akses/paid/index.html",
    "akses/members/index.html",
    "sumber/garuda/index.html",
    "sumber/proquest-health/index.html",
    "sumber/ebook-gizi/index.html",
)


def resource_links(built_site: BuiltSite, page: str) -> dict[str, list]:
    """Resource id → the links of `page`'s content that open that resource itself."""
    targets = {
        resource_link(resource, built_site.settings): resource.id
        for resource in built_site.loaded.catalog.resources
    }
    found: dict[str, list] = {}
    for link in elements(article(built_site.read(page)), "a"):
        resource_id = targets.get(link.attrs.get("href", ""))
        if resource_id is not None:
            found.setdefault(resource_id, []).append(link)
    return found


@pytest.mark.parametrize("page", PAGES)
def test_resource_links_keep_their_url_and_report_the_use(built_site: BuiltSite, page: str) -> None:
    found = resource_links(built_site, page)
    assert found, f"{page} links to no resource"
    access = {r.id: r.access.value for r in built_site.loaded.catalog.resources}
    for resource_id, links in found.items():
        for link in links:
            if access[resource_id] == "members":
                assert link.attrs["href"] == f"{FUNCTION_URL}/go/{resource_id}"
                assert "ping" not in link.attrs and "data-use" not in link.attrs
            else:
                counter = f"{FUNCTION_URL}/api/use/{resource_id}"
                assert link.attrs["ping"] == counter
                assert link.attrs["data-use"] == counter
                assert not link.attrs["href"].startswith(FUNCTION_URL)


def test_list_pages_open_each_resource_from_its_line(built_site: BuiltSite) -> None:
    for page in ("index.html", "katalog/index.html", "akses/paid/index.html"):
        links = [
            link
            for link in elements(article(built_site.read(page)), "a")
            if "portal-open" in link.attrs.get("class", "").split()
        ]
        assert links
        assert all(link.text == "Buka" for link in links)
        assert all(link.attrs["aria-label"].startswith("Buka ") for link in links)


def test_every_page_loads_the_counting_script(built_site: BuiltSite) -> None:
    for page in PAGES:
        scripts = [s.attrs.get("src", "") for s in elements(built_site.read(page), "script")]
        assert any(src.endswith("javascripts/usage-count.js") for src in scripts), page


def test_counting_can_be_turned_off(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["extra"]["catalog"]["count_uses"] = False
    config.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), "utf-8")
    result = mkdocs_build(config, GOOD_CATALOG)
    assert result.returncode == 0, result.stderr
    for page in PAGES:
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert "ping=" not in html and "data-use" not in html and "/api/use/" not in html
        assert "usage-count.js" not in html


def test_a_count_uses_that_is_not_a_flag_is_refused(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["extra"]["catalog"]["count_uses"] = "ya"
    config.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), "utf-8")
    result = mkdocs_build(config, GOOD_CATALOG)
    assert result.returncode != 0
    assert "extra.catalog.count_uses must be true or false" in result.stderr + result.stdout
