"""docs/javascripts/az-filter.js run by Node on the built A–Z page's items (skipped without
Node): each filter hides and shows the existing items, alternates only without a filter."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.site.html_parts import elements
from tests.site.site_build import REPO, BuiltSite

HARNESS = Path(__file__).resolve().parent / "az_filter_harness.js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


def run_filter(built_site: BuiltSite, tmp_path: Path, steps: list[dict], search: str = "") -> list:
    sections: dict[str, list[dict]] = {}
    for li in elements(built_site.read("katalog/index.html"), "li"):
        classes = li.attrs.get("class", "")
        if "az-item" in classes.split():
            dataset = {
                name.removeprefix("data-"): value
                for name, value in li.attrs.items()
                if name.startswith("data-")
            }
            item = {"className": classes, "dataset": dataset, "label": li.text.split(" ")[0]}
            sections.setdefault(li.section, []).append(item)
    data = {
        "sections": [{"id": key, "items": items} for key, items in sections.items()],
        "steps": steps,
        "search": search,
    }
    data_file = tmp_path / "az.json"
    data_file.write_text(json.dumps(data), encoding="utf-8")
    script = REPO / "docs" / "javascripts" / "az-filter.js"
    result = subprocess.run(
        [NODE, str(HARNESS), str(script), str(data_file)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_filters_by_subject_type_access_and_text(built_site: BuiltSite, tmp_path: Path) -> None:
    start, *steps = run_filter(
        built_site,
        tmp_path,
        [
            {},
            {"subjek": "gizi"},
            {"subjek": "gizi", "akses": "members"},
            {"subjek": "", "akses": "", "jenis": "database"},
            {"jenis": "", "q": "garba RUJUKAN"},
            {"q": "tidak-ada-yang-cocok"},
            {"q": ""},
        ],
    )
    assert start == {"formHidden": False, "text": ""}
    everything, gizi, members, databases, garba, nothing, reset = steps
    assert everything["status"] == "6 sumber"
    assert "Anatomi" in everything["shown"]  # alternate names show in the full list
    assert sorted(gizi["shown"]) == ["=1+1", "Koleksi", "ProQuest"]
    assert gizi["status"] == "3 dari 6 sumber cocok"
    assert members["shown"] == ["Koleksi"]
    assert sorted(databases["shown"]) == ["Garuda", "ProQuest"]
    assert garba["shown"] == ["Garuda"]  # matched through its alternate name, listed once
    assert garba["sections"] == ["huruf-g"]
    assert nothing["shown"] == [] and nothing["emptyShown"]
    assert reset["shown"] == everything["shown"]


def test_text_from_the_home_search_box_is_applied(built_site: BuiltSite, tmp_path: Path) -> None:
    start, after = run_filter(built_site, tmp_path, [{}], search="?q=proquest")
    assert start["text"] == "proquest"
    assert after["shown"] == ["ProQuest"]
