"""The plain generator, its helpers, scripts/build_pages.py, and a failing build."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from tests.site.site_build import BAD_CATALOG, GOOD_CATALOG, REPO, BuiltSite, write_config
from tests.support.site_build import mkdocs_build

from catalog.exports import neutralize_cell
from catalog.links import page_url, root_of
from catalog.loader import load_catalog
from catalog.pages import front_matter, generate_site_files
from catalog.site_settings import SettingsError, SiteSettings
from catalog.views import fold, letter_of, summarize

SETTINGS = SiteSettings(function_url="https://fungsi.example.ac.id")


@pytest.mark.parametrize(
    ("src", "url", "root"),
    [
        ("index.md", "", ""),
        ("katalog/index.md", "katalog/", "../"),
        ("sumber/garuda.md", "sumber/garuda/", "../../"),
    ],
)
def test_page_urls_follow_mkdocs_directory_urls(src: str, url: str, root: str) -> None:
    assert page_url(src, SETTINGS) == url
    assert root_of(src, SETTINGS) == root


def test_page_urls_without_directory_urls() -> None:
    flat = SiteSettings(function_url="https://f.example", directory_urls=False)
    assert page_url("sumber/garuda.md", flat) == "sumber/garuda.html"
    assert root_of("sumber/garuda.md", flat) == "../"
    assert root_of("index.md", flat) == ""


@pytest.mark.parametrize(
    ("name", "letter"),
    [("Garuda", "G"), ("élan", "E"), ("3D Atlas", "#"), ("=rumus", "#"), ("  ovid", "O")],
)
def test_letter_of(name: str, letter: str) -> None:
    assert letter_of(name) == letter


def test_fold_ignores_case_accents_and_spacing() -> None:
    assert fold("  Énsiklopedia   KESEHATAN ") == "ensiklopedia kesehatan"


def test_summarize_keeps_the_first_sentence_and_cuts_long_ones() -> None:
    assert summarize("Satu kalimat. Kalimat kedua.") == "Satu kalimat."
    long = "kata " * 60
    summary = summarize(long, limit=40)
    assert summary.endswith("…") and len(summary) <= 41
    assert "  " not in summary


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+62", "'+62"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Garuda", "Garuda"),
        ("", ""),
    ],
)
def test_neutralize_cell(cell: str, safe: str) -> None:
    assert neutralize_cell(cell) == safe


def test_front_matter_quotes_and_escapes() -> None:
    value = 'a: "b" <i>\n😀 ---'
    assert yaml.safe_load(f"title: {front_matter(value)}")["title"] == (
        "a: &#34;b&#34; &lt;i&gt;\n😀 ---"
    )
    # what YAML would reject or read as a line break comes back unchanged too
    odd = "tab\there \\ \x7f \x85 \x9f \u2028 \u2029 \ufeff \ufffe end"
    quoted = front_matter(odd)
    assert "\n" not in quoted
    assert yaml.safe_load(f"title: {quoted}")["title"] == odd


def test_settings_are_checked() -> None:
    with pytest.raises(SettingsError, match="function_url is required"):
        SiteSettings.from_extra({"catalog": {}})
    with pytest.raises(SettingsError, match="proxy_template: URL harus"):
        SiteSettings.from_extra(
            {"catalog": {"function_url": "https://f.example", "proxy_prefix": "javascript:x"}}
        )
    settings = SiteSettings.from_extra({"catalog": {"function_url": "https://f.example/"}})
    assert settings.function_url == "https://f.example"
    assert (settings.proxy_template, settings.edit_url, settings.catalog_file) == (
        "",
        "",
        "resources.yml",
    )


def test_generator_drops_expired_resources_by_date() -> None:
    loaded = load_catalog(GOOD_CATALOG)
    before = generate_site_files(loaded, SETTINGS, date(2020, 6, 1))
    after = generate_site_files(loaded, SETTINGS, date(2021, 1, 1))
    assert "sumber/arsip-kedaluwarsa.md" in before
    assert "sumber/arsip-kedaluwarsa.md" not in after


def test_build_pages_script_writes_the_same_files(built_site: BuiltSite, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "build_pages.py"),
            str(out),
            "--config",
            str(built_site.config),
            "--catalog",
            str(built_site.catalog),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    expected = generate_site_files(
        built_site.loaded, built_site.settings, built_site.settings.today()
    )
    written = {
        path.relative_to(out).as_posix(): path.read_bytes().decode("utf-8")
        for path in out.rglob("*")
        if path.is_file()
    }
    assert written == expected


def test_build_pages_script_reports_every_problem(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "scripts/build_pages.py",
            str(tmp_path / "out"),
            "--catalog",
            "tests/site/fixtures/bad.yml",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "tests/site/fixtures/bad.yml:9: garuda: " in result.stderr
    assert "tests/site/fixtures/bad.yml:18: jahat: " in result.stderr
    assert not (tmp_path / "out").exists()


def test_bad_catalog_fails_the_build_with_every_problem(tmp_path: Path) -> None:
    result = mkdocs_build(write_config(tmp_path), BAD_CATALOG)
    assert result.returncode != 0
    shown = str(BAD_CATALOG.relative_to(REPO))
    lines = BAD_CATALOG.read_text(encoding="utf-8").splitlines()
    typo = lines.index("    acess: free") + 1
    bad_url = lines.index("    url: javascript:alert(1)") + 1
    assert f"{shown}:{typo}: garuda: " in result.stderr
    assert f"{shown}:{bad_url}: jahat: " in result.stderr
    assert "Katalog tidak valid (2 masalah)" in result.stderr


def test_anchors_of_generated_pages_are_validated(tmp_path: Path) -> None:
    """Generated pages skip Markdown, yet links from hand-written pages to their anchors are
    still checked by MkDocs: a missing anchor fails --strict, existing ones pass."""
    config = write_config(tmp_path)
    (tmp_path / "docs" / "akun.md").write_text(
        "# Cara mendapatkan akun\n\n[a](sumber/garuda.md#keterangan) "
        "[b](katalog/index.md#huruf-g) [c](sumber/garuda.md#tidak-ada)\n",
        encoding="utf-8",
    )
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["validation"] = {"anchors": "warn"}
    config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    result = mkdocs_build(config, GOOD_CATALOG)
    assert result.returncode != 0
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1
    assert "'sumber/garuda.md#tidak-ada'" in warnings[0]
