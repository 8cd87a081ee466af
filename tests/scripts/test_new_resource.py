"""`scripts/new_resource.py`: answers through stdin, on a copy of the real catalog."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from catalog.loader import load_catalog
from catalog.site_settings import library_today

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "new_resource.py"


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    copy = tmp_path / "resources.yml"
    shutil.copy(ROOT / "resources.yml", copy)
    return copy


def run(catalog: Path, answers: list[str] | None = None, *args: str):
    stdin = "".join(f"{answer}\n" for answer in answers) if answers is not None else ""
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(catalog), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


ANSWERS = [
    "Jurnal Ners: Edisi Khusus",  # name (": " needs quotes)
    "",  # id: keep the suggestion
    "htp://salah",  # url refused, asked again
    "https://e-journal.example.ac.id/ners",
    "gratis",  # refused
    "free",
    "journal",
    "keperawatan, tidak-ada",  # refused: unknown subject
    "keperawatan, kebidanan",
    "Jurnal keperawatan akses terbuka; cocok untuk tugas akhir.",
    "Universitas Contoh",  # provider
    "id, en",  # languages
    "",  # alt_names skipped
    "asuhan keperawatan, ners",  # keywords
    "",  # how_to_access skipped
]


def test_answers_through_stdin_append_a_valid_entry(catalog: Path):
    original = catalog.read_text(encoding="utf-8")
    before = library_today(catalog)
    done = run(catalog, ANSWERS)
    after = library_today(catalog)
    assert done.returncode == 0, done.stderr
    assert "URL harus diawali https://" in done.stderr
    assert "pilih salah satu: free, paid, members" in done.stderr
    assert "subjek tidak dikenal: tidak-ada" in done.stderr

    text = catalog.read_text(encoding="utf-8")
    assert text.startswith(original.rstrip("\n"))  # comments and order untouched
    loaded = load_catalog(catalog)
    resource = loaded.resources_by_id["jurnal-ners-edisi-khusus"]
    assert resource.name == "Jurnal Ners: Edisi Khusus"
    assert resource.subjects == ["keperawatan", "kebidanan"]
    assert resource.languages == ["id", "en"]
    assert resource.added in {before, after}  # the library's date (no mkdocs.yml here: WIB)
    assert resource.alt_names == []

    lines = text.splitlines()
    first = lines.index("  - id: jurnal-ners-edisi-khusus") + 1
    assert lines[first - 2] == ""  # a blank line before the entry
    assert f"{catalog}:{first}-{len(lines)}" in done.stdout
    assert lines[first] == '    name: "Jurnal Ners: Edisi Khusus"'
    assert "    subjects: [keperawatan, kebidanan]" in lines


def test_a_taken_id_is_refused(catalog: Path):
    answers = ["Garuda", "", "garuda-baru", *ANSWERS[3:]]
    done = run(catalog, answers)
    assert done.returncode == 0, done.stderr
    assert "id 'garuda' sudah dipakai sumber lain" in done.stderr
    assert "garuda-baru" in load_catalog(catalog).resources_by_id


def test_answers_that_stop_early_write_nothing(catalog: Path):
    original = catalog.read_text(encoding="utf-8")
    done = run(catalog, ANSWERS[:4])
    assert done.returncode == 1
    assert "jawaban berhenti" in done.stderr
    assert catalog.read_text(encoding="utf-8") == original


def test_from_json(catalog: Path, tmp_path: Path):
    fields = {
        "id": "contoh-json",
        "name": "Contoh JSON",
        "url": "https://contoh.example/",
        "access": "members",
        "type": "ebook",
        "subjects": ["umum"],
        "description": "Contoh.",
        "added": "2026-01-05",
    }
    source = tmp_path / "entry.json"
    source.write_text(json.dumps(fields), encoding="utf-8")
    done = run(catalog, None, "--from-json", str(source))
    assert done.returncode == 0, done.stderr
    resource = load_catalog(catalog).resources_by_id["contoh-json"]
    assert resource.added == date(2026, 1, 5)
    assert resource.access.value == "members"


def test_from_json_names_every_bad_field(catalog: Path, tmp_path: Path):
    original = catalog.read_text(encoding="utf-8")
    source = tmp_path / "entry.json"
    source.write_text(json.dumps({"id": "Bad Id", "url": "ftp://x", "warna": 1}))
    done = run(catalog, None, "--from-json", str(source))
    assert done.returncode == 1
    for part in ("id: hanya huruf kecil", "url: URL harus", "name: wajib", "warna"):
        assert part in done.stderr
    assert catalog.read_text(encoding="utf-8") == original
