"""The fixture catalog built with `mkdocs build --strict`: what each generated page holds."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
from tests.site.html_parts import article, block, elements, references
from tests.site.site_build import FUNCTION_URL, BuiltSite

AVAILABLE = {
    "garuda",
    "proquest-health",
    "ebook-gizi",
    "panduan-klinis",
    "kalkulator-gizi",
    "atlas-anatomi",
}
MEMBERS_URL_PARTS = ("secret-members.example.org", "RAHASIA-123")
EXPIRED_PARTS = ("arsip-kedaluwarsa", "Arsip Zyx", "Zyx Lama", "expired-zyx")


def every_output_text(site: Path) -> dict[Path, str]:
    """Every file of the built site as text (gzip files decompressed), binaries skipped."""
    texts = {}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        try:
            texts[path] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return texts


def az_items(built_site: BuiltSite) -> list:
    return [
        li
        for li in elements(built_site.read("katalog/index.html"), "li")
        if "az-item" in li.attrs.get("class", "").split()
    ]


def test_every_generated_page_is_published(built_site: BuiltSite) -> None:
    expected = [
        "index.html",
        "katalog/index.html",
        "subjek/index.html",
        *(f"subjek/{s}/index.html" for s in ("umum", "keperawatan", "gizi")),
        *(f"jenis/{t}/index.html" for t in ("journal", "ebook", "database", "multimedia")),
        *(f"akses/{a}/index.html" for a in ("free", "paid", "members")),
        *(f"sumber/{r}/index.html" for r in AVAILABLE),
        "resources.json",
        "resources.csv",
    ]
    missing = [path for path in expected if not (built_site.site / path).is_file()]
    assert missing == []
    assert {p.name for p in (built_site.site / "sumber").iterdir()} == AVAILABLE


def test_generated_markdown_is_not_written_into_docs(built_site: BuiltSite) -> None:
    docs = built_site.config.parent / "docs"
    assert sorted(p.name for p in docs.rglob("*.md")) == ["akun.md"]


def test_home_has_search_box_featured_new_and_trials(built_site: BuiltSite) -> None:
    content = article(built_site.read("index.html"))
    form = elements(content, "form")[0]
    assert form.attrs["action"] == "cari/"  # the Pagefind search page
    assert [i.attrs["name"] for i in elements(content, "input")] == ["q"]
    headings = [h.text for h in elements(content, "h2")]
    assert headings[:3] == ["Pilihan pustakawan", "Baru ditambahkan", "Uji coba"]
    featured, recent, trials = content.split("<h2")[1:4]
    assert "sumber/garuda/" in featured and "sumber/proquest-health/" not in featured
    assert "sumber/proquest-health/" in trials and "sumber/garuda/" not in trials
    dates = [t.attrs["datetime"] for t in elements(recent, "time")]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == "2025-08-17"


def test_az_lists_each_available_resource_once_by_letter(built_site: BuiltSite) -> None:
    main = [li for li in az_items(built_site) if "az-item--alternate" not in li.attrs["class"]]
    links = [
        a.attrs["href"]
        for a in elements(built_site.read("katalog/index.html"), "a")
        if "az-item__name" in a.attrs.get("class", "")
    ]
    assert len(main) == len(AVAILABLE)
    assert sorted(links) == sorted(f"../sumber/{r}/" for r in AVAILABLE)
    sections = {li.text.split(" ")[0]: li.section for li in main}
    assert sections["Garuda"] == "huruf-g"
    assert sections["3D"] == "huruf-lain"
    assert sections["=1+1"] == "huruf-lain"
    assert sections["ProQuest"] == "huruf-p"


def test_az_lists_alternate_names_under_their_own_letter(built_site: BuiltSite) -> None:
    html = built_site.read("katalog/index.html")
    alternates = {
        li.text.split(" → ")[0]: li
        for li in az_items(built_site)
        if "az-item--alternate" in li.attrs["class"]
    }
    assert set(alternates) == {"Portal Rujukan Nasional", "Garba Rujukan Digital", "Anatomi 3D"}
    assert alternates["Portal Rujukan Nasional"].section == "huruf-p"
    assert alternates["Garba Rujukan Digital"].section == "huruf-g"
    assert alternates["Anatomi 3D"].section == "huruf-a"
    assert "lihat Garuda (Garba Rujukan Digital)" in alternates["Garba Rujukan Digital"].text
    assert 'href="#huruf-a"' in html and 'href="#huruf-b"' not in html


def test_az_items_carry_the_filter_data(built_site: BuiltSite) -> None:
    items = {li.text.split(" ")[0]: li.attrs for li in az_items(built_site)}
    garuda = items["Garuda"]
    assert garuda["data-subjects"] == "umum keperawatan"
    assert garuda["data-type"] == "database"
    assert garuda["data-access"] == "free"
    assert "garba rujukan digital" in garuda["data-text"]
    assert "kemdikbudristek" in garuda["data-text"]
    assert items["Koleksi"]["data-access"] == "members"


def test_az_filter_form_is_hidden_without_javascript(built_site: BuiltSite) -> None:
    html = built_site.read("katalog/index.html")
    form = next(f for f in elements(html, "form") if f.attrs.get("id") == "az-filter")
    assert "hidden" in form.attrs
    selects = {s.attrs["name"]: s for s in elements(html, "select")}
    assert set(selects) == {"subjek", "jenis", "akses"}
    assert 'src="../javascripts/az-filter.js"' in html


def test_az_page_is_light_and_kept_out_of_search(built_site: BuiltSite) -> None:
    html = built_site.read("katalog/index.html")
    assert "Mencakup ribuan jurnal" not in html  # only the first sentence of descriptions
    assert "data-pagefind-body" not in html  # Pagefind indexes resource pages only
    assert "data-pagefind-body" in built_site.read("sumber/garuda/index.html")


def test_subject_type_and_access_pages_list_their_resources(built_site: BuiltSite) -> None:
    def listed(page: str) -> set[str]:
        content = article(built_site.read(page))
        return {
            PurePosixPath(a.attrs["href"]).name
            for a in elements(content, "a")
            if "portal-list__name" in a.attrs.get("class", "")
        }

    assert listed("subjek/gizi/index.html") == {"ebook-gizi", "proquest-health", "kalkulator-gizi"}
    assert listed("subjek/umum/index.html") == {"garuda"}
    assert listed("jenis/database/index.html") == {"garuda", "proquest-health"}
    assert listed("jenis/journal/index.html") == set()
    assert listed("akses/paid/index.html") == {"proquest-health", "atlas-anatomi"}
    assert listed("akses/members/index.html") == {"ebook-gizi"}
    assert "<h1>Sumber khusus anggota</h1>" in built_site.read("akses/members/index.html")
    assert "<h1>Basis data</h1>" in built_site.read("jenis/database/index.html")
    assert "<h1>Gizi</h1>" in built_site.read("subjek/gizi/index.html")
    subjects = article(built_site.read("subjek/index.html"))
    assert "Program studi gizi &amp; dietetika." in subjects


def test_resource_page_shows_every_field(built_site: BuiltSite) -> None:
    content = article(built_site.read("sumber/proquest-health/index.html"))
    assert "<h1>ProQuest Health &amp; Medical Collection</h1>" in content
    assert 'class="portal-access portal-access--paid">Langganan<' in content
    assert 'class="portal-badge portal-badge--trial">Uji coba<' in content
    notice = next(d for d in elements(content, "div") if "admonition" in d.attrs["class"])
    assert "warning" in notice.attrs["class"].split()
    assert "Sedang gangguan akses dari luar kampus" in notice.text
    terms, details = elements(content, "dt"), elements(content, "dd")
    facts = {dt.text: dd.text for dt, dd in zip(terms, details, strict=True)}
    assert facts["Akses"] == "Langganan"
    assert facts["Jenis"] == "Basis data"
    assert facts["Subjek"] == "Keperawatan, Gizi"
    assert facts["Penyedia"] == "ProQuest"
    assert facts["Bahasa"] == "Inggris"
    assert facts["Ditambahkan"] == "1 Februari 2024"
    assert "Gunakan jaringan kampus atau login proxy perpustakaan." in content


def open_button(built_site: BuiltSite, resource_id: str) -> str:
    content = article(built_site.read(f"sumber/{resource_id}/index.html"))
    return next(a for a in elements(content, "a") if a.text == "Buka sumber").attrs["href"]


def test_proxy_template_takes_the_whole_url_encoded(built_site: BuiltSite) -> None:
    # paid: through the proxy by default; `{qurl}` keeps the query and fragment inside the
    # proxy's one parameter, where the proxy decodes them back
    href = open_button(built_site, "proquest-health")
    assert href == (
        "https://proxy.example.ac.id/login?qurl=https%3A%2F%2Fwww.proquest.com%2Fhealthcomplete"
        "%3Faccountid%3D4711%26lang%3Did%23hasil"
    )
    query = parse_qs(urlsplit(href).query)
    assert query == {
        "qurl": ["https://www.proquest.com/healthcomplete?accountid=4711&lang=id#hasil"]
    }
    assert urlsplit(href).fragment == ""


def test_the_proxy_field_overrides_the_access_default(built_site: BuiltSite) -> None:
    # `proxy: false` on a paid resource, `proxy: true` on a free one
    assert open_button(built_site, "atlas-anatomi") == (
        "https://atlas.example.org/viewer?organ=jantung&view=3d#bilik-kiri"
    )
    assert open_button(built_site, "kalkulator-gizi") == (
        "https://proxy.example.ac.id/login?qurl=https%3A%2F%2Fkalkulator.example.org%2F"
    )
    assert open_button(built_site, "garuda") == "https://garuda.kemdikbud.go.id/"


def test_members_link_goes_to_the_function(built_site: BuiltSite) -> None:
    content = article(built_site.read("sumber/ebook-gizi/index.html"))
    button = next(a for a in elements(content, "a") if a.text == "Buka sumber")
    assert button.attrs["href"] == f"{FUNCTION_URL}/go/ebook-gizi"
    assert "Khusus anggota" in content


def test_members_url_appears_nowhere(built_site: BuiltSite) -> None:
    texts = every_output_text(built_site.site)
    assert len(texts) > 20
    leaks = [
        (str(path), part)
        for path, text in texts.items()
        for part in MEMBERS_URL_PARTS
        if part in text
    ]
    assert leaks == []


def test_expired_resource_is_absent_everywhere(built_site: BuiltSite) -> None:
    assert not (built_site.site / "sumber" / "arsip-kedaluwarsa").exists()
    leaks = [
        (str(path), part)
        for path, text in every_output_text(built_site.site).items()
        for part in EXPIRED_PARTS
        if part in text
    ]
    assert leaks == []


def test_markup_in_fields_is_shown_as_text(built_site: BuiltSite) -> None:
    html = built_site.read("sumber/panduan-klinis/index.html")
    assert "Pedoman praktik klinis. &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<title>Panduan &lt;b&gt;Klinis&lt;/b&gt; [klik](javascript:alert(3))" in html
    for path, text in every_output_text(built_site.site).items():
        if path.suffix in {".html", ".json", ".xml"}:
            assert "<script>alert" not in text, path
            assert "<img src=x" not in text, path
            assert "<b>Klinis" not in text, path
            assert 'href="javascript:' not in text, path
            assert "<strong>tebal" not in text, path


def test_edit_link_points_at_the_entry_line(built_site: BuiltSite) -> None:
    lines = built_site.catalog.read_text(encoding="utf-8").splitlines()
    line = lines.index("  - id: proquest-health") + 1
    content = article(built_site.read("sumber/proquest-health/index.html"))
    edit = next(a for a in elements(content, "a") if a.text.startswith("Sunting"))
    assert edit.attrs["href"] == f"{built_site.settings.edit_url}#L{line}"


def test_every_internal_link_of_the_site_resolves(built_site: BuiltSite) -> None:
    """The generated pages skip Markdown, so MkDocs validates none of their links: every
    relative URL of every built page must reach a file, and its #fragment an id there."""
    site = built_site.site
    pages = {page: references(page.read_text(encoding="utf-8")) for page in site.rglob("*.html")}
    assert len(pages) > 20
    broken, checked = [], 0
    for page, (urls, _) in pages.items():
        base = "/" + page.relative_to(site).as_posix()
        for url in urls:
            parts = urlsplit(urljoin(base, url))
            if parts.scheme or parts.netloc:
                continue
            checked += 1
            target = site / unquote(parts.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            fragment = unquote(parts.fragment)
            if not target.is_file() or (fragment and fragment not in pages[target][1]):
                broken.append((base, url))
    assert broken == []
    assert checked > 300


def test_generated_pages_keep_their_headings_and_toc(built_site: BuiltSite) -> None:
    page = built_site.read("sumber/garuda/index.html")
    toc = block(page, '<nav class="md-nav md-nav--secondary"', "</nav>")
    assert [a.attrs["href"] for a in elements(toc, "a")] == ["#cara-mengakses", "#keterangan"]
    assert '<a href="#cara-mengakses" class="md-skip">' in page
    home = built_site.read("index.html")
    assert '<h1 id="e-resource-perpustakaan">E-resource Perpustakaan</h1>' in home
    toc = block(home, '<nav class="md-nav md-nav--secondary"', "</nav>")
    assert [a.text.strip() for a in elements(toc, "a")] == [
        "Pilihan pustakawan",
        "Baru ditambahkan",
        "Uji coba",
        "Jelajahi menurut",
    ]
    [title] = elements(article(page), "h1")
    assert title.text == "Garuda (Garba Rujukan Digital)"


def test_resource_pages_stay_out_of_the_navigation(built_site: BuiltSite) -> None:
    page = built_site.read("sumber/garuda/index.html")
    nav = block(
        page, '<nav class="md-nav md-nav--primary"', '<div class="md-sidebar md-sidebar--secondary"'
    )
    links = [a.attrs["href"] for a in elements(nav, "a")]
    assert any(href.endswith("katalog/") for href in links)
    assert not any("sumber/" in href for href in links)


def test_json_export_holds_every_available_resource(built_site: BuiltSite) -> None:
    text = built_site.read("resources.json")
    records = {record["id"]: record for record in json.loads(text)}
    assert set(records) == AVAILABLE
    assert records["ebook-gizi"]["url"] == f"{FUNCTION_URL}/go/ebook-gizi"
    assert records["proquest-health"]["url"] == open_button(built_site, "proquest-health")
    assert records["garuda"]["url"] == "https://garuda.kemdikbud.go.id/"
    assert records["garuda"]["subjects"] == ["umum", "keperawatan"]
    assert records["garuda"]["page"] == "sumber/garuda/"
    assert records["panduan-klinis"]["description"].endswith("<script>alert(1)</script>")
    assert "<" not in text  # markup characters are \u-escaped in the file itself
    assert len(text.splitlines()) == len(AVAILABLE) + 2  # "[", one record per line, "]"


def test_csv_export_neutralises_formulas(built_site: BuiltSite) -> None:
    raw = (built_site.site / "resources.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))}
    assert set(rows) == AVAILABLE
    row = rows["kalkulator-gizi"]
    assert row["name"] == "'=1+1 Kalkulator Gizi"
    assert row["description"].startswith("'-2 kalori")
    assert row["provider"] == "'+Penerbit Rumus"
    assert row["keywords"] == "'@SUM(A1)"
    assert rows["ebook-gizi"]["url"] == f"{FUNCTION_URL}/go/ebook-gizi"
    assert rows["garuda"]["alt_names"] == "Portal Rujukan Nasional; Garba Rujukan Digital"


@pytest.mark.parametrize("page", ["index.html", "sumber/garuda/index.html"])
def test_site_is_in_indonesian(built_site: BuiltSite, page: str) -> None:
    assert '<html lang="id"' in built_site.read(page)
