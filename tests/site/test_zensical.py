"""The way out of Material's end of life: the same site built with Zensical (from the pages
scripts/build_pages.py writes, by scripts/build_zensical.py) lists the same resources with the
same links as the MkDocs build.

Skipped with the reason when Zensical is not installed (`pip install -e '.[dev]'` installs
it), except under CI (`CI=true`), where that is a failure.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.site.html_parts import article, elements
from tests.site.site_build import REPO, BuiltSite

pytestmark = pytest.mark.slow


def require_zensical() -> None:
    if importlib.util.find_spec("zensical") is not None:
        return
    reason = "Zensical is not installed (pip install -e '.[dev]')"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def zensical_site(built_site: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_zensical()
    out = tmp_path_factory.mktemp("zensical") / "site"
    command = [sys.executable, str(REPO / "scripts" / "build_zensical.py"), str(out)]
    command += ["--config", str(built_site.config), "--catalog", str(built_site.catalog)]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=600, check=False, env=build_env()
    )
    assert result.returncode == 0, result.stderr
    return out


def build_env() -> dict[str, str]:
    """The environment of the Zensical build. Under libfaketime (a run with a faked clock) the
    monotonic clock is left real: faked, it stalls Zensical's runtime forever. The wall clock,
    the one that dates pages, stays faked."""
    env = dict(os.environ)
    if "faketime" in env.get("LD_PRELOAD", ""):
        env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
    return env


def resource_pages(site: Path) -> dict[str, dict[str, object]]:
    """Per resource page: its name and every link of its content, in order."""
    pages = {}
    for index in sorted((site / "sumber").glob("*/index.html")):
        content = article(index.read_text(encoding="utf-8"))
        [name] = [h1.text.strip() for h1 in elements(content, "h1")]
        links = [a.attrs["href"] for a in elements(content, "a") if "href" in a.attrs]
        pages[index.parent.name] = {"name": name, "links": links}
    return pages


def listed_resources(site: Path, page: str) -> list[str]:
    content = article((site / page).read_text(encoding="utf-8"))
    return [a.attrs["href"] for a in elements(content, "a") if "sumber/" in a.attrs.get("href", "")]


def test_both_builds_publish_the_same_resource_pages(
    built_site: BuiltSite, zensical_site: Path
) -> None:
    mkdocs_pages = resource_pages(built_site.site)
    assert len(mkdocs_pages) == 6
    assert resource_pages(zensical_site) == mkdocs_pages


@pytest.mark.parametrize(
    "page", ["index.html", "katalog/index.html", "subjek/gizi/index.html", "akses/paid/index.html"]
)
def test_both_builds_list_the_same_resources(
    built_site: BuiltSite, zensical_site: Path, page: str
) -> None:
    assert listed_resources(zensical_site, page) == listed_resources(built_site.site, page)


def test_both_builds_export_the_same_data(built_site: BuiltSite, zensical_site: Path) -> None:
    for export in ("resources.json", "resources.csv", "robots.txt"):
        assert (zensical_site / export).read_bytes() == (built_site.site / export).read_bytes()


def test_the_zensical_site_has_the_search_index(zensical_site: Path) -> None:
    assert (zensical_site / "pagefind" / "pagefind-entry.json").is_file()
    assert (zensical_site / "cari" / "index.html").is_file()
