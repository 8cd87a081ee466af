"""Cross-checks between entries: ids, subjects, dates, URLs; all reported in one pass."""

from __future__ import annotations

import pytest

from catalog.errors import CatalogError
from catalog.loader import load_catalog
from tests.catalog.catalog_texts import TODAY, VALID_CATALOG, edited, resource


def test_duplicate_resource_id(errors_of):
    text = VALID_CATALOG + resource("garuda")
    assert errors_of(text) == [
        "resources.yml:13: garuda: id sumber 'garuda' sudah dipakai di baris 5; setiap id harus"
        " unik"
    ]


def test_duplicate_subject_id(errors_of):
    text = edited("    name: Umum\n", "    name: Umum\n  - id: umum\n    name: Umum Lagi\n")
    assert errors_of(text) == [
        "resources.yml:4: umum: id subjek 'umum' sudah dipakai di baris 2; setiap id harus unik"
    ]


def test_unknown_subject_suggests_the_closest(errors_of):
    text = edited("    subjects: [umum]\n", "    subjects: [umum, umun]\n")
    assert errors_of(text) == [
        "resources.yml:10: garuda: subjek 'umun' tidak ada di daftar 'subjects' (maksudnya 'umum'?)"
    ]


def test_unknown_subject_lists_the_subjects(errors_of):
    text = edited("    subjects: [umum]\n", "    subjects:\n      - umum\n      - farmasi\n")
    assert errors_of(text) == [
        "resources.yml:12: garuda: subjek 'farmasi' tidak ada di daftar 'subjects'; yang ada: umum"
    ]


def test_subject_named_twice(errors_of):
    text = edited("    subjects: [umum]\n", "    subjects: [umum, umum]\n")
    assert errors_of(text) == ["resources.yml:10: garuda: subjek 'umum' ditulis dua kali"]


def test_available_until_must_follow_added(errors_of):
    text = edited(
        "    added: 2021-06-22\n", "    added: 2021-06-22\n    available_until: 2021-06-01\n"
    )
    assert errors_of(text) == [
        "resources.yml:13: garuda: 'available_until' 2021-06-01 harus sesudah 'added' 2021-06-22"
    ]


def test_added_must_not_be_in_the_future(errors_of):
    text = edited("    added: 2021-06-22\n", "    added: 2026-01-16\n")
    assert errors_of(text) == [
        "resources.yml:12: garuda: tanggal 'added' 2026-01-16 belum terjadi (hari ini 2026-01-15)"
    ]


def test_expired_resource_is_a_warning_only(load_text):
    text = edited(
        "    added: 2021-06-22\n", "    added: 2019-01-01\n    available_until: 2020-12-31\n"
    )
    loaded = load_text(text)
    assert [str(warning) for warning in loaded.warnings] == [
        "resources.yml:13: garuda: masa tersedia berakhir 2020-12-31; sumber ini tidak tampil"
        " di situs (hapus entrinya atau perbarui tanggalnya)"
    ]
    assert [warning.severity for warning in loaded.warnings] == ["warning"]


def test_resource_available_through_its_last_day(warnings_of):
    text = edited(
        "    added: 2021-06-22\n", "    added: 2021-06-22\n    available_until: 2026-01-15\n"
    )
    assert warnings_of(text) == []


def test_duplicate_url_is_a_warning(warnings_of):
    text = VALID_CATALOG + resource(url="HTTPS://Garuda.kemdikbud.go.id")
    assert [str(warning) for warning in warnings_of(text)] == [
        "resources.yml:15: kedua: URL yang sama sudah dipakai sumber 'garuda' (baris 7)"
    ]


def test_every_problem_is_reported_in_one_pass_in_file_order(catalog_dir):
    text = (
        edited("    access: free\n", "    acess: free\n")
        + resource("garuda", subjects="[gizi]", added="2021-02-30")
        + resource(
            "ketiga", url="javascript:alert(1)", available_until="2020-01-01", added="2019-05-05"
        )
        + resource("keempat", url="https://kedua.example.org/", featured="No")
    )
    (catalog_dir / "resources.yml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as failure:
        load_catalog("resources.yml", today=TODAY)
    errors = [str(problem) for problem in failure.value.problems]
    warnings = [str(problem) for problem in failure.value.warnings]
    assert errors == [
        "resources.yml:8: garuda: kolom tidak dikenal 'acess' (maksudnya 'access'?)",
        "resources.yml:13: garuda: id sumber 'garuda' sudah dipakai di baris 5; setiap id harus"
        " unik",
        "resources.yml:18: garuda: subjek 'gizi' tidak ada di daftar 'subjects'; yang ada: umum",
        "resources.yml:20: garuda: tanggal '2021-02-30' tidak ada di kalender; periksa bulan dan"
        " harinya",
        "resources.yml:23: ketiga: kolom 'url': URL harus diawali https:// atau http://",
        "resources.yml:38: keempat: kolom 'featured' harus true atau false, bukan 'No'",
    ]
    assert warnings == [
        "resources.yml:29: ketiga: masa tersedia berakhir 2020-01-01; sumber ini tidak tampil di"
        " situs (hapus entrinya atau perbarui tanggalnya)",
        "resources.yml:32: keempat: URL yang sama sudah dipakai sumber 'garuda' (baris 15)",
    ]
