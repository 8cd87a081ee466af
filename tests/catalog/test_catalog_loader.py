"""The public interface: load_catalog, LoadedCatalog, Problem and CatalogError."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from catalog.errors import CatalogError, Problem
from catalog.loader import LoadedCatalog, load_catalog
from catalog.models import Access, Catalog, ResourceType
from tests.catalog.catalog_texts import GOOD_CATALOG, TODAY


@pytest.fixture(scope="module")
def good() -> LoadedCatalog:
    return load_catalog(GOOD_CATALOG, today=TODAY)


def test_good_catalog_loads_into_typed_models(good):
    assert isinstance(good.catalog, Catalog)
    assert good.path == GOOD_CATALOG
    assert [subject.id for subject in good.catalog.subjects] == ["umum", "keperawatan", "kebidanan"]
    garuda = good.catalog.resources[0]
    assert garuda.access is Access.FREE
    assert garuda.type is ResourceType.DATABASE
    assert garuda.added == date(2021, 6, 22)
    assert garuda.alt_names == ["Garba Rujukan Digital"]
    assert garuda.featured is True
    assert {resource.access for resource in good.catalog.resources} == set(Access)


def test_good_catalog_warns_about_its_expired_resource_only(good):
    assert good.warnings == [
        Problem(
            path=str(GOOD_CATALOG),
            line=76,
            item_id="arsip-lama",
            message="masa tersedia berakhir 2020-12-31; sumber ini tidak tampil di situs (hapus"
            " entrinya atau perbarui tanggalnya)",
            severity="warning",
        )
    ]


def test_available_leaves_out_expired_resources(good):
    ids = [resource.id for resource in good.available(TODAY)]
    assert ids == ["garuda", "doaj", "proquest-health", "ebook-kebidanan", "panduan-klinis"]
    assert "arsip-lama" in [resource.id for resource in good.available(date(2020, 12, 31))]


def test_line_of_points_at_the_entry(good):
    lines = GOOD_CATALOG.read_text(encoding="utf-8").splitlines()
    assert lines[good.line_of("doaj") - 1] == "  - id: doaj"
    assert lines[good.line_of("kebidanan") - 1] == "  - id: kebidanan"
    with pytest.raises(KeyError):
        good.line_of("tidak-ada")


def test_subjects_by_id(good):
    assert good.subjects_by_id["umum"].description == "Sumber untuk semua program studi."
    assert set(good.subjects_by_id) == {"umum", "keperawatan", "kebidanan"}


def test_markup_is_kept_as_plain_text(good):
    guide = good.resources_by_id["panduan-klinis"]
    assert guide.description == "Pedoman praktik klinis. <script>alert(1)</script>"


def test_path_is_reported_as_given(catalog_dir):
    (catalog_dir / "data").mkdir()
    (catalog_dir / "data" / "katalog.yml").write_text("subjects: []\nresources: []\n")
    with pytest.raises(CatalogError) as failure:
        load_catalog(Path("data/katalog.yml"))
    assert str(failure.value) == (
        "data/katalog.yml:1: subjects: kolom 'subjects' harus berisi paling sedikit 1 isian"
    )


def test_problem_and_error_text():
    problem = Problem("resources.yml", 42, "garuda", "pesan")
    assert str(problem) == "resources.yml:42: garuda: pesan"
    assert problem.severity == "error"
    error = CatalogError([problem, Problem("resources.yml", 50, "-", "lain")])
    assert str(error) == "resources.yml:42: garuda: pesan\nresources.yml:50: -: lain"
    assert error.warnings == []
