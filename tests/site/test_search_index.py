"""The built site's search: Pagefind's index (Indonesian) written by hooks/search_index.py,
resource pages marked for it with their filters, the search page, and no lunr search."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from tests.site.html_parts import article, elements
from tests.site.site_build import REPO, BuiltSite


def test_pagefind_indexes_the_resource_pages_in_indonesian(built_site: BuiltSite) -> None:
    entry = json.loads(built_site.read("pagefind/pagefind-entry.json"))
    assert list(entry["languages"]) == ["id"]
    available = [r for r in built_site.loaded.catalog.resources if r.id != "arsip-kedaluwarsa"]
    assert entry["languages"]["id"]["page_count"] == len(available)  # resource pages only
    for bundle_file in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "wasm.id.pagefind"):
        assert (built_site.site / "pagefind" / bundle_file).is_file()


def test_resource_pages_mark_what_is_searched_and_filtered(built_site: BuiltSite) -> None:
    content = article(built_site.read("sumber/garuda/index.html"))
    [body] = [e for e in elements(content, "div") if "data-pagefind-body" in e.attrs]
    assert "Garuda (Garba Rujukan Digital)" in body.text  # the name, as the result's title
    assert "Portal Rujukan Nasional" in body.text and "jurnal indonesia" in body.text
    assert "Indeks artikel jurnal ilmiah Indonesia" in body.text
    filters = {
        (e.attrs["data-pagefind-filter"], e.text)
        for e in elements(content, "a")
        if "data-pagefind-filter" in e.attrs
    }
    assert filters == {
        ("Akses", "Gratis"),
        ("Jenis", "Basis data"),
        ("Subjek", "Umum"),
        ("Subjek", "Keperawatan"),
    }
    ignored = [
        e.attrs.get("class") for e in elements(content, "p") if "data-pagefind-ignore" in e.attrs
    ]
    assert "portal-resource__open" in ignored  # "Buka sumber" is on every page


def test_search_page_loads_pagefind_from_the_site(built_site: BuiltSite) -> None:
    content = article(built_site.read("cari/index.html"))
    [ui] = [e for e in elements(content, "div") if e.attrs.get("id") == "portal-search"]
    assert (ui.attrs["data-bundle"], ui.attrs["data-base"]) == ("../pagefind/", "../")
    scripts = [e.attrs["src"] for e in elements(content, "script")]
    assert scripts == ["../pagefind/pagefind-ui.js", "../javascripts/search-page.js"]
    assert not any(src.startswith(("http:", "https:", "//")) for src in scripts)  # offline
    assert "katalog A–Z" in content  # the way without JavaScript


def test_materials_lunr_search_is_gone(built_site: BuiltSite) -> None:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["plugins"] == []  # an absent key would bring MkDocs' search back
    assert "hooks/search_index.py" in config["hooks"]
    assert not (built_site.site / "search").exists()
    assert "md-search" not in built_site.read("index.html")


def test_search_page_script_is_shipped(built_site: BuiltSite) -> None:
    script = Path(built_site.site / "javascripts" / "search-page.js").read_text(encoding="utf-8")
    assert "new PagefindUI" in script and "triggerSearch" in script
