"""Building a fixture catalog into a temporary site with the real `mkdocs build --strict`
(`tests.support.site_build.mkdocs_build`).

The build uses its own copy of mkdocs.yml (own docs_dir with only the catalog pages' assets
and a stub account page, own nav) so it depends on no hand-written page of docs/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from catalog.loader import LoadedCatalog
from catalog.site_settings import SiteSettings

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD_CATALOG = FIXTURES / "catalog.yml"
BAD_CATALOG = FIXTURES / "bad.yml"
FUNCTION_URL = "https://fungsi.example.ac.id"
PROXY_TEMPLATE = "https://proxy.example.ac.id/login?qurl={qurl}"
OWN_ASSETS = (
    "javascripts/az-filter.js",
    "javascripts/usage-count.js",
    "javascripts/search-page.js",
    "stylesheets/portal.css",
    "stylesheets/services.css",
)


@dataclass(frozen=True)
class BuiltSite:
    site: Path
    config: Path
    catalog: Path
    settings: SiteSettings
    loaded: LoadedCatalog

    def read(self, relative: str) -> str:
        return (self.site / relative).read_text(encoding="utf-8")


def write_config(folder: Path) -> Path:
    """A copy of the repository's mkdocs.yml building into `folder`, for the site tests."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    docs = folder / "docs"
    for asset in OWN_ASSETS:
        (docs / asset).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "docs" / asset, docs / asset)
    (docs / "akun.md").write_text("# Cara mendapatkan akun\n", encoding="utf-8")
    config.update(
        docs_dir=str(docs),
        site_dir=str(folder / "site"),
        hooks=[str(REPO / hook) for hook in config["hooks"]],
        nav=[
            {"Beranda": "index.md"},
            {"Katalog A–Z": "katalog/index.md"},
            {"Subjek": "subjek/index.md"},
            {"Cari": "cari/index.md"},
            {"Cara mendapatkan akun": "akun.md"},
        ],
    )
    config["theme"]["custom_dir"] = str(REPO / "overrides")
    config["extra"]["catalog"].update(function_url=FUNCTION_URL, proxy_template=PROXY_TEMPLATE)
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return path

