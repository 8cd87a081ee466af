"""What search engines and link previews read from the built site: schema.org JSON-LD (the
library on the home page, each resource as its type), Open Graph tags, robots.txt, sitemap."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest
import yaml
from tests.site.html_parts import elements
from tests.site.site_build import FUNCTION_URL, GOOD_CATALOG, BuiltSite

from catalog.loader import load_catalog
from catalog.pages import generate_site_files
from catalog.site_settings import SiteLibrary, SiteSettings

SITE_URL = "http://127.0.0.1:8000/"  # site_url of the repository's mkdocs.yml
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def json_ld(html: str) -> list[dict]:
    scripts = [s for s in elements(html, "script") if s.attrs.get("type") == "application/ld+json"]
    return [json.loads(script.text) for script in scripts]


def open_graph(html: str) -> dict[str, str]:
    return {
        meta.attrs["property"]: meta.attrs["content"]
        for meta in elements(html, "meta")
        if meta.attrs.get("property", "").startswith("og:")
    }


def test_home_describes_the_library(built_site: BuiltSite) -> None:
    [data] = json_ld(built_site.read("index.html"))
    extra = yaml.safe_load(built_site.config.read_text(encoding="utf-8"))["extra"]
    library, services = extra["library"], extra["services"]
    assert data == {
        "@context": "https://schema.org",
        "@type": "Library",
        "name": library["name"],
        "alternateName": library["short_name"],
        "url": SITE_URL,
        "description": (
            "Jurnal, e-book, basis data dan repositori untuk mahasiswa, dosen dan tenaga "
            "kependidikan."
        ),
        "email": services["email"],
        "telephone": services["phone"],
        "address": library["address"],
    }


def test_the_library_logo_and_website_when_set() -> None:
    settings = SiteSettings(
        function_url=FUNCTION_URL,
        site_url=SITE_URL,
        library=SiteLibrary(
            name="Perpustakaan Contoh",
            short_name="Perpustakaan Contoh",
            website="https://perpustakaan.example.ac.id/",
            logo="assets/logo.png",
        ),
    )
    files = generate_site_files(load_catalog(GOOD_CATALOG), settings, date(2026, 1, 1))
    [home] = json_ld(files["index.md"])
    assert home["logo"] == f"{SITE_URL}assets/logo.png"
    assert home["sameAs"] == "https://perpustakaan.example.ac.id/"
    assert "alternateName" not in home  # the same as the name


@pytest.mark.parametrize(
    ("resource_id", "schema_type", "free"),
    [
        ("garuda", "Dataset", True),
        ("proquest-health", "Dataset", False),
        ("ebook-gizi", "Book", False),
        ("panduan-klinis", "WebSite", True),
        ("atlas-anatomi", "WebSite", False),
    ],
)
def test_each_resource_is_its_schema_type(
    built_site: BuiltSite, resource_id: str, schema_type: str, free: bool
) -> None:
    [data] = json_ld(built_site.read(f"sumber/{resource_id}/index.html"))
    page = f"{SITE_URL}sumber/{resource_id}/"
    assert data["@context"] == "https://schema.org"
    assert (data["@type"], data["@id"], data["mainEntityOfPage"]) == (schema_type, page, page)
    assert data["isAccessibleForFree"] is free
    assert data["name"] and data["description"] and data["url"].startswith("https://")


def test_resource_fields_come_from_the_catalog(built_site: BuiltSite) -> None:
    [garuda] = json_ld(built_site.read("sumber/garuda/index.html"))
    assert garuda["name"] == "Garuda (Garba Rujukan Digital)"
    assert garuda["alternateName"] == ["Portal Rujukan Nasional", "Garba Rujukan Digital"]
    assert garuda["url"] == "https://garuda.kemdikbud.go.id/"
    assert garuda["provider"] == {"@type": "Organization", "name": "Kemdikbudristek"}
    assert garuda["inLanguage"] == ["id", "en"]
    assert garuda["keywords"] == "jurnal indonesia, sinta"
    assert garuda["about"] == ["Umum", "Keperawatan"]
    # markup in the catalog stays text: parsed back exactly, never closing the script early
    [klinis] = json_ld(built_site.read("sumber/panduan-klinis/index.html"))
    assert klinis["description"] == "Pedoman praktik klinis. <script>alert(1)</script>"
    assert "provider" not in klinis and "inLanguage" not in klinis  # empty values left out


def test_members_resource_carries_its_go_link(built_site: BuiltSite) -> None:
    [data] = json_ld(built_site.read("sumber/ebook-gizi/index.html"))
    assert data["url"] == f"{FUNCTION_URL}/go/ebook-gizi"
    assert data["isAccessibleForFree"] is False


def test_open_graph_on_home_and_resource_pages(built_site: BuiltSite) -> None:
    home = open_graph(built_site.read("index.html"))
    assert home["og:url"] == SITE_URL
    assert home["og:title"] == "Beranda"
    site_name = yaml.safe_load(built_site.config.read_text(encoding="utf-8"))["site_name"]
    assert home["og:site_name"] == site_name
    assert home["og:locale"] == "id_ID"
    tags = open_graph(built_site.read("sumber/proquest-health/index.html"))
    assert tags["og:title"] == "ProQuest Health & Medical Collection"
    assert tags["og:description"] == "Basis data jurnal kesehatan dan kedokteran berlangganan."
    assert tags["og:url"] == f"{SITE_URL}sumber/proquest-health/"
    klinis = open_graph(built_site.read("sumber/panduan-klinis/index.html"))
    assert klinis["og:title"].startswith("Panduan <b>Klinis</b>")  # text, escaped once


def test_robots_names_the_sitemap_and_the_sitemap_lists_every_resource(
    built_site: BuiltSite,
) -> None:
    robots = built_site.read("robots.txt").splitlines()
    assert robots == ["User-agent: *", "Allow: /", f"Sitemap: {SITE_URL}sitemap.xml"]
    tree = ET.fromstring(built_site.read("sitemap.xml"))
    listed = {loc.text for loc in tree.findall("s:url/s:loc", SITEMAP_NS)}
    resources = {f"{SITE_URL}sumber/{r.id}/" for r in built_site.loaded.catalog.resources}
    expired = {f"{SITE_URL}sumber/arsip-kedaluwarsa/"}
    assert resources - expired <= listed
    assert not expired & listed
    assert {SITE_URL, f"{SITE_URL}katalog/"} <= listed


def test_without_a_site_url_nothing_claims_an_address() -> None:
    settings = SiteSettings(
        function_url=FUNCTION_URL, library=SiteLibrary(name="Perpustakaan Contoh")
    )
    files = generate_site_files(load_catalog(GOOD_CATALOG), settings, date(2026, 1, 1))
    assert files["robots.txt"] == "User-agent: *\nAllow: /\n"
    [home] = json_ld(files["index.md"])
    assert home == {
        "@context": "https://schema.org",
        "@type": "Library",
        "name": "Perpustakaan Contoh",
    }
    [garuda] = json_ld(files["sumber/garuda.md"])
    assert "@id" not in garuda and "mainEntityOfPage" not in garuda
