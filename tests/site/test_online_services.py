"""The online services: docs/layanan-daring.md + overrides/layanan.html, the announcement bar
and the chat loader of overrides/main.html, all driven by mkdocs.yml `extra`.

Three real `mkdocs build --strict` runs of the fixture catalog: the repository's own `extra`
(the default: no chat, announcement off), every setting filled in (chat, announcement, all
services, with markup in values to prove escaping), and a sparse one (only the OPAC). The
rules: a section is shown exactly when its settings are set; the WhatsApp link carries the
URL-encoded message; the announcement is on every page only when enabled; without chat ids no
file of the site mentions the chat provider; with them every page references the loader (a
file, never inline) and the loader adds the widget only after the window's load event.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from tests.site.html_parts import Element, article, elements
from tests.site.site_build import GOOD_CATALOG, REPO, write_config
from tests.support.site_build import mkdocs_build

OWN_FILES = (
    "layanan-daring.md",
    "javascripts/chat-loader.js",
    "stylesheets/services.css",
)
PAGE = "layanan-daring/index.html"
HARNESS = Path(__file__).resolve().parent / "chat_loader_harness.js"
NODE = shutil.which("node")

PROPERTY_ID = "5f0c0ffee0c0ffee0c0ffee0"
WIDGET_ID = "1abcdef23"
WIDGET_SRC = f"https://embed.tawk.to/{PROPERTY_ID}/{WIDGET_ID}"
ANNOUNCEMENT = "Layanan sirkulasi luring dihentikan sementara; semua layanan dilakukan daring."
MESSAGE = "Halo perpustakaan & pustakawan? Saya #1 — perlu bantuan/info 100%"
EXTENSION_MESSAGE = "Perpanjangan: nomor anggota P2024001"
SCRIPT_PROBE = '<script>alert("x")</script>'
FULL_SERVICES = {
    "sample_data": False,
    "chat": {"tawk_property_id": PROPERTY_ID, "tawk_widget_id": WIDGET_ID},
    "whatsapp": {
        "number": "+62 812-0000-1111",
        "message": MESSAGE,
        "extension_message": EXTENSION_MESSAGE,
    },
    "phone": "(0254) 000-111",
    "email": "layanan@example.ac.id",
    "hours": [
        {"days": "Senin–Kamis", "time": "08.00–16.00 WIB"},
        {"days": "Jumat", "time": f"08.00–11.30 WIB {SCRIPT_PROBE}"},
    ],
    "opac_url": 'https://opac.example.ac.id/?q="><script>alert(1)</script>',
    "member_area_url": "https://opac.example.ac.id/index.php?p=member",
    "repository_url": "https://repository.example.ac.id/",
    "social": [
        {"name": "Instagram", "url": "https://instagram.example/perpus"},
        {"name": f"Kanal {SCRIPT_PROBE}", "url": "https://video.example/perpus"},
    ],
}
FULL_LIBRARY = {
    "name": "Perpustakaan Contoh",
    "address": f"Jl. Contoh No. 1 {SCRIPT_PROBE}",
    "website": "https://perpustakaan.example.ac.id/",
}
ALL_SECTIONS = {
    "layanan-chat",
    "layanan-whatsapp",
    "layanan-kontak",
    "layanan-pinjaman",
    "layanan-perpanjangan",
    "layanan-opac",
    "layanan-repositori",
    "layanan-media-sosial",
}


def build(
    folder: Path,
    *,
    services: dict | None = None,
    announcement: dict | None = None,
    library: dict | None = None,
) -> Path:
    """Build the fixture catalog with this page and, when given, replaced `extra` settings."""
    config_path = write_config(folder)
    docs = folder / "docs"
    for name in OWN_FILES:
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "docs" / name, docs / name)
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["nav"].append({"Layanan daring": "layanan-daring.md"})
    if services is not None:
        config["extra"]["services"] = services
    if announcement is not None:
        config["extra"]["announcement"] = announcement
    if library is not None:
        config["extra"]["library"] = library
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    result = mkdocs_build(config_path, GOOD_CATALOG)
    assert result.returncode == 0, result.stderr
    return folder / "site"


@pytest.fixture(scope="module")
def default_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("services-default"))


@pytest.fixture(scope="module")
def full_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(
        tmp_path_factory.mktemp("services-full"),
        services=FULL_SERVICES,
        announcement={"enabled": True, "text": ANNOUNCEMENT},
        library=FULL_LIBRARY,
    )


@pytest.fixture(scope="module")
def sparse_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(
        tmp_path_factory.mktemp("services-sparse"),
        services={
            "chat": {"tawk_property_id": PROPERTY_ID, "tawk_widget_id": ""},
            "whatsapp": {"number": "", "message": MESSAGE},
            "phone": "",
            "email": "",
            "hours": [],
            "opac_url": "https://opac.example.ac.id/",
            "member_area_url": "",
            "repository_url": "",
            "social": [],
        },
        announcement={"enabled": False, "text": ANNOUNCEMENT},
        library={"name": "Perpustakaan Contoh"},
    )


def html_pages(site: Path) -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in site.rglob("*.html")}


def page_sections(site: Path) -> dict[str, Element]:
    html = article((site / PAGE).read_text(encoding="utf-8"))
    return {section.attrs["id"]: section for section in elements(html, "section")}


def links(site: Path, section: str) -> list[str]:
    html = article((site / PAGE).read_text(encoding="utf-8"))
    return [a.attrs["href"] for a in elements(html, "a") if a.section == section]


# --- the page ---------------------------------------------------------------------------


def test_every_configured_section_is_rendered(full_site: Path) -> None:
    assert set(page_sections(full_site)) == ALL_SECTIONS


def test_sections_with_empty_settings_are_left_out(sparse_site: Path) -> None:
    assert set(page_sections(sparse_site)) == {"layanan-opac"}
    assert links(sparse_site, "layanan-opac") == ["https://opac.example.ac.id/"]
    assert "masih contoh" not in (sparse_site / PAGE).read_text(encoding="utf-8")


def test_default_configuration_shows_every_service_but_chat_and_warns_of_examples(
    default_site: Path,
) -> None:
    assert set(page_sections(default_site)) == ALL_SECTIONS - {"layanan-chat"}
    assert "Data kontak masih contoh" in article((default_site / PAGE).read_text("utf-8"))


def test_whatsapp_link_carries_the_encoded_message(full_site: Path) -> None:
    (href,) = links(full_site, "layanan-whatsapp")
    url = urlsplit(href)
    assert (url.scheme, url.netloc, url.path) == ("https", "wa.me", "/6281200001111")
    assert parse_qs(url.query) == {"text": [MESSAGE]}
    assert " " not in href and "#" not in href


def test_extension_is_requested_with_its_own_whatsapp_message(full_site: Path) -> None:
    wa, mail = links(full_site, "layanan-perpanjangan")
    assert parse_qs(urlsplit(wa).query) == {"text": [EXTENSION_MESSAGE]}
    assert mail.startswith("mailto:layanan@example.ac.id?subject=")


def test_contacts_and_opening_hours_are_listed(full_site: Path) -> None:
    assert links(full_site, "layanan-kontak") == [
        "tel:0254000111",
        "mailto:layanan@example.ac.id",
        "https://perpustakaan.example.ac.id/",
    ]
    html = article((full_site / PAGE).read_text(encoding="utf-8"))
    rows = [
        [cell.text for cell in elements(row, "td")]
        for row in html.split("<tr>")[1:]
        if "<td>" in row
    ]
    assert rows == [
        ["Senin–Kamis", "08.00–16.00 WIB"],
        ["Jumat", f"08.00–11.30 WIB {SCRIPT_PROBE}"],  # the text as typed, see escaping below
    ]


def test_slims_repository_and_social_links(full_site: Path) -> None:
    assert links(full_site, "layanan-pinjaman") == [FULL_SERVICES["member_area_url"]]
    assert links(full_site, "layanan-repositori") == [FULL_SERVICES["repository_url"]]
    assert links(full_site, "layanan-media-sosial") == [
        account["url"] for account in FULL_SERVICES["social"]
    ]
    assert links(full_site, "layanan-chat") == [f"https://tawk.to/chat/{PROPERTY_ID}/{WIDGET_ID}"]


def test_configuration_values_are_escaped(full_site: Path) -> None:
    html = (full_site / PAGE).read_text(encoding="utf-8")
    assert SCRIPT_PROBE not in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert links(full_site, "layanan-opac") == [FULL_SERVICES["opac_url"]]  # attribute intact


# --- the announcement bar ---------------------------------------------------------------


def test_announcement_is_on_every_page_when_enabled(full_site: Path) -> None:
    pages = html_pages(full_site)
    assert len(pages) > 5
    for path, html in pages.items():
        banners = [
            p for p in elements(html, "p") if "portal-announcement" in p.attrs.get("class", "")
        ]
        assert len(banners) == 1, path
        assert ANNOUNCEMENT in " ".join(banners[0].text.split()), path


@pytest.mark.parametrize("site_name", ["default_site", "sparse_site"])
def test_no_announcement_when_disabled(site_name: str, request: pytest.FixtureRequest) -> None:
    for path, html in html_pages(request.getfixturevalue(site_name)).items():
        assert "md-banner" not in html, path
        assert "portal-announcement" not in html, path


# --- the chat ---------------------------------------------------------------------------


@pytest.mark.parametrize("site_name", ["default_site", "sparse_site"])
def test_without_chat_ids_no_file_mentions_the_chat(
    site_name: str, request: pytest.FixtureRequest
) -> None:
    site: Path = request.getfixturevalue(site_name)
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            assert b"tawk" not in data.lower(), path
    for path, html in html_pages(site).items():
        assert "chat-loader" not in html, path


def test_with_chat_ids_every_page_loads_the_chat_after_the_page(full_site: Path) -> None:
    for path, html in html_pages(full_site).items():
        scripts = elements(html, "script")
        loaders = [s for s in scripts if s.attrs.get("src", "").endswith("chat-loader.js")]
        assert len(loaders) == 1, path
        (loader,) = loaders
        assert loader.attrs["data-chat-src"] == WIDGET_SRC, path
        assert "defer" in loader.attrs and loader.text.strip() == "", path
        for script in scripts:  # no inline chat code, no third-party script in the page
            assert "tawk" not in script.text.lower(), path
            assert not script.attrs.get("src", "").startswith(("http:", "https:", "//")), path


def test_loader_waits_for_the_load_event() -> None:
    code = (REPO / "docs" / "javascripts" / "chat-loader.js").read_text(encoding="utf-8")
    assert 'addEventListener("load"' in code
    assert "tawk" not in code.lower()  # the provider is named only by the configuration


def run_loader(src: str, ready_state: str = "loading", runs: int = 1) -> dict:
    script = REPO / "docs" / "javascripts" / "chat-loader.js"
    result = subprocess.run(
        [NODE, str(HARNESS), str(script), src, ready_state, str(runs)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return yaml.safe_load(result.stdout)  # JSON is YAML


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
class TestLoaderUnderNode:
    def test_adds_the_widget_async_only_after_load(self) -> None:
        outcome = run_loader(WIDGET_SRC)
        assert outcome["beforeLoad"] == 0
        assert outcome["listenedTo"] == ["load"]
        assert outcome["added"] == [{"tag": "script", "src": WIDGET_SRC, "async": True}]

    def test_adds_the_widget_once_when_run_again(self) -> None:
        outcome = run_loader(WIDGET_SRC, runs=2)
        assert outcome["beforeLoad"] == 0
        assert len(outcome["added"]) == 1

    def test_page_already_loaded_adds_the_widget_at_once(self) -> None:
        outcome = run_loader(WIDGET_SRC, ready_state="complete")
        assert outcome["beforeLoad"] == 1
        assert outcome["listenedTo"] == []

    @pytest.mark.parametrize("src", ["", "http://insecure.example/widget", "javascript:alert(1)"])
    def test_adds_nothing_without_an_https_address(self, src: str) -> None:
        outcome = run_loader(src)
        assert outcome == {"beforeLoad": 0, "listenedTo": [], "added": []}
