"""`scripts/validate.py` as librarians and CI run it: output, summary, exit code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from catalog_texts import GOOD_CATALOG, edited

VALIDATE = Path(__file__).resolve().parents[2] / "scripts" / "validate.py"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(VALIDATE), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_valid_catalog_exits_0_and_prints_warnings(tmp_path):
    shutil.copy(GOOD_CATALOG, tmp_path / "resources.yml")
    result = run(cwd=tmp_path)  # the default path: ./resources.yml
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "resources.yml:76: arsip-lama: peringatan: masa tersedia berakhir 2020-12-31; sumber ini"
        " tidak tampil di situs (hapus entrinya atau perbarui tanggalnya)",
        "resources.yml: katalog valid — 6 sumber, 3 subjek, 1 peringatan.",
    ]


def test_invalid_catalog_exits_1_with_every_error_on_stderr(tmp_path):
    text = edited("    access: free\n", "    access: gratis\n").replace(
        "name: Garuda", "name: 2024"
    )
    (tmp_path / "katalog.yml").write_text(text, encoding="utf-8")
    result = run("katalog.yml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "katalog.yml:6: garuda: kolom 'name' harus berupa teks, tetapi 2024 terbaca sebagai"
        ' angka; tulis dalam tanda kutip: "2024"',
        "katalog.yml:8: garuda: kolom 'access' berisi 'gratis' yang tidak dikenal; pilih salah"
        " satu: free, paid, members",
        "katalog.yml: katalog TIDAK valid — 2 galat, 0 peringatan.",
    ]


def test_missing_file_exits_1(tmp_path):
    result = run("tidak-ada.yml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == ("tidak-ada.yml:1: -: berkas tidak ditemukan")


def test_github_annotations(tmp_path):
    text = (
        edited(
            "    added: 2021-06-22\n", "    added: 2019-01-01\n    available_until: 2020-01-01\n"
        )
        .replace("access: free", "acess: free")
        .replace("name: Garuda", "name: 'Garuda: 100% terbuka'")
    )
    (tmp_path / "resources.yml").write_text(text, encoding="utf-8")
    result = run("resources.yml", "--github", cwd=tmp_path)
    assert result.returncode == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations == [
        "::error file=resources.yml,line=8::garuda: kolom tidak dikenal 'acess' (maksudnya"
        " 'access'?)",
        "::warning file=resources.yml,line=13::garuda: masa tersedia berakhir 2020-01-01;"
        " sumber ini tidak tampil di situs (hapus entrinya atau perbarui tanggalnya)",
    ]
